"""The project's eval/ and bench/ scripts as modules (folders of scripts, not packages)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_script(folder: str, name: str) -> ModuleType:
    """``ROOT/folder/name.py`` imported as ``crosswire_<folder>_<name>``."""
    spec = importlib.util.spec_from_file_location(f"crosswire_{folder}_{name}",
                                                  ROOT / folder / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module
