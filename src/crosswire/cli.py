"""The ``crosswire`` command: thin commands over the library API.

Exit codes (also in the README):
  0  every input was processed
  1  some inputs were skipped (each is listed with its reason; the rest was processed)
  2  usage error (bad option, missing argument, unreadable config)
  3  fatal error (the store or the output file cannot be written)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .config import Config
from .errors import ConfigError, CrosswireError
from .progress import progress_bars
from .records import Skipped
from .store import Store

# The pipeline (api, engine, embed, ingest) is imported by the commands that run it: it brings
# spaCy and torch, seconds a command that only reads the store (`skipped`) must not wait for.

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, EXIT_FATAL = 0, 1, 2, 3

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="Cross-check every source of a news story.")
err = Console(stderr=True)

DbOption = Annotated[Path | None, typer.Option("--db", help="SQLite store (default: crosswire.db).")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or summaries.")]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="TOML config file.")]
FollowLinksOption = Annotated[bool, typer.Option(
    "--follow-external-links",
    help="Read symbolic links in input folders that lead outside them (skipped by default).")]
Inputs = Annotated[list[str], typer.Argument(help="Files, folders or URLs (txt, html, json, "
                                                  "jsonl, rss/atom, warc, warc.gz).")]


def _config(config_file: Path | None, db: Path | None, quiet: bool, **flags: object) -> Config:
    try:
        return Config.load(config_file, db=db, quiet=quiet or None, **flags)
    except ConfigError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from exc


def _report_skipped(skipped: list[Skipped], quiet: bool) -> int:
    if not skipped:
        return EXIT_OK
    if not quiet:
        table = Table(title=f"{len(skipped)} input(s) skipped", title_justify="left")
        table.add_column("source", overflow="fold")
        table.add_column("stage")
        table.add_column("reason", overflow="fold")
        for item in skipped:
            table.add_row(item.source, item.stage, item.reason)
        err.print(table)
    return EXIT_SKIPPED


def _fatal(exc: Exception) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc}")
    return typer.Exit(EXIT_FATAL)


@app.command()
def ingest(inputs: Inputs, db: DbOption = None, quiet: QuietOption = False,
           config_file: ConfigOption = None, follow_external_links: FollowLinksOption = False) -> None:
    """Read, clean and store articles (no analysis)."""
    from . import api

    config = _config(config_file, db, quiet,
                     ingest__follow_external_links=follow_external_links or None)
    try:
        with progress_bars(config.quiet) as reporter:
            result = api.ingest(inputs, config, reporter=reporter)
    except CrosswireError as exc:
        raise _fatal(exc) from exc
    if not config.quiet:
        err.print(f"{len(result.article_ids)} article(s) read, {result.new_articles} new, "
                  f"stored in {config.db}")
    raise typer.Exit(_report_skipped(result.skipped, config.quiet))


@app.command()
def analyze(inputs: Inputs,
            out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the briefing JSON here (default: stdout).")] = None,
            db: DbOption = None, quiet: QuietOption = False, config_file: ConfigOption = None,
            workers: Annotated[int | None, typer.Option(help="Worker processes for parsing.")] = None,
            engine: Annotated[str | None, typer.Option(help="local or spark.")] = None,
            master: Annotated[str | None, typer.Option(help="Spark master, e.g. local[2] or spark://host:7077.")] = None,
            spark_out: Annotated[Path | None, typer.Option(help="Folder for the Spark engine's Parquet results.")] = None,
            follow_external_links: FollowLinksOption = False) -> None:
    """The main job: ingest, understand and cross-check INPUTS; write the briefing JSON."""
    from . import api

    config = _config(config_file, db, quiet, engine__workers=workers, engine__engine=engine,
                     engine__spark_master=master, engine__spark_out=spark_out,
                     ingest__follow_external_links=follow_external_links or None)
    if config.engine.engine not in ("local", "spark"):
        err.print(f"[red]error:[/red] unknown engine {config.engine.engine!r}: use local or spark")
        raise typer.Exit(EXIT_USAGE)
    try:
        with progress_bars(config.quiet) as reporter:
            document = api.analyze(inputs, config, reporter=reporter)
        _write_briefing(document, out)
    except (CrosswireError, OSError) as exc:
        raise _fatal(exc) from exc
    _summarise(document, out, config.quiet)


def _write_briefing(document: dict, out: Path | None) -> None:
    payload = json.dumps(document, ensure_ascii=False, indent=2)
    if out is None:
        sys.stdout.write(payload + "\n")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(payload, encoding="utf-8")
    tmp.replace(out)  # never leave a half-written briefing behind


def _summarise(document: dict, out: Path | None, quiet: bool) -> None:
    """Print the run's counts and exit with the documented code."""
    if not quiet:
        stories = document["stories"]
        err.print(f"[green]{len(document['articles'])} article(s)[/green] in "
                  f"{len(stories)} stor{'y' if len(stories) == 1 else 'ies'}"
                  + (f"; briefing written to [bold]{out}[/bold]" if out else ""))
    skipped = [Skipped(s["source"], s["stage"], s["reason"]) for s in document["skipped"]]
    raise typer.Exit(_report_skipped(skipped, quiet))


@app.command()
def load(directory: Annotated[Path, typer.Argument(help="A Spark run's Parquet output folder.")],
         out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the briefing JSON here.")] = None,
         db: DbOption = None, quiet: QuietOption = False, config_file: ConfigOption = None) -> None:
    """Load a Spark run's Parquet results into the SQLite store."""
    from . import api

    config = _config(config_file, db, quiet)
    try:
        document = api.load(directory, config)
        _write_briefing(document, out)
    except (CrosswireError, OSError) as exc:
        raise _fatal(exc) from exc
    _summarise(document, out, config.quiet)


@app.command()
def watch(feeds: Annotated[list[str], typer.Argument(help="RSS/Atom feed URLs.")],
          interval: Annotated[float, typer.Option(help="Seconds between polls.")] = 300.0,
          rounds: Annotated[int | None, typer.Option(help="Stop after this many polls (default: run until interrupted).")] = None,
          db: DbOption = None, quiet: QuietOption = False, config_file: ConfigOption = None) -> None:
    """Poll feeds and ingest new items as they appear (polite: robots.txt, rate limit,
    conditional GET)."""
    from .engine import local
    from .ingest import Fetcher
    from .ingest.watch import watch as watch_feeds

    config = _config(config_file, db, quiet)
    skipped: list[Skipped] = []

    with Store(config.db) as store, Fetcher(config.fetch, config.ingest.max_bytes) as fetcher:
        def handle(items: list) -> None:
            result = local.ingest_items(items, config, store)
            skipped.extend(result.skipped)
            if not config.quiet:
                err.print(f"{result.new_articles} new article(s); {len(result.skipped)} skipped")

        try:
            watch_feeds(feeds, config, store, fetcher, handle, interval_s=interval, rounds=rounds)
        except KeyboardInterrupt:
            err.print("stopped")
    raise typer.Exit(_report_skipped(skipped, config.quiet))


@app.command()
def prepare(config_file: ConfigOption = None) -> None:
    """Make the embedding model ready now rather than on the first run (the int8 encoder is
    exported once from the installed MiniLM package; nothing is downloaded)."""
    from . import embed

    config = _config(config_file, None, False)
    try:
        ready = embed.prepare(config.analysis.embedding_model)
    except CrosswireError as exc:
        raise _fatal(exc) from exc
    err.print(f"embedding model ready: {ready}")


@app.command()
def skipped(db: DbOption = None, config_file: ConfigOption = None) -> None:
    """List every input the store has skipped, with its reason."""
    config = _config(config_file, db, False)
    with Store(config.db) as store:
        items = store.skipped()
    if not items:
        err.print("nothing skipped")
        raise typer.Exit(EXIT_OK)
    raise typer.Exit(_report_skipped(items, False))


BRIEF_FORMATS = ("md", "html", "json")


@app.command()
def brief(story: Annotated[str, typer.Argument(help="Story id, or an unambiguous prefix of one.")],
          format: Annotated[str, typer.Option("--format", "-f", help="md, html (one self-contained file) or json.")] = "md",
          out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the briefing here (default: stdout).")] = None,
          db: DbOption = None, config_file: ConfigOption = None) -> None:
    """Write one story's briefing: summary, key facts, quotes, numbers, timeline, disputes,
    provenance and what each source adds, omits and alters."""
    from .brief import resolve_story, story_document, view
    from .errors import BriefError
    from .render import render_html, render_markdown

    config = _config(config_file, db, True)
    if format not in BRIEF_FORMATS:
        err.print(f"[red]error:[/red] unknown format {format!r}: use md, html or json")
        raise typer.Exit(EXIT_USAGE)
    if not config.db.exists():
        err.print(f"[red]error:[/red] no store at {config.db}: run `crosswire analyze` first or "
                  "pass --db")
        raise typer.Exit(EXIT_USAGE)
    try:
        with Store(config.db) as store:
            # Markdown and HTML readers get the story even if a stage broke the contract;
            # the JSON is the contract, so it is checked.
            document = story_document(store, resolve_story(store, story), config.brief,
                                      check=format == "json")
    except BriefError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from exc
    except CrosswireError as exc:
        raise _fatal(exc) from exc
    if format == "json":
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    else:
        briefing = view(document, config=config.brief)
        text = render_markdown(briefing) if format == "md" else render_html(briefing, document)
    if out is None:
        sys.stdout.write(text)
        raise typer.Exit(EXIT_OK)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)  # never leave a half-written briefing behind
    except OSError as exc:
        raise _fatal(exc) from exc


@app.command()
def serve(db: DbOption = None,
          host: Annotated[str | None, typer.Option(help="Address to listen on (default 127.0.0.1).")] = None,
          port: Annotated[int | None, typer.Option(help="Port (default 8765).")] = None,
          token: Annotated[str | None, typer.Option(help="Token the ingest endpoints require; without one they are disabled. Prefer the CROSSWIRE_WEB__TOKEN environment variable: a flag shows in the process list.")] = None,
          quiet: QuietOption = False, config_file: ConfigOption = None) -> None:
    """Run the web application: story list and search, briefings, sources side by side,
    entities, and (with a token) an ingest page."""
    import uvicorn

    from .web import create_app

    config = _config(config_file, db, quiet, web__host=host, web__port=port, web__token=token)
    try:
        web_app = create_app(config)
    except CrosswireError as exc:
        raise _fatal(exc) from exc
    if not config.quiet:
        err.print(f"crosswire on [bold]http://{config.web.host}:{config.web.port}/[/bold] over "
                  f"{config.db}; ingest "
                  + ("enabled (token required)" if config.web.token else "disabled (no token)"))
    uvicorn.run(web_app, host=config.web.host, port=config.web.port,
                log_level="warning" if config.quiet else "info")


if __name__ == "__main__":  # python -m crosswire.cli
    app()
