"""The CLI: exit codes, briefing output validated against the schema, quiet mode."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from crosswire.cli import app
from crosswire.report import validate

from samples import html_page, text_article

runner = CliRunner()


def _inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(text_article())
    (folder / "b.html").write_text(html_page(title="Shelters open as the Sella rises"))
    return folder


def test_analyze_writes_a_valid_briefing(tmp_path):
    folder = _inputs(tmp_path)
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["analyze", str(folder), "--db", str(tmp_path / "s.db"),
                                 "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    validate(document)
    assert len(document["articles"]) == 2
    assert document["skipped"] == []


def test_skipped_inputs_exit_1_and_are_listed(tmp_path):
    folder = _inputs(tmp_path)
    (folder / "empty.txt").write_text("")
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["analyze", str(folder), "--db", str(tmp_path / "s.db"), "--out", str(out)])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "empty file" in result.output
    skipped = json.loads(out.read_text())["skipped"]
    assert [s["reason"] for s in skipped] == ["empty file"]


def test_usage_error_exits_2(tmp_path):
    assert runner.invoke(app, ["analyze"]).exit_code == 2
    assert runner.invoke(app, ["analyze", "x", "--engine", "warp", "--db", str(tmp_path / "s.db")]).exit_code == 2
    assert runner.invoke(app, ["analyze", "x", "--config", str(tmp_path / "missing.toml")]).exit_code == 2


def test_unwritable_store_exits_3(tmp_path):
    folder = _inputs(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = runner.invoke(app, ["analyze", str(folder), "--db", str(blocker / "s.db"), "-q"])
    assert result.exit_code == 3
    assert "cannot open store" in result.output


def test_rerun_is_a_noop_with_same_ids(tmp_path):
    folder = _inputs(tmp_path)
    outs = []
    for name in ("r1.json", "r2.json"):
        out = tmp_path / name
        assert runner.invoke(app, ["analyze", str(folder), "--db", str(tmp_path / "s.db"),
                                   "--out", str(out), "-q"]).exit_code == 0
        outs.append(json.loads(out.read_text()))
    strip = lambda d: {k: v for k, v in d.items() if k != "generated_at"}  # noqa: E731
    assert strip(outs[0]) == strip(outs[1])


def test_ingest_and_skipped_commands(tmp_path):
    folder = _inputs(tmp_path)
    (folder / "junk.bin").write_bytes(b"\x00\x01\x02" * 50)
    db = str(tmp_path / "s.db")
    assert runner.invoke(app, ["ingest", str(folder), "--db", db, "-q"]).exit_code == 1
    listed = runner.invoke(app, ["skipped", "--db", db])
    assert listed.exit_code == 1 and "junk.bin" in listed.output


def test_prepare_names_the_model_it_made_ready_and_rejects_unknown_ones(monkeypatch):
    monkeypatch.setenv("CROSSWIRE_ANALYSIS__EMBEDDING_MODEL", "hashing")
    result = runner.invoke(app, ["prepare"])
    assert result.exit_code == 0 and "hashing-512" in result.output
    monkeypatch.setenv("CROSSWIRE_ANALYSIS__EMBEDDING_MODEL", "no-such-model")
    result = runner.invoke(app, ["prepare"])
    assert result.exit_code == 3 and "unknown embedding model" in result.output
