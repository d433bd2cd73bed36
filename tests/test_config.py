"""Layered configuration: defaults < file < environment < flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosswire.config import Config
from crosswire.errors import ConfigError


def test_layers_in_order(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('db = "file.db"\n[ingest]\nmax_bytes = 100\nfeed_min_chars = 7\n')
    env = {"CROSSWIRE_INGEST__MAX_BYTES": "200", "CROSSWIRE_FETCH__ALLOW_PRIVATE": "true"}
    config = Config.load(path, env=env, ingest__feed_min_chars=9, quiet=None)
    assert config.db == Path("file.db")
    assert config.ingest.max_bytes == 200  # env beats file
    assert config.ingest.feed_min_chars == 9  # flag beats file
    assert config.fetch.allow_private is True
    assert config.quiet is False  # None flags do not override


@pytest.mark.parametrize("env, message", [
    ({"CROSSWIRE_NOPE__X": "1"}, "unknown config section"),
    ({"CROSSWIRE_INGEST__NOPE": "1"}, "unknown setting"),
    ({"CROSSWIRE_INGEST__MAX_BYTES": "lots"}, "not a valid"),
    ({"CROSSWIRE_FETCH__ALLOW_PRIVATE": "maybe"}, "not a valid"),
])
def test_bad_settings_say_what_is_wrong(env, message):
    with pytest.raises(ConfigError, match=message):
        Config.load(env=env)


def test_unreadable_file(tmp_path):
    (tmp_path / "bad.toml").write_text("[ingest\n")
    with pytest.raises(ConfigError, match="cannot read config file"):
        Config.load(tmp_path / "bad.toml", env={})
