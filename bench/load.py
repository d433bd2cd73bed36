"""Bounded load test of the web application on loopback: throughput, latency per route, errors.

    .venv/bin/crosswire analyze tests/fixtures/corpus --db /tmp/load.db --out /tmp/load.json
    .venv/bin/python bench/load.py --db /tmp/load.db

Starts ``crosswire serve`` over the store on a free port of 127.0.0.1 (a separate process, so
the server does not share this interpreter with the load generator), reads the routes to hit
from the API (every story's page and JSON, its articles' pages, the story list, a search
for a word of each story's title, the entity list and entity pages, a static file), then
sends them from ``--concurrency`` threads, each with its own keep-alive connection (each
route in turn, so every route gets the same share; each route's paths in turn), until
``--requests`` have been sent or ``--seconds`` have passed, whichever comes first, and stops
the server. ``--url`` targets a server already running on this machine
instead (loopback addresses only). Reports requests/s, p50/p99 latency per route, the load
average before and after, and the errors: any status other than 200, any transport error,
any body saying "database is locked". Exits 1 when there was an error.

The test suite reuses :func:`run` to hammer a server while an ingest writes
(tests/web/test_reliability.py).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LOCKED = b"database is locked"


@dataclass(frozen=True, slots=True)
class Result:
    route: str  # the kind of page ("story page"), not the path: latencies are per route
    path: str
    status: int  # 0 when no response arrived
    seconds: float
    error: str | None  # transport error, or "database is locked" in the body

    @property
    def failed(self) -> bool:
        return self.status != 200 or self.error is not None


def check_loopback(base: str) -> str:
    host = urlsplit(base).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to load-test {base}: only 127.0.0.1 / localhost targets")
    return base.rstrip("/")


def run(base: str, targets: list[tuple[str, str]], *, concurrency: int = 12,
        max_requests: int = 3000, max_seconds: float = 30.0, timeout: float = 60.0) -> list[Result]:
    """GET ``targets`` ((route, path) pairs), routes in turn, from ``concurrency`` threads until
    ``max_requests`` were sent or ``max_seconds`` passed; every request's result."""
    base = check_loopback(base)
    order = interleave(targets)
    counter = itertools.count()
    deadline = time.monotonic() + max_seconds
    lock = threading.Lock()
    results: list[Result] = []

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=timeout, follow_redirects=False) as client:
            while time.monotonic() < deadline:
                with lock:
                    if next(counter) >= max_requests:
                        return
                    route, path = next(order)
                started = time.perf_counter()
                try:
                    response = client.get(path)
                except httpx.HTTPError as exc:
                    result = Result(route, path, 0, time.perf_counter() - started,
                                    f"{type(exc).__name__}: {exc}")
                else:
                    locked = LOCKED in response.content
                    result = Result(route, path, response.status_code,
                                    time.perf_counter() - started,
                                    "database is locked" if locked else None)
                with lock:
                    results.append(result)

    threads = [threading.Thread(target=worker, name=f"load-{i}") for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def interleave(targets: list[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Endless (route, path) pairs taking each route in turn, and each route's paths in turn,
    so every route gets the same share of requests however many paths it has."""
    by_route: dict[str, list[tuple[str, str]]] = {}
    for target in targets:
        by_route.setdefault(target[0], []).append(target)
    cycles = [itertools.cycle(paths) for paths in by_route.values()]
    for cycle in itertools.cycle(cycles):
        yield next(cycle)


def discover(base: str, max_stories: int = 100) -> list[tuple[str, str]]:
    """The (route, path) pairs to hit, read from the server's own API."""
    base = check_loopback(base)
    targets = [("story list", "/stories"), ("api story list", "/api/stories"),
               ("entity list", "/entities"), ("static file", "/static/site.css")]
    with httpx.Client(base_url=base, timeout=60) as client:
        stories: list[dict[str, object]] = []
        page, pages = 1, 1
        while page <= pages and len(stories) < max_stories:
            listing = client.get("/api/stories", params={"page": page}).raise_for_status().json()
            stories += listing["stories"]
            page, pages = page + 1, listing["pages"]
        for story in stories[:max_stories]:
            sid = story["id"]
            response = client.get(f"/api/stories/{sid}")
            if response.status_code == 404:
                continue  # replaced since it was listed (an ingest is running)
            document = response.raise_for_status().json()
            targets += [("story page", f"/stories/{sid}"), ("api story", f"/api/stories/{sid}")]
            targets += [("article page", f"/articles/{a['id']}") for a in document["articles"]]
            words = re.findall(r"[^\W\d_]{5,}", str(story.get("title") or ""))
            if words:
                targets.append(("search", f"/stories?q={quote(words[0])}"))
        entities = client.get("/api/entities").raise_for_status().json()["entities"]
        # Entity pages gather statements across stories: the busiest ones are the slowest.
        targets += [("entity page", e["url"]) for e in entities[:20]]
    return targets


def summarize(results: list[Result], seconds: float) -> dict[str, object]:
    routes: dict[str, list[Result]] = {}
    for r in results:
        routes.setdefault(r.route, []).append(r)

    def ms(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    errors = [r for r in results if r.failed]
    return {
        "requests": len(results), "seconds": round(seconds, 1),
        "requests_per_s": round(len(results) / seconds, 1) if seconds else 0.0,
        "p50_ms": ms([r.seconds for r in results], 0.50) if results else None,
        "p99_ms": ms([r.seconds for r in results], 0.99) if results else None,
        "errors": len(errors),
        "error_examples": [f"{r.status} {r.path} {r.error or ''}".strip() for r in errors[:10]],
        "routes": {route: {"requests": len(rs),
                           "p50_ms": ms([r.seconds for r in rs], 0.50),
                           "p99_ms": ms([r.seconds for r in rs], 0.99),
                           "mean_ms": round(1000 * statistics.fmean(r.seconds for r in rs), 1),
                           "errors": sum(r.failed for r in rs)}
                   for route, rs in sorted(routes.items())},
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(db: Path, startup_s: float = 120.0) -> Iterator[str]:
    """``crosswire serve`` over ``db`` on a free loopback port; its base URL. Stopped on exit."""
    port = free_port()
    command = [sys.executable, "-m", "crosswire.cli", "serve", "--db", str(db),
               "--host", "127.0.0.1", "--port", str(port), "--quiet"]
    env = {k: v for k, v in os.environ.items() if k != "CROSSWIRE_WEB__TOKEN"}  # read-only
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_s
        while True:
            if server.poll() is not None:
                raise SystemExit("crosswire serve stopped: "
                                 + server.stderr.read().decode(errors="replace")[-2000:])  # type: ignore[union-attr]
            try:
                if httpx.get(base + "/api/stories", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"crosswire serve did not answer within {startup_s:.0f} s")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", type=Path, help="store to serve (a built one: crosswire analyze)")
    where.add_argument("--url", help="a server already running on 127.0.0.1")
    parser.add_argument("--requests", type=int, default=3000, help="stop after this many requests")
    parser.add_argument("--seconds", type=float, default=30.0, help="stop after this long")
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not 1 <= args.concurrency <= 64 or args.requests < 1 or not 0 < args.seconds <= 600:
        parser.error("keep it bounded: concurrency 1-64, requests >= 1, seconds in (0, 600]")
    if args.db is not None and not args.db.exists():
        parser.error(f"no store at {args.db}: build one with crosswire analyze first")

    with serve(args.db) if args.db is not None else _running(args.url) as base:
        targets = discover(base)
        load_before = os.getloadavg()
        started = time.perf_counter()
        results = run(base, targets, concurrency=args.concurrency,
                      max_requests=args.requests, max_seconds=args.seconds)
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()
    figures = {"concurrency": args.concurrency, "distinct_paths": len({p for _, p in targets}),
               "cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load_before],
               "loadavg_after": [round(x, 2) for x in load_after],
               **summarize(results, elapsed)}
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        print()
    else:
        print(f"{figures['requests']} requests in {figures['seconds']} s = "
              f"{figures['requests_per_s']} requests/s with {args.concurrency} connections over "
              f"{figures['distinct_paths']} paths; errors: {figures['errors']}")
        print(f"all routes: p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms")
        print(f"load average (1, 5, 15 min) on {figures['cpus']} CPUs: before "
              f"{figures['loadavg_before']}, after {figures['loadavg_after']}")
        print(f"{'route':<16} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
        for route, r in figures["routes"].items():  # type: ignore[union-attr]
            print(f"{route:<16} {r['requests']:>8} {r['p50_ms']:>8} {r['p99_ms']:>8} {r['errors']:>6}")
        for example in figures["error_examples"]:  # type: ignore[union-attr]
            print("error:", example)
    sys.exit(1 if figures["errors"] else 0)


@contextmanager
def _running(url: str) -> Iterator[str]:
    yield check_loopback(url)


if __name__ == "__main__":
    main()
