"""`reform doctor`: check a data directory part by part and say, for each problem, the command that fixes it.

The document store is the one thing that cannot be rebuilt, so it is checked first and never
written here; everything derived from it (lexical, vector and graph indexes, their published
copies) can be rebuilt with `reform reindex`, and the model reinstalled with `reform model install`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.errors import ReformError
from core.settings import Settings
from graph.index import GraphIndex
from graph.snapshots import snapshot_root
from graph.store import PublishedGraph
from graph.uris import UriMinter
from ingest.derived import all_failures
from ingest.store import DocumentStore
from search.bm25 import Segment
from search.embedder import Embedder, model_installed
from search.lexical import LexicalIndex
from search.vectors import VectorIndex

REINDEX = "run 'reform reindex'"


@dataclass(frozen=True)
class Finding:
    """One checked part: whether it is sound, what was found, and what to do when it is not."""

    part: str
    ok: bool
    detail: str
    fix: str | None = None

    def line(self) -> str:
        status = "ok" if self.ok else "PROBLEM"
        advice = f" -> {self.fix}" if self.fix and not self.ok else ""
        return f"{status:<8} {self.part}: {self.detail}{advice}"


def examine(settings: Settings) -> list[Finding]:
    """Every finding about the data directory of `settings`, store first."""
    folder = settings.data
    if not folder.exists():
        return [Finding("data directory", False, f"{folder} does not exist", "run 'reform ingest FOLDER' to create it")]
    if not folder.is_dir():
        return [Finding("data directory", False, f"{folder} is a file", "point --data (REFORM_DATA) at a folder")]
    try:
        store = DocumentStore(settings.database_path).open()
    except ReformError as exc:
        return [
            Finding(
                "document store",
                False,
                str(exc),
                "restore reform.sqlite3 from a backup, or move it aside and ingest the documents again",
            )
        ]
    with store:
        findings = [_store(store), *_indexes(settings, store), _model(settings)]
    return findings


def _store(store: DocumentStore) -> Finding:
    verdict = store.check()
    documents, passages = len(store.document_ids()), store.passage_count()
    if verdict != "ok":
        return Finding("document store", False, f"integrity check: {verdict}", "restore reform.sqlite3 from a backup")
    mode = ", read-only" if store.read_only else ""
    return Finding("document store", True, f"{documents} documents, {passages} passages, generation {store.generation}{mode}")


def _indexes(settings: Settings, store: DocumentStore) -> list[Finding]:
    findings = [
        _current("lexical index", LexicalIndex.is_current(store)),
        _lexical_segments(store),
        _current("graph index", GraphIndex.is_current(store)),
        _published_graph(settings),
    ]
    if model_installed(settings.model_dir):
        findings.append(_vectors(settings, store))
    for index, document_id, reason in all_failures(store):
        findings.append(
            Finding(
                f"{index} index",
                False,
                f"document {document_id} is left out: {reason}",
                "fix or remove the file, then ingest again",
            )
        )
    return findings


def _current(part: str, current: bool) -> Finding:
    if current:
        return Finding(part, True, "up to date")
    return Finding(part, False, "behind the document store (or built by another version)", f"run 'reform ingest' or {REINDEX}")


def _lexical_segments(store: DocumentStore) -> Finding:
    """Every segment of postings the lexical index lists must load (a damaged one is rebuilt by any sync)."""
    folder = store.path.with_name("lexical")
    names = [row[0] for row in store.db.execute("SELECT name FROM lexical_segments")]
    for name in names:
        try:
            Segment.load(folder / name)
        except Exception as exc:  # any way a file can be damaged
            return Finding(
                "lexical segments", False, f"{name} is damaged ({type(exc).__name__})", "run 'reform ingest' or " + REINDEX
            )
    return Finding("lexical segments", True, f"{len(names)} readable")


def _published_graph(settings: Settings) -> Finding:
    published = PublishedGraph(snapshot_root(settings.graph_path), UriMinter(settings.base_uri))
    if published.path is None:
        return Finding("published graph", False, "nothing published yet", "run 'reform ingest'")
    try:
        graph = published.current()
        answer = bool(graph.query("ASK { ?s ?p ?o }").askAnswer)
    except Exception as exc:  # RocksDB reports damage in its own words
        return Finding("published graph", False, f"{published.path.name} cannot be read ({exc})", REINDEX)
    return Finding("published graph", True, f"{published.path.name} readable{'' if answer else ', empty'}")


def _vectors(settings: Settings, store: DocumentStore) -> Finding:
    try:
        embedder = Embedder(settings.model_dir)
    except ReformError:
        return Finding("vector index", False, "not checked: the model cannot be loaded (see model)", None)
    index = VectorIndex.from_settings(store, embedder, settings)
    if index.unusable is not None:
        return Finding("vector index", False, index.unusable, REINDEX)
    if not index.up_to_date:
        return Finding("vector index", False, "behind the document store", f"run 'reform ingest' or {REINDEX}")
    return Finding("vector index", True, f"{index.size} passages, {index.kind}")


def _model(settings: Settings) -> Finding:
    if not model_installed(settings.model_dir):
        return Finding("model", True, f"not installed at {settings.model_dir} (search is lexical only): 'reform model install'")
    try:
        embedder = Embedder(settings.model_dir)
    except ReformError as exc:
        return Finding("model", False, str(exc), "run 'reform model install --force'")
    return Finding("model", True, f"{embedder.model_id} at {Path(settings.model_dir)}")
