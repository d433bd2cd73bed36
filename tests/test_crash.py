"""Crash safety: SIGKILL in the middle of a large ingest and analyse loses nothing.

After the kill the store passes PRAGMA integrity_check, holds no half-written article, and a
restart resumes: every input ends up stored exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from crosswire.store import Store, connect

TOWNS = ["Arvel", "Bresk", "Cadmor", "Dunhallow", "Esk", "Farrow", "Glenmoor", "Harth"]
SUBJECTS = ["the ferry operators", "the grain traders", "the hospital staff", "the bus drivers",
            "the city council", "the fishermen's guild"]


def _corpus(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        town, subject = TOWNS[i % len(TOWNS)], SUBJECTS[(i // len(TOWNS)) % len(SUBJECTS)]
        body = (f"{town.upper()} — Talks between {subject} and regional officials in {town} "
                f"resumed on day {i} of the dispute, a spokesman said.\n\n"
                f"Around {100 + i} people gathered outside the town hall, according to organisers, "
                f"who called the offer number {i} \"far too little, far too late\".\n\n"
                f"A further meeting is planned for next week, the council said.")
        (folder / f"story-{i:04d}.txt").write_text(f"{town} talks resume, round {i}\n\n{body}\n")


def _articles(db: Path) -> int:
    conn = connect(db, readonly=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except Exception:  # noqa: BLE001 - table may not exist yet while the writer starts
        return 0
    finally:
        conn.close()


def test_sigkill_mid_run_then_resume(tmp_path):
    inputs, db = tmp_path / "in", tmp_path / "store.db"
    _corpus(inputs, 400)
    cmd = [sys.executable, "-m", "crosswire.cli", "analyze", str(inputs), "--db", str(db),
           "--out", str(tmp_path / "report.json"), "-q"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists() and _articles(db) >= 60:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed: make the corpus larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    with Store(db) as store:
        assert store.query("PRAGMA integrity_check")[0][0] == "ok"
        killed_at = store.count("articles")
        assert 0 < killed_at < 400
        # No half-written article: each has its raw input and its source row.
        orphans = store.query("SELECT COUNT(*) FROM articles a LEFT JOIN raw_documents r"
                              " ON r.id = a.raw_id WHERE r.id IS NULL")[0][0]
        assert orphans == 0
        assert not Path(tmp_path / "report.json").exists()  # never a half-written briefing

    done = subprocess.run(cmd, env=env, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    with Store(db) as store:
        assert store.query("PRAGMA integrity_check")[0][0] == "ok"
        assert store.count("articles") == 400
        assert store.count("raw_documents") == 400
        sources = store.query("SELECT source, COUNT(*) AS n FROM sources GROUP BY source")
        assert len(sources) == 400 and all(r["n"] == 1 for r in sources)
    assert (tmp_path / "report.json").exists()
