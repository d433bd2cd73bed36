"""Quoted stretches of text, from the quotation marks alone (no parse needed).

Takes a text; gives ``Quoted`` spans: the words between an opening and its closing mark,
in every style news copy uses: “…”, "…", ‘…’, '…', «…», „…“, ‹…›, ``…'' and ''…'' (the
doubled apostrophes some wire archives use). A quote that runs over several paragraphs
(an opening mark on each paragraph, the closing mark only at the end) is one ``Quoted`` with
one part per paragraph. Only the outermost level counts: a quote inside a quote is part of
it. Unbalanced marks never raise: an unclosed quote ends at its paragraph's end and a stray
closing mark is ignored, each with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import Span

# Every character sequence that can be a quotation mark; two-character ones first.
_MARKS = re.compile(r"``|''|[\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u2039\u203a\n]")
_DOUBLE, _SINGLE = "double", "single"
# Closing mark of each opening mark ("„" closes with "“" in German-style copy).
_CLOSERS = {"\u201c": "\u201d", "\u201e": "\u201c", "\u00ab": "\u00bb", "\u2039": "\u203a",
            "\u2018": "\u2019", '"': '"', "''": "''", "``": "''", "'": "'"}
_LEVEL = {"\u201c": _DOUBLE, "\u201e": _DOUBLE, "\u00ab": _DOUBLE, '"': _DOUBLE, "''": _DOUBLE,
          "``": _DOUBLE, "\u2039": _SINGLE, "\u2018": _SINGLE, "'": _SINGLE}
_OPEN_BEFORE = set(" \t\n([{\u2014\u2013-/:")


@dataclass(frozen=True, slots=True)
class Quoted:
    span: Span  # from the first quoted character to the last (marks excluded)
    parts: tuple[Span, ...]  # one per paragraph the quote runs over
    warning: str | None = None

    @property
    def start(self) -> int:
        return self.span[0]

    @property
    def end(self) -> int:
        return self.span[1]


def strip_span(text: str, start: int, end: int) -> Span:
    """The span without the whitespace at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _can_open(text: str, i: int, mark: str) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + len(mark)] if i + len(mark) < len(text) else " "
    return (before in _OPEN_BEFORE or before in _CLOSERS) and not after.isspace()


def _can_close(text: str, i: int, mark: str) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + len(mark)] if i + len(mark) < len(text) else " "
    return not before.isspace() and not after.isalnum()


def _closes(open_mark: str, mark: str, text: str, i: int) -> bool:
    """Whether ``mark`` at ``i`` closes a quote opened with ``open_mark``."""
    if _LEVEL[open_mark] == _DOUBLE:
        if mark == _CLOSERS[open_mark] and mark not in ('"', "''", "\u201c"):
            return True
        # Straight and doubled marks close by position; mixed styles ("“…"") happen.
        return mark in ('"', "''", "\u201d", "\u201c") and _can_close(text, i, mark) \
            and not (mark == "\u201c" and open_mark != "\u201e" and _can_open(text, i, mark))
    return mark == _CLOSERS[open_mark] and _can_close(text, i, mark)


def find_quoted(text: str) -> tuple[list[Quoted], list[str]]:
    """All outermost quoted stretches of ``text`` in order, and warnings about marks that
    could not be paired."""
    out: list[Quoted] = []
    warnings: list[str] = []
    open_mark: str | None = None  # the outermost open quote's mark
    inner: str | None = None  # a quote of the other level open inside it
    start = 0
    parts: list[Span] = []
    note: str | None = None
    paragraph_end: int | None = None  # set while an open quote waits at a paragraph break

    def finish(end: int) -> None:
        nonlocal open_mark, inner, parts, note, paragraph_end
        if paragraph_end is None:
            piece = strip_span(text, start, end)
            if piece[1] > piece[0]:
                parts.append(piece)
        if parts:
            out.append(Quoted((parts[0][0], parts[-1][1]), tuple(parts), note))
        open_mark, inner, parts, note, paragraph_end = None, None, [], None, None

    for match in _MARKS.finditer(text):
        mark, i = match.group(), match.start()
        if mark == "\n":
            if open_mark is not None and paragraph_end is None:
                piece = strip_span(text, start, i)
                if piece[1] > piece[0]:
                    parts.append(piece)
                paragraph_end = i
            continue
        if paragraph_end is not None:
            # Only an opening mark starting the very next paragraph continues the quote.
            if text[paragraph_end:i].strip() == "" and _LEVEL.get(mark) == _LEVEL[open_mark] \
                    and _can_open(text, i, mark):
                paragraph_end, inner, start = None, None, i + len(mark)
                continue
            note = "unclosed quotation mark: the quote is cut at the end of its paragraph"
            finish(i)
        if open_mark is None:
            if mark in ("'", "\u2019") or (mark == "\u2018" and text[i + 1:i + 2].isdigit()):
                # Outside a quote these are apostrophes unless one clearly opens ('Yes.').
                if not (mark == "'" and _can_open(text, i, mark)):
                    continue
            elif not _can_open(text, i, mark) or mark in ("\u201d", "\u00bb", "\u203a"):
                if mark not in ("\u201c", "\u201e", "\u00ab", "\u2039", "``", "\u2018"):
                    warnings.append(f"a closing quotation mark at character {i} has no "
                                    "opening mark")
                    continue
            open_mark, start, parts = mark, i + len(mark), []
            continue
        if inner is not None:
            if _closes(inner, mark, text, i):
                inner = None
                continue
            if mark in ("'", "\u2019"):
                continue
        if _closes(open_mark, mark, text, i):
            finish(i)
            continue
        if mark in ("'", "\u2019"):
            continue  # an apostrophe inside a quote ("don't")
        level = _LEVEL.get(mark)
        if level is not None and level != _LEVEL[open_mark] and inner is None \
                and _can_open(text, i, mark):
            inner = mark
        elif level == _LEVEL[open_mark] and _can_open(text, i, mark):
            # A new quote opens before this one closed: cut the first one here.
            note = "unbalanced quotation marks: a quote opened before the previous one closed"
            finish(i)
            open_mark, start, parts = mark, i + len(mark), []
    if open_mark is not None:
        note = "unclosed quotation mark: the quote runs to the end of its paragraph"
        finish(len(text))
    return out, warnings
