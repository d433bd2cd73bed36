"""Attribution relations in a parsed text: who (source) says or thinks (cue) what (content).

Takes a spaCy Doc and the quoted stretches of its text; gives ``Attribution`` records in
token offsets. Three small linear models decide, all trained on the PolNeAR train split by
``eval/train_quotes.py`` and shipped as ``crosswire/data/attribution_model.json``:
1. cue: is this token the head of an attribution cue ("said", "according", "accused")?
2. content: which of the parse-derived candidate spans around a cue is its content (the
   clausal complement, the object, the rest of the sentence around "according to", the
   quotation next to the cue...)?
3. source: which candidate is the source (the subject, a possessor, "by X", "according to
   X", the subject the cue shares with its governing verb), or none?

Each model is a logistic regression over string features kept as a plain weight table, so
scoring is a few dictionary look-ups per token and the artefact stays small and readable.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Token

from ..linear import LinearModel
from .quotemarks import Quoted
from .tagger import TaggedAttribution

MODEL_RESOURCE = "data/attribution_model.json"

# Parts of speech a cue head can have (PolNeAR train: 98% of cue heads are one of these).
CUE_POS = {"VERB", "AUX", "NOUN", "ADJ", "ADP"}
# Dependencies of a cue's children whose subtree can be the content.
_CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "prep", "advcl", "acomp", "nsubj", "nsubjpass",
                 "acl", "advmod", "pobj", "oprd", "attr", "conj", "relcl", "dative",
                 "npadvmod", "pcomp", "parataxis", "appos", "intj", "dep"}
# A cue's own side of the sentence: its subject, auxiliaries, adverbs and addressee.
_CUE_SIDE = {"nsubj", "nsubjpass", "aux", "auxpass", "neg", "advmod", "npadvmod", "dative",
             "prep", "agent"}
# Right-hand complements that, after an object, say something about it.
_OBJECT_COMPLEMENT = {"dobj", "dative", "xcomp", "ccomp", "oprd", "acomp", "prep"}
# Dependencies through which a cue governed by another verb shares that verb's subject
# ("Rubio hit back, saying ...", "she wants to ...").
_SHARED_SUBJECT = {"advcl", "xcomp", "conj", "pcomp", "acl", "ccomp"}
_LENGTHS = (1, 2, 5, 10, 20, 40)


@dataclass(frozen=True, slots=True)
class Attribution:
    cue: tuple[int, int]  # token range, end exclusive
    cue_head: int
    content: tuple[tuple[int, int], ...]  # token ranges, in text order
    source: tuple[int, int] | None
    score: float
    content_label: str
    source_label: str


@dataclass(frozen=True, slots=True)
class Candidate:
    label: str
    tokens: tuple[int, ...]  # sorted token indices


def _bucket(n: int) -> str:
    for limit in _LENGTHS:
        if n <= limit:
            return str(limit)
    return "more"


# --------------------------------------------------------------------------- doc view


class DocView:
    """Per-document facts the features need, computed once: which quote each token is in,
    where quotes end and start."""

    def __init__(self, doc: Doc, quoted: Iterable[Quoted], text: str | None = None):
        self.doc = doc
        self.text = doc.text if text is None else text
        self.quoted = list(quoted)
        n = len(doc)
        # Per-token facts as plain lists: spaCy builds a Token object on every doc[i], which
        # would make candidates over a long sentence quadratic in practice.
        self.skip: list[bool] = []  # punctuation or whitespace
        self.head: list[int] = []
        self.pos: list[str] = []
        for token in doc:
            self.skip.append(token.is_punct or token.is_space)
            self.head.append(token.head.i)
            self.pos.append(token.pos_)
        self.sent_start: list[int] = [0] * n
        self.sent_end: list[int] = [0] * n
        for sent in doc.sents:
            for k in range(sent.start, sent.end):
                self.sent_start[k] = sent.start
                self.sent_end[k] = sent.end
        self.quote_of: list[int] = [-1] * n  # index into self.quoted, or -1
        self.quote_tokens: list[tuple[int, int]] = []  # token range of each quote
        starts = [t.idx for t in doc]
        for qi, q in enumerate(self.quoted):
            first = bisect.bisect_left(starts, q.start)
            last = bisect.bisect_left(starts, q.end)
            for k in range(first, min(last, n)):
                self.quote_of[k] = qi
            self.quote_tokens.append((first, min(last, n)))

    def in_quote(self, i: int) -> bool:
        return self.quote_of[i] >= 0

    def quote_before(self, i: int, limit: int) -> int:
        """The quote ending at most ``limit`` tokens before token ``i`` (else -1)."""
        for k in range(i - 1, max(-1, i - 1 - limit), -1):
            if self.quote_of[k] >= 0:
                return self.quote_of[k]
        return -1

    def quote_after(self, i: int, limit: int) -> int:
        n = len(self.doc)
        for k in range(i + 1, min(n, i + 1 + limit)):
            if self.quote_of[k] >= 0:
                return self.quote_of[k]
        return -1


# --------------------------------------------------------------------------- features


def _subject(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ in ("nsubj", "nsubjpass", "expl"):
            return child
    return None


def _kind(token: Token | None) -> str:
    if token is None:
        return "none"
    if token.pos_ == "PRON":
        return "pron"
    if token.ent_type_:
        return token.ent_type_
    return token.pos_


def cue_features(token: Token, view: DocView) -> list[str]:
    lemma = token.lemma_.lower()
    dep = token.dep_
    head = token.head
    feats = [f"l={lemma}", f"p={token.pos_}", f"t={token.tag_}", f"d={dep}",
             f"ld={lemma}|{dep}", f"lp={lemma}|{token.pos_}", f"hd={head.dep_}",
             f"hl={head.lemma_.lower()}", f"pv={token.nbor(-1).lower_ if token.i else '^'}",
             f"nx={token.nbor(1).lower_ if token.i + 1 < len(token.doc) else '$'}"]
    subject = None
    deps = set()
    for child in token.children:
        deps.add(child.dep_)
        if child.dep_ in ("nsubj", "nsubjpass"):
            subject = child
        elif child.dep_ == "prep":
            feats.append(f"pr={child.lower_}")
            feats.append(f"lpr={lemma}|{child.lower_}")
    for d in deps:
        feats.append(f"ch={d}")
        if d in ("ccomp", "xcomp", "dobj", "nsubj", "prep", "poss", "agent", "dative"):
            feats.append(f"lch={lemma}|{d}")
    kind = _kind(subject)
    feats.append(f"sb={kind}")
    feats.append(f"lsb={lemma}|{kind}")
    if subject is not None and subject.pos_ == "NOUN":
        feats.append(f"sl={subject.lemma_.lower()}")
    if dep in _SHARED_SUBJECT:
        feats.append(f"hl|l={head.lemma_.lower()}|{lemma}")
    if view.in_quote(token.i):
        feats.append("q=in")
    else:
        if view.quote_before(token.i, 4) >= 0:
            feats.append("q=after_quote")
            feats.append(f"lq={lemma}|after_quote")
        if view.quote_after(token.i, 3) >= 0:
            feats.append("q=before_quote")
            feats.append(f"lq={lemma}|before_quote")
    return feats


def _edges(token: Token) -> range:
    return range(token.left_edge.i, token.right_edge.i + 1)


def content_candidates(head: Token, view: DocView) -> list[Candidate]:
    """Spans that may be ``head``'s content, from the parse (subtrees are token ranges from
    a token's left edge to its right edge) and from quotations next to the cue."""
    s0, s1 = view.sent_start[head.i], view.sent_end[head.i]
    skip = view.skip
    out: dict[str, tuple[int, ...]] = {}

    def add(label: str, tokens: Iterable[int]) -> None:
        kept = tuple(i for i in tokens if not skip[i])
        if kept and label not in out:
            out[label] = kept

    h0, h1 = head.left_edge.i, head.right_edge.i + 1
    complements = []
    for child in head.children:
        if child.dep_ in _CONTENT_DEPS:
            add(f"c:{child.dep_}", _edges(child))
            if child.dep_ in ("prep", "agent"):
                for grand in child.children:
                    if grand.dep_ in ("pobj", "pcomp"):
                        add(f"cp:{child.dep_}", _edges(grand))
            elif child.dep_ in ("acomp", "dobj"):
                # "worried about X", "his silence on X": the object of the complement's
                # preposition.
                for prep in child.children:
                    if prep.dep_ == "prep" and prep.i > child.i:
                        for grand in prep.children:
                            if grand.dep_ in ("pobj", "pcomp"):
                                add(f"cpp:{child.dep_}", _edges(grand))
            if child.i > head.i and child.dep_ in _OBJECT_COMPLEMENT:
                complements.append(child)
    if len(complements) > 1 and complements[0].dep_ in ("dobj", "dative"):
        # An object and what is said of it: "asking him to probe", "called him divisive",
        # "quoted a witness as saying".
        add("c:obj+", range(complements[0].left_edge.i, complements[-1].right_edge.i + 1))
    if head.dep_ != "ROOT" and head.head.i != head.i:
        governor = head.head
        g0, g1 = max(governor.left_edge.i, s0), min(governor.right_edge.i + 1, s1)
        left, right = range(g0, min(h0, g1)), range(max(h1, g0), g1)
        add(f"inv:{head.dep_}", [*left, *right])
        add(f"invl:{head.dep_}", left)
        add(f"invr:{head.dep_}", right)
    if head.lower_ == "according" or head.dep_ == "ROOT":
        # "According to X, ..." and "..., X said." with the content outside the cue's tree.
        left, right = range(s0, max(s0, h0)), range(min(h1, s1), s1)
        add("sent:left", left)
        add("sent:right", right)
        add("sent:all", [*left, *right])
    # Quotations next to the cue and its subject, adverbs and addressee ("“…,” Mr. Kay,
    # the mayor, said on Monday, “…”"), not next to its content's far edge.
    left = min([head.i, *(c.left_edge.i for c in head.lefts if c.dep_ in _CUE_SIDE)])
    right = max([head.i, *(c.right_edge.i for c in head.rights if c.dep_ in _CUE_SIDE)])
    before = view.quote_before(left, 3)
    if before < 0:
        before = view.quote_before(head.i, 6)
    after = view.quote_after(right, 3)
    if after < 0:
        after = view.quote_after(head.i, 6)
    if before >= 0:
        add("q:before", range(*view.quote_tokens[before]))
    if after >= 0:
        add("q:after", range(*view.quote_tokens[after]))
    if before >= 0 and after >= 0 and before != after:
        add("q:both", [*range(*view.quote_tokens[before]), *range(*view.quote_tokens[after])])
    return [Candidate(label, tokens) for label, tokens in out.items()]


def content_features(head: Token, cand: Candidate, view: DocView,
                     others: Iterable[str] = ()) -> list[str]:
    """Features of one content candidate; ``others`` are the labels of the cue's other
    candidates, so the model can prefer a clause over an object when both exist."""
    doc = head.doc
    lemma = head.lemma_.lower()
    label = cand.label
    group = label.split(":")[0]
    tokens = cand.tokens
    first, last = doc[tokens[0]], doc[tokens[-1]]
    root = doc[_root(view, tokens)]
    quotes = {view.quote_of[i] for i in tokens}
    if quotes == {-1}:
        quoted = "none"
    elif -1 not in quotes:
        quoted = "all"
    else:
        quoted = "some"
    side = "after" if first.i > head.i else "before" if last.i < head.i else "around"
    feats = [f"lab={label}", f"grp={group}", f"lab|l={label}|{lemma}",
             f"lab|p={label}|{head.pos_}", f"lab|d={label}|{head.dep_}",
             f"len={_bucket(len(tokens))}", f"lab|len={label}|{_bucket(len(tokens))}",
             f"rp={root.pos_}", f"lab|rp={label}|{root.pos_}", f"first={first.lower_}"
             if first.pos_ in ("SCONJ", "ADP", "DET", "PRON") else f"first={first.pos_}",
             f"quoted={quoted}", f"lab|quoted={label}|{quoted}", f"side={side}",
             f"grp|side={group}|{side}",
             f"verb={any(view.pos[i] in ('VERB', 'AUX') for i in tokens)}"]
    if view.sent_start[tokens[0]] != view.sent_start[head.i] \
            or view.sent_start[tokens[-1]] != view.sent_start[head.i]:
        feats.append("xsent")
    for other in others:
        if other != label:
            feats.append(f"lab|oth={label}|{other}")
    return feats


def _root(view: DocView, tokens: tuple[int, ...]) -> int:
    """The candidate's syntactic head: its first token whose head lies outside it."""
    first, last = tokens[0], tokens[-1]
    inside = set(tokens) if last - first + 1 != len(tokens) else None
    for i in tokens:
        head = view.head[i]
        if head == i or (head not in inside if inside is not None else not first <= head <= last):
            return i
    return first


def source_candidates(head: Token, view: DocView) -> list[Candidate]:
    """Phrases that may be ``head``'s source, and "none"."""
    out: dict[str, tuple[int, ...]] = {"none": ()}
    skip = view.skip

    def add(label: str, token: Token, exclude: range | None = None) -> None:
        tokens = tuple(i for i in _edges(token) if not skip[i]
                       and (exclude is None or i not in exclude))
        tokens = _without_dateline(head.doc, _own_paragraph(head.doc, tokens))
        if tokens and label not in out and not _never_a_source(head.doc, tokens):
            out[label] = tokens

    for child in head.children:
        if child.dep_ in ("nsubj", "nsubjpass", "poss", "compound"):
            add(child.dep_, child)
        elif child.dep_ in ("agent", "prep"):
            if child.dep_ == "prep" and child.lower_ not in ("by", "from", "to", "of"):
                continue
            for grand in child.children:
                if grand.dep_ == "pobj":
                    add(f"{child.dep_}:{child.lower_}", grand)
    if head.lower_ == "according":
        for child in head.children:
            if child.lower_ == "to":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        add("according", grand)
    token, steps = head, 0
    while token.dep_ in _SHARED_SUBJECT and steps < 3 and token.head.i != token.i:
        token, steps = token.head, steps + 1
        subject = _subject(token)
        if subject is not None:
            add(f"shared:{steps}", subject)
            break
    if head.dep_ == "relcl":
        add("relhead", head.head, _edges(head))
    return [Candidate(label, tokens) for label, tokens in out.items()]


def _name_before(colon: Token) -> tuple[int, ...]:
    """The proper name (one to four tokens) ending right before a colon on its line."""
    doc, i = colon.doc, colon.i - 1
    run: list[int] = []
    while i >= 0 and len(run) < 4 and doc[i].pos_ == "PROPN" and "\n" not in doc[i].text_with_ws:
        run.append(i)
        i -= 1
    return tuple(reversed(run))


def _own_paragraph(doc, tokens: tuple[int, ...]) -> tuple[int, ...]:  # noqa: ANN001 (Doc)
    """The part of a source phrase after the last paragraph break inside it: a live blog's
    "12:15 p.m.¶President Obama says" parses the time stamp into the subject."""
    for k in range(len(tokens) - 1, 0, -1):
        if "\n\n" in "".join(doc[i].text_with_ws for i in range(tokens[k - 1], tokens[k])):
            return tokens[k:]
    return tokens


_DASHES = ("\u2014", "\u2013", "-", "--")


def _without_dateline(doc, tokens: tuple[int, ...]) -> tuple[int, ...]:  # noqa: ANN001 (Doc)
    """A source phrase without the dateline the parse hung on it ("WASHINGTON (AP) — Donald
    Trump"): an upper-case word opening the text or a line, up to its dash."""
    if not tokens:
        return tokens
    first = doc[tokens[0]]
    opens_line = first.i == 0 or "\n" in doc[first.i - 1].text_with_ws
    if not (first.is_upper and len(first.text) > 2 and opens_line):
        return tokens
    for k, i in enumerate(tokens[:10]):
        if doc[i].text in _DASHES:
            return tokens[k + 1:]
    return tokens


def _never_a_source(doc, tokens: tuple[int, ...]) -> bool:  # noqa: ANN001 (Doc)
    """A time stamp ("9:18 p.m.") or a dateline ("WASHINGTON (AP) —") the parse made a
    subject."""
    if all(doc[i].ent_type_ in ("TIME", "DATE") or doc[i].is_punct for i in tokens):
        return True
    first, last = doc[tokens[0]], doc[tokens[-1]]
    after = doc[last.i + 1] if last.i + 1 < len(doc) else None
    return first.is_upper and len(first.text) > 2 and first.i <= 2 and after is not None \
        and (after.text == "(" or after.text in _DASHES)


def source_features(head: Token, cand: Candidate, view: DocView) -> list[str]:
    lemma = head.lemma_.lower()
    label = cand.label
    feats = [f"lab={label}", f"lab|l={label}|{lemma}", f"lab|p={label}|{head.pos_}",
             f"lab|d={label}|{head.dep_}"]
    if cand.tokens:
        doc = head.doc
        root = doc[_root(view, cand.tokens)]
        kind = _kind(root)
        feats += [f"kind={kind}", f"lab|kind={label}|{kind}",
                  f"len={_bucket(len(cand.tokens))}", f"rl={root.lemma_.lower()}"]
    return feats


# --------------------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class AttributionModel:
    cue: LinearModel
    content: LinearModel
    source: LinearModel
    cue_threshold: float

    def to_json(self) -> dict:
        return {"cue": self.cue.to_json(), "content": self.content.to_json(),
                "source": self.source.to_json(), "cue_threshold": self.cue_threshold}

    @classmethod
    def from_json(cls, data: dict) -> AttributionModel:
        return cls(*(LinearModel(data[k]["bias"], data[k]["weights"])
                     for k in ("cue", "content", "source")), data["cue_threshold"])


@lru_cache(maxsize=1)
def load_model() -> AttributionModel:
    text = resources.files("crosswire").joinpath(MODEL_RESOURCE).read_text("utf-8")
    return AttributionModel.from_json(json.loads(text))


def is_cue_candidate(token: Token) -> bool:
    return token.pos_ in CUE_POS or token.text == ":"


def cue_span(head: Token) -> tuple[int, int]:
    """The cue's words: its head with the auxiliaries, negation and particles right before or
    after it ("did not deny", "has said", "according to", "pointed out")."""
    start = end = head.i
    doc = head.doc
    while start > 0 and doc[start - 1].head.i == head.i and doc[start - 1].dep_ in (
            "aux", "auxpass", "neg", "advmod") and doc[start - 1].is_alpha:
        start -= 1
    while start < head.i and doc[start].dep_ == "advmod":
        start += 1  # "also said" keeps "said": adverbs only inside an auxiliary chain
    end = head.i + 1
    if end < len(doc) and doc[end].head.i == head.i and (
            doc[end].dep_ == "prt" or (head.lower_ == "according" and doc[end].lower_ == "to")):
        end += 1
    return start, end


def runs(tokens: Iterable[int]) -> tuple[tuple[int, int], ...]:
    """Contiguous token ranges of a sorted index set."""
    out: list[list[int]] = []
    for i in tokens:
        if out and out[-1][1] == i:
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1])
    return tuple((a, b) for a, b in out)


def find_attributions(doc: Doc, view: DocView, model: AttributionModel) -> Iterator[Attribution]:
    """Attributions in ``doc``: every token the cue model accepts, with its best content and
    source candidates. Content never includes the cue or the source."""
    for token in doc:
        if not is_cue_candidate(token):
            continue
        score = model.cue.score(cue_features(token, view))
        if score < model.cue_threshold:
            continue
        yield decode(token, view, model, score)


def decode(head: Token, view: DocView, model: AttributionModel, score: float) -> Attribution:
    cue = cue_span(head)
    sources = source_candidates(head, view)
    source = max(sources, key=lambda c: model.source.score(source_features(head, c, view)))
    if head.text == ":" and not source.tokens:
        # "Kasich: ..." in a transcript: the name right before the colon speaks.
        named = _name_before(head)
        if named:
            source = Candidate("colon", named)
    taken = set(range(*cue)) | set(source.tokens)
    best = None
    best_score = -1.0
    cands = [Candidate(c.label, tuple(i for i in c.tokens if i not in taken))
             for c in content_candidates(head, view)]
    cands = [c for c in cands if c.tokens]
    labels = [c.label for c in cands]
    for cand in cands:
        s = model.content.score(content_features(head, cand, view, labels))
        if s > best_score:
            best, best_score = cand, s
    if best is None:
        return Attribution(cue, head.i, (), runs(source.tokens)[0] if source.tokens else None,
                           score, "none", source.label)
    source_span = (source.tokens[0], source.tokens[-1] + 1) if source.tokens else None
    return Attribution(cue, head.i, join_runs(view, best.tokens), source_span, score,
                       best.label, source.label)


def from_tagged(doc: Doc, view: DocView, tagged: TaggedAttribution) -> Attribution | None:
    """The tagger's attribution (character spans) in the parse's tokens; None when its cue
    or every content part falls between tokens (whitespace)."""
    def tokens(span: tuple[int, int]) -> tuple[int, int] | None:
        found = doc.char_span(*span, alignment_mode="expand")
        return (found.start, found.end) if found is not None and len(found) else None

    cue = tokens(tagged.cue)
    content = tuple(t for t in map(tokens, tagged.content) if t is not None)
    if cue is None or not content:
        return None
    source = tokens(tagged.source) if tagged.source else None
    head = doc[cue[0]:cue[1]].root.i
    return Attribution(cue, head, content, source, 1.0, "tagger", "tagger")


def join_runs(view: DocView, tokens: Iterable[int]) -> tuple[tuple[int, int], ...]:
    """Token ranges covering sorted ``tokens``, joined across gaps of punctuation only."""
    out: list[list[int]] = []
    skip = view.skip
    for i in tokens:
        if out and all(skip[k] for k in range(out[-1][1], i)):
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1])
    return tuple((a, b) for a, b in out)
