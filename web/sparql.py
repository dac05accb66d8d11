"""The SPARQL 1.1 Protocol endpoint (/sparql): read-only, time-limited, capped, content-negotiated."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request

from graph.examples import example_queries
from graph.sparql import GRAPH_TYPES, RESULT_TYPES, QueryRefused, check_query
from web.services import services
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
    if query is None:
        if _wants_html():
            return render_template("sparql.html", examples=example_queries(), query=None)
        return _refuse(400, "missing 'query': send it as ?query=, form-encoded, or as application/sparql-query")
    svc = services()
    try:
        checked = check_query(query, max_chars=MAX_QUERY_CHARS, local_graph_prefix=svc.graph.minter.graph_prefix)
    except QueryRefused as exc:
        return _refuse(exc.status, str(exc))
    result_format, graph_format = _negotiate()
    try:
        output = svc.sparql.run(checked, result_format, graph_format)
    except QueryUnavailable as exc:
        response = _refuse(503, str(exc))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if request.values.get("format") == "html" or (_wants_html() and request.values.get("format") is None):
        return render_template(
            "sparql.html",
            examples=example_queries(),
            query=query,
            output=output,
            table=_table(output) if output.content_type == RESULT_TYPES["json"] else None,
        )
    response = Response(output.body, content_type=f"{output.content_type}; charset=utf-8")
    response.headers["X-Reform-Truncated"] = "true" if output.truncated else "false"
    response.headers["X-Reform-Rows"] = str(output.rows)
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


def _table(output) -> dict:
    data = json.loads(output.body)
    page = services().graph.minter.page_path
    rows = []
    for binding in data.get("results", {}).get("bindings", []):
        row = []
        for variable in data["head"]["vars"]:
            term = binding.get(variable)
            value = term["value"] if term else ""
            link = page(value) if term and term["type"] == "uri" else None
            row.append({"value": value, "link": link})
        rows.append(row)
    return {"vars": data["head"].get("vars", []), "rows": rows, "truncated": output.truncated, "boolean": data.get("boolean")}
