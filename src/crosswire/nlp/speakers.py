"""Who a quote's source phrase refers to: the article's canonical entity, when there is one.

Takes the parse, the article's entities and a source phrase (token range); gives the
speaker's canonical name, entity id and the mention in this article. A source resolves
through, in order:
- a name the entity extractor linked ("Ferreira", "the UN", "Beijing" for China), also when
  it is an apposition of the phrase ("a ministry spokeswoman, Lena Ost");
- a personal pronoun: the most salient agreeing entity before it (``Salience``: a
  Lappin-Leass-style ranking over the article's mentions outside quotation marks, where
  subjects outweigh objects, salience halves with each sentence, and every pronoun resolved
  on the way counts as a mention, so "Clark ... She feels ... she said" stays with Clark);
  He/she go only to someone a title, role or known given name shows to be a person, of
  that gender when known;
- a role ("the spokeswoman", "the interior minister"): the most recent person holding it;
- an organisation's common noun ("the ministry said", "the carrier said"): the most recent
  organisation whose name holds that noun ("Emergency Ministry"), else the most salient one
  the article describes by it ("the Japanese carrier ANA");
- a document ("the statement said"): whoever the article says issued it.
Otherwise the speaker has no name or id, only the phrase's span ("critics", "a poll",
"the organisers"): the text names no entity. An empty source means no speaker at all.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..records import Entity, Span
from .attribution import DocView
from .entities import (DOCUMENT_NOUNS, FEMALE_WORDS, HONORIFICS, MALE_WORDS, ORG_WORDS,
                       SPEECH_VERBS, TITLE_ABBREVIATIONS, TITLE_WORDS, name_key)

_PERSON_PRONOUNS = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
_GROUP_PRONOUNS = {"it", "its", "they", "them", "their"}
_GROUP_TYPES = ("ORG", "GPE", "NORP")
# Lappin & Leass (1994)'s salience factors, kept to those a dependency parse gives: every
# mention is recent (100); a subject (80) outranks a direct object (50) and an indirect one
# (40); a name heading its own phrase (80, not "Qualcomm's" in "Qualcomm's problems") and
# one outside an adverbial prepositional phrase (50, not "on Twitter") count more. Each
# sentence boundary halves what an entity has gathered, and a paragraph boundary halves it
# once more: a news paragraph rarely reaches back past the one before for its "she".
_RECENCY, _HEAD, _NON_ADVERBIAL = 100.0, 80.0, 50.0
_ROLE_WEIGHT = {"nsubj": 80.0, "nsubjpass": 80.0, "csubj": 80.0, "expl": 70.0,
                "dobj": 50.0, "obj": 50.0, "dative": 40.0, "iobj": 40.0}
_EMBEDDED = {"poss", "compound", "nmod", "amod"}
# An entity whose salience has halved below this (a subject about five sentences back, a
# passing mention three back) is no longer a pronoun's antecedent. These three weights were
# set from the factors above, not tuned: crossnews/dev and rewrites/dev, read while building
# this, gave the same counts for a mismatch cost of 250 as for none, and +-1 for 60 or 120.
_MIN_SALIENCE = 8.0
# Agreement bonus for a person whose gender is known and matches the pronoun: a known "she"
# beats an unknown name of about equal salience ("Harambe" when "Ms Clark" was the subject
# two sentences back).
_GENDER_MATCH = 60.0
# A given name whose usual gender disagrees with the pronoun costs about a subject's mention
# in the sentence: only a far more salient bearer (the subject of the pronoun's own
# sentence, with no rival) takes it; a weight, not an exclusion, as Lindsey and Jordan are
# borne by women and men (tests/nlp/test_quotes.py has the case it still misses).
_NAME_GENDER_MISMATCH = 250.0
# Whose words are their principal's ("a spokesman for X", "X's spokeswoman").
_MOUTHPIECES = frozenset({"spokesman", "spokeswoman", "spokesperson", "spokespeople",
                          "spokesmen", "spokeswomen"})
_RELATIVE = {"who", "which", "that", "whom"}
# How far back (characters) the issuer of "the statement" is looked for.
_DOCUMENT_REACH_CHARS = 3000
# Head nouns a definite phrase names an organisation by ("the airline said", "the company
# declined to comment"): resolved like "it", to the most salient organisation the article
# describes by that noun (Salience._described).
_ORG_NOUNS = frozenset({
    "company", "firm", "corporation", "business", "group", "conglomerate", "startup", "airline",
    "carrier", "operator", "manufacturer", "maker", "chipmaker", "automaker", "carmaker",
    "retailer", "lender", "bank", "insurer", "broadcaster", "network", "newspaper", "paper",
    "magazine", "outlet", "agency", "ministry", "department", "government", "administration",
    "military", "army", "navy", "police", "regulator", "authority", "council", "committee",
    "commission", "board", "court", "party", "union", "association", "organisation",
    "organization", "charity", "campaign", "coalition", "alliance", "team", "club", "league",
    "zoo", "museum", "university", "school", "hospital"})
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
    def __init__(self, doc: Doc, entities: tuple[Entity, ...], view: DocView,
                 given_names: Mapping[str, str] | None = None):
        self.doc = doc
        self.view = view
        self.entities = {e.id: e for e in entities}
        self.by_token: dict[int, Entity] = {}
        self.gender: dict[str, str] = {}  # from a title or role: certain
        name_gender: dict[str, str] = {}  # from the given name: likely
        attested: set[str] = set()
        starts: list[tuple[int, str]] = []
        for entity in entities:
            gender = _gender(entity)
            if gender:
                self.gender[entity.id] = gender
            likely = (given_names or {}).get(_given_name(entity))
            if likely:
                name_gender[entity.id] = likely
            if _attested(entity, given_names or {}):
                attested.add(entity.id)
            for mention in entity.mentions:
                span = doc.char_span(*mention.span, alignment_mode="expand")
                if span is None:
                    continue
                title = _title_before(doc, span.start)
                if title:  # "Mr. Tan": a person, and a man
                    attested.add(entity.id)
                    if title in FEMALE_WORDS | MALE_WORDS and entity.id not in self.gender:
                        self.gender[entity.id] = "f" if title in FEMALE_WORDS else "m"
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
        self.salience = Salience(doc, entities, view, self.by_token, self.gender, name_gender,
                                 attested)

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
        first = phrase[0]
        if first.lower_ in _RELATIVE and first.dep_ in ("nsubj", "nsubjpass") \
                and first.head.dep_ in ("relcl", "acl"):
            # The tagger's source may be the whole relative clause ("who would have to hand
            # over ..."): its pronoun is what stands for the speaker.
            root = first
        lower = root.lower_
        if lower in _RELATIVE and root.head.dep_ in ("relcl", "acl") and root.head.head.i != root.i:
            # "Katie Packer, who said ...": the relative pronoun stands for the noun it
            # follows; the pronoun stays the mention.
            named = self.resolve((root.head.head.left_edge.i, root.head.head.i + 1))
            span = (root.idx, root.idx + len(root.text))
            return Speaker(named.name, named.entity_id, span) if named else None
        if root.pos_ == "PRON":
            entity = self.salience.antecedent.get(root.i)
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
            entity = self._by_role(root) or self._by_org_noun(root) \
                or self.salience.antecedent.get(root.i) or self._by_document(root)
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

    def _by_role(self, root: Token) -> Entity | None:
        ids = self._roles.get(name_key(root.text)) or self._roles.get(root.lemma_.lower())
        if not ids:
            return None
        return self._latest(root.i, set(ids))

    def _by_document(self, root: Token) -> Entity | None:
        """"The statement said", "the letter reads": whoever the article says issued it
        earlier ("ANA said in a statement", "a statement from the family", "Palmer's
        letter"): the issuer of the nearest earlier mention of the same noun outside
        quotation marks, within the paragraphs before."""
        lemma = root.lemma_.lower()
        if lemma not in DOCUMENT_NOUNS:
            return None
        owner = _issuer(root)  # "Apple's guidelines say", "a statement from the zoo said"
        if owner is not None and owner.dep_ != "nsubj":
            entity = self.by_token.get(owner.i) or self.salience.antecedent.get(owner.i)
            if entity is not None:
                return entity
        if not any(c.lower_ == "the" for c in root.children):
            return None
        floor = max(0, self.doc[root.i].idx - _DOCUMENT_REACH_CHARS)
        for i in range(root.i - 1, -1, -1):
            token = self.doc[i]
            if token.idx < floor:
                break
            if token.lemma_.lower() != lemma or self.view.in_quote(i):
                continue
            issuer = _issuer(token)
            if issuer is not None and issuer.i != root.i:
                entity = self.by_token.get(issuer.i)
                if entity is None and issuer.pos_ == "PRON":
                    entity = self.salience.antecedent.get(issuer.i)
                if entity is not None:
                    return entity
        return None

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


class Salience:
    """Third-person pronouns (outside quotation marks) resolved in reading order, in the
    manner of Lappin & Leass (1994): each entity gathers salience from its mentions (by
    grammatical role), which halves at every sentence; a pronoun goes to the most salient
    entity that agrees with it (person and gender for he/she, organisation or place for
    it/they) and then counts as a mention of it, so a paragraph of "she ... she ... she"
    keeps the person it started with. A gender learned that way holds for the rest of the
    article. ``antecedent`` maps a pronoun's token index to its entity."""

    def __init__(self, doc: Doc, entities: tuple[Entity, ...], view: DocView,
                 by_token: dict[int, Entity], gender: dict[str, str],
                 name_gender: dict[str, str], attested: set[str]):
        self.antecedent: dict[int, Entity] = {}
        self._gender = dict(gender)
        self._name_gender = name_gender
        self._score: dict[str, float] = {}  # salience at the current sentence
        self._sentence_score: dict[str, float] = {}  # the best mention in this sentence
        self._last: dict[str, int] = {}  # token index of each entity's latest mention
        by_id = {e.id: e for e in entities}
        self._types = {e.id: e.type for e in entities}
        self._attested = attested
        # Common noun -> the entities the article describes by it. "The carrier" and "the
        # advocate" go only to these: the most salient organisation is often not what an
        # unnamed "the military" is (on crossnews/dev it was the news agency that saw the
        # papers).
        self._described = _descriptions(doc, entities)
        # Organisations that spoke before (subjects of a verb of speech): "the company"
        # when the article describes no organisation as a company.
        self._spoke: set[str] = set()
        seen_mention: set[tuple[str, int]] = set()
        breaks = [m.start() for m in re.finditer(r"\n\s*\n", view.text)]
        paragraph = 0
        for sentence in doc.sents:
            start = bisect.bisect_right(breaks, sentence[0].idx)
            self._next_sentence(start != paragraph)
            paragraph = start
            for token in sentence:
                i = token.i
                if view.in_quote(i):
                    continue
                entity = by_token.get(i)
                if entity is not None:
                    root = _mention_root(token, by_token)
                    if (entity.id, root.i) not in seen_mention:
                        seen_mention.add((entity.id, root.i))
                        self._add(entity.id, _weight(root), i)
                        if entity.type == "ORG" and _spoke(root):
                            self._spoke.add(entity.id)
                    continue
                lower = token.lower_
                if token.pos_ == "NOUN" and token.tag_ == "NN" \
                        and any(c.dep_ == "det" and c.lower_ == "the" for c in token.children):
                    chosen = self._choose_described(token.lemma_.lower())
                elif token.pos_ == "PRON" and (lower in _PERSON_PRONOUNS
                                               or lower in _GROUP_PRONOUNS):
                    chosen = self._choose(lower)
                else:
                    continue
                if chosen is not None:
                    self.antecedent[i] = by_id[chosen]
                    learned = _PERSON_PRONOUNS.get(lower)
                    # What a pronoun showed holds for the article, unless it went against
                    # the given name (then it was as likely a wrong pick).
                    if learned and chosen not in self._gender \
                            and self._name_gender.get(chosen, learned) == learned:
                        self._gender[chosen] = learned
                    self._add(chosen, _weight(token), i)

    def _next_sentence(self, new_paragraph: bool) -> None:
        for key, value in self._sentence_score.items():
            self._score[key] = self._score.get(key, 0.0) + value
        self._sentence_score = {}
        factor = 0.25 if new_paragraph else 0.5
        self._score = {k: v * factor for k, v in self._score.items()
                       if v * factor >= _MIN_SALIENCE / 4}

    def _add(self, entity_id: str, weight: float, position: int) -> None:
        if weight > self._sentence_score.get(entity_id, 0.0):
            self._sentence_score[entity_id] = weight
        self._last[entity_id] = position

    def _rank(self, entity_id: str, score: float) -> tuple[float, int]:
        # Equal salience goes to the most recent mention: never to the order of a set of
        # ids, which changes from one process to the next.
        return score, self._last.get(entity_id, -1)

    def _salience(self, entity_id: str) -> float:
        """What the entity has so far, its mentions earlier in this sentence included at
        full weight."""
        return self._score.get(entity_id, 0.0) + self._sentence_score.get(entity_id, 0.0)

    def _choose_described(self, noun: str) -> str | None:
        """"The carrier", "the advocate": the most salient entity the article describes by
        the noun; for an organisation noun nothing describes, the most salient organisation
        that has spoken ("ANA said ... The airline said")."""
        for ids in (self._described.get(noun, ()), self._spoke if noun in _ORG_NOUNS else ()):
            ranked = [(self._rank(e, self._salience(e)), e) for e in ids]
            best = max(ranked, default=((0.0, -1), None))
            if best[0][0] >= _MIN_SALIENCE:
                return best[1]
        return None

    def _choose(self, pronoun: str) -> str | None:
        best, best_rank = None, (_MIN_SALIENCE, -1)
        person = pronoun in _PERSON_PRONOUNS
        wanted = _PERSON_PRONOUNS.get(pronoun)
        for entity_id in set(self._score) | set(self._sentence_score):
            score = self._salience(entity_id)
            kind = self._types[entity_id]
            if person:
                # Only a person something besides the small model's tag vouches for: a
                # title, role or known given name ("Qualcomm", "Shamu" and "Nippon
                # Airways" come tagged PERSON; "Karin Holmqvist" may come tagged ORG). On
                # crossnews/dev, an unvouched candidate was right for no "he"/"she" and
                # wrong for two: an unresolved "she" reads better than a wrong name.
                if kind not in ("PERSON", "ORG") or entity_id not in self._attested:
                    continue
                # A title's gender (or one the article's own "she" showed) rules; a given
                # name's only weighs: Lindsey and Jordan are borne by women and men.
                known = self._gender.get(entity_id)
                likely = self._name_gender.get(entity_id)
                if known is not None and known != wanted:
                    continue
                if known == wanted or known is None and likely == wanted:
                    score += _GENDER_MATCH
                elif known is None and likely is not None:
                    score -= _NAME_GENDER_MISMATCH
            elif kind not in _GROUP_TYPES:
                continue
            rank = self._rank(entity_id, score)
            if score >= _MIN_SALIENCE and rank > best_rank:
                best, best_rank = entity_id, rank
        return best


def _spoke(root: Token) -> bool:
    """A mention of a source: the subject of a verb of speech ("ANA said"; "CNN reported"
    is the article's informant, not a party) or "according to" it."""
    head = root.head
    if root.dep_ == "nsubj":
        return head.lemma_ in SPEECH_VERBS and head.lemma_ != "report"
    return root.dep_ == "pobj" and head.lower_ == "to" and head.head.lower_ == "according"


def _descriptions(doc: Doc, entities: tuple[Entity, ...]) -> dict[str, set[str]]:
    """Common noun -> the entities the article describes by it: in an organisation's name
    ("United Airlines": airline), in a person's role or title ("Maine Gov. Paul Lenz":
    governor), modifying a mention ("the Japanese carrier ANA", "gun control advocate
    Shannon Watts"), or in apposition either way ("the airline, ANA"; "Watts, a gun control
    advocate,")."""
    described: dict[str, set[str]] = {}

    def add(word: str, entity_id: str) -> None:
        word = word.lower().rstrip(".")
        if word not in DOCUMENT_NOUNS:  # "sent Ryan a letter" may parse as a role of Ryan's
            described.setdefault(TITLE_ABBREVIATIONS.get(word, word), set()).add(entity_id)

    for entity in entities:
        if entity.type == "ORG":
            for word in name_key(entity.name).split():
                add(_singular(word), entity.id)
        for role in entity.roles:
            add(role.split()[-1], entity.id)
        for mention in entity.mentions:
            span = doc.char_span(*mention.span, alignment_mode="expand")
            if span is None:
                continue
            words = [t for t in doc[max(0, span.start - 3):span.start]
                     if span.start <= t.head.i < span.end or span.root.head.i == t.i]
            words += [c for c in span.root.children if c.dep_ == "appos"]
            for token in words:
                if token.pos_ == "NOUN":
                    add(token.lemma_, entity.id)
                elif token.pos_ == "PROPN" and token.lower_.rstrip(".") in TITLE_ABBREVIATIONS:
                    add(token.lower_, entity.id)
    return described


def _issuer(document: Token) -> Token | None:
    """Who a document noun belongs to: its possessor ("Palmer's letter"), the object of
    its "from"/"by" ("a statement from the family"), or the subject of the verb it is the
    object of or a phrase of ("ANA said in a statement", "the zoo issued a statement")."""
    for child in document.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ in ("from", "by"):
            objects = [g for g in child.children if g.dep_ == "pobj"]
            if objects:
                return objects[0]
    verb = document.head
    if document.dep_ == "pobj" and verb.dep_ == "prep":
        verb = verb.head
    elif document.dep_ not in ("dobj", "obj", "nsubjpass"):
        return None
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    return next((c for c in verb.children if c.dep_ in ("nsubj", "agent")), None)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") \
        else word


def _mention_root(token: Token, by_token: dict[int, Entity]) -> Token:
    """The mention's own head: climbing from any of its tokens while the head is still
    inside the same entity's mention."""
    entity = by_token[token.i]
    while token.head.i != token.i and by_token.get(token.head.i) is entity:
        token = token.head
    return token


def _weight(root: Token) -> float:
    weight = _RECENCY + _ROLE_WEIGHT.get(root.dep_, 0.0)
    if root.dep_ not in _EMBEDDED:
        weight += _HEAD
    if root.dep_ != "pobj":
        weight += _NON_ADVERBIAL
    return weight


def _person_like(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() and w[1:].islower() and w.isalpha()
                                        for w in words) \
        and not any(w.lower() in ORG_WORDS for w in words)


def _gender(entity: Entity) -> str | None:
    """A title or role's gender ("Ms", "spokeswoman")."""
    if entity.type != "PERSON" and not (entity.type == "ORG" and _person_like(entity.name)):
        return None
    words = _title_words(entity)
    if words & FEMALE_WORDS:
        return "f"
    if words & MALE_WORDS:
        return "m"
    return None


def _given_name(entity: Entity) -> str:
    """The first word of a name of two words or more (a lone "Jordan" is as often a
    surname), lower case."""
    parts = entity.name.split()
    if len(parts) < 2 or not (entity.type == "PERSON" or _person_like(entity.name)):
        return ""
    return parts[0].lower().rstrip(".")


def _attested(entity: Entity, given_names: Mapping[str, str]) -> bool:
    """Whether anything but the small model's tag says the entity is a person: a title
    ("Gov.", "director", "Ms"), or a name that starts with a known given name (a run of two
    or three capitalised words typed ORG included). "Qualcomm", "Shamu" and "Nippon
    Airways" typed PERSON have none, nor "Harambe, the gorilla" (a role, not a title); a
    "Mr." before a mention is checked by the resolver."""
    if entity.type == "ORG":
        return _person_like(entity.name) and _given_name(entity) in given_names
    titles = TITLE_WORDS | set(TITLE_ABBREVIATIONS) | FEMALE_WORDS | MALE_WORDS
    return entity.type == "PERSON" and (
        bool(_title_words(entity) & titles) or _given_name(entity) in given_names)


def _title_before(doc: Doc, start: int) -> str | None:
    """The courtesy title just before a mention or at its start ("Mr.", "Dr"), lower
    case."""
    for i in (start - 1, start):
        if 0 <= i < len(doc):
            word = doc[i].lower_.rstrip(".")
            if word in HONORIFICS:
                return word
    return None


def _title_words(entity: Entity) -> set[str]:
    words: set[str] = set()
    for text in (*entity.roles, *entity.aliases):
        words.update(name_key(text).split())
    return words


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
