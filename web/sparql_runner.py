"""SPARQL queries in killable worker processes: a timeout that really stops the work, a result cap.

Neither rdflib nor pyoxigraph can interrupt a running query, so each query runs in a spawned worker
process holding a read-only Oxigraph store (the newest published checkpoint, see graph.snapshots,
reopened when a newer one is published); past the timeout the worker is killed and replaced.
Results are capped at `max_rows`; a capped result says so (`truncated`), never silently.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pyoxigraph

from core.errors import QueryError
from graph.query_text import in_query_order, strip_strings_and_comments, without_iris
from graph.uris import PREFIXES

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {"turtle": "text/turtle", "ntriples": "application/n-triples", "jsonld": "application/ld+json"}
_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX|BASE)\s[^\n]*\n\s*)*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE
)
# The SERVICE keyword anywhere in the code (not a variable ?service, not a prefixed name ex:service),
# with or without a space before its IRI.
_SERVICE = re.compile(r"(?<![\w?$:.-])SERVICE(?![\w:-])", re.IGNORECASE)
_FROM = re.compile(r"\bFROM\s+(?:NAMED\s+)?<([^>]*)>", re.IGNORECASE)


_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000  # linux/sched.h


class QueryUnavailable(QueryError):
    """The query could not be answered now (HTTP 503): the client may try again."""


class QueryTimeout(QueryUnavailable):
    """The query ran past the time limit and was stopped."""


class WorkersBusy(QueryUnavailable):
    """Every worker stayed busy for the whole wait (one query timeout by default): the query was not started."""


class QueryRefused(QueryError):
    """The query asks for something the read-only endpoint never does (update, SERVICE, remote FROM)."""

    def __init__(self, message: str, *, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class QueryOutput:
    body: bytes
    content_type: str
    truncated: bool
    rows: int


def check_allowed(query: str, *, max_chars: int, local_graph_prefix: str) -> None:
    """Refuse updates, federation and datasets outside the store, before anything runs."""
    if len(query) > max_chars:
        raise QueryRefused(f"query is {len(query)} characters; the limit is {max_chars}", status=413)
    stripped = strip_strings_and_comments(query)
    code = without_iris(stripped)
    if _UPDATE.search(code):
        raise QueryRefused("SPARQL Update is not accepted: this endpoint is read-only")
    if _SERVICE.search(code):
        raise QueryRefused("SERVICE (federated query) is not allowed: queries never leave this server")
    for iri in _FROM.findall(stripped):
        if not iri.startswith(local_graph_prefix):
            raise QueryRefused(f"FROM <{iri}> is outside this store: only graphs under {local_graph_prefix} can be named")


class SparqlRunner:
    """A small pool of worker processes answering queries over a read-only copy of the store."""

    def __init__(
        self, store_path: Callable[[], Path], *, timeout: float, max_rows: int, workers: int = 2, wait: float | None = None
    ) -> None:
        self.store_path, self.timeout, self.max_rows = store_path, timeout, max_rows
        self.wait = timeout if wait is None else wait  # longest wait for a free worker
        self._context = multiprocessing.get_context("spawn")
        self.workers = workers
        self._free = [self._start() for _ in range(workers)]
        self._lock = threading.Condition()

    def _start(self):
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker, args=(child,), daemon=True)
        process.start()
        return process, parent

    def close(self) -> None:
        with self._lock:
            for process, connection in self._free:
                connection.close()
                process.kill()
            self._free = []

    def run(self, query: str, result_format: str, graph_format: str) -> QueryOutput:
        # Wait for a worker at most one timeout: slow queries must not hold the server's request
        # threads (which searches need too) in an unbounded queue.
        with self._lock:
            if not self._lock.wait_for(lambda: self._free, timeout=self.wait):
                raise WorkersBusy(f"all {self.workers} SPARQL workers are busy with other queries; try again shortly")
            process, connection = self._free.pop()
        try:
            connection.send((str(self.store_path()), query, result_format, graph_format, self.max_rows))
            if not connection.poll(self.timeout):
                process.kill()
                process.join(1)
                connection.close()
                process, connection = self._start()
                raise QueryTimeout(f"query stopped after {self.timeout:g} s (REFORM_SPARQL_TIMEOUT)")
            status, payload = connection.recv()
        finally:
            with self._lock:
                self._free.append((process, connection))
                self._lock.notify()
        if status == "error":
            raise QueryError(payload)
        return QueryOutput(*payload)


def _worker(connection) -> None:
    _leave_the_network()
    opened: tuple[str, pyoxigraph.Store] | None = None
    while True:
        try:
            store_path, query, result_format, graph_format, max_rows = connection.recv()
        except EOFError:
            return
        try:
            if opened is None or opened[0] != store_path:
                opened = (store_path, pyoxigraph.Store.read_only(store_path))
            store = opened[1]
            connection.send(("ok", _answer(store, query, result_format, graph_format, max_rows)))
        except SyntaxError as exc:
            connection.send(("error", f"malformed SPARQL: {exc}"))
        except Exception as exc:  # the message goes back to the client as a 400
            connection.send(("error", f"{type(exc).__name__}: {exc}"))


def _leave_the_network() -> bool:
    """Move this worker into a network namespace of its own, with no interfaces up: Oxigraph
    answers SERVICE by fetching over HTTP, so the query check (check_allowed) is backed by a
    process that cannot reach any host, this one included. Needs Linux; unprivileged users get it
    through a user namespace. Where neither is allowed the query check stands alone (logged)."""
    import ctypes
    import logging

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


def _answer(store, query: str, result_format: str, graph_format: str, max_rows: int) -> tuple:
    result = store.query(query, use_default_graph_as_union=True, prefixes={k: str(v) for k, v in PREFIXES.items()})
    if isinstance(result, pyoxigraph.QueryBoolean):
        body = (
            json.dumps({"head": {}, "boolean": bool(result)}).encode()
            if result_format == "json"
            else f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>{str(bool(result)).lower()}</boolean></sparql>'.encode()
        )
        return body, RESULT_TYPES["json" if result_format == "json" else "xml"], False, 1
    if isinstance(result, pyoxigraph.QueryTriples):
        triples = []
        for triple in result:
            if len(triples) == max_rows:
                break
            triples.append(triple)
        truncated = next(iter(result), None) is not None
        rdf_format = {
            "turtle": pyoxigraph.RdfFormat.TURTLE,
            "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
            "jsonld": pyoxigraph.RdfFormat.JSON_LD,
        }[graph_format]
        body = pyoxigraph.serialize(
            triples, format=rdf_format, prefixes={k: str(v) for k, v in PREFIXES.items()} if graph_format == "turtle" else None
        )
        return body, GRAPH_TYPES[graph_format], truncated, len(triples)
    variables = in_query_order([v.value for v in result.variables], query)
    rows = []
    for solution in result:
        if len(rows) == max_rows:
            return _serialize(variables, rows, result_format, truncated=True), RESULT_TYPES[result_format], True, len(rows)
        rows.append([solution[v] for v in variables])
    return _serialize(variables, rows, result_format, truncated=False), RESULT_TYPES[result_format], False, len(rows)


def _serialize(variables: list[str], rows: list[list], result_format: str, *, truncated: bool) -> bytes:
    if result_format == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        document = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        if truncated:
            document["truncated"] = True  # an extension member; standard clients ignore it
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    if result_format == "xml":
        head = "".join(f'<variable name="{v}"/>' for v in variables)
        body = "".join(
            "<result>"
            + "".join(
                f'<binding name="{v}">{_xml_term(t)}</binding>' for v, t in zip(variables, row, strict=True) if t is not None
            )
            + "</result>"
            for row in rows
        )
        return f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head><results>{body}</results></sparql>'.encode()
    separator = "," if result_format == "csv" else "\t"
    header = separator.join(variables if result_format == "csv" else [f"?{v}" for v in variables])
    lines = [header] + [separator.join(_csv_term(t) if result_format == "csv" else _tsv_term(t) for t in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _json_term(term) -> dict:
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term) -> str:
    data = _json_term(term)
    if data["type"] == "uri":
        return f"<uri>{escape(data['value'])}</uri>"
    if data["type"] == "bnode":
        return f"<bnode>{escape(data['value'])}</bnode>"
    attributes = (
        f' xml:lang="{data["xml:lang"]}"'
        if "xml:lang" in data
        else (f' datatype="{escape(data["datatype"])}"' if "datatype" in data else "")
    )
    return f"<literal{attributes}>{escape(data['value'])}</literal>"


def _csv_term(term) -> str:
    if term is None:
        return ""
    value = term.value
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n\r') else value


def _tsv_term(term) -> str:
    return "" if term is None else str(term)
