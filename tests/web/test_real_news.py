"""The web application over real news: a store built at test time from the real-news dev
events (../shared/data/crossnews/dev, read in place, never copied; skipped when absent), seen
in headless chromium as an analyst would meet it: the story list, every story page, the
timeline, people and places, the skipped page and search, at phone (390 px) and desktop
(1,400 px) width, each page fitting its window and passing the accessibility check."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from webtools import AXE, CHROMIUM, axe_violations, serve, shot, sideways, web_config

DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "crossnews" / "dev"

try:
    from playwright.sync_api import Browser, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.browser, pytest.mark.slow,
    pytest.mark.skipif(not DEV.is_dir(), reason="needs ../shared/data/crossnews/dev beside the repo"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
    pytest.mark.skipif(sync_playwright is None, reason="needs the playwright Python package"),
]


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server over a store of every dev event analysed together."""
    from crosswire import api
    from crosswire.web import create_app

    db = tmp_path_factory.mktemp("real-news") / "crosswire.db"
    config = web_config(db)
    api.analyze([str(f) for f in sorted(DEV.glob("*/articles.jsonl"))], config)
    with serve(create_app(config)) as (base, _):
        yield base


def api(browser: Browser, url: str) -> dict:
    context = browser.new_context()
    try:
        return context.request.get(url).json()
    finally:
        context.close()


def test_every_real_story_page_fits_a_phone_and_says_what_needs_attention(
        browser: Browser, real: str) -> None:
    listing = api(browser, real + "/api/stories?sort=attention")
    stories = listing["stories"]
    assert len(stories) >= 10  # twelve events, each a story or close to it
    keys = [(s["disputes"], s["possible_differences"]) for s in stories]
    assert keys == sorted(keys, reverse=True)
    biggest = max(stories, key=lambda s: s["articles"])
    for width in (390, 1400):
        context = browser.new_context(viewport={"width": width, "height": 900})
        p = context.new_page()
        p.goto(real + "/stories")
        assert p.locator(".story-card").count() == min(len(stories), 25)
        assert sideways(p) <= 0
        shot(p, f"20-real-stories-{width}")
        for story in stories:
            p.goto(real + story["url"])
            assert sideways(p) <= 0, f"{story['url']} at {width} px scrolls sideways"
            glance = p.locator(".glance").inner_text()
            assert f"{story['disputes']} disputed point" in glance
        p.goto(real + biggest["url"])
        shot(p, f"21-real-story-{width}")
        p.locator("#timeline").scroll_into_view_if_needed()
        shot(p, f"22-real-timeline-{width}")
        p.goto(real + "/entities")
        assert sideways(p) <= 0
        shot(p, f"23-real-entities-{width}")
        context.close()


def test_real_timeline_entities_skipped_and_search(browser: Browser, real: str) -> None:
    stories = api(browser, real + "/api/stories")["stories"]
    dated = 0
    for story in stories:
        document = api(browser, real + f"/api/stories/{story['id']}")
        dated += sum(1 for e in document["stories"][0]["events"] if e["date"])
        for article in document["articles"]:
            # Every article of a story has a date: its own, or one inferred from its story.
            assert article["published"], article["id"]
    assert dated > 0
    # Outlets are never people; one entry per name.
    outlets = {o.casefold() for s in stories for o in s["outlets"]}
    entities = api(browser, real + "/api/entities?kind=all")["entities"]
    assert not [e["name"] for e in entities if e["type"] == "PERSON"
                and e["name"].casefold() in outlets]
    assert len({e["key"] for e in entities}) == len(entities)
    skipped = api(browser, real + "/api/skipped")
    assert skipped["skipped_total"] == len(skipped["skipped"]) or skipped["pages"] > 1
    # A word of a title, searched by a longer form of it, finds that story with the word marked.
    title = stories[0]["title"]
    word = max(re.findall(r"[A-Za-z]{5,}", title), key=len).lower()
    found = api(browser, real + f"/api/stories?q={word[:-1]}*")["stories"]
    assert stories[0]["id"] in {s["id"] for s in found}
    match = next(s["match"] for s in found if s["id"] == stories[0]["id"])
    assert any(p["hit"] for p in match["pieces"])


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by make install")
def test_real_pages_pass_the_accessibility_check(browser: Browser, real: str) -> None:
    stories = api(browser, real + "/api/stories")["stories"]
    biggest = max(stories, key=lambda s: s["articles"])
    entity = api(browser, real + "/api/entities")["entities"][0]["url"]
    # The article of the biggest story with the most quotes: its "who said what" table names
    # each speaker as resolved and as the article wrote them.
    articles = [api(browser, real + f"/api/articles/{a['id']}") for a in
                api(browser, real + biggest["url"].replace("/stories/", "/api/stories/"))
                ["articles"]]
    quoted = max(articles, key=lambda a: len(a["quotes"]))
    assert any(q["speaker"] and q["speaker_words"] for q in quoted["quotes"])
    for width in (390, 1400):
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        p = context.new_page()
        for path in ("/stories", biggest["url"], "/entities", entity, "/skipped",
                     f"/articles/{quoted['id']}"):
            p.goto(real + path)
            assert axe_violations(p) == [], f"{path} at {width} px"
            assert sideways(p) <= 0, f"{path} at {width} px scrolls sideways"
        p.locator(".who-said").scroll_into_view_if_needed()
        shot(p, f"24-real-article-{width}")
        context.close()
