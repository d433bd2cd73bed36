"""The web application: FastAPI with server-rendered Jinja2 pages over the store.

Every page has a JSON twin: ``/stories`` and ``/api/stories`` (or ``/stories?format=json``)
give the same data; ``/openapi.json`` describes the API. Pages read without JavaScript; the
one small script (static/app.js) adds claim selection without reloads, keyboard shortcuts
and job progress. Nothing is fetched from elsewhere. Security: security.py.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import FastAPI, File, Form, Header, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from jinja2 import PackageLoader
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__, brief, report
from ..clean import outlet_names
from ..config import Config
from ..errors import BriefError, SchemaError
from ..ingest.detect import EXTENSIONS, detect_format, looks_textual, suffix_of
from ..render import html as render_html_module
from ..render import render_html, render_markdown
from ..store import Store
from . import queries
from .jobs import JobRunner, log
from .security import BRIEFING_CSP, BodyLimit, SecurityHeaders, require_token

STATIC = Path(str(resources.files("crosswire.web").joinpath("static")))
UPLOAD_PATHS = ("/ingest/upload", "/api/ingest/upload")
# Multipart framing (boundaries, part headers) on top of the files themselves.
MULTIPART_SLACK = 64 * 1024
ACCEPTED = sorted({*EXTENSIONS, ".gz"})
DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


# Parameters (module level: FastAPI resolves the annotations by name).
Q = Annotated[str | None, Query(max_length=300, description="Full-text search over article titles and text.")]
From = Annotated[str | None, Query(max_length=10, description="Stories published on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).")]
To = Annotated[str | None, Query(max_length=10, description="Stories published on or before this date.")]
Outlet = Annotated[str | None, Query(max_length=200, description="Only stories carried by this outlet.")]
Ent = Annotated[str | None, Query(max_length=200, description="Only stories naming this person or organisation (name or alias).")]
Sort = Annotated[str | None, Query(max_length=10, description="relevance (with q), attention (disputed first: the default without q), size or recent.")]
Show = Annotated[str | None, Query(max_length=10, description="all, disputed (stories with a disputed point) or single (resting on one independent source).")]
PageNo = Annotated[int, Query(ge=1, le=100_000)]
EntityQ = Annotated[str | None, Query(max_length=200, description="Names containing this.")]
Kind = Annotated[Literal["speakers", "all"], Query(description="speakers (people and organisations) or all.")]
Files = Annotated[list[UploadFile], File(description="Articles: txt, html, json, jsonl, rss/atom, warc (.gz).")]
TokenField = Annotated[str | None, Form(description="The write token, when not sent as a Bearer header.")]
Auth = Annotated[str | None, Header(description="Bearer <token>")]


# Story versions whose briefing document and view the web application keeps in memory.
STORY_CACHE = 128


@dataclass(slots=True)
class _Built:
    """One version of a story as the pages need it: its briefing document, and the reader's
    view of it once a page has asked for one."""

    document: dict[str, Any]
    view: brief.Briefing | None = None
    # The briefing part of the story page and its sources' panels, the same for every
    # request of this version (a 24-article story's page took 75 ms rendering them each time).
    briefing_html: Markup | None = None
    panels: list[Any] | None = None


def _import_anyio_now() -> None:
    # anyio (under Starlette) imports its API on first use, parsing its own source with ast to
    # do so; on CPython 3.11 two threads parsing at once can fail ("AST constructor recursion
    # depth mismatch"), which is what a server's first concurrent requests did in CI. Resolving
    # every name here, in one thread, leaves nothing to import later.
    import anyio
    import anyio.abc

    for module in (anyio, anyio.abc):
        for name in dir(module):
            getattr(module, name, None)


def create_app(config: Config, store: Store | None = None) -> FastAPI:
    """The application over ``config.db`` (or the given store, which the caller closes)."""
    _import_anyio_now()
    own_store = store is None
    store = store or Store(config.db)
    jobs = JobRunner(config, store)

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        yield
        jobs.stop()
        if own_store:
            store.close()

    app = FastAPI(title="crosswire", version=__version__, lifespan=lifespan,
                  description="Cross-checked news stories: briefings, sources, entities and "
                              "ingest. Every HTML page has a JSON twin under /api.",
                  # The interactive docs load scripts from a CDN: not here (offline, strict CSP).
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.config, app.state.store, app.state.jobs = config, store, jobs
    app.add_middleware(BodyLimit, limit=config.web.max_upload_bytes + MULTIPART_SLACK,
                       paths=UPLOAD_PATHS)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    env = render_html_module.environment(PackageLoader("crosswire.web", "templates"))
    env.globals.update(version=__version__, with_query=_with_query, relation=brief.relation)

    def render_page(request: Request, template: str, data: dict[str, Any], status: int = 200,
                    **extra: Any) -> Response:
        if request.query_params.get("format") == "json":
            return JSONResponse(data, status_code=status)
        body = env.get_template(template).render(request=request, data=data, **extra)
        return HTMLResponse(body, status_code=status)

    def web_links(story_id: str) -> render_html_module.Links:
        return render_html_module.Links(
            article=lambda aid, span: f"/articles/{aid}" + (f"?span={span[0]}-{span[1]}#hl" if span else ""),
            entity=lambda name: f"/entities/{quote(queries.entity_key(name))}"
            if queries.entity_key(name) else None,
            claim=lambda cid: f"/stories/{story_id}?claim={cid}#sources")

    entity_cache: dict[tuple[Any, ...], list[dict[str, Any]]] = {}

    def all_entities() -> list[dict[str, Any]]:
        # Gathering entities reads every story's and parse's JSON: once per store state.
        state = tuple(store.query("SELECT COUNT(*), MAX(updated_at) FROM stories")[0])
        if state not in entity_cache:
            entity_cache.clear()
            entity_cache[state] = queries.entities(store)
        return entity_cache[state]

    # Building a story's document and briefing view costs tens of milliseconds and an entity
    # page needs one per story the entity is in: both are kept per version of the story
    # (its updated_at), so a rebuilt story is never served stale. Callers treat them as
    # read-only.
    built: OrderedDict[tuple[str, str], _Built] = OrderedDict()
    built_lock = threading.Lock()

    def built_story(story_id: str) -> _Built:
        stamp = store.query("SELECT updated_at FROM stories WHERE id=?", (story_id,))
        version = (story_id, str(stamp[0]["updated_at"]) if stamp else "")
        with built_lock:
            if version in built:
                built.move_to_end(version)
                return built[version]
        try:
            document = brief.story_document(store, story_id, config.brief, check=False)
        except BriefError as exc:
            raise HTTPException(404, str(exc)) from exc
        try:
            # Checking against the contract costs more than building the page: once per
            # version of each story.
            report.validate(document)
        except SchemaError as exc:  # an upstream stage's bug: show the story, say so
            log.warning("story %s: %s", story_id, exc)
        entry = _Built(document)
        with built_lock:
            built[version] = entry
            while len(built) > STORY_CACHE:
                built.popitem(last=False)
        return entry

    def load_story(story_id: str) -> dict[str, Any]:
        return built_story(story_id).document

    def story_view(story_id: str) -> tuple[dict[str, Any], brief.Briefing]:
        entry = built_story(story_id)
        if entry.view is None:  # two threads may both build it: the same view, no harm
            entry.view = brief.view(entry.document, config=config.brief)
        return entry.document, entry.view

    # ------------------------------------------------------------------ errors
    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.query_params.get("format") == "json"

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
        body = env.get_template("error.html").render(request=request, status=exc.status_code,
                                                     detail=exc.detail, data={})
        return HTMLResponse(body, exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}"
                           for e in exc.errors())
        return await http_error(request, HTTPException(422, detail or "invalid request"))

    @app.exception_handler(StarletteHTTPException)
    async def not_found(request: Request, exc: StarletteHTTPException) -> Response:
        return await http_error(request, HTTPException(exc.status_code, exc.detail))

    # ------------------------------------------------------------------ stories
    def story_filters(q: str | None, date_from: str | None, date_to: str | None,
                      outlet: str | None, entity: str | None, sort: str | None,
                      page_no: int, show: str | None = None,
                      per_page: int | None = queries.PER_PAGE) -> dict[str, Any]:
        # An empty form field (date_from=) means "no filter", so values are checked here
        # rather than by a query pattern.
        for name, value in (("date_from", date_from), ("date_to", date_to)):
            if value and not re.match(DATE, value):
                raise HTTPException(422, f"{name}: use YYYY, YYYY-MM or YYYY-MM-DD")
        if sort and sort not in queries.SORTS:
            raise HTTPException(422, f"sort: use {', '.join(queries.SORTS)}")
        if show and show not in queries.SHOWS:
            raise HTTPException(422, f"show: use {', '.join(queries.SHOWS)}")
        return queries.story_list(store, q=q, date_from=date_from or None,
                                  date_to=date_to or None, outlet=outlet or None,
                                  entity=entity or None, sort=sort or None, page=page_no,
                                  show=show or None, per_page=per_page)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/stories", status_code=307)

    @app.get("/api/stories", tags=["stories"], summary="List and search stories")
    def api_stories(q: Q = None, date_from: From = None, date_to: To = None, outlet: Outlet = None,
                    entity: Ent = None, sort: Sort = None, show: Show = None,
                    page: PageNo = 1) -> dict[str, Any]:
        """Stories with their lede, size, independent-source count, claims corroborated and
        resting on one source, disputed points and possible differences, publication range,
        last update and outlets; filtered and sorted; 25 per page."""
        return story_filters(q, date_from, date_to, outlet, entity, sort, page, show)

    @app.get("/api/stories.csv", tags=["stories"], summary="The story list as CSV",
             response_class=Response)
    def stories_csv(q: Q = None, date_from: From = None, date_to: To = None,
                    outlet: Outlet = None, entity: Ent = None, sort: Sort = None,
                    show: Show = None) -> Response:
        """Every story the same filters select (not one page), one row each, as
        /api/stories gives them; outlets joined by "; "."""
        data = story_filters(q, date_from, date_to, outlet, entity, sort, 1, show, per_page=None)
        return Response(queries.story_csv(data), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="stories.csv"'})

    @app.get("/stories", include_in_schema=False)
    def stories_page(request: Request, q: Q = None, date_from: From = None, date_to: To = None,
                     outlet: Outlet = None, entity: Ent = None, sort: Sort = None,
                     show: Show = None, page: PageNo = 1) -> Response:
        data = story_filters(q, date_from, date_to, outlet, entity, sort, page, show)
        return render_page(request, "stories.html", data,
                           outlets=sorted(set(outlet_names(store.outlets()).values()), key=str.casefold),
                           entity_names=[e["name"] for e in all_entities()[:300]])

    def merged_away(request: Request, story_id: str) -> RedirectResponse | None:
        """A permanent redirect to the story a merged-away story went into (same page, same
        query), or None when the story is stored or was never merged."""
        if store.story(story_id) is not None or (target := store.redirect(story_id)) is None:
            return None
        url = request.url.path.replace(f"/{story_id}", f"/{target}", 1)
        if request.url.query:
            url += f"?{request.url.query}"
        return RedirectResponse(url, 301)

    @app.get("/api/stories/{story_id}", tags=["stories"], summary="One story's briefing JSON")
    def api_story(request: Request, story_id: str) -> dict[str, Any]:
        """The briefing JSON (contract crosswire/briefing@1, schema at
        /api/schema/briefing.json) holding this story and its articles; a story merged into
        another redirects there (301)."""
        story_id = _checked_id(story_id, "s")
        return merged_away(request, story_id) or load_story(story_id)  # type: ignore[return-value]

    @app.get("/stories/{story_id}", include_in_schema=False)
    def story_page(request: Request, story_id: str, claim: str | None = None,
                   all_sources: bool = False) -> Response:
        story_id = _checked_id(story_id, "s")
        if moved := merged_away(request, story_id):
            return moved
        if request.query_params.get("format") == "json":
            return JSONResponse(load_story(story_id))
        document, b = story_view(story_id)
        entry = built_story(story_id)
        ctx = render_html_module.context(b, web_links(b.story_id))
        if entry.briefing_html is None or entry.panels is None:  # two threads: same result
            entry.briefing_html = Markup(env.get_template("_briefing.html").render(**ctx))
            entry.panels = queries.panels(document, b)
        selected = claim if claim and any(r.claim_id == claim for r in b.matrix) else None
        panels = entry.panels
        shown = panels
        if not all_sources and len(panels) > queries.MAX_PANELS:
            # A big story's side-by-side view would weigh megabytes: the sources that carry
            # the selected claim first, then the others, up to the limit; a link shows all.
            shown = sorted(panels, key=lambda p: selected not in p.claims)[:queries.MAX_PANELS]
        return render_page(request, "story.html", document, panels=shown,
                           hidden_panels=len(panels) - len(shown), selected=selected,
                           briefing_html=entry.briefing_html, **ctx)

    @app.get("/stories/{story_id}/briefing.{fmt}", tags=["stories"],
             summary="Download a story's briefing as Markdown, self-contained HTML or JSON")
    def story_download(request: Request, story_id: str,
                       fmt: Literal["md", "html", "json"]) -> Response:
        if moved := merged_away(request, _checked_id(story_id, "s")):
            return moved
        document, b = story_view(_checked_id(story_id, "s"))
        name = f"crosswire-{story_id}.{fmt}"
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        if fmt == "json":
            return JSONResponse(document, headers=disposition)
        if fmt == "md":
            return PlainTextResponse(render_markdown(b), media_type="text/markdown; charset=utf-8",
                                     headers=disposition)
        return HTMLResponse(render_html(b, document),
                            headers={**disposition, "Content-Security-Policy": BRIEFING_CSP})

    @app.get("/api/schema/briefing.json", tags=["stories"], summary="JSON Schema of the briefing")
    def briefing_schema() -> dict[str, Any]:
        return report.schema()

    # ------------------------------------------------------------------ entities
    def entity_list(q: str | None, kind: str) -> dict[str, Any]:
        return {"entities": queries.matching(all_entities(), q, kind), "q": q, "kind": kind}

    @app.get("/api/entities", tags=["entities"], summary="People and organisations across stories")
    def api_entities(q: EntityQ = None, kind: Kind = "speakers") -> dict[str, Any]:
        """Entity names across stories, most widespread first; ``kind=all`` adds places and
        groups to the people and organisations."""
        return entity_list(q, kind)

    @app.get("/entities", include_in_schema=False)
    def entities_page(request: Request, q: EntityQ = None, kind: Kind = "speakers") -> Response:
        return render_page(request, "entities.html", entity_list(q, kind))

    def entity_data(key: str) -> dict[str, Any]:
        entity = next((e for e in all_entities() if e["key"] == key), None)
        if entity is None:
            raise HTTPException(404, f"no entity {key[:80]!r}")
        return queries.entity_detail(store, entity, story_view)

    @app.get("/api/entities/{key}", tags=["entities"],
             summary="What one person or organisation said or was credited with")
    def api_entity(key: str) -> dict[str, Any]:
        return entity_data(key)

    @app.get("/entities/{key}", include_in_schema=False)
    def entity_page(request: Request, key: str) -> Response:
        return render_page(request, "entity.html", entity_data(key))

    # ------------------------------------------------------------------ articles
    def article_data(article_id: str) -> dict[str, Any]:
        article = store.article(_checked_id(article_id, "a"))
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        parsed = store.parsed_any([article.id]).get(article.id)
        data = report.article_json(article, parsed)
        data["stories"] = [{"id": sid, "url": f"/stories/{sid}"}
                           for sid in store.stories_of_articles([article.id])]
        # Who said what, auditable: the speaker as resolved (an entity's name), the words
        # the article names them by ("she", "the airline"), the cue and any caveat.
        data["quotes"] = [{"span": list(q.span), "text": q.text, "kind": q.kind,
                           "speaker": q.speaker,
                           "speaker_words": article.text[q.speaker_span[0]:q.speaker_span[1]]
                           if q.speaker_span else None,
                           "cue": q.cue, "warning": q.warning}
                          for q in (parsed.quotes if parsed else ())]
        data["numbers"] = [{"span": list(n.span), "text": n.text, "value": n.value}
                           for n in (parsed.numbers if parsed else ())]
        return data

    @app.get("/api/articles/{article_id}", tags=["articles"], summary="One article")
    def api_article(article_id: str) -> dict[str, Any]:
        """An article as in the briefing JSON, with its stories, quotes and numbers."""
        return article_data(article_id)

    @app.get("/articles/{article_id}", include_in_schema=False)
    def article_page(request: Request, article_id: str,
                     span: Annotated[str | None, Query(pattern=r"^\d{1,9}-\d{1,9}$")] = None) -> Response:
        data = article_data(article_id)
        marks = [(*q["span"], "quote") for q in data["quotes"]]
        marks += [(*n["span"], "number") for n in data["numbers"]]
        marks += [(*t["span"], "timex") for t in data["timexes"]]
        highlight = None
        if span:
            start, end = (int(x) for x in span.split("-"))
            if 0 <= start < end <= len(data["text"]):
                highlight = (start, end)
                marks.append((start, end, "hl"))
        pieces = brief.segments(data["text"], marks)
        first_hl = next((i for i, (_, kinds) in enumerate(pieces) if "hl" in kinds), None)
        return render_page(request, "article.html", data, pieces=pieces, highlight=highlight,
                     first_hl=first_hl, link=brief.safe_url(data["url"]))

    # ------------------------------------------------------------------ skipped
    @app.get("/api/skipped", tags=["ingest"], summary="Inputs skipped and articles in no story")
    def api_skipped(page: PageNo = 1) -> dict[str, Any]:
        """Every input the store skipped, with its stage, reason and time, and every stored
        article placed in no story (not in English, language not told, not analysed), with
        what to do about each; 100 of each per page."""
        return queries.skipped_view(store, page)

    @app.get("/skipped", include_in_schema=False)
    def skipped_page(request: Request, page: PageNo = 1) -> Response:
        return render_page(request, "skipped.html", queries.skipped_view(store, page))

    # ------------------------------------------------------------------ ingest
    def jobs_data() -> dict[str, Any]:
        return {"writes_enabled": bool(config.web.token),
                "max_upload_bytes": config.web.max_upload_bytes, "accepted": ACCEPTED,
                "jobs": [j.to_json() for j in jobs.jobs()]}

    @app.get("/api/jobs", tags=["ingest"], summary="Ingest jobs of this server")
    def api_jobs() -> dict[str, Any]:
        return jobs_data()

    @app.get("/api/jobs/{job_id}", tags=["ingest"], summary="One ingest job")
    def api_job(job_id: str) -> dict[str, Any]:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id!r}")
        return job.to_json()

    @app.get("/ingest", include_in_schema=False)
    def ingest_page(request: Request, job: str | None = None) -> Response:
        return render_page(request, "ingest.html", jobs_data(), current=job, error=None)

    async def save_uploads(files: list[UploadFile]) -> tuple[list[str], str]:
        folder = config.db.parent / f"{config.db.name}.uploads"
        accepted: list[tuple[Path, bytes]] = []
        total = 0
        for upload in files:
            name = _safe_name(upload.filename or "upload")
            data = await upload.read(config.web.max_upload_bytes + 1)
            total += len(data)
            if total > config.web.max_upload_bytes:
                raise HTTPException(413, f"uploads over the size limit ({config.web.max_upload_bytes} bytes)")
            if not data:
                raise HTTPException(415, f"{name}: empty file")
            ext = suffix_of(name)
            kind = detect_format(name, data[:4096])
            if ext not in ACCEPTED or kind is None:
                raise HTTPException(415, f"{name}: not an accepted type (" + ", ".join(ACCEPTED) + ")")
            if kind in ("text", "html", "json", "jsonl", "feed") and not looks_textual(data[:4096]):
                raise HTTPException(415, f"{name}: binary content in a {ext} file")
            # One folder per content hash: the same file uploaded twice is the same source,
            # which ingest recognises and skips.
            accepted.append((folder / hashlib.sha256(data).hexdigest()[:16] / name, data))
        if not accepted:
            raise HTTPException(422, "no file uploaded")
        # Written only once every file passed: a refused upload leaves nothing on disk.
        for target, data in accepted:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return [str(target) for target, _ in accepted], str(folder) + "/"

    def feed_url(url: str) -> str:
        url = url.strip()
        if len(url) > 2000 or not re.match(r"^https?://[^\s/]+", url, re.IGNORECASE):
            raise HTTPException(422, "the feed address must be an http:// or https:// URL")
        return url

    @app.post("/api/ingest/upload", tags=["ingest"], status_code=202,
              summary="Upload articles to ingest and analyse in the background")
    async def api_upload(files: Files, token: TokenField = None, authorization: Auth = None) -> dict[str, Any]:
        require_token(config.web.token, authorization, token)
        paths, hide = await save_uploads(files)
        return jobs.submit("upload", ", ".join(Path(p).name for p in paths), paths, hide).to_json()

    @app.post("/api/ingest/feed", tags=["ingest"], status_code=202,
              summary="Read a feed URL (and its item pages) in the background")
    def api_feed(url: Annotated[str, Form(max_length=2000)], token: TokenField = None,
                 authorization: Auth = None) -> dict[str, Any]:
        require_token(config.web.token, authorization, token)
        address = feed_url(url)
        return jobs.submit("feed", address, [address]).to_json()

    async def form_action(request: Request,
                          action: Callable[[], Awaitable[dict[str, Any]]]) -> Response:
        try:
            job = await action()
        except HTTPException as exc:
            return render_page(request, "ingest.html", jobs_data(), status=exc.status_code,
                         current=None, error=exc.detail)
        return RedirectResponse(f"/ingest?job={job['id']}", status_code=303)

    @app.post("/ingest/upload", include_in_schema=False)
    async def upload_form(request: Request, files: Files, token: TokenField = None,
                          authorization: Auth = None) -> Response:
        return await form_action(request, lambda: api_upload(files, token, authorization))

    @app.post("/ingest/feed", include_in_schema=False)
    async def feed_form(request: Request, url: Annotated[str, Form(max_length=2000)],
                        token: TokenField = None, authorization: Auth = None) -> Response:
        async def run() -> dict[str, Any]:
            return api_feed(url, token, authorization)
        return await form_action(request, run)

    @app.get("/assets/briefing.css", include_in_schema=False)
    def briefing_css() -> Response:
        return Response(str(render_html_module.css()), media_type="text/css",
                        headers={"Cache-Control": "max-age=3600"})

    return app


def _checked_id(value: str, prefix: str) -> str:
    if not re.match(rf"^{prefix}_[0-9a-f]{{1,64}}$", value):
        raise HTTPException(404, f"no such id {value[:80]!r}")
    return value


def _safe_name(filename: str) -> str:
    """A file name with no directory part and only harmless characters."""
    name = re.split(r"[\\/]", filename)[-1]
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).lstrip(".")[:120]
    return name or "upload"


def _with_query(request: Request, **changes: Any) -> str:
    """This page's path and query with some parameters changed (None drops one)."""
    params = {k: v for k, v in request.query_params.items() if v}
    params.update({k: str(v) for k, v in changes.items() if v is not None})
    for k in [k for k, v in changes.items() if v is None]:
        params.pop(k, None)
    return request.url.path + ("?" + urlencode(params) if params else "")
