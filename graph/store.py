"""The graph store: Oxigraph on disk behind rdflib's Dataset API, one named graph per source document.

Queries see the union of all named graphs as their default graph (decided once, here, for the
CLI and the endpoint alike). A document's graph is replaced by one SPARQL update (DROP GRAPH +
INSERT DATA), which Oxigraph applies atomically. Readers open the
newest published checkpoint (`PublishedGraph`); only the writer opens the live store.
"""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pyoxigraph
from oxrdflib import OxigraphStore
from rdflib import Dataset, Literal, URIRef, Variable

from core.errors import QueryError, StoreError
from core.files import file_stamp
from graph.query_text import in_query_order
from graph.snapshots import CURRENT, current, publish, snapshot_root
from graph.uris import PREFIXES, UriMinter


class GraphStore:
    """rdflib Dataset over a persistent Oxigraph store."""

    def __init__(self, path: Path, minter: UriMinter, *, read_only: bool = False) -> None:
        self.path, self.minter, self.read_only = Path(path), minter, read_only
        try:
            if read_only:
                self.oxigraph = pyoxigraph.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                # Writes go to Oxigraph's own SPARQL engine: rdflib's update() would first build its Python
                # algebra for the INSERT DATA block, quadratic in its size (measured 9 s for 2,000 triples).
                self.oxigraph = pyoxigraph.Store(str(self.path))
        except Exception as exc:  # OSError, or RocksDB's own errors for damaged files ("Corruption: …")
            raise StoreError(f"cannot open the graph store {self.path} ({exc}): run 'reform reindex' to rebuild it") from None
        self.dataset = Dataset(store=OxigraphStore(store=self.oxigraph), default_union=True)
        for prefix, namespace in PREFIXES.items():
            self.dataset.bind(prefix, namespace)
        # Indexes derived from a read-only snapshot (graph.names): it never changes, so they are built once.
        self.cache: dict[str, object] = {}

    def close(self) -> None:
        """Release the store (and its lock): pyoxigraph has no close(), it closes when unreferenced."""
        if not self.read_only:
            self.oxigraph.flush()
        del self.oxigraph, self.dataset
        gc.collect()  # rdflib's graph objects refer to each other; collect the cycle holding the store

    def publish(self, label: str) -> Path:
        """Checkpoint this (live) store for readers; see graph.snapshots."""
        return publish(self.oxigraph, snapshot_root(self.path), label)

    @property
    def is_published(self) -> bool:
        """Whether readers have a checkpoint of this store (a damaged pointer counts as none: publish again)."""
        try:
            return current(snapshot_root(self.path)) is not None
        except StoreError:
            return False

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def replace_graph(self, document_id: str, triples: list[tuple]) -> None:
        graph = self.minter.graph(document_id)
        body = " .\n".join(" ".join(term.n3() for term in triple) for triple in triples)
        self.oxigraph.update(f"DROP SILENT GRAPH {graph.n3()} ;\nINSERT DATA {{ GRAPH {graph.n3()} {{\n{body} .\n}} }}")

    def has_graph(self, document_id: str) -> bool:
        return self.oxigraph.contains_named_graph(pyoxigraph.NamedNode(str(self.minter.graph(document_id))))

    def drop_graph(self, document_id: str) -> None:
        self.oxigraph.update(f"DROP SILENT GRAPH {self.minter.graph(document_id).n3()}")

    def query(self, sparql: str):
        """Run a SPARQL query over the union of all documents' graphs (rdflib Result), read to the end.

        pyoxigraph's solution iterators belong to the thread that made them: one left half-read and
        collected later on another server thread raised "unsendable … dropped on another thread"
        and crashed a gunicorn worker at exit. So SELECT results are materialized here.
        """
        try:
            result = self.dataset.query(sparql, initNs={prefix: str(ns) for prefix, ns in PREFIXES.items()})
            if result.type == "SELECT":
                result.bindings  # noqa: B018 -- the property reads the whole generator into a list
                # Oxigraph sorts SELECT * columns (o, p, s); a reader expects them in the order written.
                result.vars = [Variable(name) for name in in_query_order([str(v) for v in result.vars or []], sparql)]
            return result
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {exc}") from None
        except ValueError as exc:
            raise QueryError(f"SPARQL error: {exc}") from None

    def properties(self, subjects, predicates) -> dict[str, dict[str, list]]:
        """{subject: {predicate IRI: [values]}} for some subjects and predicates (CURIEs), each value once.

        Read with Oxigraph's own pattern index, not SPARQL: the union of the named graphs repeats a
        triple once per document that states it (oxigraph#1919), and a query joining optional facts
        about a document cited by fifty others multiplies them fifty-fold — 60 ms where this takes 1.
        """
        wanted = [pyoxigraph.NamedNode(_expand(p)) for p in predicates]
        found: dict[str, dict[str, list]] = {}
        for subject in dict.fromkeys(str(s) for s in subjects):
            facts = found.setdefault(subject, {})
            node = pyoxigraph.NamedNode(subject)
            for predicate in wanted:
                values = list(dict.fromkeys(quad.object for quad in self.oxigraph.quads_for_pattern(node, predicate, None, None)))
                if values:
                    facts[predicate.value] = [_term(v) for v in values]
        return found

    def incoming(self, target: str, predicates, *, outside_graph: str | None = None) -> list[tuple[str, str]]:
        """(subject, predicate IRI) of every statement pointing at `target` with one of `predicates` (CURIEs),
        leaving out those stated in `outside_graph` (a document's own graph, e.g. its articles' eli:is_part_of)."""
        node, pairs = pyoxigraph.NamedNode(str(target)), set()
        for curie in predicates:
            predicate = pyoxigraph.NamedNode(_expand(curie))
            for quad in self.oxigraph.quads_for_pattern(None, predicate, node, None):
                if outside_graph is not None and getattr(quad.graph_name, "value", None) == outside_graph:
                    continue
                if isinstance(quad.subject, pyoxigraph.NamedNode):
                    pairs.add((quad.subject.value, predicate.value))
        return sorted(pairs)

    def __len__(self) -> int:
        return len(self.dataset)

    def graphs(self) -> list[URIRef]:
        return [g.identifier for g in self.dataset.graphs() if isinstance(g.identifier, URIRef)]


def _expand(curie: str) -> str:
    prefix, _, name = curie.partition(":")
    return f"{PREFIXES[prefix]}{name}" if prefix in PREFIXES else curie


def _term(value):
    """A pyoxigraph term as the rdflib term the rest of the graph package reads."""
    if isinstance(value, pyoxigraph.NamedNode):
        return URIRef(value.value)
    if isinstance(value, pyoxigraph.Literal):
        if value.language:
            return Literal(value.value, lang=value.language)
        return Literal(value.value, datatype=URIRef(value.datatype.value)) if value.datatype else Literal(value.value)
    return value


class PublishedGraph:
    """The newest published graph, opened read-only; `current()` follows new publications."""

    def __init__(self, root: Path, minter: UriMinter) -> None:
        self.root, self.minter = Path(root), minter
        self._lock = threading.Lock()
        self._opened: tuple[Path, object] | None = None
        self._pointer: tuple[tuple[int, int, int] | None, Path | None] | None = None

    @property
    def path(self) -> Path | None:
        """The newest checkpoint: CURRENT is stat'ed on every call (every request) but read only when replaced."""
        stamp = file_stamp(self.root / CURRENT)
        known = self._pointer
        if known is not None and known[0] == stamp:
            return known[1]
        path = current(self.root)
        self._pointer = (stamp, path)
        return path

    def current(self):
        """A read-only GraphStore on the newest checkpoint (the same object until a newer one appears)."""
        path = self.path
        if path is None:
            raise StoreError(f"no knowledge graph has been published in {self.root} yet: run 'reform ingest'")
        opened = self._opened
        if opened is not None and opened[0] == path:
            return opened[1]
        with self._lock:
            if self._opened is None or self._opened[0] != path:
                self._opened = (path, GraphStore(path, self.minter, read_only=True))
            return self._opened[1]
