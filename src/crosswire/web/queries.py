"""Read-side queries of the web application: the story list, entities across stories, the
aligned-sources panels of a story page.

Take the store (and a story's briefing view); give plain JSON-ready dicts, the same ones the
HTML pages render and the ``/api`` routes return, so every page and its JSON twin agree.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pycountry

from .. import brief
from ..clean import outlet_name_key, outlet_names
from ..nlp.entities import LINK_CLASSES, LinkConfig, Linker, LinkUnit, canonical, name_key
from ..nlp.gazetteer import country
from ..store import Store
from ..store.db import HIT_CLOSE, HIT_OPEN

PER_PAGE = 25
# Source columns on a story page unless all are asked for.
MAX_PANELS = 16
# "attention": stories with disputed points first (most first), then those with possible
# differences, newest first within each: what an analyst should open first.
SORTS = ("relevance", "attention", "size", "recent")
# "disputed": stories with a disputed point; "single": stories resting on one independent
# source (however many articles carry it).
SHOWS = ("all", "disputed", "single")
CSV_COLUMNS = ("id", "title", "lede", "articles", "independent_sources", "corroborated",
               "single_source", "disputes", "possible_differences", "first_published",
               "last_published", "updated_at", "outlets", "url")


def entity_key(name: str) -> str:
    """The URL key of an entity name: case-, accent- and punctuation-insensitive."""
    text = unicodedata.normalize("NFKD", name).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "-", text).strip("-")


def story_list(store: Store, q: str | None = None, date_from: str | None = None,
               date_to: str | None = None, outlet: str | None = None, entity: str | None = None,
               sort: str | None = None, page: int = 1, show: str | None = None,
               per_page: int | None = PER_PAGE) -> dict[str, Any]:
    """Stories matching every given filter, sorted and paged (``per_page`` None: one page of
    all). ``q`` is a full-text query over article titles and text; dates keep stories whose
    publication range overlaps them; ``show`` is one of SHOWS."""
    rows = [dict(r) for r in store.story_rows()]
    named = outlet_names(store.outlets())
    for row in rows:
        # "The X" and "X" are one outlet, shown under one spelling.
        row["outlets"] = list(dict.fromkeys(named.get(o, o) for o in json.loads(row["outlets"] or "[]")))
    rank: dict[str, int] = {}
    matched: dict[str, dict[str, Any]] = {}
    if q and q.strip():
        hits = store.search_hits(q, limit=1000)
        snippets = {h["id"]: h["snippet"] for h in hits}
        for article_id in snippets:
            for sid in store.stories_of_articles([article_id]):
                if sid not in rank:  # the story's best-ranked article speaks for it
                    rank[sid] = len(rank)
                    matched[sid] = {"article_id": article_id,
                                    "url": f"/articles/{article_id}",
                                    "pieces": snippet_pieces(snippets[article_id] or "")}
        rows = [r for r in rows if r["id"] in rank]
    if date_from:
        rows = [r for r in rows if (r["last_published"] or "") >= date_from]
    if date_to:
        # "2026-03" as an upper bound includes every day of March.
        rows = [r for r in rows if r["first_published"] and r["first_published"][:len(date_to)] <= date_to]
    if outlet:
        wanted = outlet_name_key(outlet)
        rows = [r for r in rows if any(outlet_name_key(o) == wanted for o in r["outlets"])]
    if entity and entity.strip():
        having = set(store.stories_with_entity(entity))
        rows = [r for r in rows if r["id"] in having]
    show = show if show in SHOWS else "all"
    if show == "disputed":
        rows = [r for r in rows if r["disputes"]]
    elif show == "single":
        rows = [r for r in rows if (r["independent_sources"] or 0) == 1]
    sort = sort if sort in SORTS else ("relevance" if rank else "attention")
    # Every order ends on the id, so equal stories keep one order from request to request.
    rows.sort(key=lambda r: r["id"])
    if sort == "relevance" and rank:
        rows.sort(key=lambda r: rank[r["id"]])
    elif sort == "recent":
        rows.sort(key=lambda r: (r["last_published"] or "", r["size"]), reverse=True)
    elif sort == "size":
        rows.sort(key=lambda r: (-r["size"], -(r["independent_sources"] or 0)))
    else:
        sort = "attention"
        rows.sort(key=lambda r: r["last_published"] or "", reverse=True)
        rows.sort(key=lambda r: (-r["disputes"], -r["possible"]))
    size = per_page or max(1, len(rows))
    pages = max(1, math.ceil(len(rows) / size))
    page = min(max(1, page), pages)
    shown = rows[(page - 1) * size: page * size]
    return {
        "stories": [{
            "id": r["id"], "title": r["title"], "lede": r["lede"], "articles": r["size"],
            "independent_sources": r["independent_sources"],
            "corroborated": r["corroborated"], "single_source": r["single_source"],
            "disputes": r["disputes"], "possible_differences": r["possible"],
            "first_published": r["first_published"], "last_published": r["last_published"],
            "updated_at": r["updated_at"], "outlets": r["outlets"],
            "url": f"/stories/{r['id']}", "match": matched.get(r["id"])} for r in shown],
        "total": len(rows), "page": page, "pages": pages, "per_page": size,
        "query": {"q": q, "date_from": date_from, "date_to": date_to, "outlet": outlet,
                  "entity": entity, "sort": sort, "show": show},
    }


def snippet_pieces(snippet: str) -> list[dict[str, Any]]:
    """A search snippet as pieces of text, each saying whether it is a matched word: what a
    page escapes and marks, and what the JSON twin gives."""
    pieces: list[dict[str, Any]] = []
    for part in re.split(f"({HIT_OPEN}[^{HIT_CLOSE}]*{HIT_CLOSE})", snippet):
        hit = part.startswith(HIT_OPEN)
        text = part.strip(HIT_OPEN + HIT_CLOSE)
        if text:
            pieces.append({"text": text, "hit": hit})
    return pieces


def story_csv(listing: dict[str, Any]) -> str:
    """The stories of a :func:`story_list` as CSV (CSV_COLUMNS), outlets joined by "; ". A
    cell a spreadsheet would run as a formula (starting =, +, -, @, tab or return) is
    prefixed with an apostrophe: titles and ledes are other people's words."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for story in listing["stories"]:
        row = {**story, "outlets": "; ".join(story["outlets"])}
        writer.writerow([_inert(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def _inert(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def entities(store: Store, config: LinkConfig | None = None) -> list[dict[str, Any]]:
    """Every entity across stories, most widespread first, each with ``names`` (the spellings
    seen), one ``type`` on every page (the type most of its stories give it) and
    ``evidence`` (why each other spelling is the same entity).

    A country's name some story uses as a place is a place.
    Spellings are joined by the linking rules that need no context (the same name, one
    country's names, spelling and transliteration variants: "Aleksei"/"Alexei"); surnames and
    acronyms are not, as they name the person or body of their own story. A name that is an
    outlet's (or the last word of one never used as a place: "the Chronicle" for "North
    Shore Chronicle") is that outlet, never a person."""
    by_key: dict[str, LinkUnit] = {}
    stories: dict[str, set[str]] = {}
    for row in store.entity_rows():
        key = name_key(row["name"] or "")
        if not key or not entity_key(row["name"]):
            continue
        held = set(json.loads(row["story_ids"] or "[]"))
        unit = by_key.get(key)
        if unit is None:
            unit = by_key[key] = LinkUnit(types=Counter(), forms=Counter(), order=len(by_key))
            if LINK_CLASSES.get(row["type"]) in ("PLACE", "ORG"):
                unit.country = country(row["name"])
            stories[key] = set()
        unit.types[row["type"]] += len(held)
        unit.forms[row["name"]] += len(held)
        stories[key] |= held
    keys = list(by_key)
    units = [by_key[k] for k in keys]
    for unit, key in zip(units, keys):
        unit.merged = [key]
    outlets = _outlet_words(store)
    out = []
    for unit in Linker(units, config or LinkConfig()).run(Linker.SAME_BY_NAME):
        name = canonical(unit)
        held = set().union(*(stories[k] for k in unit.merged))
        kind = unit.type
        # A country's name that some story uses as a place is that country, whatever most
        # stories' tagger said ("Jordan" only ever tagged a person stays one).
        if kind != "GPE" and _ever_a_place(unit) and any(country(f) for f in unit.forms):
            kind = "GPE"
        evidence = {form: why for form, why in unit.evidence.items() if form != name}
        outlet = next((outlets[k] for k in unit.merged if k in outlets
                       and (outlets[k][1] or not _ever_a_place(unit))), None)
        if outlet is not None:
            kind = "ORG"
            evidence[name] = f"the name of the outlet {outlet[0]}"
        out.append({"key": entity_key(name), "name": name, "names": list(unit.forms),
                    "type": kind, "stories": len(held), "outlet": outlet[0] if outlet else None,
                    "evidence": evidence, "url": f"/entities/{entity_key(name)}"})
    return sorted(out, key=lambda e: (-e["stories"], e["name"].casefold()))


def _outlet_words(store: Store) -> dict[str, tuple[str, bool]]:
    """Name keys that stand for an outlet -> (its display name, whether the key is its whole
    name rather than its last word)."""
    named = outlet_names(store.outlets())
    out: dict[str, tuple[str, bool]] = {}
    for shown in set(named.values()):
        key = name_key(shown)
        out[key] = (shown, True)
        words = key.split()
        if len(words) >= 2:
            out.setdefault(words[-1], (shown, False))
    return out


def _ever_a_place(unit: LinkUnit) -> bool:
    return any(LINK_CLASSES.get(t) in ("PLACE", "NORP") for t in unit.types)


# Who can say something or be credited with it; places and nationalities are listed on
# request (``kind=all``).
SPEAKER_TYPES = ("PERSON", "ORG")


def matching(items: list[dict[str, Any]], q: str | None, kind: str = "speakers") -> list[dict[str, Any]]:
    """The entities with a spelling containing ``q`` (case-insensitive), people and
    organisations only unless ``kind`` is ``all``."""
    if kind != "all":
        items = [e for e in items if e["type"] in SPEAKER_TYPES]
    if not q or not q.strip():
        return items
    wanted = q.strip().casefold()
    return [e for e in items if any(wanted in n.casefold() for n in e["names"])]


def entity_detail(store: Store, entity: dict[str, Any],
                  story_view: Callable[[str], tuple[dict[str, Any], brief.Briefing]]) -> dict[str, Any]:
    """Everything one person or organisation (an item of :func:`entities`) said or was
    credited with, story by story: quotes (with their wordings across outlets), figures they
    gave, claims credited to them and dated events they took part in. ``story_view`` gives a
    story's briefing document and view (the web application's cached ones)."""
    key, names = entity["key"], entity["names"]
    story_ids: list[str] = []
    for name in names:
        story_ids += [s for s in store.stories_with_entity(name, exact=True) if s not in story_ids]
    # Every spelling the list joined is them (one story may write "Aleksei", another "Alexei").
    keys = {entity_key(n) for n in names} | {key}
    info: dict[str, Any] = {"key": key, "name": entity["name"], "type": entity["type"],
                            "outlet": entity.get("outlet"), "names": names,
                            "evidence": entity.get("evidence", {}), "roles": [],
                            "aliases": [], "stories": []}

    def is_them(name: str | None) -> bool:
        return bool(name) and entity_key(name) in keys  # type: ignore[arg-type]

    for sid in story_ids:
        document, b = story_view(sid)
        story = document["stories"][0]
        for e in story["entities"]:
            if is_them(e["name"]):
                info["roles"] += [r for r in e.get("roles", []) if r not in info["roles"]]
                info["aliases"] += [a for a in e.get("aliases", []) if a not in info["aliases"]]

        said = [{"wordings": [{"text": v.text, "kind": v.kind, "cue": v.cue,
                               "cites": [_cite(c) for c in v.cites]} for v in st.variants]}
                for sp in b.speakers if is_them(sp.name) for st in sp.statements]
        figures = [{"counts": g.counts, "value": v.value, "unit": g.unit, "text": v.text,
                    "as_of": v.as_of, "cites": [_cite(c) for c in v.cites]}
                   for g in b.numbers for v in g.values if is_them(v.claimant)]
        credited = [{"claim_id": f.id, "text": f.text, "status": f.status,
                     "independent_sources": f.independent_sources,
                     "cites": [_cite(c) for c in f.cites]}
                    for f in b.claims if any(is_them(c) for c in f.claimants)]
        events = [{"date": t.date, "summary": t.summary, "action": t.action, "place": t.place,
                   "cites": [_cite(c) for c in t.cites]} for t in b.timeline if is_them(t.actor)]
        info["stories"].append({"id": sid, "title": b.headline, "url": f"/stories/{sid}",
                                "first_published": b.first_published, "said": said,
                                "figures": figures, "credited": credited, "events": events})
    info["stories"].sort(key=lambda s: s["first_published"] or "", reverse=True)
    return info


def _cite(c: brief.Cite) -> dict[str, Any]:
    return {"article_id": c.article_id, "source": c.label, "span": list(c.span), "text": c.text,
            "url": f"/articles/{c.article_id}?span={c.span[0]}-{c.span[1]}#hl"}


@dataclass(frozen=True, slots=True)
class Panel:
    """One source in the side-by-side view: its text cut into pieces, each with the ids of
    the claims whose evidence covers it."""

    source: brief.Source
    pieces: list[tuple[str, tuple[str, ...]]]
    claims: frozenset[str]


def panels(document: dict[str, Any], b: brief.Briefing) -> list[Panel]:
    story = document["stories"][0]
    texts = {a["id"]: a["text"] for a in document["articles"]}
    marks: dict[str, list[tuple[int, int, str]]] = {}
    for claim in story.get("claims", []):
        refs = list(claim.get("mentions", []))
        for conflict in claim.get("conflicts", []):
            for side in conflict["sides"]:
                refs += side.get("span_refs", [])
        for ref in refs:
            marks.setdefault(ref["article_id"], []).append((*ref["span"], claim["id"]))
    out = []
    for source in b.sources:
        found = marks.get(source.id, [])
        out.append(Panel(source, brief.segments(texts[source.id], found),
                         frozenset(cid for _, _, cid in found)))
    return out


SKIPPED_PER_PAGE = 100


def skipped_view(store: Store, page: int = 1) -> dict[str, Any]:
    """What the store holds outside every story: inputs skipped with their reasons (a page
    at a time, newest first), and stored articles placed in no story with why, each with
    what to do about it."""
    stages, languages = store.skipped_stages(), store.unplaced_languages()
    total, unplaced_total = sum(stages.values()), sum(languages.values())
    # One page number walks both lists (each 100 a page).
    pages = max(1, math.ceil(max(total, unplaced_total) / SKIPPED_PER_PAGE))
    page = min(max(1, page), pages)
    skipped = [{
        "source": r["source"], "stage": r["stage"], "reason": r["reason"], "at": r["at"],
    } for r in store.skipped_rows(SKIPPED_PER_PAGE, (page - 1) * SKIPPED_PER_PAGE)]
    unplaced = [{
        "id": r["id"], "source": r["source"], "outlet": r["outlet"], "title": r["title"],
        "published": r["published"], "language": r["language"],
        "why": _unplaced_why(r["language"]), "url": f"/articles/{r['id']}",
    } for r in store.unplaced_rows(SKIPPED_PER_PAGE, (page - 1) * SKIPPED_PER_PAGE)]
    return {
        "skipped": skipped, "skipped_total": total, "skipped_by_stage": stages,
        "unplaced": unplaced, "unplaced_total": unplaced_total,
        "unplaced_by_language": [{"language": code, "name": language_name(code), "articles": n}
                                 for code, n in languages.items()],
        "page": page, "pages": pages,
        "per_page": SKIPPED_PER_PAGE,
        "what_to_do": {
            "skipped": "Fix or replace the input and run 'crosswire analyze' on it again: an "
                       "input read without trouble leaves this list.",
            "not in English": "Stored and searchable, but story clustering and claim alignment "
                              "compare English texts only: an English translation analysed "
                              "with 'crosswire analyze' joins its story.",
            "language not told": "Too short or too mixed to tell its language: check the "
                                 "article's text (its page was perhaps mostly navigation).",
            "not analysed": "Ingested without analysis: run 'crosswire analyze' on its source.",
        },
    }


def language_name(code: str | None) -> str:
    """A language's English name from its ISO 639 code ("unknown" when not told)."""
    if not code:
        return "unknown"
    found = (pycountry.languages.get(alpha_2=code) if len(code) == 2
             else pycountry.languages.get(alpha_3=code))
    return found.name if found else code


def _unplaced_why(language: str | None) -> str:
    if not language:
        return "language not told"
    return "not analysed" if language == "en" else "not in English"
