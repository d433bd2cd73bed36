"""Coverage-guided fuzz target (atheris) for every reader and the cleaner.

    .venv/bin/python fuzz/fuzz_ingest.py fuzz/corpus -max_total_time=45

The first byte picks the path (its low three bits) and the caps (its high bit: small caps,
so the cap paths, a record or a header line over its cap, a decompression bomb, are reached
with small inputs); the rest is the input. Paths: the cleaner on a page, each container
reader on a stream (feed, WARC, JSON Lines, JSON), ``decode``, and ``read_file`` on a file
whose suffix the input's first byte picks (format detection, the gzip reader, size caps).
Any exception other than a crosswire error handled inside the readers is a finding: readers
must turn bad input into Skipped.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["crosswire"]):
    from crosswire.clean import Cleaner
    from crosswire.config import Config
    from crosswire.errors import IngestError
    from crosswire.ingest.detect import decode
    from crosswire.ingest.readers import read_feed, read_file, read_json, read_jsonl, read_warc
    from crosswire.records import Article, RawDocument, Skipped

CONFIG = Config()
SMALL = CONFIG.replace("ingest", max_bytes=4096, max_header_bytes=256,
                       max_decompressed_bytes=65_536, flush_before_bytes=1024)
CLEANER = Cleaner(CONFIG.clean)
SUFFIXES = (".txt", ".html", ".json", ".jsonl", ".rss", ".xml", ".warc", ".warc.gz",
            ".jsonl.gz", ".gz", "")
FOLDER = Path(tempfile.mkdtemp(prefix="crosswire-fuzz-"))


def _clean(items: list) -> None:
    for item in items:
        assert isinstance(item, (RawDocument, Skipped))
    for item in CLEANER.clean_batch([d for d in items if isinstance(d, RawDocument)]):
        assert isinstance(item, (Article, Skipped))


def test_one_input(data: bytes) -> None:
    if not data:
        return
    selector, payload = data[0] % 8, data[1:]
    config = SMALL if data[0] & 0x80 else CONFIG
    if selector == 0:
        _clean([RawDocument(source="fuzz.html", format="html", raw=payload)])
    elif selector == 1:
        _clean(list(read_feed(payload, "fuzz.rss", config, None)))
    elif selector == 2:
        _clean(list(read_warc(io.BytesIO(payload), config, source="fuzz.warc")))
    elif selector == 3:
        _clean(list(read_jsonl(io.BytesIO(payload), "fuzz.jsonl", config)))
    elif selector == 4:
        _clean(list(read_json(payload, "fuzz.json", config)))
    elif selector == 5:
        try:
            assert isinstance(decode(payload, min_evidence=config.ingest.charset_min_evidence_bytes), str)
        except IngestError:
            pass
    elif payload:
        path = FOLDER / f"input{SUFFIXES[payload[0] % len(SUFFIXES)]}"
        path.write_bytes(payload[1:])
        _clean(list(read_file(path, config, checkpoint=lambda: None)))


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
