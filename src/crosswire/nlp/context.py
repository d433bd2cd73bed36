"""What extractors share about one article: the cleaned text, its one spaCy parse, and the
results of the extractors that ran before (entities before quotes, quotes before numbers...).

Every extractor is a function ``extract(ctx) -> tuple[record, ...]``; the pipeline in
``nlp/pipeline.py`` calls them in order and stores each result on the context.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from spacy.tokens import Doc

from ..records import Article, Claim, Entity, Event, Number, Quote, Span, Timex
from .tagger import AttributionTagger


@dataclass(slots=True)
class ArticleContext:
    article: Article
    doc: Doc  # parse of article.text: token.idx and span.start_char are offsets into it
    sentences: tuple[Span, ...] = ()
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    numbers: tuple[Number, ...] = ()
    timexes: tuple[Timex, ...] = ()
    events: tuple[Event, ...] = ()
    claims: tuple[Claim, ...] = ()
    warnings: list[str] = field(default_factory=list)
    # The attribution tagger quotes.py runs; None: the rule-and-linear-model extractor.
    tagger: AttributionTagger | None = None
    # Given name (lower case) -> "f" or "m" (model.load_given_names); empty: gender from
    # titles and the article's own pronouns only.
    given_names: Mapping[str, str] = field(default_factory=dict)
    _text: str | None = None

    @property
    def text(self) -> str:
        """The analysed text: ``article.text``, or its leading part when the article is over
        ``nlp.max_article_chars`` (offsets are the same either way). Read once: ``Doc.text``
        joins every token on each call, and extractors read the text in their loops."""
        if self._text is None:
            self._text = self.doc.text
        return self._text
