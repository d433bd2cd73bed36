"""The NLP stage: Article -> ParsedArticle.

Parses each article once with spaCy (batched through ``nlp.pipe``) and runs the extractors
over the shared parse in a fixed order, each one seeing what the earlier ones found. Non-
English articles are not parsed: they pass through with a warning saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from spacy.tokens import Doc

from ..config import NlpConfig
from ..errors import ConfigError, CrosswireError
from ..ingest.detect import without_surrogates
from ..records import Article, ParsedArticle, Skipped
from . import claims, events, numbers
from . import entities, quotes
from . import timex
from .context import ArticleContext
from .model import installed_model_name, load_given_names, load_model, model_name
from .tagger import load_tagger


def _sentences(ctx: ArticleContext) -> tuple:
    return tuple((s.start_char, s.end_char) for s in ctx.doc.sents if s.text.strip())


# (context attribute, extractor), run in this order. Each extractor reads the attributes
# filled before it.
EXTRACTORS: list[tuple[str, Callable[[ArticleContext], tuple]]] = [
    ("sentences", _sentences),
    ("entities", entities.extract),
    ("quotes", quotes.extract),  # after entities: speakers resolve to them
    ("timexes", timex.extract),
    ("numbers", numbers.extract),
    ("events", events.extract),
    ("claims", claims.extract),  # last: claims read quotes, numbers and entities
]

# Bump when an extractor's output changes, so stored parses are recomputed. The version also
# names the extractors that ran, so a parse made with a reduced list is never reused.
EXTRACTION_VERSION = "11"


def parseable(text: str) -> str:
    """The text spaCy can take: lone surrogates replaced, offsets unchanged. Ingest already
    replaces them in JSON input; this guards articles made by library callers."""
    return without_surrogates(text)


def pipeline_version(config: NlpConfig) -> str:
    """The version an :class:`NlpPipeline` of ``config`` stamps its parses with, without
    loading its models (spaCy and the attribution tagger: hundreds of MB)."""
    return _version(installed_model_name(tuple(config.models)))


def _version(model: str) -> str:
    return f"{model}/{EXTRACTION_VERSION}/{'+'.join(name for name, _ in EXTRACTORS)}"


class NlpPipeline:
    def __init__(self, config: NlpConfig | None = None):
        self.config = config or NlpConfig()
        self.nlp = load_model(tuple(self.config.models))
        if self.config.attribution not in ("tagger", "rules"):
            raise ConfigError(f"nlp.attribution must be \"tagger\" or \"rules\", not "
                              f"{self.config.attribution!r}")
        self.tagger = load_tagger(o_penalty=self.config.tagger_o_penalty) \
            if self.config.attribution == "tagger" else None
        self.given_names = load_given_names(self.config.given_name_min_count,
                                            self.config.given_name_share)
        self.version = _version(model_name(self.nlp))

    def __call__(self, article: Article) -> ParsedArticle:
        return next(iter(self.pipe([article])))  # type: ignore[return-value]

    def parse(self, texts: list[str]) -> Iterator[Doc]:
        """Docs for texts; a text over ``max_chunk_chars`` is parsed in paragraph chunks
        and rejoined, so every offset still indexes the original text."""
        limit = self.config.max_chunk_chars
        texts = [parseable(t) for t in texts]
        small = [t for t in texts if len(t) <= limit]
        parsed = iter(self.nlp.pipe(small, batch_size=self.config.batch_size))
        for text in texts:
            if len(text) <= limit:
                yield next(parsed)
            else:
                chunks = _chunks(text, limit)
                yield Doc.from_docs(list(self.nlp.pipe(chunks)), ensure_whitespace=False)

    def pipe(self, articles: Iterable[Article], batch_size: int | None = None) -> Iterator[ParsedArticle | Skipped]:
        batch_size = batch_size or self.config.batch_size
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= batch_size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def _run(self, batch: list[Article]) -> Iterator[ParsedArticle | Skipped]:
        english = [a for a in batch if a.is_english]
        cap = self.config.max_article_chars
        docs = dict(zip((a.id for a in english), self.parse([a.text[:cap] for a in english])))
        for article in batch:
            if not article.is_english:
                yield ParsedArticle(article=article, warnings=(
                    f"not parsed: language is {article.language or 'unknown'}; the extractors "
                    "are English-only",))
                continue
            ctx = ArticleContext(article=article, doc=docs[article.id], tagger=self.tagger,
                                 given_names=self.given_names)
            if len(article.text) > cap:
                ctx.warnings.append(f"article is {len(article.text)} characters long: only the "
                                    f"first {cap} were analysed (nlp.max_article_chars)")
            try:
                for attribute, extractor in EXTRACTORS:
                    setattr(ctx, attribute, extractor(ctx))
            except CrosswireError as exc:
                yield Skipped(article.source, "nlp", str(exc))
                continue
            yield ParsedArticle(
                article=article, entities=ctx.entities, quotes=ctx.quotes, numbers=ctx.numbers,
                timexes=ctx.timexes, events=ctx.events, claims=ctx.claims,
                sentences=ctx.sentences, warnings=tuple(ctx.warnings))


def _chunks(text: str, limit: int) -> list[str]:
    """Split at paragraph breaks (else anywhere) into pieces of at most ``limit`` chars; the
    pieces concatenate back to ``text`` exactly."""
    out: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + limit)
        if end < len(text):
            cut = text.rfind("\n\n", start, end)
            if cut <= start:
                cut = text.rfind(" ", start, end)
            end = cut + 1 if cut > start else end
        out.append(text[start:end])
        start = end
    return out
