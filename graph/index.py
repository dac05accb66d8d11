"""The graph as a derived index: extractions of every document rendered into the Oxigraph store.

Kept in step with the document store like the search indexes (ingest.derived.DerivedIndex):
extractions are cached per document signature, a document's named graph is rewritten only when
its own extraction changed or one of its references now resolves to another URI, and each change
is published for readers (graph.snapshots) before the bookkeeping commits.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import replace

from graph.extract import Extraction, extract
from graph.rdf import DocumentNode, GraphBuilder, resolve_documents
from graph.store import GraphStore
from ingest.derived import FailureLog, ensure_schema
from ingest.store import DocumentStore

# Bump when extraction or rendering changes: cached extractions and rendered graphs are redone.
EXTRACTION_VERSION = "6"
SCHEMA_VERSION = 1
_TABLES = ("graph_documents", "graph_extractions")
_SCHEMA = (
    "CREATE TABLE graph_documents (document_id TEXT PRIMARY KEY, digest TEXT NOT NULL)",
    "CREATE TABLE graph_extractions (document_id TEXT PRIMARY KEY, signature TEXT NOT NULL, payload BLOB NOT NULL)",
)


# Far above any real document (the largest code we hold renders 8,120) and far below what makes
# Oxigraph's one write transaction take minutes and gigabytes (930,000 from 8,000 generated citations).
MAX_DOCUMENT_STATEMENTS = 150_000


class DocumentGraphTooLarge(ValueError):
    """A document whose graph would be too large to be a real one: left out of the graph, still searchable."""


def _check_size(statements: int) -> None:
    if statements > MAX_DOCUMENT_STATEMENTS:
        raise DocumentGraphTooLarge(
            f"its graph would hold {statements:,} statements, over the {MAX_DOCUMENT_STATEMENTS:,} one document may add "
            "(a generated or damaged text?); it is left out of the graph and stays searchable"
        )


class GraphIndex:
    """Keeps the graph in step with the document store (a DerivedIndex)."""

    name = "graph"
    schema_version = SCHEMA_VERSION

    def __init__(self, store: DocumentStore, graph: GraphStore) -> None:
        self.store, self.graph = store, graph
        ensure_schema(store, self.name, SCHEMA_VERSION, _SCHEMA, _TABLES)

    @property
    def up_to_date(self) -> bool:
        return self.is_current(self.store) and self.graph.is_published

    @staticmethod
    def is_current(store: DocumentStore) -> bool:
        """Whether the bookkeeping says the graph reflects the store's generation (cheap; not the publication)."""
        return (
            store.get_meta("schema.graph") == str(SCHEMA_VERSION)
            and store.get_meta("graph_generation") == f"{store.generation}:{EXTRACTION_VERSION}"
        )

    def sync(self) -> int:
        """Bring the graph to the store's generation; returns the number of graphs replaced or dropped.

        Identity is global (a mention elsewhere can give a document node its year), so references are
        resolved across all documents; but a document's graph is rendered again only when its own
        extraction changed or one of its references now resolves to another URI. Extractions are
        cached per document signature, so unchanged documents are not re-read. A document whose
        extraction or rendering fails is left out (its graph dropped) and reported after the others
        are committed and published (ingest.derived.FailureLog).
        """
        if self.up_to_date:
            return 0
        return self._update(rebuild=False)

    def rebuild(self) -> int:
        """Extract and render every document again, then publish (readers keep the old graph until then)."""
        return self._update(rebuild=True)

    def _update(self, *, rebuild: bool) -> int:
        signatures = self.store.document_signatures()
        failures = FailureLog(self.store, self.name, signatures)
        extractions = self._extractions(signatures, failures, use_cache=not rebuild)
        nodes = resolve_documents(extractions, self.graph.minter)
        # What the bookkeeping says is rendered; a graph missing from the live store (deleted) is redone.
        known = {
            document_id: digest if self.graph.has_graph(document_id) and not rebuild else None
            for document_id, digest in self.store.db.execute("SELECT document_id, digest FROM graph_documents")
        }
        changed = 0
        with self.store.transaction():
            for extraction in extractions:
                document_id = extraction.document.id
                with failures.guard(document_id):
                    digest = _identity_digest(extraction, nodes)
                    if known.pop(document_id, None) == digest:
                        continue
                    triples = set(GraphBuilder(self.graph.minter, extraction, nodes).build())
                    _check_size(len(triples))
                    self.graph.replace_graph(document_id, sorted(triples, key=lambda t: tuple(x.n3() for x in t)))
                    self.store.db.execute("INSERT OR REPLACE INTO graph_documents VALUES (?, ?)", (document_id, digest))
                    changed += 1
                if document_id in failures.new:  # no half-rendered or stale graph for it
                    known[document_id] = None
            for removed in known:  # documents deleted from the store, or failed this time
                self.graph.drop_graph(removed)
                self.store.db.execute("DELETE FROM graph_documents WHERE document_id = ?", (removed,))
                self.store.db.execute("DELETE FROM graph_extractions WHERE document_id = ?", (removed,))
                changed += 1
            failures.save()
            # Published before the commit: a crash in between makes the next run redo and publish again,
            # never leave readers on an older graph than the one recorded as done.
            if changed or not self.graph.is_published:
                self.graph.publish(f"g{self.store.generation}")
            self.store.set_meta("graph_generation", f"{self.store.generation}:{EXTRACTION_VERSION}")
        failures.raise_if_new()
        return changed

    def _extractions(self, signatures: dict[str, str], failures: FailureLog, *, use_cache: bool) -> list[Extraction]:
        """Every document's extraction (from the cache when its signature is unchanged), but those that fail."""
        cached = {
            d: (sig, payload)
            for d, sig, payload in self.store.db.execute("SELECT document_id, signature, payload FROM graph_extractions")
        }
        extractions, fresh = [], []
        for document_id in sorted(signatures):
            if failures.is_skipped(document_id):
                continue
            with failures.guard(document_id):
                document = self.store.get_document(document_id)
                hit = cached.get(document_id) if use_cache else None
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
                payload = pickle.dumps(replace(extraction, document=None))  # type: ignore[arg-type]  # the document is re-read
                self.store.db.execute(
                    "INSERT OR REPLACE INTO graph_extractions VALUES (?, ?, ?)",
                    (document_id, f"{signatures[document_id]}:{EXTRACTION_VERSION}", payload),
                )
        return extractions


def _identity_digest(extraction: Extraction, nodes: dict[tuple, DocumentNode]) -> str:
    """What a document's graph depends on: its own content and the URIs its references resolve to."""
    refs = ([extraction.itself] if extraction.itself else []) + extraction.references
    parts = [extraction.document.id, extraction.document.file_hash, EXTRACTION_VERSION]
    for ref in refs:
        node = nodes[ref.key]
        parts.append(f"{ref.written}@{ref.evidence.start}->{node.uri}|{node.date}|{node.subject}")
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()
