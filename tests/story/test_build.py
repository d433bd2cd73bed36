"""Making one story from its job: its title and its independent sources (source families)."""

from __future__ import annotations

import pytest

from crosswire.records import Article, Derivation
from crosswire.story.build import headline, outline
from crosswire.story.records import StoryJob


def article(article_id: str, title: str | None, outlet: str = "Harbour Times",
            published: str = "2025-06-02") -> Article:
    return Article(id=article_id, source=f"{article_id}.txt", raw_id=f"r_{article_id}",
                   text="The ferry to Lind Island was cancelled on Monday.", title=title,
                   outlet=outlet, published=published, language="en")


@pytest.mark.parametrize(("title", "outlet", "expected"), [
    ("Ferry strike halts Lind Island crossings | Harbour Times", "Harbour Times",
     "Ferry strike halts Lind Island crossings"),
    ("Ferry strike halts Lind Island crossings - harbourtimes.example", "harbourtimes.example",
     "Ferry strike halts Lind Island crossings"),
    ("Welcome to Harbour Times online", "Harbour Times", None),
    ("Harbour Times", "Harbour Times", None),
    ("HARBOUR NEWS", "Harbour Times", None),
    ("Breaking", "Harbour Times", None),
    (None, "Harbour Times", None),
    # A dash inside a headline that is not the site's name stays.
    ("Strike over - for now", "Harbour Times", "Strike over - for now"),
])
def test_a_headline_is_never_a_site_name_or_banner(title, outlet, expected):
    assert headline(article("a", title, outlet)) == expected


def test_the_title_is_an_original_s_headline_of_the_biggest_family():
    banner = article("a", "Welcome to Harbour Times", published="2025-06-01")
    wire = article("w", "Ferry strike halts Lind Island crossings", "Coast Wire", "2025-06-02")
    copy = article("c", "Ferries halted", "Valley Post", "2025-06-03")
    own = article("o", "Islanders stranded as ferries stop", "Lind Gazette", "2025-06-03")
    job = StoryJob(story_id="s_1", article_ids=("a", "w", "c", "o"),
                   articles={x.id: x for x in (banner, wire, copy, own)}, parsed={},
                   edges=(Derivation("w", "c", "copy", 0.95),))
    story = outline(job)
    assert story.title == "Ferry strike halts Lind Island crossings"
    assert story.independent_sources == 3
    assert story.article_ids == ("a", "w", "c", "o")
