"""Dating an undated article from its story, and what the briefing shows of it: the inferred
publication date, its time expressions resolved against it, its events placed on the timeline
with their basis, and background dates that never squeeze the story's own axis."""

from __future__ import annotations

from datetime import date

from crosswire.brief import Briefing, TimelineEntry, view
from crosswire.nlp.timex import find_timexes
from crosswire.records import Article, Event, ParsedArticle, Story
from crosswire.render.charts import timeline_chart
from crosswire.report import build
from crosswire.story.dating import dated

DATED = ("Ferry crews in Port Calder stayed on strike on Tuesday as talks stalled, the union said.")
UNDATED = ("Ferry crews walked off the job on Monday. The union wants the old rota back.")


def members() -> list[ParsedArticle]:
    first = Article(id="a_0001", source="wire.txt", raw_id="r_1", text=DATED,
                    published="2026-03-10", published_basis="metadata", language="en")
    second = Article(id="a_0002", source="brief.txt", raw_id="r_2", text=UNDATED, language="en")
    walkout = Event(id="v_0001", article_id="a_0002", span=(0, UNDATED.index(".") + 1),
                    action="STRIKE", summary="Ferry crews walked off the job")
    rota = Event(id="v_0002", article_id="a_0002", span=(UNDATED.index("The"), len(UNDATED)),
                 action="DEMAND", summary="The union wants the old rota back")
    return [ParsedArticle(article=first, timexes=tuple(find_timexes(DATED, "2026-03-10"))),
            ParsedArticle(article=second, timexes=tuple(find_timexes(UNDATED, None)),
                          events=(walkout, rota))]


def test_an_undated_article_is_dated_from_its_story_and_its_events_placed() -> None:
    before = members()
    after = dated(before)
    assert after[0] is before[0]  # a dated article is left as it is
    article = after[1].article
    assert (article.published, article.published_basis) == ("2026-03-10", "inferred")
    monday = next(t for t in after[1].timexes if t.text == "Monday")
    assert monday.value == "2026-03-09"
    walkout, rota = after[1].events
    assert walkout.date == "2026-03-09" and rota.date is None  # no date in its sentence


def test_the_briefing_shows_the_inferred_dates_with_their_basis() -> None:
    parsed = {p.id: p for p in members()}
    story = Story(id="s_0001", title="Ferry strike", article_ids=tuple(parsed))
    document = build([p.article for p in parsed.values()], parsed, [story], [])
    article = next(a for a in document["articles"] if a["id"] == "a_0002")
    assert (article["published"], article["published_basis"]) == ("2026-03-10", "inferred")
    event = next(e for e in document["stories"][0]["events"] if e["id"] == "v_0001")
    assert (event["date"], event["date_basis"]) == ("2026-03-09", "inferred")
    b = view(document)
    assert [(t.date, t.inferred) for t in b.timeline] == [("2026-03-09", True)]
    assert b.source("a_0002").published_basis == "inferred"


def _with_timeline(b: Briefing, entries: list[TimelineEntry]) -> Briefing:
    import dataclasses
    return dataclasses.replace(b, timeline=tuple(entries))


def test_background_dates_never_squeeze_the_story_on_the_axis() -> None:
    parsed = {p.id: p for p in members()}
    story = Story(id="s_0001", title="Ferry strike", article_ids=tuple(parsed))
    b = view(build([p.article for p in parsed.values()], parsed, [story], []))
    accord = TimelineEntry("2019", date(2019, 1, 1), date(2019, 12, 31), "the 2019 rota accord",
                           None, None, None, ())
    strike = TimelineEntry("2026-03-09", date(2026, 3, 9), date(2026, 3, 9), "walkout",
                           None, None, None, ())
    chart = timeline_chart(_with_timeline(b, [accord, strike]))
    (old0, old1), (news0, news1) = chart.segments
    assert old1 - old0 <= news1 - news0  # a year of background is no wider than the news
    assert chart.years[0].label == "background 2019" and chart.years[1].label == "2026"


def test_dated_claims_are_placed_unless_an_event_already_is() -> None:
    from crosswire.records import AlignedClaim, SpanRef

    parsed = {p.id: p for p in members()}
    tuesday = DATED.index("stayed on strike on Tuesday")
    walkout_span = (0, UNDATED.index(".") + 1)
    claims = (
        # Dated by "Tuesday" in its words; no event there: placed as a claim.
        AlignedClaim(id="c_0001", text="Crews stayed on strike on Tuesday.", status="single-source",
                     independent_sources=1,
                     mentions=(SpanRef("a_0001", (tuesday, tuesday + 27)),)),
        # The walkout's sentence: its event already places it.
        AlignedClaim(id="c_0002", text="Crews walked off the job on Monday.",
                     status="single-source", independent_sources=1,
                     mentions=(SpanRef("a_0002", walkout_span),)),
    )
    story = Story(id="s_0001", title="Ferry strike", article_ids=tuple(parsed), claims=claims)
    b = view(build([p.article for p in parsed.values()], parsed, [story], []))
    assert [(t.date, t.claim_id) for t in b.timeline] == [("2026-03-09", None),
                                                          ("2026-03-10", "c_0001")]
