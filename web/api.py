"""The JSON API (/api/…): search with answer cards, lookup, documents, entities, OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from reform.errors import NotFoundError, QueryError
from search.service import MAX_K, SearchFilters
from web.answers import answer_cards
from web.app import services
from web.entities import describe_entity, entity_uri

api = Blueprint("api", __name__)
MAX_QUERY_CHARS = 1000


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
    from graph.lookup import candidates, close_matches, describe

    number = request.args.get("number", "")
    svc = services()
    uris = candidates(svc.graph, number)
    if not uris:
        response = jsonify({"error": f"not found: {number}", "status": 404, "did_you_mean": close_matches(svc.graph, number)})
        response.status_code = 404
        return response
    found = [describe(svc.graph, svc.store, uri) for uri in uris]
    main = found[0]
    main["candidates"] = [{"uri": d["uri"], "number": d["number"], "label": d["label"], "issuer": d["issuer"]} for d in found[1:]]
    return jsonify(main)


@api.get("/documents")
def documents():
    return jsonify(services().store.document_summaries())


@api.get("/documents/<document_id>")
def document(document_id: str):
    item = services().store.get_document(document_id)
    return jsonify(
        {
            "id": item.id,
            "title": item.title,
            "date": item.date,
            "source": item.source,
            "author": item.author,
            "kind": item.kind,
            "number": item.number,
            "language": item.language,
            "text": item.text,
            "passages": [
                {"id": p.id, "start": p.start, "end": p.end, "heading": p.heading, "path": list(p.path)} for p in item.passages
            ],
        }
    )


@api.get("/entities/<path:path>")
def entity(path: str):
    svc = services()
    return jsonify(describe_entity(svc, entity_uri(svc, path)))


@api.get("/openapi.json")
def openapi():
    from web.openapi import OPENAPI

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


__all__ = ["api", "NotFoundError"]
