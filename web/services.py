"""What every request uses, opened once per process: the store, search, the published graph, SPARQL workers."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from core.settings import Settings
from graph.store import GraphStore, PublishedGraph
from ingest.store import DocumentStore
from library.indexes import open_search, published_graph
from search.embedder import Embedder
from search.service import SearchService
from web.sparql_runner import SparqlRunner


@dataclass
class Services:
    """Everything a request needs, opened once: store, search, the published graph, SPARQL workers.

    The server only reads: an ingest may run beside it and publish a new graph, which the next
    request picks up (graph.snapshots); the search indexes follow the store's generation.
    """

    settings: Settings
    store: DocumentStore
    search: SearchService
    published: PublishedGraph
    sparql: SparqlRunner

    @property
    def graph(self) -> GraphStore:
        """The newest published graph (read-only)."""
        return self.published.current()

    def close(self) -> None:
        self.sparql.close()
        self.search.close()
        self.store.close()


def open_services(settings: Settings, *, embedder: Embedder | None = None, load_model: bool = True) -> Services:
    store = DocumentStore(settings.database_path).open()
    search = open_search(settings, store=store, embedder=embedder, load_model=load_model)
    published = published_graph(settings, store)
    published.current()  # nothing published and an ingest still running: say so now, not per request
    sparql = SparqlRunner(
        lambda: published.current().path,
        timeout=settings.sparql_timeout,
        max_rows=settings.sparql_max_rows,
        max_memory_mb=settings.sparql_max_memory_mb,
    )
    return Services(settings, store, search, published, sparql)


def services() -> Services:
    """The services of the app handling the current request."""
    return current_app.extensions["reform"]
