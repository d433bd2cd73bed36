"""Small fictional articles for format and bad-input tests (the full corpus is fixtures/corpus)."""

from __future__ import annotations

import gzip
import io
import json

PARAGRAPHS = [
    "LORVEN, Talmark (Eastline Wire) — Flood barriers along the river Sella failed on Tuesday "
    "night, forcing about 2,300 residents of the low districts to leave their homes, the "
    "regional emergency office said.",
    "Mayor Ida Brennholt told reporters the city would open three shelters in school halls and "
    "asked residents to avoid the bridges until engineers had inspected them.",
    "\"We had warned for two years that the barriers were too old,\" said Per Ostvik, who "
    "chairs the district council. \"Nobody listened until the water came.\"",
    "The weather service expects the river to crest on Thursday at nearly six metres, well "
    "above the record set in 2019.",
]
TITLE = "River Sella floods Lorven's low districts"


def text_article(title: str = TITLE, paragraphs: list[str] = PARAGRAPHS) -> str:
    return "\n\n".join([title, *paragraphs]) + "\n"


def html_page(title: str = TITLE, paragraphs: list[str] = PARAGRAPHS,
              published: str | None = "2025-11-04", site: str = "Talmark Courier") -> str:
    date_meta = (f'<meta property="article:published_time" content="{published}T08:00:00Z">'
                 if published else "")
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html><html><head><title>{title} | {site}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}">
<meta name="author" content="Lise Amundar">{date_meta}</head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<header><h1>{site}</h1></header>
<main><article><h1>{title}</h1>{body}</article></main>
<aside><h2>Most read</h2><ul><li><a href="/a">Ferry timetable changes</a></li>
<li><a href="/b">Cup final tickets sold out</a></li></ul></aside>
<footer>&copy; 2025 {site}. All rights reserved.</footer></body></html>"""


def json_article(**overrides: object) -> dict[str, object]:
    obj: dict[str, object] = {"title": TITLE, "maintext": "\n\n".join(PARAGRAPHS),
                              "url": "https://courier.example/2025/11/flood",
                              "source_domain": "courier.example", "date_publish": "2025-11-04 08:00:00",
                              "language": "en"}
    obj.update(overrides)
    return obj


def rss_feed(items: list[dict[str, str]], title: str = "Talmark Courier") -> str:
    entries = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link><guid>{i.get('guid', i['link'])}</guid>"
        f"<pubDate>{i.get('date', 'Tue, 04 Nov 2025 08:00:00 GMT')}</pubDate>"
        f"<description><![CDATA[{i.get('description', '')}]]></description>"
        + (f"<content:encoded><![CDATA[{i['content']}]]></content:encoded>" if i.get("content") else "")
        + "</item>" for i in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{title}</title>'
            f"<link>https://courier.example/</link><description>News</description>{entries}</channel></rss>")


def warc_record(uri: str, html: str, record_type: str = "response", date: str = "2025-11-05T06:00:00Z") -> bytes:
    payload = html.encode("utf-8")
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            + f"Content-Length: {len(payload)}\r\n\r\n".encode() + payload)
    block = http if record_type == "response" else b"software: test\r\n"
    ctype = "application/http; msgtype=response" if record_type == "response" else "application/warc-fields"
    head = (f"WARC/1.0\r\nWARC-Type: {record_type}\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Date: {date}\r\nWARC-Record-ID: <urn:uuid:{abs(hash((uri, record_type))):032x}>\r\n"
            f"Content-Type: {ctype}\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    record = head + block + b"\r\n\r\n"
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(record)
    return buf.getvalue()


def jsonl(objs: list[object]) -> str:
    return "".join(json.dumps(o) + "\n" for o in objs)
