"""Quotes and reported speech, with their speakers.

Takes the shared parse and the article's entities (ctx.doc, ctx.entities); gives ``Quote``
records: direct quotes (the words between quotation marks, any style, split around their
cue or running over paragraphs) and indirect ones ("X said (that) ...", "according to X,
...", "X warned / denied / accused ..."), each with its cue, the source phrase resolved to a
canonical entity (speakers.py) and a warning where the marks were unbalanced.

How: quotemarks.py finds the quoted stretches; the attribution tagger (tagger.py, passed
in on the context) tags cues, contents and sources and pairs them, or, with
``nlp.attribution = "rules"``, attribution.py finds cues and picks each cue's content and
source with linear models over the parse (both trained on PolNeAR train); a quoted stretch
that no cue claims becomes a direct quote of the previous quote's speaker when it continues
that quote ("...," she said. "..."), else a quote with no speaker when it is a sentence of its
own.
Short quoted words that no cue introduces (titles, scare quotes) are not quotes.

Embedded social-media posts are direct quotes too, though they carry no quotation marks: the
extracted page renders a post as its words followed by the embed's credit, "— Full Name
(@handle) Month D, YYYY" (see :func:`find_embeds`). The post's words are the account
holder's, so two outlets embedding one post share them as a quote, not as copied text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc

from ..records import Entity, Quote, Span, content_id
from .attribution import (Attribution, DocView, decode, find_attributions, from_tagged,
                          join_runs, load_model)
from .context import ArticleContext
from .entities import name_key
from .quotemarks import Quoted, find_quoted, strip_span
from .speakers import Speaker, SpeakerResolver

# A quoted stretch no cue introduces is a quote of its own when it has at least this many
# words (shorter ones are titles and scare quotes: the "Cadillac tax").
_MIN_ORPHAN_WORDS = 4
# Share of a content's words inside quotation marks from which the quote is direct.
_DIRECT_SHARE = 0.8
_MARKS_AND_SPACE = " \n\"'`\u201c\u2018\u00ab\u201e"
# Sentences longer than this (flattened lists, run-on text) are parsed unreliably.
_LONG_SENTENCE_TOKENS = 150


@dataclass(slots=True)
class _Draft:
    parts: list[Span]
    kind: str
    cue: Span | None
    cue_text: str | None
    speaker: Speaker | None
    warning: str | None
    quotes: set[int]  # indices of the quoted stretches it covers
    last_sentence_end: int  # character where its last part's sentence ends
    partial: bool = False  # a quote inside the reported speech of its cue
    embed: bool = False  # an embedded post: never continued by a quote after it


def extract(ctx: ArticleContext) -> tuple[Quote, ...]:
    doc = ctx.doc
    text = ctx.text
    quoted, mark_warnings = find_quoted(text)
    if mark_warnings:
        ctx.warnings.append(f"quotes: {len(mark_warnings)} quotation mark(s) could not be "
                            f"paired ({mark_warnings[0]})")
    view = DocView(doc, quoted, text)
    resolver = SpeakerResolver(doc, ctx.entities, view, ctx.given_names)
    long_sentences = {s.start for s in doc.sents if len(s) > _LONG_SENTENCE_TOKENS}
    if long_sentences:
        ctx.warnings.append(f"quotes: {len(long_sentences)} very long sentence(s) (over "
                            f"{_LONG_SENTENCE_TOKENS} tokens, a flattened list or run-on "
                            "text?): attributions there are unreliable")
    drafts: list[_Draft] = []
    for attribution in _attributions(ctx, view):
        for draft in _drafts(doc, attribution, view, resolver):
            if view.sent_start[attribution.cue_head] in long_sentences:
                draft.warning = draft.warning or "in a very long sentence: boundaries unreliable"
            drafts.append(draft)
    embeds = find_embeds(text)
    if embeds:
        # A cue inside an embedded post or its credit is the post's own wording, not an
        # attribution of the article: the post is one quote of its account holder.
        taken = [(e.paragraph_start, e.credit[1]) for e in embeds]
        drafts = [d for d in drafts if not _overlap(d.parts, taken)]
    drafts = _drop_overlaps(drafts, text)
    drafts = sorted(drafts + [_embed_draft(e, ctx.entities) for e in embeds],
                    key=lambda d: d.parts[0][0])
    drafts = _with_orphans(doc, view, drafts, resolver)
    return tuple(_quote(ctx.article.id, text, d) for d in drafts)


def _attributions(ctx: ArticleContext, view: DocView) -> Iterator[Attribution]:
    """The tagger's attributions when the pipeline has one, else the rules' (the linear
    models over the parse)."""
    rules = load_model()
    if ctx.tagger is None:
        yield from find_attributions(ctx.doc, view, rules)
        return
    for tagged in ctx.tagger(ctx.text):
        attribution = from_tagged(ctx.doc, view, tagged)
        if attribution is None:
            continue
        if attribution.source is None:
            # A cue the tagger gave no source: the source model's pick among the parse's
            # candidates (the cue's subject, "according to X", a shared subject). On the
            # held-out tenth of PolNeAR train: end-to-end F1 +1.0, speaker accuracy +1.3.
            source = decode(ctx.doc[attribution.cue_head], view, rules, 1.0).source
            attribution = dataclasses.replace(attribution, source=source)
        yield attribution


# --------------------------------------------------------------------------- embedded posts

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
# The credit an embedded post ends with: a dash, the account's display name, its handle in
# brackets and the date ("— Ana Ferreira (@aferreira) March 3, 2024"), then at most the
# widget's "Report" link. Display names are free text (lower-case, an organisation's name),
# so the name is any short run of words on the line.
_EMBED_CREDIT = re.compile(
    r"(?:[\u2014\u2013\u2015]|(?<=\s)--?(?=\s))[ \t]*"
    r"(?P<name>[^\s()@\u2014\u2013][^\n()@\u2014\u2013]{0,60}?)[ \t]*"
    r"\(@(?P<handle>[A-Za-z0-9_]{1,15})\)[ \t]*"
    rf"{_MONTH}[ \t]+\d{{1,2}},[ \t]*\d{{4}}(?:[ \t]+Report\b)?")
# A screen-reader line before the post ("Skip Twitter post by @handle").
_EMBED_PREFIX = re.compile(r"[ \t]*Skip [A-Za-z]+ post(?: \d+)? by @?\w+[ \t]*")
# Links the rendered post ends with (its own link and the picture link, often run together).
_TRAILING_LINKS = re.compile(r"(?:\s*(?:https?://\S+|pic\.twitter\.com/\S+))+\s*$")
# A post is at most a few hundred characters; a longer stretch before a credit is article
# text the extraction ran into the post, and no quote is made of it.
_MAX_POST_CHARS = 600


@dataclass(frozen=True, slots=True)
class Embed:
    """One embedded post: its words, the credit after them (the name's span inside it)."""

    post: Span
    credit: Span
    name: Span
    account: str  # the name as the credit prints it
    handle: str
    paragraph_start: int  # where the embed begins, screen-reader line included

    def furniture(self, text: str) -> list[Span]:
        """What of the embed is the widget's, not the post's: the screen-reader line before
        the post, and the links and credit after it (the post's closing full stop stays)."""
        end = self.post[1]
        while end < self.credit[0] and text[end] in ".!?\u2026":
            end += 1
        return [s for s in ((self.paragraph_start, self.post[0]), (end, self.credit[1]))
                if s[0] < s[1]]


def find_embeds(text: str) -> list[Embed]:
    """Embedded posts in extracted page text. A post begins at its paragraph's start or
    right after the credit of the post before it in the same paragraph (pages that run two
    embeds together)."""
    out: list[Embed] = []
    for match in _EMBED_CREDIT.finditer(text):
        para = text.rfind("\n", 0, match.start()) + 1
        if out and out[-1].credit[1] > para:
            para = out[-1].credit[1]
        start = para
        prefix = _EMBED_PREFIX.match(text, start, match.start())
        if prefix:
            start = prefix.end()
        end = match.start()
        links = _TRAILING_LINKS.search(text, start, end)
        if links:
            end = links.start()
        start, end = _trim_part(text, strip_span(text, start, end))
        if start >= end or end - start > _MAX_POST_CHARS or not any(
                c.isalpha() for c in text[start:end]):
            continue
        out.append(Embed((start, end), match.span(), match.span("name"), match.group("name"),
                         match.group("handle"), para))
    return out


def _embed_draft(embed: Embed, entities: tuple[Entity, ...]) -> _Draft:
    return _Draft([embed.post], "direct", None, "posted", _account_holder(embed, entities),
                  None, set(), embed.credit[1], embed=True)


def _account_holder(embed: Embed, entities: tuple[Entity, ...]) -> Speaker:
    """The credit's name, as the article's entity for it when there is one: the entity
    named in the credit itself, else one whose name is the credit's name, else one whose
    name run together is the handle ("Ana Ferreira" for @anaferreira)."""
    start, end = embed.name
    credit_key = name_key(embed.account)
    handle = embed.handle.lower()
    for test in (
            # (a mention running past the name, into the handle, is a mis-cut entity)
            lambda e: any(start <= m.span[0] and m.span[1] <= end for m in e.mentions),
            lambda e: credit_key in {name_key(n) for n in (e.name, *e.aliases)},
            lambda e: handle in {re.sub(r"[^a-z0-9]", "", name_key(n))
                                 for n in (e.name, *e.aliases)}):
        entity = next((e for e in entities if e.type in ("PERSON", "ORG") and test(e)), None)
        if entity is not None:
            return Speaker(entity.name, entity.id, embed.name)
    return Speaker(embed.account, None, embed.name)


def _end_char(token) -> int:
    return token.idx + len(token.text)


def _char_parts(doc: Doc, view: DocView, ranges: tuple[tuple[int, int], ...]) -> list[Span]:
    parts = []
    for start, end in ranges:
        while start < end and view.skip[end - 1]:
            end -= 1
        while start < end and view.skip[start]:
            start += 1
        if start < end:
            parts.append((doc[start].idx, _end_char(doc[end - 1])))
    return parts


def _drafts(doc: Doc, attribution: Attribution, view: DocView,
            resolver: SpeakerResolver) -> list[_Draft]:
    """The quotes one attribution gives: a direct quote when its content is quoted, else
    the reported speech, plus a direct quote for each partial quote inside it ("called it a
    "dangerous step""), so a partial quote's exact words can be compared across outlets."""
    tokens = [i for a, b in attribution.content for i in range(a, b) if not view.skip[i]]
    if tokens and doc[tokens[0]].lower_ == "that" and doc[tokens[0]].dep_ == "mark":
        tokens = tokens[1:]  # the complementizer is the writer's, not the speaker's
    if not tokens:
        return []
    inside = [view.quote_of[i] for i in tokens if view.quote_of[i] >= 0]
    cue_start, cue_end = attribution.cue
    cue = (doc[cue_start].idx, _end_char(doc[cue_end - 1]))
    cue_text = view.text[cue[0]:cue[1]]
    speaker = resolver.resolve(attribution.source)
    last = _end_char(doc[view.sent_end[tokens[-1]] - 1])
    if len(inside) >= _DIRECT_SHARE * len(tokens):
        # A direct quote is exactly its quoted stretches, marks excluded.
        stretches = [view.quoted[q] for q in sorted(set(inside))]
        parts = [_trim_part(view.text, p) for q in stretches for p in q.parts]
        warning = next((q.warning for q in stretches if q.warning), None)
        return [_Draft(parts, "direct", cue, cue_text, speaker, warning, set(inside), last)]
    out = []
    within = set(tokens)
    for index in sorted(set(inside)):
        # Wholly inside the reported speech, its closing full stop and marks aside ("called
        # the win "the first crack in the wall."": the content ends at "wall").
        words = [i for i in range(*view.quote_tokens[index])
                 if not view.skip[i] and not doc[i].is_punct]
        if words and words[0] in within and words[-1] in within:
            stretch = view.quoted[index]
            out.append(_Draft([_trim_part(view.text, p) for p in stretch.parts], "direct", cue,
                              cue_text, speaker, stretch.warning, {index}, last, partial=True))
    parts = _char_parts(doc, view, join_runs(view, tokens))
    if parts:
        out.append(_Draft(parts, "indirect", cue, cue_text, speaker, None, set(), last))
    return out


def _trim_part(text: str, part: Span) -> Span:
    """A quoted part without the final comma, full stop, colon or dash that joins it to its
    cue ("…," she said): the writer's punctuation, not the speaker's words. Question and
    exclamation marks and an ellipsis stay."""
    start, end = part
    while end > start and text[end - 1] in ",;:\u2014\u2013- ":
        end -= 1
    if end > start and text[end - 1] == "." and not text[start:end].endswith(".."):
        end -= 1
    return start, end


def _drop_overlaps(drafts: list[_Draft], text: str) -> list[_Draft]:
    """One attribution per stretch of text: when two cues claim overlapping content, the one
    whose content is a direct quote wins, then one in the content's own paragraph ("Kalmet
    has offered 6 percent.¶"Our members ...," Petek told a rally": told, not offered), then
    one whose whole content is the quote (in "Malek signed the treaty, which Brekke described
    as "proof ..."", the quote is Brekke's, not a part of what Malek "signed"), else the
    earlier one. A partial quote and the reported speech around it share their cue and
    both stay."""
    def gap(d: _Draft) -> str:  # the text between the cue and its content
        if d.cue is None:
            return ""
        start, end = d.parts[0][0], d.parts[-1][1]
        return text[d.cue[1]:start] if d.cue[1] <= start else \
            text[end:d.cue[0]] if d.cue[0] >= end else ""

    kept: list[_Draft] = []
    for draft in sorted(drafts, key=lambda d: (d.kind != "direct", "\n\n" in gap(d),
                                               d.partial, d.parts[0][0])):
        if any(other.cue != draft.cue and _overlap(draft.parts, other.parts) for other in kept):
            continue
        kept.append(draft)
    return sorted(kept, key=lambda d: d.parts[0][0])


def _overlap(a: list[Span], b: list[Span]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _with_orphans(doc: Doc, view: DocView, drafts: list[_Draft],
                  resolver: SpeakerResolver) -> list[_Draft]:
    """Quoted stretches no cue claimed: continuations of the quote before them, or quotes of
    their own when they are a sentence or more. A quote of its own right after a quote of
    the same speaker is theirs; else, right after a sentence of its paragraph about a person
    ("Teigen took it in stride. 'I don't know why ...'"), that person's, with a warning."""
    claimed = set().union(*(d.quotes for d in drafts)) if drafts else set()
    by_start = sorted(drafts, key=lambda d: d.parts[-1][1])
    out = list(drafts)
    for index, stretch in enumerate(view.quoted):
        if index in claimed:
            continue
        if any(s < stretch.end and stretch.start < e for d in drafts for s, e in d.parts):
            continue  # inside an indirect quote's content: a partial quote there
        previous = next((d for d in reversed(by_start) if d.parts[-1][1] <= stretch.start),
                        None)
        if previous is not None and previous.embed:
            previous = None  # what follows a post is the article's again
        if previous is not None and previous.kind == "direct" and _adjacent(view, previous,
                                                                            stretch):
            previous.parts.extend(_trim_part(view.text, p) for p in stretch.parts)
            previous.quotes.add(index)
            previous.last_sentence_end = stretch.end
            continue
        n_words = len(view.text[stretch.start:stretch.end].split())
        if n_words < _MIN_ORPHAN_WORDS or not _starts_sentence(doc, view, index):
            continue
        speaker = previous.speaker if previous is not None and _adjacent(
            view, previous, stretch, paragraphs=1) else None
        warning = stretch.warning
        if speaker is None:
            speaker = _narrated_person(doc, view, index, resolver)
            if speaker is not None:
                warning = warning or ("no cue: speaker taken from the sentence before, "
                                      "which is about them")
        draft = _Draft([_trim_part(view.text, p) for p in stretch.parts], "direct", None, None,
                       speaker, warning, {index}, stretch.end)
        out.append(draft)
        by_start.append(draft)
        by_start.sort(key=lambda d: d.parts[-1][1])
    return sorted(out, key=lambda d: d.parts[0][0])


def _narrated_person(doc: Doc, view: DocView, index: int,
                     resolver: SpeakerResolver) -> Speaker | None:
    """The person the sentence just before a quote is about (its subject), when that
    sentence is in the quote's paragraph, outside quotation marks, and names or resolves
    them."""
    stretch = view.quoted[index]
    k = view.quote_tokens[index][0] - 1
    while k >= 0 and (view.skip[k] or view.in_quote(k)):
        k -= 1
    if k < 0 or view.in_quote(k) or "\n" in view.text[doc[k].idx:stretch.start]:
        return None
    sentence = doc[view.sent_start[k]:view.sent_end[k]]
    if any(view.in_quote(t.i) for t in sentence):
        return None
    subject = next((t for t in sentence.root.children if t.dep_ in ("nsubj", "nsubjpass")),
                   None)
    if subject is None:
        return None
    speaker = resolver.resolve((subject.left_edge.i, subject.right_edge.i + 1))
    if speaker is None or speaker.entity_id is None \
            or resolver.entities[speaker.entity_id].type != "PERSON":
        return None
    return speaker


def _starts_sentence(doc: Doc, view: DocView, index: int) -> bool:
    """Whether a quoted stretch opens its sentence (only marks and spaces before it)."""
    first = view.quote_tokens[index][0]
    if first >= len(doc):
        return False
    sentence_start = doc[view.sent_start[first]].idx
    return view.text[sentence_start:view.quoted[index].start].strip(_MARKS_AND_SPACE) == ""


def _adjacent(view: DocView, previous: _Draft, stretch: Quoted, paragraphs: int = 0) -> bool:
    """Whether ``stretch`` follows ``previous``'s last sentence with nothing but at most
    ``paragraphs`` paragraph breaks in between."""
    gap = view.text[previous.last_sentence_end:stretch.start]
    return gap.count("\n\n") + (1 if "\n" in gap and "\n\n" not in gap else 0) <= paragraphs \
        and gap.strip(_MARKS_AND_SPACE) == ""


def _quote(article_id: str, text: str, draft: _Draft) -> Quote:
    parts = sorted(draft.parts)
    span = (parts[0][0], parts[-1][1])
    words = " ".join(text[s:e] for s, e in parts)
    speaker = draft.speaker
    return Quote(
        id=content_id("q", article_id, f"{span[0]}:{span[1]}", words),
        article_id=article_id, span=span, text=words, kind=draft.kind,  # type: ignore[arg-type]
        speaker_id=speaker.entity_id if speaker else None,
        speaker=speaker.name if speaker else None,
        speaker_span=speaker.span if speaker else None,
        cue=draft.cue_text, cue_span=draft.cue, warning=draft.warning,
        parts=tuple(parts) if len(parts) > 1 else ())
