"""SPARQL queries in killable worker processes: a timeout that really stops the work, a result cap.

Neither rdflib nor pyoxigraph can interrupt a running query, so each query runs in a spawned worker
process holding a read-only Oxigraph store (the newest published checkpoint, see graph.snapshots,
reopened when a newer one is published); past the timeout the worker is killed and replaced.
Each worker has no network (SERVICE could not fetch anything even past the check) and a memory
ceiling (a runaway join is stopped instead of swallowing the machine); a worker that dies — killed
by that ceiling, or by an engine crash — is replaced before the next query, and the query that
killed it gets a clear error. A query finding every worker busy is refused at once (503 with
Retry-After) rather than queued: waiting requests would hold the server threads searches need.
Results are capped at `max_rows`; a capped result says so (`truncated`), never silently.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from multiprocessing import resource_tracker
from pathlib import Path

import pyoxigraph

from core.errors import QueryError
from graph.sparql import Answer, CheckedQuery, answer

_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000  # linux/sched.h
_OPEN: set[int] = set()  # runners not yet closed in this process (the resource tracker serves them all)
_OPEN_LOCK = threading.Lock()


class QueryUnavailable(QueryError):
    """The query could not be answered now (HTTP 503): the client may try again."""


class QueryTimeout(QueryUnavailable):
    """The query ran past the time limit and was stopped."""


class WorkersBusy(QueryUnavailable):
    """Every worker was busy: the query was not started (the client may retry after a few seconds)."""


class QueryCrashed(QueryError):
    """The query stopped its worker process (its memory ceiling, or an engine failure); the worker was replaced."""


class SparqlRunner:
    """A small pool of worker processes answering queries over a read-only copy of the store."""

    def __init__(
        self,
        store_path: Callable[[], Path],
        *,
        timeout: float,
        max_rows: int,
        max_memory_mb: int = 1024,
        workers: int = 2,
    ) -> None:
        self.store_path, self.timeout, self.max_rows = store_path, timeout, max_rows
        self.max_memory_mb = max_memory_mb
        self._context = multiprocessing.get_context("spawn")
        self.workers = workers
        with _OPEN_LOCK:
            _OPEN.add(id(self))
        self._free = [self._start() for _ in range(workers)]
        self._lock = threading.Lock()

    def _start(self):
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker, args=(child, self.max_memory_mb), daemon=True)
        process.start()
        child.close()  # the worker holds it: when the worker dies, our end reads EOF instead of waiting
        return process, parent

    def close(self) -> None:
        with self._lock:
            for process, connection in self._free:
                connection.close()
                process.kill()
            for process, _ in self._free:  # reaped here: a one-shot `reform sparql` leaves no process behind
                process.join(5)
            self._free = []
        with _OPEN_LOCK:
            _OPEN.discard(id(self))
            if not _OPEN:
                _stop_resource_tracker()

    def run(self, query: CheckedQuery, result_format: str, graph_format: str) -> Answer:
        with self._lock:
            if not self._free:
                raise WorkersBusy(f"all {self.workers} SPARQL workers are busy with other queries; try again shortly")
            process, connection = self._free.pop()
        if not process.is_alive():  # died since its last query: replace it before handing it work
            process, connection = self._replace(process, connection)
        try:
            connection.send((str(self.store_path()), query, result_format, graph_format, self.max_rows))
            if not connection.poll(self.timeout):
                process, connection = self._replace(process, connection)
                raise QueryTimeout(f"query stopped after {self.timeout:g} s (REFORM_SPARQL_TIMEOUT)")
            try:
                status, payload = connection.recv()
            except (EOFError, OSError):
                process, connection = self._replace(process, connection)
                raise QueryCrashed(
                    f"this query stopped the query engine (over the {self.max_memory_mb} MB memory limit, "
                    "REFORM_SPARQL_MAX_MEMORY_MB, or an engine failure); it was restarted: simplify the query"
                ) from None
        finally:
            with self._lock:
                self._free.append((process, connection))
        if status == "error":
            raise QueryError(payload)
        return payload

    def _replace(self, process, connection):
        process.kill()
        process.join(1)
        connection.close()
        return self._start()


def _stop_resource_tracker() -> None:
    """Stop multiprocessing's resource tracker once no runner is open.

    The spawn start method runs that tracker process beside the workers, and it ends only after it
    notices its parent is gone: a one-shot `reform sparql` left it behind for a moment (a zombie
    where init reaps slowly). Stopped and reaped here; multiprocessing starts it again when needed.
    """
    tracker = getattr(resource_tracker, "_resource_tracker", None)
    stop = getattr(tracker, "_stop", None)  # not public API: where it is missing, the tracker ends on its own
    if stop is not None:
        with contextlib.suppress(ChildProcessError):  # a forked server worker: the tracker is its parent's
            stop()


def _worker(connection, max_memory_mb: int) -> None:
    _leave_the_network()
    _limit_memory(max_memory_mb)
    opened: tuple[str, pyoxigraph.Store] | None = None
    while True:
        try:
            store_path, query, result_format, graph_format, max_rows = connection.recv()
        except EOFError:
            return
        try:
            if opened is None or opened[0] != store_path:
                opened = (store_path, pyoxigraph.Store.read_only(store_path))
            connection.send(("ok", answer(opened[1], query, result_format, graph_format, max_rows)))
        except QueryError as exc:
            connection.send(("error", str(exc)))
        except MemoryError:
            connection.send(("error", f"the query needs more than the {max_memory_mb} MB a query may use"))
        except Exception as exc:  # the message goes back to the client as a 400
            connection.send(("error", f"{type(exc).__name__}: {exc}"))


def _limit_memory(max_memory_mb: int) -> None:
    """Cap what this worker may allocate (RLIMIT_DATA counts heap and anonymous mappings, not the store's
    memory-mapped files): past it an allocation fails and the worker ends, instead of the machine swapping."""
    limit = max_memory_mb * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (ValueError, OSError) as exc:
        logging.getLogger(__name__).warning("SPARQL worker memory limit not set: %s", exc)


def _leave_the_network() -> bool:
    """Move this worker into a network namespace of its own, with no interfaces up: Oxigraph
    answers SERVICE by fetching over HTTP, so the query check (graph.sparql.check_query) is backed by a
    process that cannot reach any host, this one included. Needs Linux; unprivileged users get it
    through a user namespace. Where neither is allowed the query check stands alone (logged)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if not hasattr(libc, "unshare"):
        return False
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return True
    logging.getLogger(__name__).warning(
        "SPARQL worker could not leave the network (unshare: %s); SERVICE is refused by the query check only",
        os.strerror(ctypes.get_errno()),
    )
    return False
