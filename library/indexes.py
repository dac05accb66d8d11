"""The derived indexes of a data directory: which exist, how they catch up, where readers find them.

One process writes at a time (the store's writer lock: an ingest, a reindex, or a catch-up when
nobody is ingesting); everyone else reads what was committed and published. This is what lets
`reform ingest` run while `reform serve` answers queries.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from core.errors import ReformError, StoreError
from core.settings import Settings
from graph.index import GraphIndex
from graph.snapshots import snapshot_root
from graph.store import GraphStore, PublishedGraph
from graph.uris import UriMinter
from ingest.derived import DerivedIndex, sync_indexes
from ingest.store import DocumentStore
from search.embedder import Embedder, model_identity, model_installed
from search.lexical import LexicalIndex
from search.service import SearchService
from search.vectors import VectorIndex

log = logging.getLogger(__name__)
Warn = Callable[[str], None]
MODEL_MISSING = "embedding model not installed; only the lexical index is updated (run 'reform model install')"


def live_graph(settings: Settings, *, replace_damaged: bool = False) -> GraphStore:
    """The writable Oxigraph store (only under the writer lock).

    With `replace_damaged` (a reindex), a store that cannot be opened is moved aside and an empty one
    created, to be rebuilt from the document store: the graph holds nothing the store does not.
    """
    try:
        return GraphStore(settings.graph_path, UriMinter(settings.base_uri))
    except StoreError:
        if not replace_damaged:
            raise
    aside = settings.graph_path.with_name(f"{settings.graph_path.name}.damaged-{int(time.time())}")
    settings.graph_path.rename(aside)
    log.warning("the graph store could not be opened; moved to %s and rebuilt", aside)
    return GraphStore(settings.graph_path, UriMinter(settings.base_uri))


@contextmanager
def writable_indexes(
    settings: Settings,
    store: DocumentStore,
    *,
    warn: Warn = log.warning,
    rebuild: bool = False,
    progress: bool | None = False,
    need_vectors: bool = True,
) -> Iterator[list[DerivedIndex]]:
    """Every derived index, opened for writing: lexical and graph always, vectors when the model is installed.

    Holds the writer lock while open: the graph index opens the live Oxigraph store, which only one
    process may hold (it is closed on exit). `progress`: the embedding progress bar (passages/s,
    time left; None: on a terminal). A model that cannot be loaded stops an ingest or a reindex
    (`need_vectors`, with the command that fixes it) but not a reader's catch-up of the other indexes.
    """
    with store.writer(), live_graph(settings, replace_damaged=rebuild) as live:
        indexes: list[DerivedIndex] = [LexicalIndex(store), GraphIndex(store, live)]
        if model_installed(settings.model_dir):
            try:
                embedder = Embedder(settings.model_dir)
            except ReformError as exc:
                if need_vectors:
                    raise
                warn(f"{exc}; the vector index is not brought up to date")
            else:
                indexes.append(VectorIndex.from_settings(store, embedder, settings, progress=progress))
        else:
            warn(MODEL_MISSING)
        yield indexes


def catch_up(settings: Settings, store: DocumentStore, *, warn: Warn = log.warning) -> bool:
    """Bring every index to the store's generation, unless another process is writing.

    Returns False when a writer is busy (its own run brings the indexes up when it finishes). The
    check reads only the bookkeeping, so a reader whose indexes are current opens nothing. For
    readers, a document an index cannot take in is reported as a warning; they go on reading.
    """
    if indexes_current(settings, store):
        return True
    with store.writer_if_free() as writable:
        if not writable:
            log.info("another process is writing; reading what it last committed and published")
            return False
        with writable_indexes(settings, store, warn=lambda _message: None, need_vectors=False) as indexes:
            for error in sync_indexes(indexes):
                warn(str(error))
        return True


def indexes_current(settings: Settings, store: DocumentStore) -> bool:
    """Whether every derived index reflects the store's generation (bookkeeping only: cheap)."""
    published = PublishedGraph(snapshot_root(settings.graph_path), UriMinter(settings.base_uri)).path is not None
    try:
        vectors = not model_installed(settings.model_dir) or VectorIndex.is_current(store, model_identity(settings.model_dir))
    except (OSError, ValueError, KeyError):  # a damaged model: catch-up skips the vectors (and says so)
        vectors = False
    return published and vectors and LexicalIndex.is_current(store) and GraphIndex.is_current(store)


def published_graph(settings: Settings, store: DocumentStore, *, warn: Warn = log.warning) -> PublishedGraph:
    """The published graph for readers, brought up to date first when nobody else is writing."""
    catch_up(settings, store, warn=warn)
    return PublishedGraph(snapshot_root(settings.graph_path), UriMinter(settings.base_uri))


def open_search(
    settings: Settings,
    *,
    store: DocumentStore | None = None,
    embedder: Embedder | None = None,
    load_model: bool = True,
    warn: Warn = log.warning,
) -> SearchService:
    """A search service over its indexes, brought up to date first when nobody else is writing.

    The service's own indexes are synced (they hold its embedder, whichever model directory it came
    from); a document they cannot take in is a warning here: the ingest that added it reported it.
    """
    service = SearchService(settings, store=store, embedder=embedder, load_model=load_model)
    if not all(index.up_to_date for index in service.indexes):
        with service.store.writer_if_free() as writable:
            for error in sync_indexes(service.indexes) if writable else []:
                warn(str(error))
    return service
