"""The SPARQL 1.1 Protocol endpoint (/sparql): read-only, time-limited, capped, content-negotiated."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from core.errors import QueryError
from graph.sparql import GRAPH_TYPES, RESULT_TYPES, QueryRefused, check_query
from web.services import services
from web.sparql_page import sparql_page
from web.sparql_runner import QueryUnavailable

sparql = Blueprint("sparql", __name__)
MAX_QUERY_CHARS = 20_000
RETRY_AFTER_SECONDS = 5  # a 503 (query stopped, or every worker busy) says when to try again
_FORMAT_PARAM = {
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "turtle": "turtle",
    "ttl": "turtle",
    "nt": "ntriples",
    "ntriples": "ntriples",
    "jsonld": "jsonld",
}


@sparql.route("/sparql", methods=["GET", "POST"])
def endpoint():
    if (request.method == "POST" and request.mimetype == "application/sparql-update") or "update" in request.values:
        return _refuse(403, "SPARQL Update is not accepted: this endpoint is read-only")
    query = _query_text()
    page = request.values.get("format") == "html" or (_wants_html() and request.values.get("format") is None)
    if query is None:
        if _wants_html():
            return sparql_page(None)
        return _refuse(400, "missing 'query': send it as ?query=, form-encoded, or as application/sparql-query")
    svc = services()
    try:
        checked = check_query(query, max_chars=MAX_QUERY_CHARS, local_graph_prefix=svc.graph.minter.graph_prefix)
        result_format, graph_format = ("json", "turtle") if page else _negotiate()
        output = svc.sparql.run(checked, result_format, graph_format)
    except QueryRefused as exc:
        return sparql_page(query, error=exc, status=exc.status) if page else _refuse(exc.status, str(exc))
    except QueryUnavailable as exc:
        response = sparql_page(query, error=exc, status=503) if page else _refuse(503, str(exc))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    except QueryError as exc:
        if not page:
            raise
        return sparql_page(query, error=exc, status=400)
    if page:
        return sparql_page(query, output=output)
    response = Response(output.body, content_type=f"{output.content_type}; charset=utf-8")
    response.headers["X-Reform-Truncated"] = "true" if output.truncated else "false"
    response.headers["X-Reform-Rows"] = str(output.rows)
    if request.values.get("download"):
        extension = {"text/csv": "csv", "text/tab-separated-values": "tsv", "text/turtle": "ttl"}.get(output.content_type, "json")
        response.headers["Content-Disposition"] = f'attachment; filename="ket-qua-sparql.{extension}"'
    return response


def _query_text() -> str | None:
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        return request.get_data(as_text=True)
    return request.values.get("query") or None


def _wants_html() -> bool:
    """A browser names text/html; `*/*` (curl's and every HTTP library's default) gets SPARQL results."""
    listed = {value: quality for value, quality in request.accept_mimetypes}
    if "text/html" not in listed:
        return False
    best = request.accept_mimetypes.best_match(["text/html", *RESULT_TYPES.values(), *GRAPH_TYPES.values()])
    return best == "text/html"


def _negotiate() -> tuple[str, str]:
    """(results format, graph format) from ?format= or the Accept header; JSON and Turtle by default."""
    wanted = _FORMAT_PARAM.get(request.values.get("format", ""))
    if wanted in RESULT_TYPES:
        return wanted, "turtle"
    if wanted in GRAPH_TYPES:
        return "json", wanted
    results = {v: k for k, v in RESULT_TYPES.items()}
    graphs = {v: k for k, v in GRAPH_TYPES.items()}
    best_result = request.accept_mimetypes.best_match(list(results)) or "application/sparql-results+json"
    best_graph = request.accept_mimetypes.best_match(list(graphs)) or "text/turtle"
    return results[best_result], graphs[best_graph]


def _refuse(status: int, message: str) -> Response:
    return Response(
        json.dumps({"error": message, "status": status}, ensure_ascii=False), status=status, content_type="application/json"
    )
