"""Polite HTTP fetching for feeds and pages.

Takes URLs, gives :class:`Response` records or raises :class:`FetchError` with a reason a
user can act on. Polite by construction: a clear user agent, robots.txt honoured, a minimum
interval between requests to one host, timeouts, conditional GET (ETag / Last-Modified),
a response size cap, a redirect limit, and no requests to private, loopback or link-local
addresses (server-side request forgery) unless the config explicitly allows them.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from ..config import FetchConfig
from ..errors import FetchError


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # final URL after redirects
    status: int
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: str
    not_modified: bool = False


Resolver = Callable[[str], list[str]]


def resolve(host: str) -> list[str]:
    """The addresses of a host name, as the system resolver gives them."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {host!r}: {getattr(exc, 'strerror', exc)}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _is_public(address: str) -> bool:
    addr = ipaddress.ip_address(address)
    return not (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_multicast
                or addr.is_reserved or addr.is_unspecified)


def _ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class Fetcher:
    """One fetcher per run; safe to share between threads."""

    def __init__(self, config: FetchConfig | None = None, max_bytes: int = 20_000_000,
                 transport: httpx.BaseTransport | None = None, resolver: Resolver = resolve):
        self.config = config or FetchConfig()
        self._resolve = resolver
        self.max_bytes = max_bytes  # the ingest size cap, applied to responses too
        self._client = httpx.Client(
            headers={"User-Agent": self.config.user_agent},
            timeout=httpx.Timeout(self.config.timeout_s),
            follow_redirects=False,  # followed by hand so every hop is checked
            # Requests go to an address (see _pinned), so the pool would key connections by
            # it: a TLS connection checked for one host name could carry a request for another
            # name on the same address. No keep-alive; the per-host interval makes it cheap.
            limits=httpx.Limits(max_keepalive_connections=0),
            transport=transport,
        )
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ checks
    def _check_url(self, url: str) -> tuple[str, str]:
        """The URL's origin and the address to connect to, checked. The connection goes to
        this very address (see :meth:`_follow`): resolving the name again when connecting
        would let a DNS answer that changes in between (rebinding) reach a private address."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"refusing {url!r}: only http and https URLs are fetched")
        host = parts.hostname
        if not host:
            raise FetchError(f"refusing {url!r}: no host")
        addresses = [host] if _ip_literal(host) else self._resolve(host)
        if not addresses:
            raise FetchError(f"cannot resolve host {host!r}: no address")
        if not self.config.allow_private and not all(_is_public(a) for a in addresses):
            raise FetchError(
                f"refusing {url}: {host} is a private, loopback or link-local address "
                "(set fetch.allow_private=true to allow it)")
        return f"{parts.scheme}://{parts.netloc}", addresses[0]

    def _wait_turn(self, origin: str) -> None:
        with self._lock:
            last = self._last_request.get(origin, 0.0)
            wait = last + self.config.per_host_interval_s - time.monotonic()
            self._last_request[origin] = max(time.monotonic(), last + self.config.per_host_interval_s)
        if wait > 0:
            time.sleep(wait)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets our user agent fetch it."""
        if not self.config.respect_robots:
            return True
        origin, _ = self._check_url(url)
        if origin not in self._robots:
            parser: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
            try:
                resp = self._get(urljoin(origin, "/robots.txt"), {}, check_robots=False)
                if resp.status >= 400:
                    parser = None  # no robots.txt: everything allowed
                else:
                    parser.parse(resp.body.decode("utf-8", "replace").splitlines())  # type: ignore[union-attr]
            except FetchError:
                parser = None
            self._robots[origin] = parser
        parser = self._robots[origin]
        return parser is None or parser.can_fetch(self.config.user_agent, url)

    # ------------------------------------------------------------------ fetching
    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET with conditional headers; 304 gives ``not_modified=True`` and an empty body."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(url, headers, check_robots=True)

    def _get(self, url: str, headers: dict[str, str], check_robots: bool) -> Response:
        if check_robots and not self.allowed(url):
            raise FetchError(f"robots.txt of {urlsplit(url).netloc} disallows {url}")
        attempt = 0
        while True:
            try:
                return self._follow(url, headers)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                attempt += 1
                if attempt > self.config.retries:
                    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "failed"
                    raise FetchError(f"{url}: request {kind} after {attempt} attempts ({exc})") from exc
                time.sleep(min(4.0, 0.5 * 2 ** attempt))
            except _RetryableStatus as exc:
                attempt += 1
                if attempt > self.config.retries:
                    raise FetchError(f"{url}: server answered HTTP {exc.status}") from None
                time.sleep(min(4.0, 0.5 * 2 ** attempt))

    def _follow(self, url: str, headers: dict[str, str]) -> Response:
        for _ in range(self.config.max_redirects + 1):
            origin, address = self._check_url(url)
            self._wait_turn(origin)
            target, host, extensions = _pinned(url, address)
            with self._client.stream("GET", target, headers={**headers, "Host": host},
                                     extensions=extensions) as resp:
                if resp.status_code in (301, 302, 303, 307, 308) and "location" in resp.headers:
                    url = urljoin(url, resp.headers["location"])
                    continue
                if resp.status_code == 304:
                    return Response(url, 304, b"", resp.headers.get("content-type"),
                                    resp.headers.get("etag"), resp.headers.get("last-modified"),
                                    _stamp(), not_modified=True)
                if resp.status_code in (429, 500, 502, 503, 504):
                    raise _RetryableStatus(resp.status_code)
                if resp.status_code >= 400:
                    raise FetchError(f"{url}: server answered HTTP {resp.status_code}")
                declared = resp.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(f"{url}: response of {declared} bytes is over the "
                                     f"{self.max_bytes}-byte cap")
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise FetchError(f"{url}: response over the {self.max_bytes}-byte cap")
                return Response(url, resp.status_code, bytes(body),
                                resp.headers.get("content-type"), resp.headers.get("etag"),
                                resp.headers.get("last-modified"), _stamp())
        raise FetchError(f"{url}: more than {self.config.max_redirects} redirects")


def _pinned(url: str, address: str) -> tuple[str, str, dict[str, str]]:
    """The URL with its host replaced by the checked address; the Host header; and, for
    https, the name the TLS handshake sends and the certificate is checked against."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{address}]" if ":" in address else address
    if parts.port is not None:
        netloc += f":{parts.port}"
    named = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), named, extensions


class _RetryableStatus(Exception):
    def __init__(self, status: int):
        self.status = status


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
