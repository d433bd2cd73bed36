"""Input format detection and text decoding shared by every reader."""

from __future__ import annotations

import re
from pathlib import Path

import charset_normalizer

from ..errors import IngestError

# Extension -> reader format. Anything else is sniffed from its first bytes.
EXTENSIONS = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
    ".warc": "warc", ".warc.gz": "warc", ".arc.gz": "warc",
}

_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]{2,40})""", re.I)
# Bytes that never occur in text: a file holding them is binary, not a legacy encoding.
_BINARY_BYTES = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
                                    28, 29, 30, 31}


def suffix_of(path: str | Path) -> str:
    name = str(path).lower().split("?", 1)[0]
    for ext in sorted(EXTENSIONS, key=len, reverse=True):
        if name.endswith(ext):
            return ext
    return Path(name).suffix


def sniff(head: bytes) -> str | None:
    """Guess a format from the first bytes of an input (after any gzip layer)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048]
    lowered = text.lower()
    if text.startswith(b"WARC/"):
        return "warc"
    if text.startswith(b"{") or text.startswith(b"["):
        return "jsonl" if b"\n{" in text else "json"
    if lowered.startswith(b"<?xml") or lowered.startswith(b"<rss") or lowered.startswith(b"<feed"):
        if b"<rss" in lowered or b"<feed" in lowered or b"<rdf:rdf" in lowered:
            return "feed"
        return "html" if b"<html" in lowered else None
    if lowered.startswith(b"<!doctype html") or lowered.startswith(b"<html") or b"<body" in lowered:
        return "html"
    return None


def detect_format(path: str | Path, head: bytes) -> str | None:
    """The reader for a file: by extension when it is known, else by content."""
    ext = suffix_of(path)
    if head[:2] == b"\x1f\x8b":
        if ext in (".warc.gz", ".arc.gz"):
            return "warc"
        return "gzip"
    by_ext = EXTENSIONS.get(ext)
    if by_ext == "feed" and ext == ".xml":
        return sniff(head) or "feed"
    if by_ext:
        return by_ext
    return sniff(head) or ("text" if looks_textual(head) else None)


def looks_textual(data: bytes) -> bool:
    if not data:
        return False
    sample = data[:8192]
    if b"\x00" in sample and not (sample.startswith(b"\xff\xfe") or sample.startswith(b"\xfe\xff")):
        return False
    bad = sum(1 for b in sample if b in _BINARY_BYTES)
    return bad / len(sample) < 0.01


def decode(data: bytes, declared: str | None = None, source: str = "input",
           min_evidence: int = 0) -> str:
    """Decode bytes to text: BOM, then UTF-8, then a declared charset, then detection.

    A detected charset of a non-Latin script is trusted only from ``min_evidence`` non-ASCII
    bytes on (``ingest.charset_min_evidence_bytes``; the readers pass it, the cleaner decodes
    what they accepted). Raises IngestError for binary data, bytes no encoding explains, and
    guesses below that floor."""
    if not data.strip():
        raise IngestError("empty input")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if not looks_textual(data):
        raise IngestError("binary data, not text (no article could be read)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [declared] if declared else []
    match = _DECLARED.search(data[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "ignore"))
    for name in candidates:
        if name and name.lower().replace("-", "") not in {"utf8"}:
            try:
                return data.decode(name)
            except (LookupError, UnicodeDecodeError):
                continue
    sample = data[:200_000]
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        raise IngestError(f"{source}: not UTF-8 and no charset could be detected")
    text = data.decode(best.encoding, errors="replace")
    if not _latin_script(text):
        # Cyrillic, Greek, CJK, Hangul...: the guess is the text's only reading, so it must be
        # sure; reading it as cp1252 below would store mojibake (issue 19: koi8-r, gb18030
        # and euc-kr all were).
        evidence = len(sample) - len(sample.translate(None, _HIGH_BYTES))
        if evidence < min_evidence:
            raise IngestError(
                f"{source}: not UTF-8, and {evidence} non-ASCII bytes are too few to tell its "
                f"charset with confidence (best guess {best.encoding}; "
                f"ingest.charset_min_evidence_bytes is {min_evidence}): convert it to UTF-8 or "
                "declare its charset")
        return text
    # Short Western-European text often scores the same in cp1250 (or another single-byte
    # code page) as in cp1252, the far more common legacy encoding of news pages. Prefer
    # cp1252 when it decodes cleanly into no more rare letters than the detected guess.
    if best.encoding != "cp1252":
        try:
            western = data.decode("cp1252")
        except UnicodeDecodeError:
            return text
        if _rare_letters(western) <= _rare_letters(text):
            return western
    return text


_HIGH_BYTES = bytes(range(128, 256))


_TAG = re.compile(r"<[^>]*>")


def _latin_script(text: str) -> bool:
    """Whether the text's letters (markup aside) are mostly Latin: ASCII, Latin-1, Latin
    Extended. Mostly-ASCII text with a few stray bytes is Latin whatever the guess."""
    latin = other = 0
    for ch in _TAG.sub(" ", text):
        if ch.isalpha():
            if ord(ch) <= 0x24F or 0x1E00 <= ord(ch) <= 0x1EFF:
                latin += 1
            else:
                other += 1
    return latin >= other


def _rare_letters(text: str) -> int:
    """Letters outside ASCII and Latin-1: few in Western text decoded right."""
    return sum(1 for ch in text if ord(ch) > 0xFF and ch.isalpha())


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """The text with each lone surrogate as U+FFFD, same length (offsets hold). JSON can
    escape one ("\\ud800"); it is not text, and neither SQLite nor spaCy can encode it."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text
