"""The graph store: Oxigraph on disk behind rdflib's Dataset API, one named graph per source document.

Queries see the union of all named graphs as their default graph (decided once, here, for the
CLI and the endpoint alike). A document's graph is replaced by one SPARQL update (DROP GRAPH +
INSERT DATA), which Oxigraph applies atomically. The index catches up with the document store by
generation, like the search indexes.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from dataclasses import replace
from pathlib import Path

import pyoxigraph
from oxrdflib import OxigraphStore
from rdflib import Dataset, URIRef

from graph.extract import Extraction, extract
from graph.rdf import GraphBuilder, resolve_documents
from graph.snapshots import current, publish, snapshot_root
from graph.uris import PREFIXES, UriMinter
from ingest.store import DocumentStore
from reform.errors import QueryError, StoreError

# Bump when extraction or rendering changes: cached extractions and rendered graphs are redone.
EXTRACTION_VERSION = "2"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS graph_documents (document_id TEXT PRIMARY KEY, digest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS graph_extractions (document_id TEXT PRIMARY KEY, signature TEXT NOT NULL, payload BLOB NOT NULL);
"""


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
        except OSError as exc:
            raise StoreError(f"cannot open the graph store {self.path}: {exc}") from None
        self.dataset = Dataset(store=OxigraphStore(store=self.oxigraph), default_union=True)
        for prefix, namespace in PREFIXES.items():
            self.dataset.bind(prefix, namespace)

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
        return current(snapshot_root(self.path)) is not None

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
            return result
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {exc}") from None
        except ValueError as exc:
            raise QueryError(f"SPARQL error: {exc}") from None

    def __len__(self) -> int:
        return len(self.dataset)

    def graphs(self) -> list[URIRef]:
        return [g.identifier for g in self.dataset.graphs() if isinstance(g.identifier, URIRef)]


class GraphIndex:
    """Keeps the graph in step with the document store (an ingest hook)."""

    name = "graph"

    def __init__(self, store: DocumentStore, graph: GraphStore) -> None:
        self.store, self.graph = store, graph
        store.db.executescript(_SCHEMA)

    def after_ingest(self, store: DocumentStore, report: object) -> None:
        self.sync()

    @property
    def up_to_date(self) -> bool:
        return self.store.get_meta("graph_generation") == f"{self.store.generation}:{EXTRACTION_VERSION}"

    def sync(self) -> int:
        """Bring the graph to the store's generation; returns the number of graphs replaced or dropped.

        Identity is global (a mention elsewhere can give a document node its year), so references are
        resolved across all documents; but a document's graph is rendered again only when its own
        extraction changed or one of its references now resolves to another URI. Extractions are
        cached per document signature, so unchanged documents are not re-read.
        """
        if self.up_to_date and self.graph.is_published:
            return 0
        extractions = self._extractions()
        nodes = resolve_documents(extractions, self.graph.minter)
        # What the bookkeeping says is rendered; a graph missing from the live store (deleted) is redone.
        known = {
            document_id: digest if self.graph.has_graph(document_id) else None
            for document_id, digest in self.store.db.execute("SELECT document_id, digest FROM graph_documents")
        }
        changed = 0
        with self.store.transaction():
            for extraction in extractions:
                document_id = extraction.document.id
                digest = _identity_digest(extraction, nodes)
                if known.pop(document_id, None) == digest:
                    continue
                triples = sorted(
                    set(GraphBuilder(self.graph.minter, extraction, nodes).build()), key=lambda t: tuple(x.n3() for x in t)
                )
                self.graph.replace_graph(document_id, triples)
                self.store.db.execute("INSERT OR REPLACE INTO graph_documents VALUES (?, ?)", (document_id, digest))
                changed += 1
            for removed in known:
                self.graph.drop_graph(removed)
                self.store.db.execute("DELETE FROM graph_documents WHERE document_id = ?", (removed,))
                self.store.db.execute("DELETE FROM graph_extractions WHERE document_id = ?", (removed,))
                changed += 1
            # Published before the commit: a crash in between makes the next run redo and publish again,
            # never leave readers on an older graph than the one recorded as done.
            if changed or not self.graph.is_published:
                self.graph.publish(f"g{self.store.generation}")
            self.store.set_meta("graph_generation", f"{self.store.generation}:{EXTRACTION_VERSION}")
        return changed

    def _extractions(self) -> list[Extraction]:
        """Every document's extraction: from the cache when its signature is unchanged."""
        signatures = self.store.document_signatures()
        cached = {
            d: (sig, payload)
            for d, sig, payload in self.store.db.execute("SELECT document_id, signature, payload FROM graph_extractions")
        }
        extractions, fresh = [], []
        for document_id in sorted(signatures):
            document = self.store.get_document(document_id)
            hit = cached.get(document_id)
            if hit and hit[0] == f"{signatures[document_id]}:{EXTRACTION_VERSION}":
                extraction = pickle.loads(hit[1])
                extraction.document = document
            else:
                extraction = extract(document)
                fresh.append(extraction)
            extractions.append(extraction)
        with self.store.transaction():
            for extraction in fresh:
                document_id = extraction.document.id
                payload = pickle.dumps(replace(extraction, document=None))
                self.store.db.execute(
                    "INSERT OR REPLACE INTO graph_extractions VALUES (?, ?, ?)",
                    (document_id, f"{signatures[document_id]}:{EXTRACTION_VERSION}", payload),
                )
        return extractions


def _identity_digest(extraction: Extraction, nodes: dict) -> str:
    """What a document's graph depends on: its own content and the URIs its references resolve to."""
    refs = ([extraction.itself] if extraction.itself else []) + extraction.references
    parts = [extraction.document.id, extraction.document.file_hash, EXTRACTION_VERSION]
    parts += [
        f"{ref.written}@{ref.evidence.start}->{nodes[id(ref)].uri}|{nodes[id(ref)].date}|{nodes[id(ref)].subject}" for ref in refs
    ]
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()
