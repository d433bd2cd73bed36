"""Claim units: the article's checkable statements, each with its attribution.

Takes the shared parse plus the quotes, numbers and entities found before it; gives one
:class:`~crosswire.records.Claim` per unit with

- ``speaker`` / ``speaker_id``: from a quote overlapping the unit, else the unit's own
  reporting verb ("X said", "according to X"), a pronoun subject resolved to the previous
  unit's speaker;
- ``certainty``: asserted | confirmed | denied | did-not-deny | declined-to-confirm |
  unconfirmed | reported | hedged, from cue words in the unit (``certainty_cue`` keeps the
  words, so alignment can tell a modal hedge from a rounded figure);
- ``quote_ids`` / ``number_ids``: the quotes and numbers overlapping it.

A unit is a whole sentence of the body. Sentences inside one direct quote are joined (a
two-sentence quote is one claim of its speaker), and so is a sentence the parser cut off
before a lower-case word. A sentence is split only into full clauses that each stand alone:
joined by "and"/"but"/";", each with a finite verb and its own subject that is not a pronoun
pointing back ("Exports fell 4 percent, but imports rose"). A piece split off keeps the
sentence's attribution ("X said A and B": both are X's). What a second, subject-less speech
verb says is split off as itself when it stands alone ("X said A, adding that B", "... and
that B": the piece is B, X's). When in doubt the sentence stays whole: a fragment ("warned
that ...", "they'll be worth less ...") has lost its subject or its context, a long claim
has lost nothing; its certainty is its main clause's.

What is not a statement is no claim (:func:`_not_a_statement`, from the parse where it
can): a unit with no finite verb (headings, labels, credits), one that addresses the reader
(an imperative, "you") or asks a question, a short line with no closing punctuation (a
heading), a photo caption, a byline, an embedded post's credit; and paragraphs that are
page furniture as a whole (a caption block, a sign-up form).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from ..records import Claim, Entity, Quote, Span, content_id
from .context import ArticleContext
from .quotemarks import find_quoted
from .quotes import find_embeds

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

# A dateline before the first words: "KESSLING, Veldmark (Wire) —", "(Wire) -", "(Wire)".
# The dash must stand apart ("16-year-old" is no dateline's end). Used with ``match`` at a
# unit's start (a "^" would only match at the text's start).
_DATELINE = re.compile(
    r"(?:[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+)*(?:,[^\n\u2014\u2013]{0,40}?)?"
    r"(?:\s*\([^()\n]{1,40}\))?\s*(?:[\u2014\u2013]|--?(?=\s))"
    r"|\([A-Z][A-Za-z .]{0,30}\)(?:\s*(?:[\u2014\u2013]|--?(?=\s)))?)\s*")
# Units with fewer word tokens than this are headings, captions or fragments, not claims.
MIN_WORDS = 3
# A line standing alone as a paragraph with no closing punctuation and fewer words than
# this is a heading (a title, section head, related-story link, or the unpunctuated
# summary bullets and captions some outlets print). On the dev sets (crossnews, rewrites)
# such lines run to 15 words as headlines, related-story links and bullets; the body
# paragraphs there that lost their full stop in extraction are longer.
HEADING_MAX_WORDS = 16
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj", "csubjpass"})
_READER = frozenset({"you", "your", "yours", "yourself", "yourselves"})
_DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
# Conjunctions that join two claims.
_SPLITTING = frozenset({"and", "but", "yet"})
# Speech verbs whose content is the speaker's claim as it stands (lemmas): "denied that B",
# "admitted that B" put B with a certainty of their own, so they are never cut off.
_SPEECH = frozenset({"say", "add", "tell", "note", "explain", "state", "write", "warn",
                     "stress"})
# Closing punctuation, then any closing marks and brackets.
_CLOSED = re.compile("[.!?\u2026:]['\"\u201d\u2019)\\]]*$")
_QUESTION = re.compile("\\?['\"\u201d\u2019)\\]]*$")

# Caption signals. Photo captions are written to sit under a picture ("... file photo, X
# poses at ...", "X (pictured) ...") and end with the picture's credit in brackets or the
# agency's "AGENCY/Photographer" (an outlet's name may follow in brackets); galleries and
# players label them ("Hide Caption"); a chart's label ends with its "Source: ...".
_CAPTION_LABEL = re.compile(r"\b(?:Hide|Show|toggle|Image|Photo) [Cc]aption\b")
_FILE_PHOTO = re.compile(r"\b[Ff]ile [Pp]hoto\b|^(?:FILE|File) ?[-\u2014\u2013:]")
_PICTURED = re.compile(r"\([Pp]ictured\b[^)\n]{0,30}\)|^Pictured\b")
_PHOTO_CREDIT = re.compile(
    r"(?:\((?:[A-Z][^()\n]{0,60}/[A-Z][^()\n]{0,40}|[^()\n]{0,60}\bGetty Images"
    r"|Photo(?::| by)[^()\n]{1,60})\)|\b[A-Z]{2,}/[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3})"
    r"(?:\s*\([A-Z][^()\n]{0,40}\))?['\"\u201d\u2019.]*$|\bSources?: [^.!?\n]*$")
# Credit lines read as sentences: "Jane Doe reports.", "John Roe has the story."
_CREDIT_VERBS = frozenset({"report", "write", "contribute"})
_CREDIT_OBJECTS = frozenset({"story", "more", "detail", "reporting", "report"})


@dataclass(slots=True)
class _Unit:
    span: Span
    tokens: SpacySpan
    sentence: int  # units split from one sentence share this
    head: Token | None  # the piece's clause head when its sentence was split
    paragraph: int
    rejected: str | None = None  # why it is not a statement


def extract(ctx: ArticleContext) -> tuple[Claim, ...]:
    article_id = ctx.article.id
    units = _statements(ctx, _units(ctx))
    claims: list[Claim] = []
    # Speaker of the unit just before: "she said ..." continues it.
    previous: tuple[str | None, str | None] = (None, None)
    for group in _by_sentence(units):
        own = [_speaker(ctx, u.tokens, _overlapping(ctx.quotes, *u.span), *u.span)
               for u in group]
        final: list[tuple[str | None, str | None]] = []
        for i, unit in enumerate(group):
            speaker = own[i]
            if speaker[1] is None:
                # the others' speakers as known now: the pieces before are resolved
                known = [(u, final[j] if j < i else own[j]) for j, u in enumerate(group)
                         if j != i]
                speaker = _inherited(ctx, unit, known) or (
                    previous if _continues_speaker(unit.tokens) else speaker)
            final.append(speaker)
            previous = speaker
            claims.append(_claim(ctx, article_id, unit, speaker))
    return tuple(claims)


def _by_sentence(units: list[_Unit]) -> list[list[_Unit]]:
    groups: list[list[_Unit]] = []
    for unit in units:
        if groups and groups[-1][0].sentence == unit.sentence:
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


def _claim(ctx: ArticleContext, article_id: str, unit: _Unit,
           speaker: tuple[str | None, str | None]) -> Claim:
    start, end = unit.span
    quotes = _overlapping(ctx.quotes, start, end)
    label, cue = certainty(ctx.text[start:end], unit.tokens,
                           [q.span for q in quotes if q.kind == "direct"])
    return Claim(
        id=content_id("c", article_id, str((start, end))), article_id=article_id,
        span=(start, end), text=ctx.text[start:end], speaker_id=speaker[0], speaker=speaker[1],
        certainty=label, certainty_cue=cue, quote_ids=tuple(q.id for q in quotes),
        number_ids=tuple(n.id for n in _overlapping(ctx.numbers, start, end)),
        actions=actions(unit.tokens))


# Verbs too general to say what happened: "is", "had", "made", "went" are the same happening
# in no useful sense.
_LIGHT_VERBS = frozenset({
    "be", "have", "do", "get", "make", "take", "go", "come", "give", "put", "set", "let",
    "keep", "seem", "become", "include", "use", "want", "need", "try", "see", "look", "say",
    "tell", "ask", "mean", "begin", "start", "continue", "remain", "appear", "help", "allow",
})


def actions(tokens: SpacySpan) -> tuple[str, ...]:
    """Lemmas of the content verbs of a claim, in text order: what it says happened. Reporting
    verbs name the telling, not the happening, and light verbs name nothing by themselves."""
    out: dict[str, None] = {}
    for token in tokens:
        if token.pos_ != "VERB":
            continue
        lemma = token.lemma_.lower()
        if lemma.isalpha() and lemma not in REPORTING_VERBS and lemma not in _LIGHT_VERBS:
            out[lemma] = None
    return tuple(out)


def _inherited(ctx: ArticleContext, unit: _Unit,
               others: list[tuple[_Unit, tuple[str | None, str | None]]]
               ) -> tuple[str | None, str | None] | None:
    """The attribution a piece split from a sentence keeps: the speaker of the piece holding
    the reporting verb its clause is said under ("X said A and B", "A and B, X said": A and
    B are both under "said"); for a speech verb no piece holds (", adding that B"), the
    verb's subject, or that of the clause it hangs on."""
    if unit.head is None:
        return None
    node = unit.head
    while node.head.i != node.i:
        node = node.head
        if node.lemma_.lower() not in REPORTING_VERBS:
            continue
        holders = [(o, sp) for o, sp in others if o.tokens.start <= node.i < o.tokens.end]
        if any(sp[1] is not None for _, sp in holders):
            return next(sp for _, sp in holders if sp[1] is not None)
        subject = _subject_of(node)
        if not holders and not unit.tokens.start <= node.i < unit.tokens.end \
                and subject is not None and not _points_back(subject):
            return _name(ctx, subject)
    return None


def _subject_of(verb: Token) -> Token | None:
    """The subject of ``verb``, or of the clause a subject-less verb hangs on ("The mayor
    closed the bridge, adding that ...": the mayor)."""
    while True:
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        if subjects:
            return subjects[0]
        if verb.dep_ not in ("conj", "advcl") or verb.head.i == verb.i:
            return None
        verb = verb.head


def certainty(text: str, tokens: SpacySpan | None = None,
              quoted: list[Span] = ()) -> tuple[str, str | None]:  # type: ignore[assignment]
    """The certainty label of a unit's wording and the cue words that set it.

    With the unit's parse (``tokens``, covering ``text`` from its first character), a modal
    that does not qualify the claim itself is passed over (see :func:`_firm_modal`), and so
    is a modal inside a direct quote (``quoted``, article offsets): "I could smell it" is the
    speaker's wording, and a change inside quotation marks is a quote-wording matter. A
    capitalised "May" inside the unit is the month ("in May 2023"). A cue in a clause the
    unit keeps only because it cannot stand alone is passed over too (see
    :func:`_secondary`): the label is the main clause's."""
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
            if tokens is not None and (_aside(tokens, offset + match.start())
                                       or _secondary(tokens, offset + match.start())):
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


def _secondary(tokens: SpacySpan, at: int) -> bool:
    """Whether the cue at character ``at`` sits in a second clause the unit keeps whole
    because that clause cannot stand alone: a conjoined clause whose subject points back
    ("The hospital will not pay, Dahl said, but he would not say whether ..."). It would be
    a claim of its own if it could be one; its hedge or refusal is not the main clause's,
    which another outlet may state alone. A conjoined verb sharing the subject ("said A but
    declined to say B") is the same clause, and so is a trailing "adding that ...", whose
    words are the speaker's as much as the main clause's."""
    token = next((t for t in tokens if t.idx == at), None)
    while token is not None and token.head.i != token.i and \
            tokens.start <= token.head.i < tokens.end:
        if token.pos_ in ("VERB", "AUX") and token.dep_ == "conj" and _subjects(token):
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


def _units(ctx: ArticleContext) -> list[_Unit]:
    """Every candidate unit, in text order: whole sentences, or the full clauses of one."""
    text = ctx.text
    direct = [q.span for q in ctx.quotes if q.kind == "direct"]
    merged: list[tuple[int, int]] = []
    for start, end, new_paragraph in _sentences(ctx):
        # Join a sentence to the previous one when one direct quote runs across both: a
        # found quote spans the boundary, or the previous unit left a quote mark open (over
        # a paragraph break only when the new paragraph reopens the quote, as news style
        # continues a long quote). Join it too when the parser ended a sentence before a
        # lower-case word of the same paragraph ("the U.S. | economy", "Mr. | said"): the
        # sentence goes on.
        open_mark = merged and len(_QUOTE_MARKS.findall(text, merged[-1][0],
                                                        merged[-1][1])) % 2
        if merged and (any(qs < start < qe for qs, qe in direct) or (open_mark and (
                not new_paragraph or _QUOTE_MARKS.match(text, start)))
                or (not new_paragraph and _LOWER_START.match(text, start))):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    paragraph_starts = [0] + [m.end() for m in _PARAGRAPH.finditer(text)]
    units: list[_Unit] = []
    for index, (start, end) in enumerate(merged):
        sent = ctx.doc.char_span(start, end, alignment_mode="expand")
        if sent is None:
            continue
        pieces = _split(sent, direct)
        for span, head in pieces:
            span = _trim(text, span)
            tokens = ctx.doc.char_span(*span, alignment_mode="expand") \
                if span[1] > span[0] else None
            if tokens is None or sum(1 for t in tokens if t.is_alpha) < MIN_WORDS:
                continue
            units.append(_Unit(span, tokens, index, head if len(pieces) > 1 else None,
                               bisect.bisect_right(paragraph_starts, span[0]) - 1))
    return units


_PARAGRAPH = re.compile(r"\n\s*\n")
# A sentence opening with a lower-case word (not "iPhone": the whole word is lower-case).
_LOWER_START = re.compile("[\"'\u201c\u2018(\\[]*[a-z][a-z'\u2019-]*\\b")


def _sentences(ctx: ArticleContext) -> list[tuple[int, int, bool]]:
    """Sentence character spans, each with whether it opens a paragraph. A parser sentence
    running over a paragraph break (a heading, or a closing quote mark the parser did not
    end on) is cut there: a claim never spans two paragraphs unless one quote does. An
    embedded post's credit, links and screen-reader line are cut out the same way, so the
    post is a unit of its own and the credit none."""
    text = ctx.text
    gaps = sorted([m.span() for m in _PARAGRAPH.finditer(text)]
                  + [f for embed in find_embeds(text) for f in embed.furniture(text)])
    gap_ends = [end for _, end in gaps]
    out: list[tuple[int, int, bool]] = []
    for sent in ctx.doc.sents:
        start, stop = sent.start_char, sent.end_char
        k = bisect.bisect_right(gap_ends, start) - 1
        new_paragraph = start == 0 or (k >= 0 and not text[gap_ends[k]:start].strip())
        for gap_start, gap_end in gaps[max(k, 0):]:
            if gap_start >= stop:
                break
            if gap_end <= start:
                continue
            if text[start:gap_start].strip():
                out.append((start, gap_start, new_paragraph))
            start, new_paragraph = max(start, gap_end), True
        if start < stop and text[start:stop].strip():
            out.append((start, stop, new_paragraph))
    return out


def _split(sent: SpacySpan, direct: list[Span]) -> list[tuple[Span, Token | None]]:
    """Full-clause pieces of one sentence (character spans, each with its clause head); the
    sentence itself when no split leaves two clauses that stand alone."""
    # (end of the left piece, start of the right one, the right clause's head, the left's)
    cuts: list[tuple[int, int, Token, Token]] = []
    for token in sent:
        if token.dep_ != "conj" or token.head.i >= token.i or _inside(token.idx, direct):
            continue
        if not (_stands_alone(token) and _stands_alone(token.head)
                and _main_clause(token.head)):
            continue  # "walked off and shut the port", "said A, but warned B": one claim
        left = token.left_edge
        joiner = [c for c in token.head.children if left.i - 3 <= c.i < left.i
                  and (c.dep_ == "cc" or c.text in (",", ";"))]
        # "and", "but", "yet" or a semicolon: "A or B" is one claim, and so is "A, so B"
        if not any(c.lower_ in _SPLITTING or c.text == ";" for c in joiner) \
                or left.i <= sent.start:
            continue
        if _complementizer(left):
            left = sent.doc[left.i + 1]  # "said A and that B": the piece is B itself
        # Never a cut inside a quote (the parse may hang the cue's clause on the quote's
        # first clause, its content starting mid-quote), nor right after a subordinate
        # clause the conjunction may belong to ("pay a fee if the two agree but the deal
        # is blocked"; a comma closes it: "if wages did not slow, but Rambeck declined").
        before = sent.doc[joiner[0].i - 1] if joiner[0].text != "," else token.head
        # each piece holds its own clause: verb and subject on its side of the cut
        apart = all(sent.start <= t.i < joiner[0].i
                    for t in (token.head, *_subjects(token.head))) \
            and all(left.i <= t.i < sent.end for t in _subjects(token))
        if apart and not _inside(left.idx, direct) and not _subordinate(before, token.head):
            cuts.append((joiner[0].idx, left.idx, token, token.head))
    cuts.extend(_said_too(sent, direct))
    # A semicolon between two clauses that each stand alone ("The pass is closed; the
    # tunnel remains open"); the parser hangs either on the other, so each side is judged
    # by the clauses at its own top.
    marks = [t.i for t in sent if t.text == ";" and not _inside(t.idx, direct)]
    bounds = [sent.start - 1, *marks, sent.end]
    for k, mark in enumerate(marks):
        left = _top_clause(sent.doc[bounds[k] + 1:mark])
        right = _top_clause(sent.doc[mark + 1:bounds[k + 2]])
        if left is not None and right is not None and mark + 1 < sent.end:
            cuts.append((sent.doc[mark].idx, sent.doc[mark + 1].idx, right, left))
    pieces: list[tuple[Span, Token | None]] = []
    start = sent.start_char
    head: Token | None = None
    for left_end, right_start, right_head, left_head in sorted(cuts, key=lambda c: c[0]):
        if left_end > start and right_start < sent.end_char:
            pieces.append(((start, left_end), head or left_head))
            start, head = right_start, right_head
    pieces.append(((start, sent.end_char), head))
    return pieces


def _said_too(sent: SpacySpan, direct: list[Span]) -> list[tuple[int, int, Token, Token]]:
    """Cuts before what a speaker says in a second, subject-less speech verb: ", adding that
    B", "A, but warned that B", "and said B". The words "adding that" have no subject, so
    the piece is B itself, when B stands alone; it keeps the verb's speaker. Only verbs that
    say, not ones that judge what they introduce: "but denied that B" is no claim B."""
    cuts = []
    for token in sent:
        if token.lemma_.lower() not in _SPEECH or token.head.i >= token.i or _subjects(token) \
                or _inside(token.idx, direct) or not sent.start <= token.head.i:
            continue
        content = next((c for c in token.children if c.dep_ == "ccomp" and c.i > token.i
                        and _stands_alone(c)), None)
        if content is None:
            continue
        if token.dep_ == "advcl" and token.tag_ == "VBG":
            # ", adding that", also after a closing quote mark: '...," she said, adding'
            before = token.i - 1
            while before > sent.start and _QUOTE_MARKS.fullmatch(sent.doc[before].text):
                before -= 1
            if before <= sent.start or sent.doc[before].text != ",":
                continue
            left_end = sent.doc[before].idx
        elif token.dep_ == "conj":
            joiner = [c for c in token.head.children if token.left_edge.i - 3 <= c.i
                      < token.left_edge.i and (c.dep_ == "cc" or c.text == ",")]
            if not any(c.lower_ in _SPLITTING for c in joiner):
                continue
            left_end = joiner[0].idx
        else:
            continue
        start = content.left_edge
        if _complementizer(start):
            start = sent.doc[start.i + 1]
        if start.i > token.i and not _inside(start.idx, direct):
            cuts.append((left_end, start.idx, content, token.head))
    return cuts


def _stands_alone(verb: Token) -> bool:
    """Whether ``verb`` heads a clause that is a sentence by itself: finite, not introduced
    by a subordinator ("and that the agency had ..."), with a subject of its own that does
    not point back: no pronoun, bare demonstrative or possessive pronoun ("but they'll be
    worth less", "and its shares fell": whose?). An expletive subject is its own ("and
    there were no injuries")."""
    if verb.pos_ not in ("VERB", "AUX") or any(
            c.dep_ == "mark" and not _complementizer(c) for c in verb.children):
        return False
    finite = verb.tag_ in FINITE_TAGS or any(
        c.dep_ in ("aux", "auxpass") and c.tag_ in FINITE_TAGS for c in verb.children)
    subjects = _subjects(verb)
    return finite and bool(subjects) and all(s.dep_ == "expl" or not _points_back(s)
                                             for s in subjects)


def _complementizer(token: Token) -> bool:
    """Whether ``token`` is the "that" of a reporting verb's content clause ("said that A
    and that B"): B without it is still a full clause, and still the speaker's."""
    if token.lower_ != "that" or token.dep_ != "mark":
        return False
    clause = token.head
    while clause.dep_ == "conj":
        clause = clause.head
    return clause.dep_ == "ccomp" and clause.head.lemma_.lower() in REPORTING_VERBS


def _subjects(verb: Token) -> list[Token]:
    return [c for c in verb.children if c.dep_ in _SUBJECTS]


def _points_back(subject: Token) -> bool:
    if subject.pos_ == "PRON":
        return True
    if subject.lower_ in _DEMONSTRATIVES and not list(subject.children):
        return True
    return any(c.dep_ == "poss" and c.pos_ == "PRON" for c in subject.children)


def _subordinate(token: Token, clause: Token) -> bool:
    """Whether ``token`` sits in a subordinate clause ("if ...", "who ...") inside the
    clause headed by ``clause``."""
    while token.i != clause.i and token.head.i != token.i:
        if token.dep_ in ("advcl", "relcl", "acl") and any(c.dep_ == "mark" or c.tag_ in (
                "WDT", "WP", "WRB") for c in token.children):
            return True
        token = token.head
    return False


def _top_clause(side: SpacySpan) -> Token | None:
    """The clause heading a stretch of a sentence, when it stands alone: a word of the
    stretch whose head is outside it."""
    tops = [t for t in side if not side.start <= t.head.i < side.end or t.head.i == t.i]
    return next((t for t in tops if _stands_alone(t)), None)


def _main_clause(verb: Token) -> bool:
    """Whether ``verb`` (through any "and"-chain) is its sentence's main clause, or the
    content clause of a main reporting verb: a clause inside a relative or adverbial clause
    does not stand alone when cut out."""
    while verb.dep_ == "conj":
        verb = verb.head
    if verb.dep_ == "ROOT":
        return True
    return verb.dep_ == "ccomp" and verb.head.lemma_.lower() in REPORTING_VERBS \
        and verb.head.dep_ == "ROOT"


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


# --------------------------------------------------------------------------- statements


def _statements(ctx: ArticleContext, units: list[_Unit]) -> list[_Unit]:
    """The units that are checkable statements (see :func:`_not_a_statement`). A paragraph
    is furniture as a whole when it is a photo caption (a caption label, or the picture's
    credit at its end) or a form: two or more of its units address the reader and at least
    half are no statements ("Invalid email address. Please re-enter. ... An error has
    occurred.")."""
    text = ctx.text
    direct = [q.span for q in ctx.quotes if q.kind == "direct"]
    # Someone's words, not the writer's: found quotes, and any words in quotation marks
    # (short quoted phrases are no quotes, but their "you" is still not the reader).
    said = [q.span for q in ctx.quotes] + [q.span for q in find_quoted(text)[0]]
    breaks = list(_PARAGRAPH.finditer(text))
    paragraphs = list(zip([0] + [m.end() for m in breaks],
                          [m.start() for m in breaks] + [len(text)]))
    for unit in units:
        unit.rejected = _not_a_statement(ctx, unit, direct, said, paragraphs[unit.paragraph])
    members: dict[int, list[_Unit]] = {}
    for unit in units:
        members.setdefault(unit.paragraph, []).append(unit)
    for index, group in members.items():
        start, end = paragraphs[index]
        paragraph = text[start:end].rstrip()
        if _CAPTION_LABEL.search(paragraph) or _PHOTO_CREDIT.search(paragraph):
            reason = "caption"
        else:
            reader = sum(u.rejected == "reader" for u in group)
            rejected = sum(u.rejected is not None for u in group)
            reason = "form" if reader >= 2 and 2 * rejected >= len(group) else None
        for unit in group:
            unit.rejected = unit.rejected or reason
    return [u for u in units if u.rejected is None]


def _not_a_statement(ctx: ArticleContext, unit: _Unit, direct: list[Span], said: list[Span],
                     paragraph: Span) -> str | None:
    """Why the unit is not a checkable statement, or None when it is one."""
    start, end = unit.span
    text = ctx.text[start:end]
    tokens = unit.tokens
    # The writer's own words: outside anything quoted or reported.
    if any(t.lower_ in _READER for t in tokens if not _within(t.idx, said)):
        return "reader"
    if any(_imperative(t, tokens) for t in tokens if not _within(t.idx, direct) and (
            not tokens.start <= t.head.i < tokens.end or t.head.i == t.i)):
        return "reader"
    if not any(_finite(t) for t in tokens):
        return "no-finite-verb"  # a heading, label, credit or caption's credit part
    if _QUESTION.search(text):
        # The writer's question, or a bare quoted one ('"Which is it?"'); a statement that
        # someone asked ("Graham shot back: "Are you ...?"") or a long quote that ends on a
        # question still says something.
        mark = text.rstrip("'\"\u201d\u2019)]").rfind("?") + start
        if not _within(mark, direct) or (
                len({t.sent.start for t in tokens}) == 1
                and not any(_finite(t) for t in tokens if not _within(t.idx, direct))):
            return "question"
    closed = bool(_CLOSED.search(text))
    if _FILE_PHOTO.search(text) or _PHOTO_CREDIT.search(text) or (
            _PICTURED.search(text) and not closed):
        return "caption"
    if _credit_line(tokens):
        return "byline"
    quoted = sum(min(end, e) - max(start, s) for s, e in direct if s < end and start < e)
    alone = not ctx.text[paragraph[0]:start].strip() and not ctx.text[end:paragraph[1]].strip()
    if alone and not closed and 2 * quoted < end - start and (
            sum(1 for t in tokens if t.is_alpha) < HEADING_MAX_WORDS
            or (text.startswith("[") and text.endswith("]"))):
        return "heading"
    return None


def _finite(token: Token) -> bool:
    """A finite verb, or a word the parse gives a subject (the small model tags some past
    tenses as participles and some verbs as nouns: "the founder ... counts among")."""
    return token.tag_ in FINITE_TAGS or "Fin" in token.morph.get("VerbForm") or any(
        c.dep_ in ("nsubj", "nsubjpass") for c in token.children)


def _within(offset: int, spans: list[Span]) -> bool:
    return any(s <= offset < e for s, e in spans)


def _imperative(verb: Token, unit: SpacySpan) -> bool:
    """Whether a clause at the unit's top is a command to the reader: a bare verb with no
    subject or auxiliary, with at most "please" or an adverb before it in the unit ("Please
    re-enter.", "Read more about ...")."""
    # (a subject the parse finds in a dateline cut off before the unit is none)
    if verb.tag_ != "VB" or any(
            (c.dep_ in _SUBJECTS or c.dep_ in ("aux", "auxpass", "mark")) and c.i >= unit.start
            for c in verb.children):
        return False
    if any(c.dep_ == "conj" and _subjects(c) for c in verb.children):
        return False  # "Love him or hate him, Trump has ...": the statement is the conjunct
    before = [t for t in unit if t.i < verb.i and not t.is_punct]
    return all(t.dep_ in ("intj", "advmod", "cc") or t.lower_ == "please" for t in before)


def _credit_line(tokens: SpacySpan) -> bool:
    """Whether the unit is a credit read as a sentence: a name that "reports", "writes" or
    "contributed reporting", or "has the story/more/the details"."""
    for root in (t for t in tokens if t.dep_ == "ROOT"):
        subjects = [c for c in root.children if c.dep_ == "nsubj"]
        if not subjects or subjects[0].pos_ != "PROPN":
            continue
        rest = [c for c in root.children if c.dep_ not in ("nsubj", "punct", "appos")]

        def credit_object(c: Token) -> bool:
            return c.lemma_.lower() in _CREDIT_OBJECTS or (
                c.dep_ == "prep" and any(g.lemma_.lower() in _CREDIT_OBJECTS
                                         for g in c.children))
        lemma = root.lemma_.lower()
        if lemma in _CREDIT_VERBS and all(credit_object(c) for c in rest):
            return True
        if lemma == "have" and rest and all(c.dep_ == "dobj" and credit_object(c)
                                            for c in rest):
            return True
    return False


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
    first = head.left_edge.i
    # not past a paragraph break the parse ran over, nor from an opening mark
    breaks = [t.i for t in ctx.doc[first:head.i] if "\n" in t.text]
    first = breaks[-1] + 1 if breaks else first
    while first < head.i and (ctx.doc[first].is_punct or ctx.doc[first].is_space):
        first += 1
    words = ctx.doc[first:head.i + 1]
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
    """Whether the unit's subject is a personal pronoun ("she declined to ...")."""
    for token in tokens:
        if token.dep_ in ("nsubj", "nsubjpass"):
            # "It said ..." after "The ministry ...": "it" continues a source only as the
            # subject of a reporting verb (elsewhere it is mostly the thing talked about).
            return token.lower_ in CONTINUING_PRONOUNS or (
                token.lower_ == "it" and token.head.lemma_.lower() in REPORTING_VERBS)
    return False
