"""Coverage-guided fuzz target (atheris) for the HTML, feed and WARC paths.

    .venv/bin/python fuzz/fuzz_ingest.py fuzz/corpus -max_total_time=60

The first byte picks the path; the rest is the input. Any exception other than a crosswire
error handled inside the readers is a finding: readers must turn bad input into Skipped.
"""

from __future__ import annotations

import io
import sys

import atheris

with atheris.instrument_imports(include=["crosswire"]):
    from crosswire.clean import Cleaner
    from crosswire.config import Config
    from crosswire.ingest.readers import read_feed, read_jsonl, read_warc
    from crosswire.records import Article, RawDocument, Skipped

CONFIG = Config()
CLEANER = Cleaner(CONFIG.clean)


def _clean(docs: list) -> None:
    for item in CLEANER.clean_batch([d for d in docs if isinstance(d, RawDocument)]):
        assert isinstance(item, (Article, Skipped))


def test_one_input(data: bytes) -> None:
    if not data:
        return
    selector, payload = data[0] % 4, data[1:]
    if selector == 0:
        _clean([RawDocument(source="fuzz.html", format="html", raw=payload)])
    elif selector == 1:
        _clean(list(read_feed(payload, "fuzz.rss", CONFIG, None)))
    elif selector == 2:
        _clean(list(read_warc(io.BytesIO(payload), CONFIG, source="fuzz.warc")))
    else:
        _clean(list(read_jsonl(io.BytesIO(payload), "fuzz.jsonl", CONFIG)))


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
