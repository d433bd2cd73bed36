"""Markdown rendering of a briefing: the same sections as the HTML briefing, as plain text.

Article text is untrusted here too: Markdown renderers pass raw HTML through, so every
piece of article data is escaped (HTML brackets, link and emphasis syntax, table pipes)
and newlines inside a value are folded, so no article can inject markup, links or rows.
"""

from __future__ import annotations

import re

from ..brief import Briefing, Cite, Dispute, Figure, relation, words_url
from .html import fmt_number

# Inline syntax only: values never start a line (each follows a heading or list marker).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md(text: str | None) -> str:
    """Article data as inert Markdown inline text."""
    text = " ".join((text or "").split())
    return _SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))


class _Notes:
    """The briefing's citations as footnotes: each cited passage (article and span) gets one
    number; its note gives the outlet, the article's title, the character span, the exact
    words and a link to those words on the article's page."""

    def __init__(self, briefing: Briefing):
        self.briefing = briefing
        self.numbers: dict[tuple[str, tuple[int, int]], int] = {}
        self.cites: list[Cite] = []

    def mark(self, cite: Cite) -> str:
        key = (cite.article_id, tuple(cite.span))
        if key not in self.numbers:
            self.cites.append(cite)
            self.numbers[key] = len(self.cites)
        return f"[^{self.numbers[key]}]"

    def inline(self, cites: tuple[Cite, ...], limit: int = 8) -> str:
        """Sources by label, each with the marks of its cited passages."""
        by_label: dict[str, list[str]] = {}
        for c in cites:
            by_label.setdefault(c.label, []).append(self.mark(c))
        parts = [md(label) + "".join(marks) for label, marks in by_label.items()]
        more = f" +{len(parts) - limit} more" if len(parts) > limit else ""
        return "; ".join(parts[:limit]) + more

    def after(self, cites: tuple[Cite, ...], limit: int = 8) -> str:
        return f" *({self.inline(cites, limit)})*" if cites else ""

    def lines(self) -> list[str]:
        out = []
        for n, c in enumerate(self.cites, 1):
            source = self.briefing.source(c.article_id)
            title = f", “{md(source.title)}”" if source and source.title else ""
            link = words_url(source.url if source else None, c.text)
            out.append(f"[^{n}]: **{md(c.label)}**{title} [{c.span[0]}–{c.span[1]}]: "
                       f"“{md(c.text)}”" + (f" — <{link}>" if link else ""))
        return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _disputes(disputes: tuple[Dispute, ...], notes: _Notes) -> list[str]:
    out: list[str] = []
    for d in disputes:
        note = "; one side's report was made from the other's" if d.derived else ""
        out += ["", f"### {md(d.kind)}: {md(d.summary)}", "",
                f"Claim: {md(d.claim_text)} — {d.confidence_text}{note}", ""]
        out += [f"- **{md(', '.join(side.labels))}**: {md(side.text)}{notes.after(side.cites)}"
                for side in d.sides]
    return out[1:]


def _figure(f: Figure, notes: _Notes) -> str:
    as_of = f"as of {md(f.as_of)}, " if f.as_of else ""
    return f"**{md(f.cite.text)}** ({as_of}{notes.inline((f.cite,))})"


def render_markdown(b: Briefing) -> str:
    notes = _Notes(b)
    out: list[str] = [f"# {md(b.headline)}", ""]
    dates = ""
    if b.first_published:
        dates = f" · {b.first_published}" + (
            f" to {b.last_published}" if b.last_published != b.first_published else "")
    out += [f"{_plural(len(b.sources), 'article')} from {_plural(len(b.outlets), 'outlet')} · "
            f"**{_plural(b.independent_sources, 'independent source')}**{dates}", ""]

    out += ["## Summary", ""]
    out += [f"{i}. {md(s.text)}{notes.after(s.cites)}" for i, s in enumerate(b.summary, 1)] or [
        "_No summary: the stored articles have no usable sentences._"]

    out += ["", "## Key facts", ""]
    out += [f"- {md(f.text)} — {f.status}, {_plural(f.independent_sources, 'independent source')}"
            + (f"; according to {md('; '.join(f.claimants))}" if f.claimants else "")
            + notes.after(f.cites) for f in b.facts] or [
        "_Every aligned claim is disputed (below)._" if b.claims
        else "_No claims aligned across sources yet._"]

    out += ["", "## Disputed points", ""]
    out += _disputes(b.disputes, notes) or ["_No disputed points found._"]

    if b.possible:
        # Raw HTML of our own making: GitHub and most renderers fold it; the rest show it open.
        out += ["", "## Possible differences", "", "<details>",
                (f"<summary>{_plural(len(b.possible), 'possible difference')}, too uncertain "
                 "to call disputes</summary>"), ""]
        out += _disputes(b.possible, notes) + ["", "</details>"]

    out += ["", "## Figures by claimant", ""]
    if b.claimant_figures:
        out += ["_Different sources giving different figures: not disputes._", ""]
    for c in b.claimant_figures:
        out.append(f"- {md(c.claim_text)}")
        out += [f"  - **{md(f.name)}**" + (f": {md(f.figure)}" if f.figure else "")
                + (" *(" + "; ".join(md(s.label) for s in f.sources) + ")*" if f.sources else "")
                for f in c.figures]
    if not b.claimant_figures:
        out += ["_No claim has figures from more than one claimant._"]

    out += ["", "## Updates over time", ""]
    if b.updates:
        out += ["_Figures revised as the story went on: not disputes._", ""]
    out += [f"- {md(u.claim_text)} — {_figure(u.earlier, notes)} → {_figure(u.later, notes)}" for u in b.updates]
    if not b.updates:
        out += ["_No figures revised over time found._"]

    out += ["", "## Who said what", ""]
    for sp in b.speakers:
        roles = f" ({md(', '.join(sp.roles))})" if sp.roles else ""
        out += [f"### {md(sp.name) if sp.name else 'Unattributed'}{roles}", ""]
        for st in sp.statements:
            for i, v in enumerate(st.variants):
                marker = "-" if i == 0 else "  - variant:"
                words = md(v.text)
                if i:
                    words = " ".join(f"~~{md(w)}~~" if op == "del" else f"**{md(w)}**"
                                     if op == "ins" else md(w) for op, w in v.diff)
                quoted = f"“{words}”" if v.kind == "direct" else words
                kind = f"{v.kind}, partial" if v.partial else v.kind
                out.append(f"{marker} {quoted} — {kind}{notes.after(v.cites)}")
        out.append("")
    if not b.speakers:
        out += ["_No quotes found._"]

    out += ["", "## Numbers", ""]
    for g in (g for g in b.numbers if g.compared):
        spread = (f" — from {fmt_number(g.low, g.unit)} to {fmt_number(g.high, g.unit)}"
                  f" (×{g.spread:.2f})" if g.spread else " — same figure")
        out += [f"### {md(g.counts) if g.counts else 'Figure'}{spread}", ""]
        if g.claim:
            out += [f"In: {md(g.claim)}", ""]
        out += ["| value | as written | claimant | as of | sources |", "|---:|---|---|---|---|"]
        out += [f"| {fmt_number(v.value, g.unit)} | {md(v.text)} | {md(v.claimant) or 'not named'}"
                f" | {md(v.as_of)} | {notes.inline(v.cites, 4)} |"
                for v in g.values]
        out.append("")
    single = [g for g in b.numbers if not g.compared]
    if single:
        out += ["### Other figures" if len(single) < len(b.numbers) else "### Figures", "",
                "| counts | value | as written | claimant | as of | sources |",
                "|---|---:|---|---|---|---|"]
        out += [f"| {md(g.counts)} | {fmt_number(v.value, g.unit)} | {md(v.text)} | "
                f"{md(v.claimant) or 'not named'} | {md(v.as_of)} | "
                f"{notes.inline(v.cites, 4)} |"
                for g in single for v in g.values[:1]]
    if not b.numbers:
        out += ["_No numbers found._"]

    out += ["", "## Timeline", ""]
    out += [f"- **{md(t.date)}**{' (date inferred from the story)' if t.inferred else ''} — "
            f"{'claim: ' if t.claim_id else ''}{md(t.summary)}"
            + (f" ({md(t.place)})" if t.place else "")
            + notes.after(t.cites) for t in b.timeline] or [
        f"_No dated events found ({_plural(b.undated_events, 'event')} without a date)._"
        if b.undated_events else "_No dated events found._"]

    out += ["", "## Provenance", "",
            f"**{_plural(b.independent_sources, 'independent source')}** among "
            f"{_plural(len(b.sources), 'article')}.", ""]
    for e in b.edges:
        child, parent = b.source(e.child), b.source(e.parent)
        out.append(f"- {md(child.label if child else e.child)}: *{relation(e.kind)}* "
                   f"{md(parent.label if parent else e.parent)} (score {e.score:.2f}, "
                   f"{_plural(e.evidence, 'shared passage')})"
                   + (f": {md(e.direction_basis)}" if e.direction_basis else ""))
    if not b.edges:
        out.append("_No copying or rewriting found between the articles._")

    out += ["", "## What each source adds, omits and alters", ""]
    for d in b.per_source:
        out.append(f"- **{md(d.source.label)}**")
        for name, items in (("adds", d.adds), ("omits", d.omits), ("alters", d.alters)):
            if items:
                out.append(f"  - {name}: " + "; ".join(md(text) for _, text in items))
    if not b.per_source:
        out.append("_No per-source comparison yet (it needs aligned claims)._")

    out += ["", "## Claims by source", ""]
    if b.matrix:
        symbols = {"agrees": "✓", "differs": "≠", "silent": "·"}
        out += ["| claim | " + " | ".join(md(s.label) for s in b.sources) + " |",
                "|---|" + "|".join(":-:" for _ in b.sources) + "|"]
        out += [f"| {md(r.text)} | " + " | ".join(symbols[c] for c in r.cells) + " |"
                for r in b.matrix]
        out += ["", "✓ agrees · ≠ differs · · silent"]
    else:
        out.append("_No claims aligned across sources yet._")

    out += ["", "## Sources", ""]
    for s in b.sources:
        derived = "".join(f"; {relation(kind)} {md(p)}" for p, kind in s.derived_from)
        link = f"; <{s.url}>" if s.url else ""  # safe_url: an autolink holds no < > or spaces
        out.append(f"- **{md(s.label)}**" + (f": {md(s.title)}" if s.title else "")
                   + f" — {md(s.published) or 'date unknown'}"
                   + (" (inferred from the story)" if s.published_basis == "inferred" else "")
                   + f"; independent source {s.group + 1}"
                   + derived + link + f"; `{s.id}`")
    if notes.cites:
        out += ["", "## Cited words", "",
                "_Each mark above points here: the outlet, the article, the characters cited"
                " and the exact words, linked to those words on the article's page where it has"
                " a web address._", ""]
        out += notes.lines()
    out += ["", f"_Generated {md(b.generated_at)} by crosswire; story `{b.story_id}`._", ""]
    return "\n".join(out)
