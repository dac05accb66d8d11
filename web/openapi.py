"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json."""

_ERROR = {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _get(summary: str, parameters: list, schema: dict, *, not_found: bool = False) -> dict:
    responses = {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}, "400": _ERROR}
    if not_found:
        responses["404"] = _ERROR
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def _query(name: str, description: str, *, required: bool = False, kind: str = "string") -> dict:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": {"type": kind}}


OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "reform-kg API",
        "version": "0.1.0",
        "description": "Search, lookup and linked data over Vietnamese administrative-reform documents. Read-only.",
    },
    "paths": {
        "/api/search": _get(
            "Hybrid search (passages, highlights as [start, end) spans, answer cards)",
            [
                _query("q", "question or document number", required=True),
                _query("k", "results (1-100)", kind="integer"),
                _query("type", "document type, e.g. Quyết định"),
                _query("issuer", "issuer code, e.g. UBND"),
                _query("year", "document year", kind="integer"),
                _query("mode", "hybrid, lexical or vector"),
            ],
            {"$ref": "#/components/schemas/SearchResponse"},
        ),
        "/api/lookup": _get(
            "A document by number, in any spelling",
            [_query("number", "e.g. 280/QĐ-UBND or qđ 280", required=True)],
            {"type": "object"},
            not_found=True,
        ),
        "/api/documents": _get("Indexed documents", [], {"type": "array", "items": {"type": "object"}}),
        "/api/documents/{id}": _get(
            "One document with its text and passages",
            [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            {"type": "object"},
            not_found=True,
        ),
        "/api/entities/{path}": _get(
            "An entity of the knowledge graph (/id/{path}): uri, kind, label, and its properties both ways "
            "(`properties`: property, property_name such as eli:passed_by, property_label in Vietnamese, value, "
            "label, link; `incoming`: the same with subject instead of value)",
            [{"name": "path", "in": "path", "required": True, "schema": {"type": "string"}}],
            {"type": "object"},
            not_found=True,
        ),
    },
    "components": {
        "schemas": {
            "Error": {"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}},
            "SearchResponse": {
                "type": "object",
                "properties": {
                    "query": {"type": "string"},
                    "mode": {"type": "string"},
                    "warnings": {"type": "array", "items": {"type": "string"}},
                    "answers": {"type": "array", "items": {"type": "object"}},
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "rank": {"type": "integer"},
                                "score": {"type": "number"},
                                "text": {"type": "string"},
                                "highlights": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
                                "passage_id": {"type": "string"},
                                "start": {"type": "integer"},
                                "end": {"type": "integer"},
                                "document": {"type": "object"},
                            },
                        },
                    },
                },
            },
        }
    },
}
