"""Who a quote's source phrase refers to: the article's canonical entity, when there is one.

Takes the parse, the article's entities and a source phrase (token range); gives the
speaker's canonical name, entity id and the mention in this article. A source resolves
through, in order:
- a name the entity extractor linked ("Ferreira", "the UN", "Beijing" for China), also when
  it is an apposition of the phrase ("a ministry spokeswoman, Lena Ost");
- a personal pronoun: the most recent person (he, she) or organisation/country (it, they)
  named before it outside quotation marks, skipping people whose known gender disagrees;
- a role ("the spokeswoman", "the interior minister"): the most recent person holding it;
- an organisation's common noun ("the ministry said"): the most recent organisation whose
  name contains that noun ("Emergency Ministry").
Otherwise the speaker has no name or id, only the phrase's span ("critics", "a poll",
"the organisers"): the text names no entity. An empty source means no speaker at all.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..records import Entity, Span
from .attribution import DocView
from .entities import FEMALE_WORDS, MALE_WORDS, ORG_WORDS, name_key

_PERSON_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f"}
_GROUP_PRONOUNS = {"it", "they", "them"}
# Whose words are their principal's ("a spokesman for X", "X's spokeswoman").
_MOUTHPIECES = frozenset({"spokesman", "spokeswoman", "spokesperson", "spokespeople",
                          "spokesmen", "spokeswomen"})
_RELATIVE = {"who", "which", "that", "whom"}
# Words a speaker phrase is cut at when it has no entity (a relative clause or apposition
# makes "critics, who ..., " a long name).
_PHRASE_STOP = {"relcl", "acl", "appos", "punct", "prep", "advcl"}
_MAX_PHRASE_TOKENS = 12


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str | None  # the entity's canonical name; None when the phrase names no entity
    entity_id: str | None
    span: Span  # the phrase or pronoun in this article


class SpeakerResolver:
    def __init__(self, doc: Doc, entities: tuple[Entity, ...], view: DocView):
        self.doc = doc
        self.view = view
        self.entities = {e.id: e for e in entities}
        self.by_token: dict[int, Entity] = {}
        self.gender: dict[str, str] = {}
        starts: list[tuple[int, str]] = []
        for entity in entities:
            gender = _gender(entity)
            if gender:
                self.gender[entity.id] = gender
            for mention in entity.mentions:
                span = doc.char_span(*mention.span, alignment_mode="expand")
                if span is None:
                    continue
                for token in span:
                    self.by_token[token.i] = entity
                starts.append((span.start, entity.id))
        starts.sort()
        self._positions = [p for p, _ in starts]
        self._ids = [e for _, e in starts]
        roles: dict[str, list[str]] = {}
        for entity in entities:
            for role in entity.roles:
                roles.setdefault(name_key(role.split()[-1]), []).append(entity.id)
        self._roles = roles

    def resolve(self, source: tuple[int, int] | None) -> Speaker | None:
        if source is None:
            return None
        doc = self.doc
        start, end = source
        phrase = doc[start:end]
        root = phrase.root
        for token in (root, *(c for c in root.children if c.dep_ == "appos")):
            entity = self.by_token.get(token.i)
            if entity is not None:
                mention = self._mention_span(token.i, entity)
                return Speaker(entity.name, entity.id, mention)
        lower = root.lower_
        if lower in _RELATIVE and root.head.dep_ in ("relcl", "acl") and root.head.head.i != root.i:
            # "Katie Packer, who said ...": the relative pronoun stands for the noun it
            # follows; the pronoun stays the mention.
            named = self.resolve((root.head.head.left_edge.i, root.head.head.i + 1))
            span = (root.idx, root.idx + len(root.text))
            return Speaker(named.name, named.entity_id, span) if named else None
        if root.pos_ == "PRON":
            if lower in _PERSON_PRONOUNS:
                entity = self._antecedent(root.i, ("PERSON",), _PERSON_PRONOUNS[lower])
            elif lower in _GROUP_PRONOUNS:
                entity = self._antecedent(root.i, ("ORG", "GPE", "NORP"), None)
            else:
                entity = None
            span = (root.idx, root.idx + len(root.text))
            if entity is not None:
                return Speaker(entity.name, entity.id, span)
            return Speaker(None, None, span)
        if root.lemma_.lower() in _MOUTHPIECES:
            # "a spokesman for Prime Minister Esk", "Esk's spokeswoman": the words are Esk's.
            principal = next((g for c in root.children if c.dep_ == "prep" and c.lower_ == "for"
                              for g in c.children if g.dep_ == "pobj"), None) or next(
                (c for c in root.children if c.dep_ == "poss"), None)
            entity = self.by_token.get(principal.i) if principal is not None else None
            if entity is not None:
                return Speaker(entity.name, entity.id, (phrase.start_char, phrase.end_char))
        if root.pos_ in ("NOUN", "PROPN"):
            entity = self._by_role(root) or self._by_org_noun(root)
            if entity is not None:
                return Speaker(entity.name, entity.id, (phrase.start_char, phrase.end_char))
        # An entity named inside the phrase ("Hillary Clinton's campaign") is not the
        # speaker itself: the phrase is.
        words = _phrase(root, start, end)
        last = doc[words[1] - 1]
        return Speaker(None, None, (doc[words[0]].idx, last.idx + len(last.text)))

    def _mention_span(self, i: int, entity: Entity) -> Span:
        token = self.doc[i]
        for mention in entity.mentions:
            if mention.span[0] <= token.idx < mention.span[1]:
                return mention.span
        return token.idx, token.idx + len(token.text)

    def _antecedent(self, i: int, types: tuple[str, ...], gender: str | None) -> Entity | None:
        """The most recent entity of ``types`` named before token ``i`` outside quotation
        marks (a name inside a quote is who the speaker talks about, not who speaks). For
        "he"/"she" with no person named earlier in the paragraph, a name there that reads
        like a person's (two or three capitalised words, none an organisation word) comes
        before a person of an earlier paragraph: the small model tags some unfamiliar
        personal names ORG, and a news paragraph rarely reaches back for its pronoun."""
        if types == ("PERSON",):
            local = self._in_paragraph(i, gender)
            if local is not None:
                return local
        k = bisect.bisect_left(self._positions, i) - 1
        seen = 0
        while k >= 0 and seen < 40:
            entity = self.entities[self._ids[k]]
            position = self._positions[k]
            k -= 1
            seen += 1
            if entity.type not in types or self.view.in_quote(position):
                continue
            if gender and self.gender.get(entity.id, gender) != gender:
                continue
            return entity
        return None

    def _in_paragraph(self, i: int, gender: str | None) -> Entity | None:
        start = self.view.text.rfind("\n\n", 0, self.doc[i].idx)
        k = bisect.bisect_left(self._positions, i) - 1
        named_org = None
        while k >= 0 and self.doc[self._positions[k]].idx > start:
            entity = self.entities[self._ids[k]]
            position = self._positions[k]
            k -= 1
            if self.view.in_quote(position):
                continue
            if entity.type == "PERSON":
                if gender and self.gender.get(entity.id, gender) != gender:
                    continue
                return entity
            if entity.type == "ORG" and named_org is None and _person_like(entity.name):
                named_org = entity
        return named_org

    def _by_role(self, root: Token) -> Entity | None:
        ids = self._roles.get(name_key(root.text)) or self._roles.get(root.lemma_.lower())
        if not ids:
            return None
        return self._latest(root.i, set(ids))

    def _by_org_noun(self, root: Token) -> Entity | None:
        lemma = root.lemma_.lower()
        ids = {e.id for e in self.entities.values() if e.type == "ORG"
               and lemma in name_key(e.name).split()}
        return self._latest(root.i, ids) if ids else None

    def _latest(self, i: int, ids: set[str]) -> Entity | None:
        k = bisect.bisect_left(self._positions, i) - 1
        while k >= 0:
            if self._ids[k] in ids:
                return self.entities[self._ids[k]]
            k -= 1
        # Named only after the phrase ("the spokeswoman ... Lena Ost"): the first one.
        return next((self.entities[e] for e in self._ids if e in ids), None)


def _person_like(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() and w[1:].islower() and w.isalpha()
                                        for w in words) \
        and not any(w.lower() in ORG_WORDS for w in words)


def _gender(entity: Entity) -> str | None:
    if entity.type != "PERSON":
        return None
    words = set()
    for text in (*entity.roles, *entity.aliases):
        words.update(name_key(text).split())
    if words & FEMALE_WORDS:
        return "f"
    if words & MALE_WORDS:
        return "m"
    return None


def _phrase(root: Token, start: int, end: int) -> tuple[int, int]:
    """The speaker phrase without relative clauses, appositions or trailing prepositional
    phrases, when the whole source is long ("critics, who say ..." -> "critics")."""
    if end - start <= _MAX_PHRASE_TOKENS:
        return start, end
    left = root.i
    for child in root.lefts:
        if child.dep_ not in _PHRASE_STOP and child.i >= start:
            left = min(left, child.left_edge.i)
    right = root.i + 1
    for child in root.rights:
        if child.dep_ in _PHRASE_STOP or child.i >= end:
            break
        right = max(right, child.right_edge.i + 1)
    return max(start, left), min(end, right)
