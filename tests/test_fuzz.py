"""Runs the atheris fuzz target over every reader (fuzz/fuzz_ingest.py) for a bounded time
(45 s, CROSSWIRE_FUZZ_SECONDS) from its corpus, and replays every crash input ever found
(fuzz/crashes/) as a regression test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"
SECONDS = int(os.environ.get("CROSSWIRE_FUZZ_SECONDS", "45"))


def _run(*args: str, timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(FUZZ / "fuzz_ingest.py"), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=FUZZ)


@pytest.mark.parametrize("crash", sorted(p.name for p in (FUZZ / "crashes").iterdir()))
def test_known_crash_inputs_are_handled(crash):
    result = _run(str(FUZZ / "crashes" / crash), timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.slow
def test_fuzz_for_a_bounded_time(tmp_path):
    # New corpus entries go to a temporary folder so the run never dirties the repo.
    result = _run(str(tmp_path), str(FUZZ / "corpus"), f"-max_total_time={SECONDS}",
                  "-rss_limit_mb=4096", f"-artifact_prefix={tmp_path}/", timeout=SECONDS + 180)
    assert result.returncode == 0, result.stderr[-3000:]
