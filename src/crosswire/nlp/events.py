"""Events: who did what to whom, where and when, coded with the PLOVER categories.

Takes the article context (parse, entities, timexes) and gives ``Event`` records, the rows of
a story's timeline. One event at most per main clause: the sentence root and the verbs
coordinated with it, or, when the root is a neutral reporting verb ("the ministry said ..."),
the clause it reports. A clause is an event when its verb, phrasal verb or the trigger noun
of a light verb ("went on strike", "imposed a curfew") is in the lexicon of ``plover.py``.
Negated, conditional and hypothetical clauses are dropped; future ones are recoded as the
manual says (a promised meeting is AGREE, an announced strike a THREATEN). Actor and target
come from the dependency parse (subject, object, "by"-agent, "with"/"against"/"on" phrase)
linked to the entities the entity extractor found; place from a place entity (or a proper
noun after "in"/"at") in the sentence; date from a dated timex in the clause.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from ..records import Event, content_id
from . import plover
from .context import ArticleContext
from .numbers import (
    SpanIndex,
    clause_verb,
    dated_value,
    entity_at,
    entity_index,
    noun_phrase,
    phrase_text,
    subject_of,
)

_PARTICLES = frozenset({"out", "off", "down", "up", "back", "on", "aside"})
_TARGET_PREPS = {
    "with": frozenset({"CONSULT", "COOPERATE", "AGREE", "ASSAULT"}),
    "against": frozenset({"PROTEST", "ACCUSE", "THREATEN", "SANCTION", "ASSAULT", "COERCE",
                          "REJECT", "MOBILIZE"}),
    "on": frozenset({"SANCTION", "REQUEST", "ASSAULT", "COERCE", "THREATEN"}),
    "to": frozenset({"AID", "COOPERATE"}),
    "from": frozenset({"REQUEST"}),
}
_PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "around", "off",
                          "into", "through", "along", "throughout"})
_DESTINATION_PREPS = frozenset({"to", "towards", "toward"})  # "deployed troops to Marsk"
# Heads whose "of"-phrase is the party itself: "thousands of nurses", "a group of farmers".
_COLLECTIVES = frozenset({"thousand", "hundred", "dozen", "million", "score", "group", "crowd",
                          "number", "handful", "couple", "majority", "band", "team", "members",
                          "member", "coalition", "alliance", "union", "association"})
# Objects that are amounts (their party is the proper noun inside them).
_AMOUNTS = frozenset({"crown", "dollar", "euro", "pound", "franc", "million", "billion",
                      "thousand", "%"})
_HYPOTHETICAL = frozenset({"would", "could", "might", "may", "should", "must", "can",
                           "ought"})
_FUTURE = frozenset({"will", "shall", "'ll"})
# Verbs whose xcomp is planned, not done: "plans to strike", "is set to meet".
_INTENT = frozenset({"plan", "intend", "prepare", "aim", "vow", "decide", "set", "due",
                     "expect", "hope", "want", "seek", "propose", "schedule", "try", "move"})
# Verbs whose xcomp is happening: "began to protest", "continued to hold".
_ASPECT = frozenset({"begin", "start", "continue", "resume", "keep", "go"})
# Subjects that cause harm without acting (weather, water, accidents): never PLOVER actors.
_NOT_AGENTS = frozenset({
    "flood", "flooding", "storm", "river", "water", "fire", "blaze", "rain", "wind", "quake",
    "earthquake", "virus", "disease", "wave", "landslide", "collapse", "levee", "heat",
    "snow", "frost", "ice", "avalanche", "tornado", "hurricane", "cyclone", "typhoon",
    "drought", "explosion", "crash", "accident", "torrent", "mudslide", "outbreak",
})
# What a future action is coded as (PLOVER manual 3.1, 3.4, 3.11 and its THREATEN modes):
# promised cooperation is AGREE, an announced retreat CONCEDE, announced force a threat.
_FUTURE_OF: dict[str, tuple[str, str | None]] = {
    "CONSULT": ("AGREE", None), "SUPPORT": ("AGREE", None), "COOPERATE": ("AGREE", None),
    "AID": ("AGREE", None), "RETREAT": ("CONCEDE", None), "PROTEST": ("THREATEN", "restrict"),
    "SANCTION": ("THREATEN", "relations"), "MOBILIZE": ("THREATEN", "violence"),
    "COERCE": ("THREATEN", "restrict"), "ASSAULT": ("THREATEN", "violence"),
}
_FUTURE_MODES = {"arrest": "arrest", "deport": "expel"}  # COERCE mode -> THREATEN mode
_MAX_REPORT_DEPTH = 2
# Objects that are amounts or abstractions, never the party an action is aimed at.
_NOT_PARTIES = frozenset({"job", "work", "%", "percent", "time", "way", "place", "part",
                          "step", "action", "measure", "decision", "statement"})


@dataclass(frozen=True, slots=True)
class _Trigger:
    category: str
    mode: str | None
    verb: Token
    noun: Token | None  # the trigger noun of a light verb
    particle: Token | None
    object_is_party: bool = True  # False when the verb's object is the thing done or asked


def extract(ctx: ArticleContext) -> tuple[Event, ...]:
    doc = ctx.doc
    if not len(doc) or not doc.has_annotation("DEP"):
        return ()
    entities = entity_index(ctx.entities)
    places = entity_index([e for e in ctx.entities if e.type in ("GPE", "LOC")])
    timexes = SpanIndex((t.span[0], t.span[1], t) for t in ctx.timexes
                        if t.type in ("DATE", "TIME") and dated_value(t))
    article_id = ctx.article.id
    out: list[Event] = []
    text = ctx.text
    for sent in doc.sents:
        if text[sent.start_char:sent.end_char].rstrip().endswith("?"):
            continue  # a question asks, it does not report
        for verb, reported in _main_clauses(sent):
            found = _trigger(verb)
            if found is None:
                continue
            tense = _tense(verb, reported)
            if tense is None:
                continue
            category, mode = found.category, found.mode
            if tense == "future" and category in _FUTURE_OF:
                category, future_mode = _FUTURE_OF[category]
                mode = _FUTURE_MODES.get(mode or "", future_mode) if category == "THREATEN" else future_mode
            event = _event(found, category, mode, sent, entities, places, timexes, article_id)
            if event is not None:
                out.append(event)
    return tuple(out)


def _main_clauses(sent: SpacySpan) -> Iterator[tuple[Token, bool]]:
    """The verbs heading main clauses, and whether each sits in reported speech."""
    stack: list[tuple[Token, int]] = [(sent.root, 0)]
    while stack:
        verb, depth = stack.pop()
        clause = [verb, *(c for c in verb.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"))]
        for head in clause:
            if head.pos_ not in ("VERB", "AUX"):
                continue
            lemma = head.lemma_.lower()
            if lemma in plover.REPORTING_VERBS and _trigger(head) is None:
                if depth < _MAX_REPORT_DEPTH:
                    stack.extend((c, depth + 1) for c in head.children
                                 if c.dep_ in ("ccomp", "parataxis") and c.pos_ in ("VERB", "AUX"))
                continue
            if lemma in _INTENT or lemma in _ASPECT or lemma == "be":
                inner = next((c for c in head.children if c.dep_ == "xcomp"), None)
                if inner is not None and _trigger(head) is None:
                    yield inner, depth > 0
                    continue
            yield head, depth > 0


def _keys(token: Token) -> list[str]:
    """Lexicon keys for a word: its lemma, its lower form, and crude de-inflections that
    catch what the lemmatizer misses ("fined" -> "fin")."""
    lower = token.lower_
    keys = [token.lemma_.lower(), lower]
    if lower.endswith("ied"):
        keys.append(lower[:-3] + "y")
    if lower.endswith("ed"):
        keys += [lower[:-2], lower[:-1]]
        if len(lower) > 4 and lower[-3] == lower[-4]:
            keys.append(lower[:-3])  # "banned" -> "ban"
    if lower.endswith("ing"):
        keys += [lower[:-3], lower[:-3] + "e"]
    if lower.endswith("s"):
        keys += [lower[:-1], lower[:-2]]
    return keys


def _lookup(table: dict, token: Token, suffix: str = "") -> tuple[str, tuple] | None:
    for key in _keys(token):
        entry = table.get(key + suffix)
        if entry is not None:
            return key, entry
    return None


def _trigger(verb: Token) -> _Trigger | None:
    particle = next((c for c in verb.children if c.dep_ in ("prt", "advmod")
                     and c.lower_ in _PARTICLES and c.i == verb.i + 1), None)
    obj = _object(verb)
    # phrasal verbs first: "walk out", "call off", "step down"
    for word in [particle] + [c for c in verb.children if c.dep_ == "prep"]:
        if word is None:
            continue
        found = _lookup(plover.VERBS, verb, " " + word.lower_)
        if found:
            key = f"{found[0]} {word.lower_}"
            return _Trigger(*found[1], verb, None, word, key not in plover.CONTENT_OBJECT_VERBS)
    # light verb + trigger noun: "began a strike", "went on strike", "imposed a curfew"
    keys = _keys(verb)
    if any(k in plover.LIGHT_VERBS for k in keys):
        noun = obj if obj is not None and obj.pos_ in ("NOUN", "PROPN") else _on_noun(verb)
        if noun is not None:
            found = _noun_trigger(noun)
            if found is not None:
                category, mode = found
                for k in keys:
                    category, mode = plover.LIGHT_OVERRIDES.get((k, category), (category, mode))
                return _Trigger(category, mode, verb, noun, particle)
    # verbs that take their meaning from the object: "send troops", "lift the curfew"
    if obj is not None:
        obj_keys = set(_keys(obj)) | {_compound(obj)}
        phrasal = {f"{k} {particle.lower_}" for k in keys} if particle is not None else set()
        for verbs, cls, category, mode in plover.OBJECT_RULES:
            if (verbs & set(keys) or verbs & phrasal) and obj_keys & plover.OBJECT_CLASSES[cls]:
                return _Trigger(category, mode, verb, None, particle, cls == "captives")
    subject = subject_of(verb)
    if subject is not None and not any(c.dep_ in ("dobj", "obj") for c in verb.children):
        subj_keys = set(_keys(subject)) | {_compound(subject)}
        phrasal = {f"{k} {particle.lower_}" for k in keys} if particle is not None else set()
        for verbs, cls, category, mode in plover.SUBJECT_RULES:
            if (verbs & set(keys) or verbs & phrasal) and subj_keys & plover.OBJECT_CLASSES[cls]:
                return _Trigger(category, mode, verb, None, particle)
    if verb.lemma_.lower() == "strike":
        # "workers struck" is a strike; "a missile struck the depot" is not coded here
        return _Trigger("PROTEST", "strike", verb, None, None) if obj is None else None
    found = _lookup(plover.VERBS, verb)
    if found is None:
        return None
    key, (category, mode) = found
    if key in plover.NEEDS_XCOMP and not any(c.dep_ == "xcomp" for c in verb.children):
        return None
    return _Trigger(category, mode, verb, None, None, key not in plover.CONTENT_OBJECT_VERBS)


def _noun_trigger(noun: Token) -> tuple[str, str | None] | None:
    if noun.lemma_.lower() in plover.JOINT_NOUNS and any(
            c.dep_ == "amod" and c.lower_ in plover.JOINT for c in noun.children):
        return ("COOPERATE", None)
    compound = _compound(noun)
    if compound in plover.NOUNS:
        return plover.NOUNS[compound]
    found = _lookup(plover.NOUNS, noun)
    return found[1] if found else None  # type: ignore[return-value]


def _compound(noun: Token) -> str:
    """"hunger strike", "riot police": the noun with the compound word before it."""
    before = [c for c in noun.lefts if c.dep_ == "compound" and c.i == noun.i - 1]
    return f"{before[0].lower_} {noun.lemma_.lower()}" if before else noun.lemma_.lower()


def _object(verb: Token) -> Token | None:
    """The object, the passive subject, or what is left ("withdrew from the talks")."""
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj", "nsubjpass")), None)
    if obj is None:
        for prep in verb.children:
            if prep.dep_ == "prep" and prep.lower_ == "from":
                obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    return obj


def _on_noun(verb: Token) -> Token | None:
    """"went on strike", "are on strike"."""
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "on":
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.pos_ == "NOUN":
                    return obj
    return None


def _tense(verb: Token, reported: bool) -> str | None:
    """"past"/"present", "future", or None for negated, conditional or hypothetical."""
    tense = "done"
    for child in verb.children:
        dep, lower = child.dep_, child.lower_
        if dep == "neg" or lower in ("never", "not", "n't"):
            return None
        if dep == "mark" and lower in ("if", "unless", "whether"):
            return None
        if dep == "aux":
            if lower in _FUTURE:
                tense = "future"
            elif lower in _HYPOTHETICAL:
                # "would" in reported speech is the future seen from the past
                if reported and lower == "would":
                    tense = "future"
                else:
                    return None
    head = verb.head
    if verb.dep_ == "xcomp" and head.lemma_.lower() in _INTENT:
        tense = "future"
    if verb.dep_ == "xcomp":
        for child in head.children:
            if child.dep_ == "neg":
                return None
    return tense


def _event(trigger: _Trigger, category: str, mode: str | None, sent: SpacySpan,
           entities: SpanIndex, places: SpanIndex, timexes: SpanIndex,
           article_id: str) -> Event | None:
    verb = trigger.verb
    base = trigger.category  # before the future recoding: who is aimed at does not change
    actor_tok, target_tok, target_prep = _participants(trigger, base, entities)
    if actor_tok is not None and actor_tok.lemma_.lower() in _NOT_AGENTS:
        return None
    actor, actor_id, actor_span = _party(actor_tok, entities)
    target, target_id, target_span = _party(target_tok, entities)
    if actor is None and target is None:
        return None  # "a strike began": nobody to put on the timeline
    taken = [s for s in (actor_span, target_span) if s is not None]
    place = _place(trigger, base, sent, places, taken)
    date = _date(verb, sent, timexes)
    span = (sent.start_char, sent.end_char)
    summary = _summary(trigger, actor, target, target_tok, target_prep, place)
    trigger_tok = trigger.noun if trigger.noun is not None else trigger.verb
    return Event(
        id=content_id("v", article_id, str(span), str(trigger_tok.idx)), article_id=article_id,
        span=span, action=category, summary=summary, actor_id=actor_id, actor=actor,
        target_id=target_id, target=target, place=place, date=date, mode=mode,
        trigger=trigger.noun.text if trigger.noun is not None else _verb_text(trigger))


def _participants(trigger: _Trigger, category: str, entities: SpanIndex
                  ) -> tuple[Token | None, Token | None, Token | None]:
    """Actor, target, and the preposition that introduced the target (if one did)."""
    verb = trigger.verb
    actor = _subject(verb)
    target: Token | None = None
    prep: Token | None = None
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    if passive:
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        actor = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
        target = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if trigger.noun is not None and target == trigger.noun:
            target = None
    else:
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj", "dative")), None)
        if obj is not None and obj != trigger.noun:
            target = _amount_holder(obj)
    if target is not None and target.pos_ not in ("NOUN", "PROPN", "PRON"):
        target = None
    if target is not None and not trigger.object_is_party and not _names_someone(target, entities):
        target = None
    if target is None:
        for holder in [verb] + ([trigger.noun] if trigger.noun is not None else []):
            target, prep = _prep_target(holder, category, trigger)
            if target is not None:
                break
    if target is None and category in ("THREATEN", "REQUEST", "REJECT"):
        # "threatened to expel the deputies": the target of the act threatened
        for inner in (c for c in verb.children if c.dep_ == "xcomp"):
            found = _trigger(inner)
            obj = next((c for c in inner.children if c.dep_ in ("dobj", "obj")), None)
            if found is not None and found.object_is_party and obj is not None:
                target = obj
    if target is None and category == "REQUEST":
        # "demanded that the government publish ...": who is asked is the clause's subject
        for clause in (c for c in verb.children if c.dep_ == "ccomp"):
            target = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if target is not None:
                break
    if target is not None and (target.pos_ not in ("NOUN", "PROPN", "PRON")
                               or target.lower_ == "%" or target.lemma_.lower() in _NOT_PARTIES):
        target, prep = None, None
    return actor, target, prep


def _amount_holder(obj: Token) -> Token:
    """"fined Brimwell Foods 2 million crowns" is often parsed with the company modifying the
    amount: the party is the proper noun inside the amount phrase."""
    if obj.lemma_.lower() in _AMOUNTS:
        for child in obj.lefts:
            if child.dep_ in ("nmod", "compound", "dative") and child.pos_ == "PROPN":
                return child
    return obj


def _names_someone(token: Token, entities: SpanIndex) -> bool:
    return token.pos_ == "PROPN" or entity_at(entities, token) is not None


def _subject(verb: Token) -> Token | None:
    node = verb
    for _ in range(8):
        subject = subject_of(node)
        if subject is not None:
            return subject
        if node.dep_ in ("conj", "xcomp") and node.head.i != node.i:
            node = node.head  # "... and called on workers", "began to strike"
            continue
        return None
    return None


def _prep_target(holder: Token, category: str, trigger: _Trigger) -> tuple[Token | None, Token | None]:
    preps = [holder] if holder.dep_ == "prep" else [c for c in holder.children if c.dep_ == "prep"]
    for prep in preps:
        allowed = _TARGET_PREPS.get(prep.lower_)
        if allowed is None or category not in allowed:
            continue
        for obj in prep.children:
            if obj.dep_ == "pobj" and obj != trigger.noun and obj.ent_type_ not in ("DATE", "TIME"):
                return obj, prep
    return None, None


def _party(token: Token | None, entities: SpanIndex) -> tuple[str | None, str | None, tuple[int, int] | None]:
    if token is None:
        return None, None, None
    doc = token.doc
    i, j = noun_phrase(token)
    of = next((t for t in doc[token.i + 1:j] if t.lower_ == "of" and t.head.i == token.i), None)
    if of is not None and not any(t.pos_ == "PROPN" for t in doc[of.i:j]) \
            and token.lemma_.lower() not in _COLLECTIVES:
        # "the crew of the Silver Heron" and "thousands of nurses" name a party; "the
        # government of favouritism" (accused X of Y) does not
        j = of.i
    conj = [c for c in token.rights if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN")]
    if conj:
        j = max(j, noun_phrase(conj[-1])[1])  # "Veldmark and Arvenia" act together
    start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1])
    entity = entity_at(entities, token)
    if entity is not None and not conj:
        return entity.name, entity.id, (start, end)
    if token.pos_ == "PRON":
        return None, None, (start, end)  # an unresolved pronoun names nobody
    return phrase_text(doc, i, j), entity.id if entity is not None else None, (start, end)


def _place(trigger: _Trigger, category: str, sent: SpacySpan, places: SpanIndex,
           taken: list[tuple[int, int]]) -> str | None:
    """A place entity (else a proper noun) in a locative phrase on the trigger, its
    infinitive ("agreed to hold talks in Pellan") or its actor ("police in Quellin")."""
    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in taken)

    verb = trigger.verb
    anchors = {verb.i, *(c.i for c in verb.children if c.dep_ == "xcomp")}
    if trigger.noun is not None:
        anchors.add(trigger.noun.i)
    preps = _PLACE_PREPS | (_DESTINATION_PREPS if category == "MOBILIZE" else frozenset())
    for s, e, ent in places.overlapping(sent.start_char, sent.end_char):
        span = sent.doc.char_span(s, e, alignment_mode="expand")
        if span is not None and free(s, e) and _located(span.root, anchors, preps):
            return ent.name  # type: ignore[attr-defined]
    for anchor in anchors:
        for prep in sent.doc[anchor].children:
            if prep.dep_ == "prep" and prep.lower_ in preps:
                for obj in prep.children:
                    if obj.dep_ == "pobj" and obj.pos_ == "PROPN" \
                            and obj.ent_type_ not in ("DATE", "TIME", "PERSON", "ORG", "NORP"):
                        i, j = noun_phrase(obj)
                        s, e = sent.doc[i].idx, sent.doc[j - 1].idx + len(sent.doc[j - 1])
                        if free(s, e):
                            return phrase_text(sent.doc, i, j)
    return None


def _located(token: Token, anchors: set[int], preps: frozenset[str]) -> bool:
    """Whether ``token`` hangs from an anchor word (or its subject) through a locative
    preposition, crossing only nouns and prepositions ("in the port of Kirr")."""
    node, locative = token, False
    for _ in range(12):
        if node.i in anchors or (node.dep_ in ("nsubj", "nsubjpass") and node.head.i in anchors):
            return locative
        if node.head.i == node.i or node.pos_ in ("VERB", "AUX"):
            return False
        if node.dep_ == "prep" and node.lower_ in preps:
            locative = True
        node = node.head
    return False


def _date(verb: Token, sent: SpacySpan, timexes: SpanIndex) -> str | None:
    doc = sent.doc
    for s, e, timex in timexes.overlapping(sent.start_char, sent.end_char):
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            continue
        head = clause_verb(span.root)
        if head is not None and (head == verb or head.is_ancestor(verb)):
            return dated_value(timex)  # type: ignore[arg-type]
    return None


def _verb_text(trigger: _Trigger) -> str:
    verb = trigger.verb
    doc = verb.doc
    if trigger.particle is not None:
        return f"{verb.text} {trigger.particle.text}"
    return doc[verb.i:verb.i + 1].text


def _summary(trigger: _Trigger, actor: str | None, target: str | None, target_tok: Token | None,
             target_prep: Token | None, place: str | None) -> str:
    """"Actor verb target in place", from the words of the article: the verb with its
    auxiliaries and particle, the trigger noun ("went on strike"), the object when it is the
    content of the act ("offered 4.5%") or else what the act was to do ("threatened to close
    the border"), then the target."""
    verb = trigger.verb
    doc = verb.doc
    words = [c.text for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
    words.append(_verb_text(trigger))
    shown = trigger.noun
    if shown is not None and shown.dep_ == "pobj" and shown.head.head.i == verb.i:
        words.append(shown.head.text)  # "went on strike"
    if shown is None:
        shown = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
    if shown is None and trigger.particle is not None and trigger.particle.dep_ == "prep":
        shown = next((c for c in trigger.particle.children if c.dep_ == "pobj"), None)
    if shown is not None and target_tok is not None and shown.i == target_tok.i:
        shown = None
    tail: list[str] = []
    if shown is not None:
        i, j = noun_phrase(shown)
        i = min(i, shown.left_edge.i)
        if target_tok is not None and i <= target_tok.i < shown.i:
            tail.append(doc[target_tok.right_edge.i + 1:j].text)  # "fined X 2 million crowns"
        else:
            words.append(doc[i:j].text)
    else:
        inner = next((c for c in verb.children if c.dep_ == "xcomp"), None)
        if inner is not None and target is None:
            obj = next((c for c in inner.children if c.dep_ in ("dobj", "obj")), None)
            words += ["to", inner.text]
            if obj is not None:
                words.append(doc[obj.left_edge.i:noun_phrase(obj)[1]].text)
    passive = any(c.dep_ == "auxpass" for c in verb.children)
    clause = target_tok.head if target_tok is not None else None
    if clause is not None and clause.dep_ == "ccomp" and clause.head.i == verb.i:
        # "demanded that the board reopen the talks": the demand, in its words
        end = clause.right_edge.i + 1
        while end > clause.left_edge.i and doc[end - 1].is_punct:
            end -= 1
        parts = [actor or "", *words, doc[clause.left_edge.i:end].text]
    elif passive and target is not None:
        parts = [target, *words] + (["by", actor] if actor else [])
    else:
        prep = [target_prep.text] if target is not None and target_prep is not None \
            and target_prep != trigger.particle else []
        parts = [actor or "", *words, *prep, target or "", *tail]
    if place:
        parts += ["in", place]
    return " ".join(p for p in parts if p).strip() or verb.text
