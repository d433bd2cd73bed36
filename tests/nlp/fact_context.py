"""Article contexts for the number and event extractor tests.

The extractors read what earlier extractors found (entities, quotes, timexes); these tests
give those inputs explicitly, so a number or event test fails only for its own extractor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Doc

from crosswire.config import NlpConfig
from crosswire.nlp.context import ArticleContext
from crosswire.nlp.model import load_model
from crosswire.records import Article, Entity, Mention, Quote, Timex, content_id


def nlp():
    return load_model(tuple(NlpConfig().models))


def _spans(text: str, words: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(words)}(?!\w)", text)]


def make_ctx(text: str, *, published: str | None = None,
             entities: Iterable[tuple[str, str, Iterable[str]]] = (),
             timexes: Iterable[tuple[str, str, str | None]] = (),
             quotes: Iterable[tuple[str, str]] = ()) -> ArticleContext:
    """``entities``: (name, type, mention texts); ``timexes``: (text, type, value);
    ``quotes``: (quoted text, speaker name). Every occurrence of each text is used."""
    article = Article(id="a_test", source="test", raw_id="r_test", text=text,
                      published=published, language="en")
    ents = []
    ids: dict[str, str] = {}
    for name, kind, forms in entities:
        mentions = tuple(Mention(article.id, span, text[span[0]:span[1]])
                         for form in forms for span in _spans(text, form))
        ids[name] = content_id("e", name, kind)
        ents.append(Entity(id=ids[name], name=name, type=kind, mentions=mentions))
    tx = tuple(Timex(span=span, text=words, type=kind, value=value)  # type: ignore[arg-type]
               for words, kind, value in timexes for span in _spans(text, words))
    qs = tuple(Quote(id=content_id("q", words), article_id=article.id, span=span, text=words,
                     kind="direct", speaker=speaker, speaker_id=ids.get(speaker))
               for words, speaker in quotes for span in _spans(text, words))
    return ArticleContext(article=article, doc=nlp()(text), entities=tuple(ents), timexes=tx,
                          quotes=qs)


def long_paragraph_ctx(paragraph: str, copies: int) -> ArticleContext:
    """One paragraph repeated ``copies`` times as a single parsed doc, built from one parse of
    ten copies (a multi-megabyte paragraph without parsing megabytes)."""
    unit = nlp()(paragraph * 10)
    doc = Doc.from_docs([unit] * max(1, copies // 10), ensure_whitespace=False)
    article = Article(id="a_long", source="test", raw_id="r_long", text=doc.text, language="en")
    return ArticleContext(article=article, doc=doc)
