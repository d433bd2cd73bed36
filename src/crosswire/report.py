"""The briefing JSON (contract version 1): assembly and validation.

Takes stored articles, their parses and stories; gives the public output document described
in docs/contract.md and checked against ``schema/briefing.schema.json``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema

from .errors import SchemaError
from .records import Article, ParsedArticle, Skipped, Story, to_dict
from .story.dating import dated

SCHEMA_ID = "crosswire/briefing@1"


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    text = resources.files("crosswire").joinpath("schema/briefing.schema.json").read_text("utf-8")
    return json.loads(text)


def validate(document: dict[str, Any]) -> None:
    """Raise SchemaError naming the first place the document breaks the contract."""
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        raise SchemaError(f"briefing breaks the contract at {where}: {first.message}"
                          f" ({len(errors)} error(s) in all)")


def article_json(article: Article, parsed: ParsedArticle | None) -> dict[str, Any]:
    return {
        "id": article.id, "source": article.source, "url": article.url, "outlet": article.outlet,
        "title": article.title, "published": article.published,
        "published_basis": article.published_basis, "language": article.language,
        "text": article.text,
        "removed": [{"text": r.text, "reason": r.reason} for r in article.removed],
        "timexes": [to_dict(t) for t in (parsed.timexes if parsed else ())],
        # Additions to the contract (allowed: "fields may be added").
        "author": article.author, "outlet_basis": article.outlet_basis,
        "dateline": article.dateline,
        "warnings": list(parsed.warnings) if parsed else [],
    }


def _entity_json(entity: Any) -> dict[str, Any]:
    return {"id": entity.id, "name": entity.name, "type": entity.type,
            "aliases": list(entity.aliases), "roles": list(entity.roles)}


def _remap(record: dict[str, Any], ids: dict[str, str], *keys: str) -> dict[str, Any]:
    for key in keys:
        if record.get(key) in ids:
            record[key] = ids[record[key]]
    return record


def story_json(story: Story, parsed: dict[str, ParsedArticle],
               inferred: frozenset[str] = frozenset()) -> dict[str, Any]:
    """``inferred``: ids of events dated only once their undated article was dated from its
    story (their ``date_basis`` is "inferred")."""
    members = [parsed[a] for a in story.article_ids if a in parsed]
    entities = story.entities or tuple(e for p in members for e in p.entities)
    # Article-level entity ids -> the story-level entity that absorbed them, so every
    # speaker, claimant, actor and target points into this story's entity list.
    ids = {old: e.id for e in story.entities for old in e.merged}
    return {
        "id": story.id, "title": story.title, "article_ids": list(story.article_ids),
        "independent_sources": story.independent_sources,
        "derivations": [
            {"parent": d.parent, "child": d.child, "kind": d.kind, "score": round(d.score, 4),
             "evidence": [{"parent_span": list(e.parent_span), "child_span": list(e.child_span)}
                          for e in d.evidence],
             "direction_basis": d.direction_basis}
            for d in story.derivations],
        "entities": [_entity_json(e) for e in entities],
        "quotes": [_remap(to_dict(q), ids, "speaker_id") for p in members for q in p.quotes],
        "numbers": [_remap(to_dict(n), ids, "claimant_id") for p in members for n in p.numbers],
        "events": [
            _remap({"id": e.id, "date": e.date, "action": e.action, "actor_id": e.actor_id,
                    "target_id": e.target_id, "place": e.place, "summary": e.summary,
                    "mentions": [{"article_id": e.article_id, "span": list(e.span)}],
                    "actor": e.actor, "target": e.target, "trigger": e.trigger,
                    # Additions: how the date is known ("text": the article's own words;
                    # "inferred": its publication date was inferred from its story).
                    "date_basis": None if e.date is None else
                    "inferred" if e.id in inferred else "text"},
                   ids, "actor_id", "target_id")
            for p in members for e in p.events],
        "claims": [to_dict(c) for c in story.claims],
        "per_source": [to_dict(v) for v in story.per_source],
        "briefing": {"summary": [to_dict(s) for s in story.summary]},
        "history": list(story.history),
    }


def build(articles: list[Article], parsed: dict[str, ParsedArticle], stories: list[Story],
          skipped: list[Skipped], now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    # Undated articles take a date from their story (published_basis "text" or "inferred"),
    # and their time expressions and events the dates it gives them.
    parsed = dict(parsed)
    inferred: set[str] = set()
    for story in stories:
        members = [parsed[a] for a in story.article_ids if a in parsed]
        for before, after in zip(members, dated(members)):
            if after is not before:
                parsed[after.id] = after
                inferred |= {e.id for e, old in zip(after.events, before.events)
                             if e.date and not old.date}
    articles = [parsed[a.id].article if a.id in parsed else a for a in articles]
    document = {
        "schema": SCHEMA_ID,
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "articles": [article_json(a, parsed.get(a.id)) for a in articles],
        "stories": [story_json(s, parsed, frozenset(inferred)) for s in stories],
        "skipped": [{"source": s.source, "stage": s.stage, "reason": s.reason} for s in skipped],
    }
    return document
