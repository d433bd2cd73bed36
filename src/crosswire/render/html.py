"""HTML rendering: the Jinja2 environment shared with the web UI, and the HTML briefing.

The briefing is one self-contained file: styles, SVG charts and the briefing JSON inline,
no script, nothing fetched (its Content-Security-Policy meta tag forbids fetching anything).
Article text is untrusted: every template autoescapes, no template marks article data safe,
and the inline JSON is escaped so no text can close its element.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..brief import Briefing, cited, words_url
from . import charts


_LARGE = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def fmt_number(value: float | int | None, unit: str | None = None) -> str:
    """4000.0 -> "4,000"; 2.5 -> "2.5"; 40e6 -> "40 million"; with unit "%" -> "12%",
    with unit "crown" -> "40 million crowns"."""
    if value is None:
        return ""
    scale = next(((size, word) for size, word in _LARGE if abs(value) >= size), None)
    shown = value / scale[0] if scale else value
    text = f"{shown:,.0f}" if float(shown).is_integer() else f"{shown:,.2f}".rstrip("0").rstrip(".")
    if scale:
        text += " " + scale[1]
    if unit == "%":
        return text + "%"
    if unit and unit.isalpha() and unit.islower() and value != 1 and not unit.endswith("s"):
        unit += "s"
    return f"{text} {unit}" if unit else text


def json_script(data: Any) -> Markup:
    """JSON safe inside a ``<script type="application/json">`` element: ``<``, ``>``, ``&``
    and the JavaScript line separators are \\u escapes, so no string can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)


def clip(text: str | None, limit: int = 120) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def css() -> Markup:
    """The briefing style sheet: our own file, so it may go into a ``<style>`` element."""
    return Markup(resources.files("crosswire.render").joinpath("briefing.css").read_text("utf-8"))


def environment(*loaders: Any) -> Environment:
    """Jinja2 with autoescaping everywhere; ``loaders`` come before the briefing templates."""
    env = Environment(loader=ChoiceLoader([*loaders, PackageLoader("crosswire.render", "templates")]),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True)
    env.filters.update(num=fmt_number, clip=clip)
    return env


@dataclass(frozen=True, slots=True)
class Links:
    """Where a briefing's references point: the web UI links cites to article pages and
    speakers to entity pages; the standalone file links cites to its own source list."""

    article: Callable[[str, tuple[int, int] | None], str | None]
    entity: Callable[[str], str | None]
    claim: Callable[[str], str | None]


# The standalone file links a cite to its words in the file's own list of cited words (an
# article without a span to its entry in the source list).
STANDALONE = Links(article=lambda aid, span: f"#w-{aid}-{span[0]}-{span[1]}" if span
                   else f"#src-{aid}", entity=lambda name: None, claim=lambda cid: None)


def context(briefing: Briefing, links: Links) -> dict[str, Any]:
    """What the briefing templates need: the view, its chart layouts and the links."""
    return {
        "b": briefing,
        "graph": charts.derivation_graph(briefing),
        "timeline": charts.timeline_chart(briefing),
        "plots": [charts.number_plot(g, lambda v, u=g.unit: fmt_number(v, u))
                  for g in briefing.numbers],
        "links": links,
    }


@lru_cache(maxsize=1)
def _standalone() -> Environment:
    return environment()


def render_html(briefing: Briefing, document: dict[str, Any]) -> str:
    """The self-contained HTML briefing of one story (``document`` is inlined as data)."""
    template = _standalone().get_template("briefing.html")
    return template.render(**context(briefing, STANDALONE), css=css(),
                           data=json_script(document), cited=cited(briefing), words_url=words_url)
