"""Cleaning: RawDocument -> Article.

Takes a raw input (text, HTML, JSON object, feed item) and gives the article the outlet
actually wrote: body paragraphs without site banners, page dates, teasers, paywall and
newsletter prompts, captions and credits, comment/share prompts, bylines, and lists of other
headlines appended after the article. Every removed line is kept in ``Article.removed`` with
its reason, so an analyst can audit what was dropped and nothing is lost.

Also gives the metadata with its basis: title, outlet (field, site name, URL, publication
line, dateline), author, publication date (metadata or text; a page or crawl date printed at
the top is not a publication date) and language.

``Cleaner.pipe`` cleans a batch in two passes so lines repeated across many articles of one
outlet (footers, house ads) are removed as boilerplate too.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import py3langid
import trafilatura
from dateutil import parser as date_parser

from .config import CleanConfig
from .errors import CleanError, CrosswireError
from .ingest.detect import decode
from .records import Article, RawDocument, Removed, Skipped

# --------------------------------------------------------------------------- line rules

_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE = (rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?"
         rf"\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})")
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"

# (reason, pattern) applied to whole lines, case-insensitive. Order matters: the first match
# names the reason. Patterns are anchored and short-line-only where a body sentence could
# otherwise match; they were written for the fixture corpus's boilerplate kinds and checked
# against the extraction benchmark's ground-truth bodies (no body line matches).
LINE_RULES: list[tuple[str, re.Pattern[str]]] = [(reason, re.compile(p, re.I)) for reason, p in [
    ("publication-line", rf"^(?:first\s+)?published\s+(?:in|by|on)\s+.{{2,80}}?,?\s*{_DATE}\.?$"),
    ("page-date", rf"^(?:(?:last\s+)?updated|posted|page generated|generated|crawled|retrieved|"
                  rf"accessed|modified)\b[:\s]*(?:on\s+)?(?:{_WEEKDAY},?\s*)?(?:{_DATE}|\d{{4}}-\d{{2}}-\d{{2}}"
                  rf"[T ][\d:]+Z?|[\d:]+\s*(?:am|pm)?).{{0,30}}$"),
    ("page-date", rf"^(?:{_WEEKDAY},?\s*)?{_DATE}(?:\s*[|,-]?\s*\d{{1,2}}:\d{{2}}\s*(?:am|pm)?(?:\s*[A-Z]{{2,4}})?)?$"),
    ("read-more", r"^(?:read more|read also|also read|continue reading|more on this story|"
                  r"see also|watch|listen)\b\s*[:>»|-]"),
    ("related", r"^(?:related(?:\s+(?:stories|articles|coverage|news))?|more from|more stories|"
                r"recommended(?: for you)?|you may also like|you might also like|most read|"
                r"most popular|trending(?: now)?|top stories|latest news|editor'?s picks)\s*[:>»|-]?.{0,120}$"),
    ("paywall-prompt", r"\b(?:subscribe(?: now| today)?|subscription|subscribers? only|"
                       r"premium (?:content|article)|unlimited (?:digital )?access|already a subscriber|"
                       r"sign in to (?:read|continue)|log in to (?:read|continue)|"
                       r"to continue reading|free articles? (?:left|remaining)|paywall)\b"),
    ("newsletter", r"\b(?:newsletter|sign up for (?:our|the)|get (?:our|the) .{0,40} in your inbox|"
                   r"delivered to your inbox|subscribe to our)\b"),
    ("comment-prompt", r"^(?:leave a (?:comment|reply)|join the (?:conversation|discussion|debate)|"
                       r"\d+\s+comments?|comments?(?:\s*\(\d+\))?|add (?:a|your) comment|"
                       r"post a comment|have your say|what do you think\??|show comments|"
                       r"view comments|comments are closed\.?)\s*[.!:]?$"),
    ("share-prompt", r"^(?:share(?: this(?: article| story| page)?)?(?: on| via)?|tweet|email|print|"
                     r"facebook|twitter|whatsapp|linkedin|copy link|share on \w+)"
                     r"(?:\s*[|/,·•]\s*(?:facebook|twitter|x|whatsapp|linkedin|email|print|reddit|copy link))*"
                     r"\s*[:.!]?$"),
    ("credit", r"^(?:photo|image|picture|video|graphic|illustration|file photo)s?\s*"
               r"(?:credit)?\s*[:/©-]\s*.{1,80}$"),
    ("credit", r"^(?:©|\(c\)|copyright)\s*.{1,100}$"),
    ("caption", r"^.{10,300}\((?:photo|image|picture|file photo)\s*[:/-]\s*[^)]{1,80}\)\.?$"),
    ("caption", r"^(?:photo|image|caption|pictured|above|top|file)\s*:.{5,300}$"),
    ("byline", r"^(?:by|written by|reporting by|words by)\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}"
               r"(?:\s*(?:,|and|&|\||-|—)\s*[A-Z][\w.'&-]*(?:\s+[A-Z][\w.'&-]*){0,5}){0,3}\.?$"),
    ("welcome", r"^welcome (?:to|back)\b.{0,100}$"),
    ("cookie-notice", r"\b(?:we use cookies|cookie policy|accept (?:all )?cookies|this (?:site|website) uses cookies)\b"),
    ("navigation", r"^(?:home|menu|search|skip to (?:main )?content|back to top|next article|"
                   r"previous article|advertisement|sponsored(?: content)?|ad)\s*[|>»]?$"),
]]
# The site-banner shape: "Name | tagline" or "NAME - the paper of ...", short, at the very top.
_BANNER = re.compile(r"^[^.!?]{2,60}\s[|•·—–-]\s[^.!?]{2,60}$")
# A dateline opening the body: "VALMONT, Esteria (Meridian Press) —" or "LONDON (Reuters) -".
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'-]{1,40}(?:,\s*[A-Z][\w .'-]{1,40})?)\s*"
    r"(?:\((?P<agency>[A-Z][\w .&'-]{1,40})\))?\s*[—–-]{1,2}\s+")
_PUBLISHED_IN = re.compile(rf"^(?:first\s+)?published\s+(?:in|by)\s+(?P<outlet>.{{2,80}}?),?\s*(?P<date>{_DATE})\.?$", re.I)
_SENTENCE_END = re.compile(r"[.!?…\"'”’)]\s*$")


@dataclass(slots=True)
class _Draft:
    """A document between the two cleaning passes."""

    doc: RawDocument
    lines: list[str]
    title: str | None = None
    title_basis: str | None = None
    outlet: str | None = None
    outlet_basis: str | None = None
    author: str | None = None
    published: str | None = None
    published_basis: str | None = None
    language: str | None = None
    removed: list[Removed] = field(default_factory=list)


def norm_line(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def classify_line(line: str) -> str | None:
    """The boilerplate reason for one line, or None when it may be body text."""
    for reason, pattern in LINE_RULES:
        if pattern.search(line):
            # Long lines are body text even when they mention "subscription" or "newsletter".
            if reason in ("paywall-prompt", "newsletter", "cookie-notice") and len(line) > 220:
                continue
            return reason
    return None


def looks_like_headline(line: str) -> bool:
    words = line.split()
    return (3 <= len(words) <= 25 and len(line) <= 160 and not _SENTENCE_END.search(line.rstrip("”\"'"))
            or (3 <= len(words) <= 20 and line.endswith("?"))) and not _BANNER.match(line)


def normalise_date(value: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD) from any common date string, or None."""
    if not value:
        return None
    value = value.strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        return m.group(0)
    try:
        parsed = date_parser.parse(value, fuzzy=False, default=None)  # type: ignore[arg-type]
    except (ValueError, OverflowError, TypeError):
        return None
    return parsed.date().isoformat()


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    host = re.sub(r"^(?:www\d?|m|amp|edition|news)\.", "", host)
    return host or None


# --------------------------------------------------------------------------- extraction


def _split_paragraphs(text: str) -> list[str]:
    """Lines of a plain text: one paragraph per non-empty line, hard-wrapped lines rejoined."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [norm_line(x) for x in block.split("\n") if x.strip()]
        if not lines:
            continue
        merged = [lines[0]]
        for line in lines[1:]:
            prev = merged[-1]
            # A wrapped line continues a sentence: the previous line has no sentence end and
            # this one starts in lower case.
            if not _SENTENCE_END.search(prev) and line[:1].islower() and len(prev) > 50:
                merged[-1] = f"{prev} {line}"
            else:
                merged.append(line)
        out.extend(merged)
    return out


def _html_draft(doc: RawDocument, html: str) -> _Draft:
    result = trafilatura.bare_extraction(
        html, url=doc.url, with_metadata=True, include_comments=False, include_tables=False,
        include_images=False, favor_precision=True, deduplicate=False)
    if result is None or not (getattr(result, "text", None) or "").strip():
        raise CleanError("no article text found in the HTML page")
    draft = _Draft(doc=doc, lines=_split_paragraphs(result.text))
    draft.title, draft.title_basis = (norm_line(result.title), "metadata") if result.title else (None, None)
    if result.sitename:
        draft.outlet, draft.outlet_basis = result.sitename, "site-name"
    draft.author = result.author or None
    date = normalise_date(result.date) if result.date else None
    if date:
        draft.published, draft.published_basis = date, "metadata"
    return draft


def _text_draft(doc: RawDocument, text: str) -> _Draft:
    draft = _Draft(doc=doc, lines=_split_paragraphs(text))
    return draft


def _draft(doc: RawDocument) -> _Draft:
    fields = dict(doc.fields)
    if doc.format == "json":
        obj = json.loads(doc.raw.decode("utf-8"))
        from .ingest.readers import json_fields  # local: json_fields is the ingest contract

        fields = dict(json_fields(obj))
        if fields.get("text"):
            text = fields["text"]
            draft = _html_draft(doc, text) if re.search(r"<(?:p|div|br)\b", text[:2000], re.I) \
                else _text_draft(doc, html_lib.unescape(text))
        else:
            draft = _html_draft(doc, fields["html"])
    elif doc.format in ("html", "feed"):
        markup = decode(doc.raw, source=doc.source)
        if doc.format == "feed" and not re.search(r"<(?:p|div|br)\b", markup, re.I):
            draft = _text_draft(doc, html_lib.unescape(re.sub(r"<[^>]+>", " ", markup)))
        else:
            draft = _html_draft(doc, markup if doc.format == "html" else f"<html><body><article>{markup}</article></body></html>")
    else:
        draft = _text_draft(doc, decode(doc.raw, source=doc.source))
    # Container fields (JSON keys, feed entry) are publisher metadata and win over guesses.
    if fields.get("title"):
        draft.title, draft.title_basis = norm_line(fields["title"]), "metadata"
    if fields.get("outlet"):
        draft.outlet, draft.outlet_basis = fields["outlet"], "field"
    if fields.get("author"):
        draft.author = fields["author"]
    if fields.get("published") and normalise_date(fields["published"]):
        draft.published, draft.published_basis = normalise_date(fields["published"]), "metadata"
    if fields.get("language"):
        draft.language = fields["language"].lower()[:2]
    return draft


# --------------------------------------------------------------------------- the cleaner


class Cleaner:
    """RawDocument -> Article. ``pipe`` adds the cross-article repeated-line evidence."""

    def __init__(self, config: CleanConfig | None = None):
        self.config = config or CleanConfig()
        self._langid = py3langid.langid.LanguageIdentifier.from_model_file(
            py3langid.langid.MODEL_FILE, norm_probs=True)

    def __call__(self, doc: RawDocument) -> Article:
        return self._finish(self._first_pass(doc), repeated=frozenset())

    def pipe(self, docs: Iterable[RawDocument], batch_size: int = 256) -> Iterator[Article | Skipped]:
        """Clean in batches; within a batch, lines repeated across many articles of one
        outlet are removed as ``repeated-line``."""
        batch: list[RawDocument] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self.clean_batch(batch)
                batch = []
        if batch:
            yield from self.clean_batch(batch)

    def clean_batch(self, docs: list[RawDocument]) -> list[Article | Skipped]:
        drafts: list[_Draft | Skipped] = []
        for doc in docs:
            try:
                drafts.append(self._first_pass(doc))
            except CrosswireError as exc:
                drafts.append(Skipped(doc.source, "clean", str(exc)))
            except (ValueError, UnicodeError, json.JSONDecodeError) as exc:
                drafts.append(Skipped(doc.source, "clean", f"cannot clean: {exc}"))
            except Exception as exc:  # noqa: BLE001 - extraction libraries raise arbitrary
                # errors on hostile pages (RecursionError on deep nesting, lxml errors); one
                # bad page must never stop the batch.
                drafts.append(Skipped(doc.source, "clean",
                                      f"extraction failed: {type(exc).__name__}: {exc}"))
        repeated = self._repeated_lines([d for d in drafts if isinstance(d, _Draft)])
        out: list[Article | Skipped] = []
        for draft in drafts:
            if isinstance(draft, Skipped):
                out.append(draft)
                continue
            try:
                out.append(self._finish(draft, repeated.get(draft.outlet or "", frozenset())))
            except CrosswireError as exc:
                out.append(Skipped(draft.doc.source, "clean", str(exc)))
        return out

    # ------------------------------------------------------------------ passes
    def _first_pass(self, doc: RawDocument) -> _Draft:
        draft = _draft(doc)
        self._strip_lines(draft)
        if not draft.outlet and doc.url:
            draft.outlet, draft.outlet_basis = outlet_from_url(doc.url), "url"
        return draft

    def _repeated_lines(self, drafts: list[_Draft]) -> dict[str, frozenset[str]]:
        per_outlet: dict[str, Counter[str]] = defaultdict(Counter)
        sizes: Counter[str] = Counter()
        for draft in drafts:
            if not draft.outlet:
                continue
            sizes[draft.outlet] += 1
            per_outlet[draft.outlet].update(set(draft.lines))
        cfg = self.config
        return {
            outlet: frozenset(line for line, n in counts.items()
                              if n >= cfg.repeated_min_articles and n / sizes[outlet] >= cfg.repeated_min_share)
            for outlet, counts in per_outlet.items()
        }

    def _strip_lines(self, draft: _Draft) -> None:
        """Per-document rules: banner, title, rule-matched lines, trailing headline lists."""
        lines, removed = draft.lines, draft.removed
        kept: list[str] = []
        for i, line in enumerate(lines):
            if i == 0 and _BANNER.match(line) and len(lines) > 1:
                removed.append(Removed(line, "banner"))
                continue
            match = _PUBLISHED_IN.match(line)
            if match:
                # "Published in <paper>, <date>": the article ends here; the line gives the
                # outlet and date, and what follows is the paper's list of other headlines.
                removed.append(Removed(line, "publication-line"))
                if draft.outlet_basis not in ("field", "site-name"):
                    draft.outlet = re.sub(r"^the\s+", "", match.group("outlet").strip(), flags=re.I)
                    draft.outlet = f"The {draft.outlet}" if match.group("outlet").lower().startswith("the ") else draft.outlet
                    draft.outlet_basis = "publication-line"
                if draft.published_basis != "metadata":
                    draft.published = normalise_date(match.group("date"))
                    draft.published_basis = "text" if draft.published else None
                removed.extend(Removed(rest, "trailing-headlines") for rest in lines[i + 1:])
                break
            reason = classify_line(line)
            if reason == "byline":
                self._read_byline(draft, line)
            if reason:
                removed.append(Removed(line, reason))
                continue
            kept.append(line)
        # Title: the first line that reads as a headline (unless metadata gave one); a long
        # first paragraph is body text and the article has no headline.
        if kept and draft.title is None and looks_like_headline(kept[0]) and len(kept) > 1:
            draft.title, draft.title_basis = kept[0], "text"
            kept = kept[1:]
        elif kept and draft.title and norm_line(kept[0]).lower() == draft.title.lower():
            kept = kept[1:]
        draft.lines = kept
        self._read_dateline(draft)

    @staticmethod
    def _read_byline(draft: _Draft, line: str) -> None:
        body = re.sub(r"^(?:by|written by|reporting by|words by)\s+", "", line, flags=re.I).rstrip(".")
        name, _, outlet = body.partition(",")
        if not draft.author:
            draft.author = name.strip() or None
        if outlet.strip() and not draft.outlet:
            draft.outlet, draft.outlet_basis = outlet.strip(), "byline"

    @staticmethod
    def _read_dateline(draft: _Draft) -> None:
        if not draft.lines:
            return
        match = _DATELINE.match(draft.lines[0])
        if match and match.group("agency") and not draft.outlet:
            draft.outlet, draft.outlet_basis = match.group("agency").strip(), "dateline"

    def _finish(self, draft: _Draft, repeated: frozenset[str]) -> Article:
        lines = []
        for line in draft.lines:
            if line in repeated:
                draft.removed.append(Removed(line, "repeated-line"))
            else:
                lines.append(line)
        text = "\n\n".join(lines)
        if not text.strip():
            raise CleanError("nothing left after cleaning: the input holds no article text")
        language, score = draft.language, None
        if language is None:
            language, prob = self._langid.classify(text[:5000])
            score = round(float(prob), 3)
            if prob < self.config.language_min_prob:
                language = None
        dateline = None
        match = _DATELINE.match(lines[0])
        if match:
            dateline = match.group(0).rstrip(" —–-")
        doc = draft.doc
        return Article(
            id=Article.make_id(text, doc.url, draft.title, draft.outlet), source=doc.source, raw_id=doc.id,
            text=text, title=draft.title, url=doc.url, outlet=draft.outlet,
            outlet_basis=draft.outlet_basis, author=draft.author, published=draft.published,
            published_basis=draft.published_basis, language=language, language_score=score,  # type: ignore[arg-type]
            dateline=dateline, removed=tuple(draft.removed))
