"""Parse rendered HTML into its real elements, to check what a browser would build from it
(text that merely looks like a tag, once escaped, is no element)."""

from __future__ import annotations

from html.parser import HTMLParser

FETCHING = {"img", "iframe", "object", "embed", "audio", "video", "source", "link", "frame",
            "base", "track", "portal"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser.elements


def unsafe(html: str, allow_scripts: set[str] = frozenset()) -> list[str]:
    """Everything in ``html`` that could run code or fetch from elsewhere: script elements
    (other than JSON data or the ``allow_scripts`` sources), event-handler attributes,
    javascript:/data: links, inline styles and fetching elements (a ``<link>`` to this
    site's own path excepted)."""
    found = []
    for tag, attrs in elements(html):
        if tag == "script" and attrs.get("type") != "application/json" \
                and attrs.get("src") not in allow_scripts:
            found.append(f"<script {attrs}>")
        href = attrs.get("href") or ""
        same_site = href.startswith("/") and not href.startswith("//")
        if tag in FETCHING and not (tag == "link" and same_site):
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"{tag}[{name}]")
            if name == "style" and tag != "svg":
                found.append(f"{tag}[style]")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value and \
                    value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                found.append(f"{tag}[{name}={value}]")
    return found
