"""The web application through FastAPI's TestClient: pages, their JSON twins, filters,
the story page's aligned sources, entities, articles, downloads and the OpenAPI description."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from crosswire.report import validate
from htmlcheck import elements


def ids(web_store: tuple[Path, dict[str, str]]) -> dict[str, str]:
    return web_store[1]


def first_article(client: TestClient, story_id: str) -> dict:
    return client.get(f"/api/stories/{story_id}").json()["articles"][0]


# --------------------------------------------------------------------------- JSON twins

@pytest.mark.parametrize("page, api", [
    ("/stories", "/api/stories"),
    ("/stories?q=ferry&sort=size", "/api/stories?q=ferry&sort=size"),
    ("/stories/{ferry}", "/api/stories/{ferry}"),
    ("/entities", "/api/entities"),
    ("/entities/jonas-veller", "/api/entities/jonas-veller"),
    ("/ingest", "/api/jobs"),
    ("/skipped", "/api/skipped"),
])
def test_every_page_has_a_json_twin(client: TestClient, web_store: tuple, page: str, api: str) -> None:
    page, api = page.format(**ids(web_store)), api.format(**ids(web_store))
    html = client.get(page)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    twin = client.get(page + ("&" if "?" in page else "?") + "format=json")
    assert twin.headers["content-type"].startswith("application/json")
    twin_data, data = twin.json(), client.get(api).json()
    for d in (twin_data, data):
        d.pop("generated_at", None)  # the briefing stamps its generation time
    assert twin_data == data
    # The page links its twin.
    assert any(a.get("type") == "application/json" for _, a in elements(html.text))


def test_article_page_and_twin(client: TestClient, web_store: tuple) -> None:
    article = first_article(client, ids(web_store)["ferry"])
    data = client.get(f"/api/articles/{article['id']}").json()
    assert data["text"] == article["text"]
    assert data["stories"] == [{"id": ids(web_store)["ferry"], "url": f"/stories/{ids(web_store)['ferry']}"}]
    assert client.get(f"/articles/{article['id']}?format=json").json() == data


def test_article_page_says_who_said_what(client: TestClient, web_store: tuple) -> None:
    # Each quote of the article is listed with its speaker as resolved and the words the
    # article names them by, and links to its span in the text.
    quoted = None
    for sid in ids(web_store).values():
        for article in client.get(f"/api/stories/{sid}").json()["articles"]:
            data = client.get(f"/api/articles/{article['id']}").json()
            if any(q["speaker"] for q in data["quotes"]):
                quoted = data
                break
        if quoted:
            break
    assert quoted is not None
    for q in quoted["quotes"]:
        assert set(q) >= {"speaker", "speaker_words", "cue", "warning"}
        if q["speaker_words"]:
            assert q["speaker_words"] in quoted["text"]
    html = client.get(f"/articles/{quoted['id']}").text
    assert f"Who said what ({len(quoted['quotes'])})" in html
    q = next(q for q in quoted["quotes"] if q["speaker"])
    assert f'?span={q["span"][0]}-{q["span"][1]}#hl' in html
    assert f"<td>{q['speaker']}</td>" in html


def test_story_json_is_the_contract(client: TestClient, web_store: tuple) -> None:
    for sid in ids(web_store).values():
        document = client.get(f"/api/stories/{sid}").json()
        validate(document)
        assert [s["id"] for s in document["stories"]] == [sid]


def test_openapi_describes_the_api_only(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/stories", "/api/stories/{story_id}", "/api/entities", "/api/entities/{key}",
            "/api/articles/{article_id}", "/api/jobs", "/api/jobs/{job_id}",
            "/api/ingest/upload", "/api/ingest/feed", "/api/skipped", "/api/stories.csv"} <= paths
    assert not any(p in paths for p in ("/stories", "/entities", "/ingest", "/"))
    params = {p["name"] for p in spec["paths"]["/api/stories"]["get"]["parameters"]}
    assert params == {"q", "date_from", "date_to", "outlet", "entity", "sort", "show", "page"}
    # No interactive docs: they would load scripts from a CDN.
    assert client.get("/docs").status_code == 404


# --------------------------------------------------------------------------- story list

def titles(client: TestClient, query: str) -> list[str]:
    response = client.get("/api/stories" + query)
    assert response.status_code == 200, response.text
    return [s["title"] for s in response.json()["stories"]]


FERRY, TOLLAN = "Ferry crews strike in Port Calder", "Tollan bridge works resume"


@pytest.mark.parametrize("query, expected", [
    ("", {FERRY, TOLLAN, "hostile"}),
    ("?q=ferry", {FERRY}),
    ("?q=sailings+Sorrel", {FERRY}),
    ("?q=Tollan", {TOLLAN}),
    ("?q=nothing-like-this", set()),
    ('?q="unbalanced AND OR (', set()),  # FTS syntax in user input is not an error
    ("?outlet=Riverside+Voice", {FERRY}),
    ("?outlet=riverside+voice", {FERRY}),
    ("?entity=Veller", {FERRY}),
    ("?entity=the+union", {FERRY}),  # an alias
    ("?date_from=2026-03", {FERRY}),
    ("?date_to=2026-01", {TOLLAN}),
    ("?date_from=2026-02-01&date_to=2026-02-28", {"hostile"}),
    ("?date_from=&date_to=&outlet=&entity=", {FERRY, TOLLAN, "hostile"}),
])
def test_story_list_filters(client: TestClient, query: str, expected: set[str]) -> None:
    found = {("hostile" if t and t.startswith("Council vote") else t) for t in titles(client, query)}
    assert found == expected


@pytest.mark.parametrize("query", ["walk", "walking", "HIRE", "Sorr*", "sorrel* walk*"])
def test_search_matches_word_stems_and_prefixes(client: TestClient, query: str) -> None:
    assert titles(client, "?q=" + query) == [FERRY]


def test_search_shows_where_each_story_matched(client: TestClient) -> None:
    story = client.get("/api/stories?q=walk").json()["stories"][0]
    match = story["match"]
    assert match["url"] == f"/articles/{match['article_id']}"
    hits = [p["text"] for p in match["pieces"] if p["hit"]]
    assert hits and all(h.lower().startswith("walk") for h in hits)
    snippet = "".join(p["text"] for p in match["pieces"])
    assert "walked off the job" in snippet
    page = client.get("/stories?q=walk").text
    assert re.search(r'<p class="card-match"><a href="/articles/a_[0-9a-f]+">.*<mark>walked</mark>',
                     page)
    # Without a query there is nothing to match.
    assert all(s["match"] is None for s in client.get("/api/stories").json()["stories"])


def test_story_list_sorts(client: TestClient) -> None:
    assert titles(client, "?sort=size")[0] == FERRY  # four articles
    recent = client.get("/api/stories?sort=recent").json()["stories"]
    lasts = [s["last_published"] for s in recent]
    assert lasts == sorted(lasts, reverse=True)
    assert client.get("/api/stories?q=ferry").json()["query"]["sort"] == "relevance"


@pytest.mark.parametrize("query", ["?date_from=March", "?date_to=2026-3-1", "?sort=alphabet",
                                   "?page=0", "?page=x", "?q=" + "x" * 301])
def test_story_list_rejects_bad_parameters(client: TestClient, query: str) -> None:
    assert client.get("/api/stories" + query).status_code == 422
    page = client.get("/stories" + query)
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")


def test_story_list_page_beyond_the_end_shows_the_last(client: TestClient) -> None:
    data = client.get("/api/stories?page=99").json()
    assert data["page"] == data["pages"] == 1 and data["total"] == 3


def test_story_list_counts_what_the_story_page_shows(client: TestClient) -> None:
    for listed in client.get("/api/stories").json()["stories"]:
        story = client.get(f"/api/stories/{listed['id']}").json()["stories"][0]
        statuses = [c["status"] for c in story["claims"]]
        assert listed["corroborated"] == statuses.count("corroborated")
        assert listed["single_source"] == statuses.count("single-source")
        assert listed["disputes"] == sum(len(c.get("conflicts", [])) for c in story["claims"])
        assert listed["possible_differences"] == sum(
            len(c.get("possible_conflicts", [])) for c in story["claims"])
        assert listed["independent_sources"] == story["independent_sources"]


def test_story_list_puts_what_needs_attention_first(client: TestClient) -> None:
    data = client.get("/api/stories").json()
    assert data["query"]["sort"] == "attention"
    keys = [(s["disputes"], s["possible_differences"]) for s in data["stories"]]
    assert keys == sorted(keys, reverse=True) and keys[0][0] > 0
    disputed = client.get("/api/stories?show=disputed").json()["stories"]
    assert disputed and all(s["disputes"] for s in disputed)
    assert {s["id"] for s in disputed} == {s["id"] for s in data["stories"] if s["disputes"]}
    single = client.get("/api/stories?show=single").json()["stories"]
    assert {s["id"] for s in single} == {
        s["id"] for s in data["stories"] if s["independent_sources"] == 1}
    assert client.get("/api/stories?show=everything").status_code == 422


def test_story_list_exports_csv_with_the_same_filters(client: TestClient) -> None:
    import csv
    import io

    response = client.get("/api/stories.csv?show=disputed")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    listed = client.get("/api/stories?show=disputed").json()["stories"]
    assert [r["id"] for r in rows] == [s["id"] for s in listed]
    assert [int(r["disputes"]) for r in rows] == [s["disputes"] for s in listed]
    assert rows[0]["outlets"] == "; ".join(listed[0]["outlets"])
    # The page links the export of what it shows.
    assert "/api/stories.csv?show=disputed" in client.get("/stories?show=disputed").text


def test_story_csv_cells_never_run_as_formulas() -> None:
    from crosswire.web.queries import CSV_COLUMNS, story_csv

    story = dict.fromkeys(CSV_COLUMNS, "")
    story.update(title="=HYPERLINK(\"http://x.example\")", lede="+1 more", outlets=["@outlet"])
    text = story_csv({"stories": [story]})
    assert "'=HYPERLINK" in text and "'+1 more" in text and "'@outlet" in text


def test_story_list_page_renders_filters_and_cards(client: TestClient) -> None:
    html = client.get("/stories?q=ferry").text
    assert 'role="search"' in html and 'value="ferry"' in html
    assert html.count('class="story-card"') == 1
    assert "Calder Evening Post" in html


# --------------------------------------------------------------------------- story page

def claim_ids(client: TestClient, story_id: str) -> dict[str, dict]:
    story = client.get(f"/api/stories/{story_id}").json()["stories"][0]
    return {c["text"]: c for c in story["claims"]}


def test_story_page_marks_a_claims_words_in_every_source(client: TestClient, web_store: tuple) -> None:
    sid = ids(web_store)["ferry"]
    document = client.get(f"/api/stories/{sid}").json()
    texts = {a["id"]: a["text"] for a in document["articles"]}
    claim = next(c for c in document["stories"][0]["claims"] if c["status"] == "corroborated")
    html = client.get(f"/stories/{sid}?claim={claim['id']}").text
    columns = re.findall(r'<article class="column( silent)?"[^>]*data-article="(a_[0-9a-f]+)">(.*?)</article>',
                         html, re.S)
    assert len(columns) == len(texts)
    for silent, article_id, body in columns:
        marked = re.findall(r'<mark class="ev sel" data-c="[^"]*">(.*?)</mark>', body, re.S)
        spans = [m["span"] for m in claim["mentions"] if m["article_id"] == article_id]
        if spans:
            assert not silent and marked
            assert "".join(marked) == "".join(texts[article_id][s:e] for s, e in sorted(spans))
        else:
            assert silent and not marked
    assert 'aria-current="true"' in html and "Showing:" in html


def test_story_page_without_a_selected_claim_marks_nothing(client: TestClient, web_store: tuple) -> None:
    html = client.get(f"/stories/{ids(web_store)['ferry']}?claim=c_0000").text
    assert 'class="ev sel"' not in html and "Showing:" not in html
    assert html.count('<mark class="ev"') > 10


def test_story_page_sections_and_landmarks(client: TestClient, web_store: tuple) -> None:
    html = client.get(f"/stories/{ids(web_store)['ferry']}").text
    tags = [t for t, _ in elements(html)]
    assert tags.count("main") == 1 and "header" in tags and "nav" in tags and "footer" in tags
    assert len(re.findall(r"<h1[ >]", html)) == 1
    for section in ("summary", "facts", "disputes", "possible", "claimants", "updates", "quotes",
                    "numbers", "timeline", "provenance", "per-source", "matrix", "sources"):
        assert f'<section id="{section}" aria-labelledby="h-{section}">' in html
        assert f'<h2 id="h-{section}">' in html
    assert '<th scope="col"' in html and '<th scope="row"' in html
    assert html.count("<svg") == 3


def test_story_page_ranks_disputes_and_folds_possible_differences(client: TestClient,
                                                                    web_store: tuple) -> None:
    html = client.get(f"/stories/{ids(web_store)['ferry']}").text
    nav = html.split('<nav class="toc"')[1].split("</nav>")[0]
    assert re.findall(r'href="#(\w[\w-]*)"', nav)[:6] == [
        "summary", "facts", "disputes", "possible", "claimants", "updates"]
    disputes = html.split('<section id="disputes"')[1].split("<section")[0]
    assert re.findall(r'<span class="badge level (\w+)">', disputes) == [
        "high", "high", "medium", "unscored", "unscored"]
    assert "confidence high (0.91)" in disputes and "confidence medium (0.66)" in disputes
    assert disputes.count("One side’s report was made from the other’s.") == 3
    assert "safety rota?" not in disputes
    possible = html.split('<section id="possible"')[1].split("<section")[0]
    assert [a for t, a in elements(possible) if t == "details"] == [{"class": "possible"}]
    assert "<summary>1 possible difference, too uncertain to call disputes</summary>" in possible
    assert "Over working hours or over the safety rota?" in possible
    assert "confidence low (0.31)" in possible
    # The ferry story has no claim with two claimants and no revised figure.
    assert "No claim has figures from more than one claimant." in html
    assert "No figures revised over time found." in html


def test_sparse_story_degrades_gracefully(client: TestClient, web_store: tuple) -> None:
    response = client.get(f"/stories/{ids(web_store)['sparse']}")
    assert response.status_code == 200
    html = response.text
    assert "No claims aligned across sources yet" in html and "No quotes found" in html
    assert "nothing to highlight" in html and '<nav class="claim-picker"' not in html


@pytest.mark.parametrize("path", ["/stories/s_0123456789abcdef", "/stories/not-an-id",
                                  "/api/stories/s_ffff", "/entities/nobody-at-all",
                                  "/api/articles/a_0000", "/articles/a_zz",
                                  "/api/jobs/nojob"])
def test_unknown_things_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    if path.startswith("/api/"):
        assert "detail" in response.json()
    else:
        assert "<h1>Not found</h1>" in response.text


# --------------------------------------------------------------------------- entities, articles, downloads

def test_entity_page_gathers_what_a_person_said(client: TestClient, web_store: tuple) -> None:
    data = client.get("/api/entities/jonas-veller").json()
    assert data["name"] == "Jonas Veller" and data["type"] == "PERSON"
    assert data["roles"] == ["union leader"] and "Veller" in data["aliases"]
    (story,) = data["stories"]
    assert story["id"] == ids(web_store)["ferry"]
    (statement,) = story["said"]
    assert len(statement["wordings"]) == 2
    for wording in statement["wordings"]:
        for cite in wording["cites"]:
            assert cite["text"] in wording["text"] or wording["text"] in cite["text"]
    ministry = client.get("/api/entities/transport-ministry").json()
    assert {f["value"] for f in ministry["stories"][0]["figures"]} == {1200, 1500}
    assert ministry["stories"][0]["credited"]  # the 1,200 claim is credited to the ministry
    html = client.get("/entities/jonas-veller").text
    assert "2 wordings across outlets" in html


def test_entity_list_and_search(client: TestClient) -> None:
    names = [e["name"] for e in client.get("/api/entities").json()["entities"]]
    assert "Jonas Veller" in names and "Mira Castell" in names
    found = client.get("/api/entities?q=castell").json()["entities"]
    assert [e["name"] for e in found] == ["Mira Castell"]
    assert "Port Calder" not in names  # a place: not someone who says things
    everything = [e["name"] for e in client.get("/api/entities?kind=all").json()["entities"]]
    assert "Port Calder" in everything and set(names) < set(everything)
    assert client.get("/api/entities?kind=places").status_code == 422


def test_article_page_highlights_a_cited_span(client: TestClient, web_store: tuple) -> None:
    article = first_article(client, ids(web_store)["ferry"])
    words = "Ferry Crews Union"
    start = article["text"].index(words)
    html = client.get(f"/articles/{article['id']}?span={start}-{start + len(words)}").text
    assert re.search(r'<mark class="[^"]*k-hl[^"]*" id="hl" tabindex="-1">' + words, html)
    assert client.get(f"/articles/{article['id']}?span=5-999999").status_code == 200  # ignored
    assert client.get(f"/articles/{article['id']}?span=abc").status_code == 422


@pytest.mark.parametrize("fmt, media", [("md", "text/markdown"), ("html", "text/html"),
                                        ("json", "application/json")])
def test_briefing_downloads(client: TestClient, web_store: tuple, fmt: str, media: str) -> None:
    response = client.get(f"/stories/{ids(web_store)['ferry']}/briefing.{fmt}")
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert "attachment" in response.headers["content-disposition"]
    if fmt == "html":
        assert "style-src 'unsafe-inline'" in response.headers["content-security-policy"]
        assert "script-src" not in response.headers["content-security-policy"]
    assert client.get(f"/stories/{ids(web_store)['ferry']}/briefing.pdf").status_code == 422


# --------------------------------------------------------------------------- the command

def test_serve_command_passes_its_options(web_store: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from crosswire.cli import app as cli

    started: dict = {}

    def run(asgi_app, host: str, port: int, **kwargs: object) -> None:  # type: ignore[no-untyped-def]
        started.update(app=asgi_app, host=host, port=port)

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.setenv("CROSSWIRE_WEB__TOKEN", "from-the-environment")
    result = CliRunner().invoke(cli, ["serve", "--db", str(web_store[0]), "--port", "9123", "-q"])
    assert result.exit_code == 0, result.output
    assert (started["host"], started["port"]) == ("127.0.0.1", 9123)
    config = started["app"].state.config
    assert config.web.token == "from-the-environment" and config.db == web_store[0]
    with TestClient(started["app"]) as c:
        assert c.get("/api/jobs").json()["writes_enabled"] is True


def test_big_story_pages_limit_the_source_columns(client: TestClient, web_store: tuple,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from crosswire.web import queries

    sid = ids(web_store)["ferry"]
    claim = next(c for c in client.get(f"/api/stories/{sid}").json()["stories"][0]["claims"]
                 if c["text"].startswith("Analysts"))  # in the fourth source only
    monkeypatch.setattr(queries, "MAX_PANELS", 2)
    html = client.get(f"/stories/{sid}?claim={claim['id']}").text
    assert html.count('<article class="column') == 2 and "Showing 2 of 4 sources" in html
    assert 'class="ev sel"' in html  # the source with the claim is among those shown
    full = client.get(f"/stories/{sid}?claim={claim['id']}&all_sources=1").text
    assert full.count('<article class="column') == 4 and "Showing 2 of" not in full


def test_a_rebuilt_story_is_never_served_stale(writable_db: Path,
                                               web_store: tuple[Path, dict[str, str]]) -> None:
    # The application keeps built stories in memory; saving a story again, even within the
    # same second, must show the new version on the page, in the API and on entity pages.
    import dataclasses

    from crosswire.store import Store
    from crosswire.web import create_app
    from webtools import web_config

    sid = web_store[1]["ferry"]
    with TestClient(create_app(web_config(writable_db))) as c:
        before = c.get(f"/api/stories/{sid}").json()["stories"][0]
        assert c.get(f"/stories/{sid}").status_code == 200
        with Store(writable_db) as store:
            story = store.story(sid)
            assert story is not None
            store.save_stories([dataclasses.replace(story, independent_sources=99)])
        after = c.get(f"/api/stories/{sid}").json()["stories"][0]
        assert before["independent_sources"] != 99
        assert after["independent_sources"] == 99
        assert "99" in c.get(f"/stories/{sid}").text


def test_a_merged_story_redirects_to_the_story_it_went_into(
        writable_db: Path, web_store: tuple[Path, dict[str, str]]) -> None:
    # Placement deletes a story merged into another and records where it went: every link
    # to the old id (page, JSON, downloads, the CLI's story reference) reaches the new one.
    from crosswire import brief
    from crosswire.store import Store
    from crosswire.web import create_app
    from webtools import web_config

    kept, merged = web_store[1]["ferry"], "s_0123456789abcdef"
    with Store(writable_db) as store:
        store.delete_stories([merged], into={merged: kept})
        assert store.redirect(merged) == kept and store.redirect(kept) is None
        assert brief.resolve_story(store, merged) == kept
    with TestClient(create_app(web_config(writable_db))) as c:
        for path in (f"/stories/{merged}?all_sources=1", f"/api/stories/{merged}",
                     f"/stories/{merged}/briefing.md"):
            response = c.get(path, follow_redirects=False)
            assert response.status_code == 301
            assert response.headers["location"] == path.replace(merged, kept)
        assert c.get(f"/api/stories/{merged}").json()["stories"][0]["id"] == kept
        assert c.get("/api/stories/s_fedcba9876543210").status_code == 404


# --------------------------------------------------------------------------- skipped

def test_skipped_page_lists_skipped_inputs_and_articles_in_no_story(writable_db: Path) -> None:
    from crosswire.clean import Cleaner
    from crosswire.records import RawDocument, Skipped
    from crosswire.store import Store
    from crosswire.web import create_app
    from webtools import web_config

    german = ("Der Hafen von Orla blieb am Montag den zweiten Tag in Folge geschlossen, nachdem "
              "der Sturm die Hauptmole beschädigt hatte, teilte die Hafenbehörde mit.")
    raw = RawDocument(source="in/hafen.txt", format="text", raw=german.encode())
    article = Cleaner()(raw)
    with Store(writable_db) as store:
        for n in range(3):
            store.add_skipped(Skipped(f"in/broken-{n}.html", "clean", "<script>x</script> no text"))
        store.add_article(raw, article)
    with TestClient(create_app(web_config(writable_db))) as c:
        data = c.get("/api/skipped").json()
        assert data["skipped_total"] == 3 and data["skipped_by_stage"] == {"clean": 3}
        assert {s["source"] for s in data["skipped"]} == {f"in/broken-{n}.html" for n in range(3)}
        assert data["unplaced_total"] == 1
        assert data["unplaced"][0]["id"] == article.id
        assert data["unplaced"][0]["why"] == "not in English"
        assert data["unplaced_by_language"] == [{"language": "de", "name": "German", "articles": 1}]
        page = c.get("/skipped")
        assert page.status_code == 200
        assert "in/broken-2.html" in page.text and f"/articles/{article.id}" in page.text
        assert "<script>x</script>" not in page.text  # reasons are escaped
        assert c.get("/skipped?format=json").json() == data
        assert 'href="/skipped"' in c.get("/stories").text  # reachable from every page


def test_skipped_page_of_a_clean_store_says_so(client: TestClient) -> None:
    data = client.get("/api/skipped").json()
    assert (data["skipped_total"], data["unplaced_total"]) == (0, 0)
    page = client.get("/skipped").text
    assert "No input was skipped." in page and "Every stored article is in a story." in page
