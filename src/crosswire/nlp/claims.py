"""Claim units: the article cut into sentence or clause units, each with its attribution.

Takes the shared parse plus the quotes, numbers and entities found before it; gives one
:class:`~crosswire.records.Claim` per unit with

- ``speaker`` / ``speaker_id``: from a quote overlapping the unit, else the unit's own
  reporting verb ("X said", "according to X"), a pronoun subject resolved to the previous
  unit's speaker;
- ``certainty``: asserted | confirmed | denied | did-not-deny | declined-to-confirm |
  unconfirmed | reported | hedged, from cue words in the unit (``certainty_cue`` keeps the
  words, so alignment can tell a modal hedge from a rounded figure);
- ``quote_ids`` / ``number_ids``: the quotes and numbers overlapping it.

Units are sentences, with three refinements that keep one proposition per unit: sentences
inside one direct quote are joined (a two-sentence quote is one claim of its speaker);
independent clauses joined by "but"/"and"/";" are split; a conjoined or trailing reporting
clause ("... and said the government would ...", "..., vowing that ...") becomes its own unit
with the subject's attribution.
"""

from __future__ import annotations

import re

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from ..records import Claim, Entity, Quote, Span, content_id
from .context import ArticleContext

# Verbs whose subject is the source of what follows (lemmas).
REPORTING_VERBS = frozenset({
    "say", "tell", "state", "announce", "add", "claim", "confirm", "deny", "insist", "warn",
    "report", "estimate", "acknowledge", "admit", "allege", "assert", "vow", "call", "describe",
    "note", "argue", "explain", "write", "declare", "suggest", "predict", "promise", "urge",
    "condemn", "decline", "refuse", "reveal", "disclose", "stress", "maintain", "contend",
    "concede", "put", "tweet", "accuse", "blame", "dismiss", "reject", "brand", "label",
    "pledge", "threaten", "caution", "predict", "forecast", "calculate", "count", "recall",
})
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
# Pronouns that continue the previous unit's source; "we" and "I" are a quote's own voice.
CONTINUING_PRONOUNS = frozenset({"he", "she", "they"})
_QUOTE_MARKS = re.compile(r'["\u201c\u201d]')

# Certainty cues, most specific first: "declined to confirm reports that ..." is a refusal to
# confirm, not a report; "did not deny" is not a denial. Patterns run on the lower-cased unit.
_NEG = r"(?:did not|didn't|does not|doesn't|do not|don't|would not|wouldn't|could not|couldn't|" \
       r"will not|won't|has not|hasn't|have not|haven't|had not|hadn't|was not|were not|" \
       r"refused to|declined to|was unable to|were unable to|cannot|can't)"
CERTAINTY_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern)) for label, pattern in (
        ("declined-to-confirm", r"\bneither confirm(?:ed|s)? nor den(?:y|ied|ies)\b"),
        ("did-not-deny", rf"\b{_NEG} (?:immediately |publicly |explicitly )?deny\b"),
        ("declined-to-confirm",
         rf"\b{_NEG} (?:immediately |publicly |independently |officially )?confirm\b"
         r"|\b(?:declined|refused) (?:to )?comment\b"
         rf"|\b(?:{_NEG}|declined to|refused to) (?:commit|say whether)\b"),
        ("unconfirmed",
         r"\bunconfirmed\b|\b(?:could|can)(?: not|not|n't) (?:yet )?(?:be )?(?:independently )?"
         r"(?:verified|confirmed)\b|\bnot (?:been |yet been )?(?:independently |officially )?"
         r"(?:verified|confirmed)\b|\bunverified\b"),
        ("denied", r"\b(?:denied|denies|deny|denying|plead(?:ed|s)? not guilty|pled not guilty|"
                   r"rejected (?:claims|reports|allegations|"
                   r"suggestions)|dismissed (?:claims|reports|allegations|suggestions))\b"),
        ("confirmed", r"\b(?:confirmed|confirms|confirming|acknowledged|acknowledges|admitted|"
                      r"admits|conceded|concedes|verified)\b"),
        ("reported", r"\b(?:reportedly|allegedly|alleged|purportedly|supposedly|rumou?red|"
                     r"according to (?:(?:unconfirmed|local|media|news|press) )?reports|"
                     r"reports? (?:that|of)|(?:is|are|was|were) said to|"
                     r"(?:is|are|was|were) reported to|unnamed sources?)\b"),
        ("hedged", r"\b(?:may|might|could|possibly|perhaps|probably|likely|unlikely|apparently|"
                   r"appears? to|appeared to|seems? to|seemed to|suspected|believed to|"
                   r"thought to|expected (?:to|in|at|back)|(?:not|never|\w+n't) rul(?:e|ed|ing) out|"
                   r"looks? like|looked like|preliminary|"
                   r"(?:investigating|examining|looking into|trying to (?:establish|determine)|"
                   r"checking) whether)\b"),
        # A rounded or approximate figure is a hedge too, but a weaker kind: alignment keeps
        # it apart (see NUMERIC_HEDGES) so "about 4,000" and "thousands" are not a dispute.
        ("hedged", r"\b(?:about|around|roughly|approximately|some|nearly|almost|an estimated|"
                   r"close to|more or less|estimated)(?= \d)"),
    ))
NUMERIC_HEDGES = frozenset({"about", "around", "roughly", "approximately", "some", "nearly",
                            "almost", "an estimated", "close to", "more or less", "estimated"})

_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+(?:,[^—–\n]{0,60})?\s*(?:\([^)\n]{1,60}\))?\s*[—–-]+\s*")
# Units with fewer word tokens than this are headings, captions or fragments, not claims.
MIN_WORDS = 3


def extract(ctx: ArticleContext) -> tuple[Claim, ...]:
    article_id = ctx.article.id
    units = _units(ctx)
    claims: list[Claim] = []
    # Speaker of the unit just before: "she" or a subject-less "and said ..." continues it.
    previous_speaker: tuple[str | None, str | None] = (None, None)
    for span, reported in units:
        start, end = _trim(ctx.text, span)
        tokens = ctx.doc.char_span(start, end, alignment_mode="expand") if end > start else None
        if tokens is None or sum(1 for t in tokens if t.is_alpha) < MIN_WORDS:
            continue
        quotes = _overlapping(ctx.quotes, start, end)
        speaker_id, speaker = _speaker(ctx, tokens, quotes, start, end)
        if speaker is None and (reported or _continues_speaker(tokens)):
            speaker_id, speaker = previous_speaker
        label, cue = certainty(ctx.text[start:end], tokens,
                               [q.span for q in quotes if q.kind == "direct"])
        claims.append(Claim(
            id=content_id("c", article_id, str((start, end))), article_id=article_id,
            span=(start, end), text=ctx.text[start:end], speaker_id=speaker_id, speaker=speaker,
            certainty=label, certainty_cue=cue, quote_ids=tuple(q.id for q in quotes),
            number_ids=tuple(n.id for n in _overlapping(ctx.numbers, start, end))))
        previous_speaker = (speaker_id, speaker)
    return tuple(claims)


def certainty(text: str, tokens: SpacySpan | None = None,
              quoted: list[Span] = ()) -> tuple[str, str | None]:  # type: ignore[assignment]
    """The certainty label of a unit's wording and the cue words that set it.

    With the unit's parse (``tokens``, covering ``text`` from its first character), a modal
    that does not qualify the claim itself is passed over (see :func:`_firm_modal`), and so
    is a modal inside a direct quote (``quoted``, article offsets): "I could smell it" is the
    speaker's wording, and a change inside quotation marks is a quote-wording matter. A
    capitalised "May" inside the unit is the month ("in May 2023")."""
    lowered = text.lower()
    offset = tokens.start_char if tokens is not None else 0
    for label, pattern in CERTAINTY_CUES:
        for match in pattern.finditer(lowered):
            word = match.group(0)
            if word in _MODALS and (
                    (word == "may" and match.start() > 0 and text[match.start()] == "M")
                    or any(s <= offset + match.start() < e for s, e in quoted)
                    or (tokens is not None and _firm_modal(tokens, offset + match.start()))):
                continue
            if tokens is not None and _aside(tokens, offset + match.start()):
                continue
            return label, text[match.start():match.end()]
    return "asserted", None


_MODALS = frozenset({"may", "might", "could"})
# Clauses that qualify a noun or another event rather than state the claim: "every boat that
# could dock", "no plan that might work", "before families could return".
_SUBORDINATE = frozenset({"relcl", "acl", "advcl", "pcomp", "csubj"})


def _aside(tokens: SpacySpan, at: int) -> bool:
    """Whether the cue at character ``at`` sits in a relative clause, a remark about someone
    in passing ("Sollner, who denied all charges, showed no emotion"): the claim is what the
    main clause says."""
    token = next((t for t in tokens if t.idx == at), None)
    while token is not None and token.head.i != token.i:
        if token.dep_ == "ccomp" and token.head.lemma_.lower() in REPORTING_VERBS:
            return False
        if token.dep_ == "relcl":
            return True
        token = token.head
    return False


def _firm_modal(tokens: SpacySpan, at: int) -> bool:
    """Whether the modal at character ``at`` leaves the claim firm: negated ability ("nurses
    could not open patient files" is a fact about the past) or a modal inside a subordinate
    clause, whose doubt is not the claim's."""
    modal = next((t for t in tokens if t.idx == at), None)
    if modal is None:
        return False
    verb = modal.head if modal.dep_ in ("aux", "auxpass") else modal
    if any(c.dep_ == "neg" for c in verb.children) or \
            (modal.i + 1 < len(modal.doc) and modal.doc[modal.i + 1].lower_ in ("not", "n't", "never")):
        return True
    node = verb
    while node.head.i != node.i:
        # Under a reporting verb the modal is in what was said ("adding that a replacement
        # could be ready"): the claim's own doubt, however deep the reporting clause sits.
        if node.dep_ == "ccomp" and node.head.lemma_.lower() in REPORTING_VERBS:
            return False
        if node.dep_ in _SUBORDINATE:
            return True
        node = node.head
    return False


# --------------------------------------------------------------------------- units


def _units(ctx: ArticleContext) -> list[tuple[Span, bool]]:
    """Character spans of every unit, in text order, each with whether it is still the
    reported speech of the unit before ("It said A and B": B is said by "it" too)."""
    direct = [q.span for q in ctx.quotes if q.kind == "direct"]
    merged: list[tuple[int, int]] = []
    for start, end, new_paragraph in _sentences(ctx):
        # Join a sentence to the previous one when one direct quote runs across both: a
        # found quote spans the boundary, or the previous unit left a quote mark open (over
        # a paragraph break only when the new paragraph reopens the quote, as news style
        # continues a long quote).
        open_mark = merged and len(_QUOTE_MARKS.findall(ctx.text, merged[-1][0],
                                                        merged[-1][1])) % 2
        if merged and (any(qs < start < qe for qs, qe in direct) or (open_mark and (
                not new_paragraph or _QUOTE_MARKS.match(ctx.text, start)))):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    units: list[tuple[Span, bool]] = []
    for start, end in merged:
        sent = ctx.doc.char_span(start, end, alignment_mode="expand")
        if sent is not None:
            units.extend(_split(sent, direct))
    return units


_PARAGRAPH = re.compile(r"\n\s*\n")


def _sentences(ctx: ArticleContext) -> list[tuple[int, int, bool]]:
    """Sentence character spans, each with whether it opens a paragraph. A parser sentence
    running over a paragraph break (a heading, or a closing quote mark the parser did not
    end on) is cut there: a claim never spans two paragraphs unless one quote does."""
    out: list[tuple[int, int, bool]] = []
    for sent in ctx.doc.sents:
        start = sent.start_char
        breaks = [m.span() for m in _PARAGRAPH.finditer(ctx.text, start, sent.end_char)]
        new_paragraph = start == 0 or bool(_PARAGRAPH.search(ctx.text, max(0, start - 4), start))
        for left_end, right_start in breaks:
            if ctx.text[start:left_end].strip():
                out.append((start, left_end, new_paragraph))
            start, new_paragraph = right_start, True
        if ctx.text[start:sent.end_char].strip():
            out.append((start, sent.end_char, new_paragraph))
    return out


def _split(sent: SpacySpan, direct: list[Span]) -> list[tuple[Span, bool]]:
    """Clause pieces of one sentence (character spans, and whether the piece is still under
    the reporting verb of the piece before); the sentence itself when unsplit."""
    # (end of left piece, start of right piece, right piece still reported) in chars
    cuts: list[tuple[int, int, bool]] = []
    for token in sent:
        if _inside(token.idx, direct):
            continue
        if token.text == ";":
            cuts.append((token.idx, token.idx + 1, False))
            continue
        if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX") and token.head.i < token.i \
                and token.head.pos_ in ("VERB", "AUX"):
            has_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in token.children)
            if not has_subject and token.lemma_ not in REPORTING_VERBS:
                continue  # "walked off and shut the port": one proposition in two verbs
            left = token.left_edge
            joiner = [c for c in token.head.children if left.i - 3 <= c.i < left.i
                      and (c.dep_ == "cc" or c.text in (",", ";"))]
            if not joiner:
                continue
            cuts.append((joiner[0].idx, left.idx, _reported(token.head)))
        elif token.dep_ == "advcl" and token.tag_ == "VBG" and token.lemma_ in REPORTING_VERBS \
                and token.head.i < token.i:
            # ", vowing that ...", also after a closing quote mark: '..." vowing that'.
            before = token.i - 1
            while before > sent.start and _QUOTE_MARKS.fullmatch(sent.doc[before].text):
                before -= 1
            if before > sent.start and sent.doc[before].text == ",":
                cuts.append((token.idx, token.idx, False))
    pieces: list[tuple[Span, bool]] = []
    start, reported = sent.start_char, False
    for left_end, right_start, right_reported in sorted(cuts):
        if left_end > start and right_start < sent.end_char:
            pieces.append(((start, left_end), reported))
            start, reported = right_start, right_reported
    pieces.append(((start, sent.end_char), reported))
    return pieces


def _reported(token: Token) -> bool:
    """Whether ``token`` sits inside the content clause of a reporting verb."""
    while token.head.i != token.i:
        if token.dep_ in ("ccomp", "xcomp") and token.head.lemma_.lower() in REPORTING_VERBS:
            return True
        token = token.head
    return False


def _inside(offset: int, spans: list[Span]) -> bool:
    return any(s < offset < e for s, e in spans)


def _trim(text: str, span: Span) -> Span:
    """Drop surrounding whitespace, a trailing comma and a leading dateline."""
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;"):
        end -= 1
    match = _DATELINE.match(text, start, end)
    if match:
        start = match.end()  # a dateline alone ("KESSLING, Veldmark (Wire) —") is no claim
    return start, end


# --------------------------------------------------------------------------- attribution


def _overlapping(items: tuple, start: int, end: int) -> list:
    return [item for item in items if item.span[0] < end and start < item.span[1]]


def _speaker(ctx: ArticleContext, tokens: SpacySpan | None, quotes: list[Quote], start: int,
             end: int) -> tuple[str | None, str | None]:
    # A bare pronoun the quote stage left unresolved ("It said") is resolved here, from the
    # previous unit, so it does not count as a named speaker.
    with_speaker = [q for q in quotes if q.speaker and q.speaker.lower() not in PRONOUNS]
    covering = [q for q in with_speaker
                if min(end, q.span[1]) - max(start, q.span[0]) >= 0.5 * (end - start)]
    if covering:
        return covering[0].speaker_id, covering[0].speaker
    if tokens is not None:
        own = _reported_by(ctx, tokens)
        if own is not None:
            return own
    # A direct quote inside the unit names its speaker; a short indirect one does not speak
    # for the whole unit.
    direct = [q for q in with_speaker if q.kind == "direct"]
    if direct:
        return direct[0].speaker_id, direct[0].speaker
    return None, None


def _reported_by(ctx: ArticleContext, tokens: SpacySpan) -> tuple[str | None, str] | None:
    """The unit's own source: the subject of its reporting verb, or "according to X"."""
    direct = [q.span for q in ctx.quotes if q.kind == "direct"]
    for token in tokens:
        if _inside(token.idx, direct):
            continue
        if token.lower_ == "according" and token.i + 1 < len(ctx.doc) \
                and ctx.doc[token.i + 1].lower_ == "to":
            objects = [c for c in ctx.doc[token.i + 1].children if c.dep_ == "pobj"]
            if objects and objects[0].lower_ not in ("reports", "report"):
                return _name(ctx, objects[0])
        if token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in REPORTING_VERBS:
            # Only an active subject is a source: "more rain is forecast" names no one.
            subjects = [c for c in token.children if c.dep_ == "nsubj"]
            if not subjects and token.dep_ == "conj" and token.head.lemma_.lower() in REPORTING_VERBS:
                subjects = [c for c in token.head.children if c.dep_ == "nsubj"]
            if subjects and subjects[0].lower_ not in PRONOUNS and subjects[0].pos_ != "PRON":
                return _name(ctx, subjects[0])
    return None


def _name(ctx: ArticleContext, head: Token) -> tuple[str | None, str]:
    """Entity id and name for the noun phrase headed by ``head`` (its words up to the head,
    so a relative clause or apposition after it is not part of the name)."""
    first = head.left_edge
    words = ctx.doc[first.i:head.i + 1]
    # The head's own name, else an apposition ("Kessling's mayor, Tobias Wrenfield"), else a
    # name before the head ("Emergency Minister Maren Oskarde"); an owner in front
    # ("Kessling's") is not the speaker.
    appositions = [c for c in head.children if c.dep_ == "appos"]
    for start, end in [(head.idx, head.idx + len(head.text)),
                       *((a.left_edge.idx, a.idx + len(a.text)) for a in appositions),
                       (words.start_char, words.end_char)]:
        entity = _entity_at(ctx.entities, start, end)
        if entity is not None and (entity.type != "GPE" or head.ent_type_ == "GPE"):
            return entity.id, entity.name
    for apposition in appositions:
        if apposition.ent_type_ == "PERSON":
            return None, " ".join(t.text for t in apposition.subtree
                                  if t.ent_type_ == "PERSON")
    # No entity found by the entity stage: the parser's own named span, so a title before
    # the name ("Interior Minister") is not part of it.
    if head.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        named = [e for e in ctx.doc.ents if e.start <= head.i < e.end]
        if named:
            words = named[0]
    return None, re.sub(r"^(?:the|a|an)\s+", "", words.text, flags=re.I)


def _entity_at(entities: tuple[Entity, ...], start: int, end: int) -> Entity | None:
    best: tuple[int, Entity] | None = None
    for entity in entities:
        if entity.type not in ("PERSON", "ORG", "NORP", "GPE"):
            continue
        for mention in entity.mentions:
            overlap = min(end, mention.span[1]) - max(start, mention.span[0])
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, entity)
    return best[1] if best else None


def _continues_speaker(tokens: SpacySpan) -> bool:
    """Whether the unit's subject is a personal pronoun ("she declined to ...") or it has
    none because it is a split-off reporting clause ("said the government would ...")."""
    first = tokens[0]
    if first.pos_ in ("VERB", "AUX") and first.lemma_.lower() in REPORTING_VERBS:
        return True
    for token in tokens:
        if token.dep_ in ("nsubj", "nsubjpass"):
            # "It said ..." after "The ministry ...": "it" continues a source only as the
            # subject of a reporting verb (elsewhere it is mostly the thing talked about).
            return token.lower_ in CONTINUING_PRONOUNS or (
                token.lower_ == "it" and token.head.lemma_.lower() in REPORTING_VERBS)
    return False
