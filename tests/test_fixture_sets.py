"""The fixture sets' own checkers pass: every ground-truth text is where it says, every
reference resolves, and the provenance set's builder reproduces its committed files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("script", ["corpus/check_ground_truth.py", "provenance/check.py"])
def test_checker_passes(script):
    path = FIXTURES / script
    result = subprocess.run([sys.executable, str(path)], cwd=path.parent, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
