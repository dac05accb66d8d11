"""The JSON API (/api/…): search with answer cards, lookup, documents, entities, OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from core.errors import QueryError
from graph.lookup import close_matches, lookup_number
from search.service import MAX_K, SearchFilters
from web.answers import answer_cards
from web.entities import describe_entity, entity_uri
from web.openapi import OPENAPI
from web.services import services

api = Blueprint("api", __name__)


@api.get("/search")
def search():
    query = request.args.get("q", "")
    k = _int_arg("k", 10, 1, MAX_K)
    filters = SearchFilters(
        request.args.get("type") or None,
        request.args.get("issuer") or None,
        _int_arg("year", None, 1900, 2100) if request.args.get("year") else None,
    )
    svc = services()
    response = svc.search.search(query, k=k, mode=request.args.get("mode", "hybrid"), filters=filters)
    payload = response.as_dict()
    payload["answers"] = answer_cards(svc, query)
    return jsonify(payload)


@api.get("/lookup")
def lookup():
    number = request.args.get("number", "")
    svc = services()
    found = lookup_number(svc.graph, svc.store, number, as_of=request.args.get("as_of") or None)
    if found is None:
        response = jsonify({"error": f"not found: {number}", "status": 404, "did_you_mean": close_matches(svc.graph, number)})
        response.status_code = 404
        return response
    return jsonify(found)


@api.get("/documents")
def documents():
    return jsonify(services().store.document_summaries())


@api.get("/documents/<document_id>")
def document(document_id: str):
    return jsonify(services().store.get_document(document_id).as_dict(with_file_path=False))


@api.get("/entities/<path:path>")
def entity(path: str):
    svc = services()
    return jsonify(describe_entity(svc, entity_uri(svc, path)))


@api.get("/openapi.json")
def openapi():
    return jsonify(OPENAPI)


def _int_arg(name: str, default, low: int, high: int):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise QueryError(f"{name} must be between {low} and {high}")
    return value
