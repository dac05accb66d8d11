"""The derived indexes of a data directory: which exist, how they catch up, where readers find them.

One process writes at a time (the store's writer lock: an ingest, or a catch-up when nobody is
ingesting); everyone else reads what was committed and published. This is what lets
`reform ingest` run while `reform serve` answers queries.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from graph.snapshots import PublishedGraph, snapshot_root
from graph.store import GraphIndex, GraphStore
from graph.uris import UriMinter
from ingest.store import DocumentStore
from reform.settings import Settings

log = logging.getLogger(__name__)


@contextmanager
def index_hooks(settings: Settings, store: DocumentStore, *, warn=log.warning) -> Iterator[list]:
    """Ingest hooks: the lexical index and the graph always, the vectors when the model is installed.

    Holds the writer lock while open: the graph hook opens the live Oxigraph store, which only one
    process may hold (it is closed on exit).
    """
    with store.writer(), live_graph(settings) as live:
        yield _hooks(settings, store, live, warn)


def live_graph(settings: Settings) -> GraphStore:
    """The writable Oxigraph store (only under the writer lock)."""
    return GraphStore(settings.graph_path, UriMinter(settings.base_uri))


def _hooks(settings: Settings, store: DocumentStore, live: GraphStore, warn) -> list:
    from search.lexical import LexicalIndex

    hooks: list = [LexicalIndex(store), GraphIndex(store, live)]
    if (settings.model_dir / "modules.json").is_file():
        from search.embedder import Embedder
        from search.vectors import VectorIndex

        hooks.append(VectorIndex.from_settings(store, Embedder(settings.model_dir), settings))
    else:
        warn("embedding model not installed; only the lexical index is updated (run 'reform model install')")
    return hooks


def catch_up_graph(settings: Settings, store: DocumentStore) -> bool:
    """Bring the graph to the store's generation and publish it, unless another process is writing.

    Returns False when a writer is busy (its own run will publish when it finishes).
    """
    with store.writer_if_free() as writable:
        if not writable:
            log.info("another process is writing; reading the last published graph")
            return False
        with live_graph(settings) as live:
            GraphIndex(store, live).sync()
        return True


def published_graph(settings: Settings, store: DocumentStore) -> PublishedGraph:
    """The published graph for readers, brought up to date first when nobody else is writing."""
    catch_up_graph(settings, store)
    return PublishedGraph(snapshot_root(settings.graph_path), UriMinter(settings.base_uri))
