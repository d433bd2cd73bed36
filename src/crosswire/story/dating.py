"""Dating: a story's members -> the same members, undated ones dated from their story.

An article with no publication date (a wire brief, a text file) is dated from its own text or
its story's news cycle (``timex.infer_published``: basis ``text`` or ``inferred``); its time
expressions are then resolved against that date, so its "Sunday night" can be compared with
another report's "Monday" and placed on the story's timeline. Its events that had no date for
want of one take the first dated time expression of their sentence. Articles with a date, and
those nothing dates, come back unchanged.
"""

from __future__ import annotations

import dataclasses

from ..nlp import timex
from ..nlp.numbers import dated_value
from ..records import Event, ParsedArticle, Timex


def dated(members: list[ParsedArticle]) -> list[ParsedArticle]:
    """``members`` with every undated article dated from its text or its story, where either
    supplies a date (see the module docstring)."""
    known = [p.article.published for p in members if p.article.published]
    out = []
    for parsed in members:
        article = parsed.article
        if article.published:
            out.append(parsed)
            continue
        published, basis = timex.infer_published(article, known)
        if published is None:
            out.append(parsed)
            continue
        timexes = tuple(timex.find_timexes(article.text, published))
        out.append(dataclasses.replace(
            parsed, article=dataclasses.replace(article, published=published,
                                                published_basis=basis),  # type: ignore[arg-type]
            timexes=timexes, events=tuple(_redated(e, timexes) for e in parsed.events)))
    return out


def _redated(event: Event, timexes: tuple[Timex, ...]) -> Event:
    if event.date is not None:
        return event
    start, end = event.span
    for t in sorted(timexes, key=lambda t: t.span):
        if start <= t.span[0] and t.span[1] <= end and t.type in ("DATE", "TIME"):
            value = dated_value(t)
            if value:
                return dataclasses.replace(event, date=value)
    return event
