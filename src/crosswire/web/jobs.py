"""Background ingest for the web application: uploaded files and feed URLs, one job at a time.

Takes inputs the ingest page accepted (paths of saved uploads, feed URLs); gives job records
the pages and the API report. A single worker thread runs every job through the local engine
(``crosswire.engine.local.analyze``) on the application's one store, so the store keeps its
single writer and requests never wait for an ingest.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from ..config import Config
from ..engine import local
from ..errors import CrosswireError
from ..ingest import Fetcher
from ..store import Store

log = logging.getLogger("crosswire.web")

# Finished jobs kept for the ingest page; older ones are forgotten (their results are stored).
KEEP_JOBS = 100


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class Job:
    id: str
    kind: Literal["upload", "feed"]
    label: str  # file names or the feed URL, for people
    inputs: list[str]
    hide: str = ""  # prefix of sources not to show (the server's upload folder)
    status: Literal["queued", "running", "done", "failed"] = "queued"
    submitted_at: str = field(default_factory=_now)
    finished_at: str | None = None
    articles: int = 0
    new_articles: int = 0
    story_ids: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["inputs"], data["hide"]  # server paths are nobody's business
        return data


class JobRunner:
    def __init__(self, config: Config, store: Store):
        self.config, self.store = config, store
        self._jobs: dict[str, Job] = {}
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, kind: Literal["upload", "feed"], label: str, inputs: list[str],
               hide: str = "") -> Job:
        job = Job(uuid.uuid4().hex[:12], kind, label, inputs, hide)
        with self._lock:
            self._jobs[job.id] = job
            finished = [j.id for j in self._jobs.values() if j.status in ("done", "failed")]
            for old in finished[: max(0, len(self._jobs) - KEEP_JOBS)]:
                del self._jobs[old]
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="crosswire-ingest",
                                                daemon=True)
                self._thread.start()
        self._queue.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.submitted_at, reverse=True)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every submitted job has finished (for tests and shutdown)."""
        done = threading.Event()
        threading.Thread(target=lambda: (self._queue.join(), done.set()), daemon=True).start()
        return done.wait(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                self._run(job)
            finally:
                self._queue.task_done()

    def _run(self, job: Job) -> None:
        job.status = "running"
        try:
            with Fetcher(self.config.fetch, self.config.ingest.max_bytes) as fetcher:
                result = local.analyze(job.inputs, self.config, self.store, fetcher=fetcher)
            job.articles = len(result.article_ids)
            job.new_articles = result.new_articles
            job.story_ids = [s.id for s in result.stories]
            job.skipped = [{"source": s.source.removeprefix(job.hide), "stage": s.stage,
                            "reason": s.reason.replace(job.hide, "") if job.hide else s.reason}
                           for s in result.skipped]
            job.status = "done"
        except CrosswireError as exc:
            job.status, job.error = "failed", str(exc)
        except Exception:  # a bug must fail the job, not kill the worker
            log.exception("ingest job %s failed", job.id)
            job.status, job.error = "failed", "internal error (see the server log)"
        finally:
            job.finished_at = _now()
