"""End-to-end tests in a real browser: Debian's headless chromium driven by Playwright, against
uvicorn on 127.0.0.1 over the fictional store. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from webtools import AXE, CHROMIUM, Live, axe_violations, shot, sideways

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
    pytest.mark.skipif(sync_playwright is None, reason="needs the playwright Python package"),
]


class Watched:
    """A page with what it did that it should not: dialogs (a script ran), console errors
    (CSP violations, missing files) and requests leaving 127.0.0.1."""

    def __init__(self, page: Page, base: str):
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith((base, "data:", "file:"))
                else self.outside.append(r.url))

    def clean(self) -> None:
        assert self.dialogs == [] and self.errors == [] and self.outside == []


@pytest.fixture
def page(browser: Browser, live_server: Live) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watched = Watched(context.new_page(), live_server.base)
    yield watched
    context.close()


def test_story_list_search_story_claim_and_entity(page: Watched, live_server: Live) -> None:
    p = page.page
    p.goto(live_server.base + "/")
    assert p.url.endswith("/stories")
    assert p.locator(".story-card").count() == 3
    shot(p, "01-story-list")

    # "/" focuses the search; searching narrows the list.
    p.keyboard.press("/")
    assert p.evaluate("document.activeElement.id") == "q"
    p.keyboard.type("Sorrel ferry")
    p.keyboard.press("Enter")
    p.wait_for_url(re.compile(r"q=Sorrel"))
    assert p.locator(".story-card").count() == 1

    p.locator(".story-card h2 a").first.click()
    p.wait_for_url(re.compile(r"/stories/s_"))
    assert p.locator("h1").inner_text() == "Ferry crews strike in Port Calder"
    shot(p, "02-story-top")

    # Pick a disputed claim in the list: its words light up in each source that has them.
    link = p.locator("#claim-list a", has_text="About 1,200 crew members")
    link.click()
    assert link.get_attribute("aria-current") == "true"
    assert "claim=" in p.url
    columns = p.locator(".column")
    lit = 0
    for i in range(columns.count()):
        column = columns.nth(i)
        selected = column.locator("mark.sel")
        if selected.count():
            lit += 1
            assert "silent" not in (column.get_attribute("class") or "")
            words = " ".join(selected.all_inner_texts())
            assert re.search(r"1,[25]00", words), words
            assert selected.first.is_visible()  # scrolled into its column's view
        else:
            assert "silent" in (column.get_attribute("class") or "")
    assert lit == 4
    status = p.locator("#claim-status").inner_text()
    assert "in 4 of 4 sources" in status
    p.locator("#sources").scroll_into_view_if_needed()
    shot(p, "03-sources-claim-selected")

    # A claim mentioned by one source only: the others are marked silent.
    p.locator("#claim-list a", has_text="Analysts expect fuel deliveries").click()
    assert p.locator(".column.silent").count() == 3
    assert p.locator("mark.sel").first.inner_text().startswith("Analysts expect")

    # A claim picked from the matrix scrolls to the sources and selects it there too.
    p.locator("#matrix a", has_text="Replacement crews had been hired").click()
    assert p.locator("#claim-list a[aria-current]").inner_text().startswith("Replacement crews")
    assert p.locator(".column:not(.silent)").count() == 3

    p.locator("#quotes").scroll_into_view_if_needed()
    shot(p, "04-quotes")
    p.locator("#timeline").scroll_into_view_if_needed()
    shot(p, "05-timeline-provenance")

    # Speaker link to the entity page.
    p.locator("#quotes h3 a", has_text="Jonas Veller").click()
    p.wait_for_url(re.compile(r"/entities/jonas-veller"))
    assert p.locator("h1").inner_text() == "Jonas Veller"
    assert p.locator(".statement.varies").count() == 1
    shot(p, "06-entity")
    page.clean()


def test_story_page_reads_without_javascript(browser: Browser, live_server: Live) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    p = context.new_page()
    sid = live_server.ids["ferry"]
    p.goto(f"{live_server.base}/stories/{sid}")
    assert p.locator("#summary li").count() >= 3
    p.locator("#claim-list a", has_text="The strike began on Monday").click()  # a real link
    p.wait_for_url(re.compile(r"claim=c_"))
    assert p.locator("mark.sel").count() >= 4
    assert p.locator(".column:not(.silent)").count() == 4
    shot(p, "07-no-javascript")
    context.close()


def test_hostile_story_runs_nothing(page: Watched, live_server: Live) -> None:
    p = page.page
    sid = live_server.ids["hostile"]
    p.goto(f"{live_server.base}/stories/{sid}")
    assert p.locator("h1").inner_text().startswith("Council vote <script>")
    p.locator("#claim-list a").first.click()
    for selector in ("mark.ev", ".cite", "h3 a"):
        for element in p.locator(selector).all()[:5]:
            element.hover()
    shot(p, "08-hostile-story")
    p.goto(f"{live_server.base}/stories")
    p.goto(f"{live_server.base}/entities")
    p.locator("a", has_text="Brin Sallow").first.click()
    p.wait_for_url(re.compile(r"/entities/"))
    page.clean()  # no alert, no CSP report, nothing fetched from elsewhere


def test_keyboard_navigation_and_focus(page: Watched, live_server: Live) -> None:
    p = page.page
    p.goto(f"{live_server.base}/stories/{live_server.ids['ferry']}")
    p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.className") == "skip"
    p.keyboard.press("Enter")
    assert p.evaluate("document.activeElement.id") == "main"
    first = p.locator("#claim-list a").first
    first.focus()
    p.keyboard.press("ArrowDown")
    assert p.evaluate("document.activeElement.textContent") == p.locator("#claim-list a").nth(1).inner_text()
    outline = p.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # a visible focus ring
    page.clean()


def test_article_page_and_cited_words(page: Watched, live_server: Live) -> None:
    p = page.page
    p.goto(f"{live_server.base}/stories/{live_server.ids['ferry']}")
    cite = p.locator("#summary a.cite").first
    words = cite.get_attribute("title")
    cite.click()
    p.wait_for_url(re.compile(r"/articles/a_.*span="))
    highlighted = p.locator("#hl")
    assert highlighted.is_visible()
    assert words.startswith(highlighted.inner_text()[:20])
    shot(p, "09-article")
    page.clean()


def test_ingest_page_and_html_briefing_file(page: Watched, live_server: Live, tmp_path: Path) -> None:
    p = page.page
    p.goto(f"{live_server.base}/ingest")
    assert p.locator("input[type=password]").count() == 2
    shot(p, "10-ingest")
    html = p.request.get(f"{live_server.base}/stories/{live_server.ids['ferry']}/briefing.html").text()
    target = tmp_path / "briefing.html"
    target.write_text(html, encoding="utf-8")
    requested: list[str] = []
    p.on("request", lambda r: requested.append(r.url))
    p.goto(target.as_uri())
    assert p.locator("h1").inner_text() == "Ferry crews strike in Port Calder"
    assert p.locator("svg.chart").count() == 3
    assert requested == [target.as_uri()]  # self-contained: nothing else is fetched
    shot(p, "11-html-briefing")
    page.clean()


def page_types(browser: Browser, live_server: Live) -> dict[str, str]:
    """One path of every page type of the fictional store."""
    ids = live_server.ids
    pages = {"stories": "/stories", "story": f"/stories/{ids['ferry']}",
             "hostile-story": f"/stories/{ids['hostile']}", "entities": "/entities?kind=all",
             "entity": "/entities/jonas-veller", "skipped": "/skipped", "ingest": "/ingest"}
    context = browser.new_context()
    p = context.new_page()
    p.goto(live_server.base + pages["story"])
    pages["article"] = p.locator(".column h3 a").first.get_attribute("href") or ""
    context.close()
    return pages


def test_every_page_type_fits_a_phone_and_a_desktop(browser: Browser, live_server: Live) -> None:
    # 390 px is a phone held upright: no page may scroll sideways (wide tables, charts and the
    # side-by-side columns scroll inside themselves).
    pages = page_types(browser, live_server)
    for width in (390, 1400):
        context = browser.new_context(viewport={"width": width, "height": 900})
        p = context.new_page()
        for name, path in pages.items():
            p.goto(live_server.base + path)
            assert sideways(p) <= 0, f"{name} at {width} px scrolls {sideways(p)} px sideways"
            if name in ("stories", "story", "entities", "skipped"):
                shot(p, f"10-{name}-{width}")
        context.close()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by make install")
def test_every_page_type_passes_the_accessibility_check(browser: Browser, live_server: Live) -> None:
    pages = page_types(browser, live_server)
    for width in (390, 1400):
        # The pages' CSP forbids inline scripts: the checker is let in for this test only.
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        p = context.new_page()
        for name, path in pages.items():
            p.goto(live_server.base + path)
            violations = axe_violations(p)
            assert violations == [], f"{name} at {width} px: {violations}"
        context.close()


def test_story_page_header_says_what_changed_since_the_last_visit(page: Watched,
                                                                  live_server: Live) -> None:
    p = page.page
    url = live_server.base + f"/stories/{live_server.ids['ferry']}"
    p.goto(url)
    glance = p.locator(".glance")
    assert glance.is_visible()
    assert "disputed point" in glance.inner_text() and "independent source" in glance.inner_text()
    assert p.locator("#since-visit").inner_text().startswith("First visit")
    p.reload()
    assert p.locator("#since-visit").inner_text().startswith("Nothing new since your last visit")
    # As if the story had one claim and one disputed point fewer at the last visit.
    key = "crosswire:seen:" + live_server.ids["ferry"]
    p.evaluate("""(key) => { const seen = JSON.parse(localStorage.getItem(key));
        seen.claims = seen.claims.slice(1);
        seen.disputes = seen.disputes.filter(d => d !== seen.disputes[0]);
        localStorage.setItem(key, JSON.stringify(seen)); }""", key)
    p.reload()
    text = p.locator("#since-visit").inner_text()
    assert re.search(r"Since your last visit .*: [1-9]\d* new claims?, [1-9]\d* new disputed", text), text
    assert p.locator(".glance li.new").count() >= 1
    # A claim of the header opens it side by side.
    p.locator(".glance a[data-claim]").first.click()
    assert "claim=" in p.url and p.locator(".column:not(.silent)").count() >= 2
    shot(p, "11-story-header")
    # Sections fold.
    fold = p.locator("#summary h2 button.fold")
    fold.click()
    assert fold.get_attribute("aria-expanded") == "false"
    assert not p.locator("#summary ol").first.is_visible()
    fold.click()
    assert p.locator("#summary ol").first.is_visible()
    page.clean()
