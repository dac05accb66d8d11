"""`reform serve`: the app under gunicorn, one worker process per core with a few threads each.

Processes, because a search is mostly Python holding the GIL; a few threads, so that one thread
runs Python while another waits on ONNX (which releases the GIL) or on a SPARQL worker process.
The figures behind these defaults are in the README (Web, benchmarks). The server only reads
(library.indexes), so workers share the data directory; each opens its own services after the fork
(ONNX Runtime and the SPARQL worker pool do not survive a fork).
"""

from __future__ import annotations

import gc
import html
import multiprocessing
import os
import socket
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from gunicorn import util as gunicorn_util
from gunicorn.app.base import BaseApplication

from core.errors import ReformError
from core.settings import Settings
from ingest.store import DocumentStore
from library.indexes import published_graph
from web.app import SECURITY_HEADERS, create_app

MAX_WORKERS = 4  # each worker holds the query encoder and indexes (~0.8 GB resident)


def default_workers() -> int:
    """One worker process per core, at most MAX_WORKERS."""
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0))))


def _error_page(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's answer to a request it refuses itself (line too long, too many headers, malformed),
    with the security headers every other response carries; replaces gunicorn.util.write_error."""
    body = f"<html><head><title>{status_int} {html.escape(reason)}</title></head><body><h1>{status_int} {html.escape(reason)}</h1></body></html>"
    headers = "".join(f"{name}: {value}\r\n" for name, value in SECURITY_HEADERS.items())
    response = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: text/html; charset=utf-8\r\n{headers}"
        f"Content-Length: {len(body.encode())}\r\n\r\n{body}"
    )
    gunicorn_util.write_nonblock(sock, response.encode("latin-1", "replace"))


class ReformServer(BaseApplication):
    """gunicorn configured from code: no config file to find, the same settings in every worker."""

    def __init__(self, settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
        gunicorn_util.write_error = _error_page  # inherited by the forked workers
        self.settings = settings
        self.options = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "web.http_worker.RequestBufferingWorker",  # gthread, requests read by the event loop
            "threads": threads,
            "timeout": int(settings.sparql_timeout) + 30,  # a SPARQL query may take its whole timeout
            "graceful_timeout": 10,
            # One listening socket per worker, the kernel spreading connections over them. With one
            # shared socket a burst of new connections tended to land on one worker, whose keep-alive
            # clients then queued on its GIL while the other idled (p95 155–197 ms against 112–127).
            "reuse_port": True,
            "limit_request_line": 8190,  # gunicorn's maximum; long SPARQL queries are POSTed (the query page does)
            "proc_name": "reform-kg",
            "loglevel": "warning",
            "accesslog": None,
            "errorlog": "-",
            "worker_exit": _close_services,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Callable:
        app = create_app(self.settings)
        # The model, indexes and graph are millions of long-lived objects: left to the cyclic GC,
        # every full collection walks them all, a pause for whichever requests are running.
        gc.collect()
        gc.freeze()
        return app


def _close_services(server, worker) -> None:
    app = getattr(worker, "wsgi", None)
    if app is not None and "reform" in getattr(app, "extensions", {}):
        app.extensions["reform"].close()


def serve(
    settings: Settings, *, host: str, port: int, workers: int, threads: int, on_ready: Callable[[], None] | None = None
) -> None:
    """Run until interrupted. Startup problems (port taken, nothing ingested, …) are raised here,
    before forking; `on_ready` runs once they are ruled out, just before the workers start."""
    ensure_port_free(host, port)
    # The graph catch-up and check run in a separate process: Oxigraph (RocksDB) opened in the master
    # before gunicorn forks left its workers unable to exit (they hung, then crashed, at shutdown).
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(prepare, settings).result()
    if on_ready is not None:
        on_ready()
    ReformServer(settings, host=host, port=port, workers=workers, threads=threads).run()


def ensure_port_free(host: str, port: int) -> None:
    """Refuse a port something already listens on. The workers' sockets use SO_REUSEPORT, which
    would let a second `reform serve` (an old one still running, another data directory) bind the
    same port and silently answer half the requests; a probe without it gets EADDRINUSE instead."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed server's TIME_WAIT is fine
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ReformError(
                f"cannot listen on {host}:{port}: {exc.strerror} (is another reform serve running? choose --port)"
            ) from None


def prepare(settings: Settings) -> None:
    """Bring the graph up to date and make sure there is a published one to serve."""
    with DocumentStore(settings.database_path) as store:
        published_graph(settings, store).current()
