"""Story entities: the article-level entities of a story's members -> story-level entities.

The same person named "Ana Ferreira" in one article, "Ferreira" in another and "Interior
Minister Ana Ferreira" in a third becomes one entity; so do spelling variants, acronyms and a
country's names and codes. The linking rules are the article level's (``nlp.entities.Linker``),
applied across articles; each story entity lists in ``Entity.merged`` the article-level ids it
absorbs, which is how claims and quotes find their story-level speaker.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..nlp.entities import (LINK_CLASSES, METONYM_REASONS, TITLED, LinkConfig, Linker, LinkUnit,
                            entity_of)
from ..nlp.gazetteer import country
from ..records import Entity, ParsedArticle


def link_story(members: Sequence[ParsedArticle], config: LinkConfig | None = None) -> tuple[Entity, ...]:
    """Story-level entities of ``members``' article-level entities, linked across articles."""
    units: list[LinkUnit] = []
    for parsed in members:
        for entity in parsed.entities:
            if entity.type in LINK_CLASSES:
                units.append(_unit_of(entity, len(units)))
    return tuple(entity_of(u) for u in Linker(units, config or LinkConfig()).run())


def _unit_of(entity: Entity, order: int) -> LinkUnit:
    # Names the entity goes by take part in linking; a titled form or a metonym ("Beijing"
    # for China) does not, or the city would be linked to its country's government.
    not_names = {alias for alias, why in entity.alias_evidence
                 if why == TITLED or why.startswith(METONYM_REASONS)}
    forms = Counter({entity.name: max(1, len(entity.mentions))})
    for alias in entity.aliases:
        if alias not in not_names:
            forms[alias] += 0
    unit = LinkUnit(types=Counter({entity.type: 1.0}), forms=forms, order=order,
                    mentions=list(entity.mentions), roles=list(entity.roles),
                    aliases=[a for a in entity.aliases if a in not_names],
                    evidence=dict(entity.alias_evidence), merged=[entity.id])
    if LINK_CLASSES.get(entity.type) in ("PLACE", "ORG"):
        unit.country = country(entity.name)
    return unit
