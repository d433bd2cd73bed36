"""Polite and safe fetching: redirects, caps, schemes, per-host interval, SSRF guard."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest

from crosswire.errors import FetchError
from crosswire.ingest import fetch as fetch_module
from crosswire.ingest.fetch import Fetcher


def test_redirect_limit(site, config):
    for i in range(10):
        site.add(f"/r{i}", "", status=302, Location=f"/r{i + 1}")
    site.add("/r10", "<html><body><p>end</p></body></html>")
    with Fetcher(replace(config.fetch, max_redirects=3)) as fetcher:
        with pytest.raises(FetchError, match="more than 3 redirects"):
            fetcher.get(site.base + "/r0")
    with Fetcher(config.fetch) as fetcher:
        assert fetcher.get(site.base + "/r5").url.endswith("/r10")


def test_every_redirect_hop_is_checked_against_private_addresses(site, config, monkeypatch):
    # Treat the test server as public, and link-local (cloud metadata) as private.
    monkeypatch.setattr(fetch_module, "_is_public",
                        lambda host: not ipaddress.ip_address(host).is_link_local)
    site.add("/go", "", status=302, Location="http://169.254.169.254/latest/meta-data/")
    strict = replace(config.fetch, allow_private=False)
    with Fetcher(strict) as fetcher, pytest.raises(FetchError, match="private, loopback or link-local"):
        fetcher.get(site.base + "/go")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x", "javascript:alert(1)"])
def test_only_http_schemes(config, url):
    with Fetcher(config.fetch) as fetcher, pytest.raises(FetchError, match="only http and https"):
        fetcher.get(url)


def test_response_size_cap(site, config):
    site.add("/big", "x" * 50_000)
    with Fetcher(config.fetch, max_bytes=10_000) as fetcher, pytest.raises(FetchError, match="cap"):
        fetcher.get(site.base + "/big")


def test_per_host_interval(site, config, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(fetch_module.time, "sleep", lambda s: slept.append(s))
    site.add("/a", "<p>a</p>")
    polite = replace(config.fetch, per_host_interval_s=5.0)
    with Fetcher(polite) as fetcher:
        for _ in range(3):
            fetcher.get(site.base + "/a")
    # robots.txt + 3 pages = 4 requests to one host: every one after the first waited.
    assert len([s for s in slept if s > 4.0]) >= 3


def test_user_agent_and_conditional_get(site, config):
    site.add("/feed", "<rss/>", content_type="application/rss+xml", ETag='"abc"')
    with Fetcher(config.fetch) as fetcher:
        first = fetcher.get(site.base + "/feed")
        second = fetcher.get(site.base + "/feed", etag=first.etag)
    assert second.not_modified and second.body == b""
    agents = {h.get("User-Agent") for _, h in site.requests}
    assert agents == {config.fetch.user_agent}
