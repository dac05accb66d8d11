"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json."""

_ERROR = {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _get(summary: str, parameters: list, schema: dict, *, not_found: bool = False) -> dict:
    responses = {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}, "400": _ERROR}
    if not_found:
        responses["404"] = _ERROR
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def _query(name: str, description: str, *, required: bool = False, kind: str = "string") -> dict:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": {"type": kind}}


_TEXT = {"type": ["string", "null"]}
_DATE = {"type": ["string", "null"], "format": "date"}
_RELATIONS = [
    "based_on", "basis_of", "cites", "cited_by", "implements", "implemented_by", "amends", "amended_by", "repeals",
    "repealed_by", "replaces", "replaced_by", "guides", "guided_by", "issued_by", "proposed_by", "task",
    "mentioned_with_agency",
]  # fmt: skip
_LOOKUP = {
    "type": "object",
    "properties": {
        "uri": {"type": "string"},
        "number": _TEXT,
        "type": _TEXT,
        "issuer": _TEXT,
        "date": _DATE,
        "subject": _TEXT,
        "signer": _TEXT,
        "signer_position": {**_TEXT, "description": "as written in running text, e.g. Phó Thủ tướng"},
        "signing_mode": {**_TEXT, "enum": ["TM.", "KT.", "Q.", "TL.", "TUQ.", None]},
        "effective_date": {**_DATE, "description": "eli:first_date_entry_in_force, as the document states it"},
        "end_date": {**_DATE, "description": "stated by the document, else the day a document repealing it comes into force"},
        "status": {
            "type": "object",
            "description": "computed from the store on `as_of`",
            "properties": {
                "code": {"enum": ["not_yet_in_force", "in_force", "partially_in_force", "no_longer_in_force", "unknown"]},
                "label": {"type": "string", "description": "Chưa có hiệu lực, Còn hiệu lực, Hết hiệu lực một phần, …"},
                "as_of": {"type": "string", "format": "date"},
                "reasons": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "kind": {"type": "string"},
                            "text": {"type": "string"},
                            "date": _DATE,
                            "by": {"type": "object"},
                            "part": {"type": "string"},
                        },
                    },
                },
            },
        },
        "label": {"type": "string"},
        "document_id": {**_TEXT, "description": "the ingested text of the document, when the store has it"},
        "mentions": {"type": "array", "items": {"type": "object"}},
        "mentions_total": {"type": "integer", "description": "passages that mention it (at most 100 are listed)"},
        "related": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "relation": {"enum": _RELATIONS},
                    "uri": _TEXT,
                    "number": _TEXT,
                    "label": {"type": "string"},
                    "date": _DATE,
                    "title": _TEXT,
                    "parts": {"type": "array", "items": {"type": "string"}, "description": "e.g. khoản 2 Điều 32"},
                },
            },
        },
        "candidates": {"type": "array", "items": {"type": "object"}},
    },
}

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
            "A document by number in any spelling, or by name: what it is (số hiệu, loại, cơ quan ban hành, người ký, "
            "ngày ban hành, ngày có hiệu lực, trích yếu), its validity status on a day with the reasons, and every "
            "relation both ways (lược đồ). 404 with `did_you_mean`: related numbers only.",
            [
                _query("number", "e.g. 280/QĐ-UBND, qđ 280, Bộ luật Lao động, Luật Đầu tư công 2024", required=True),
                _query("as_of", "judge the validity status on this day, YYYY-MM-DD (default: today)"),
            ],
            {"$ref": "#/components/schemas/Lookup"},
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
            "label, link; `incoming`: the same with subject instead of value, and inverse_label, the relation "
            "as read from this entity, e.g. Văn bản ban hành for eli:passed_by)",
            [{"name": "path", "in": "path", "required": True, "schema": {"type": "string"}}],
            {"type": "object"},
            not_found=True,
        ),
    },
    "components": {
        "schemas": {
            "Error": {"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}},
            "Lookup": _LOOKUP,
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


def operations(spec: dict) -> list[dict]:
    """Every operation of an OpenAPI description, flattened for the /api/docs page: method, path,
    summary, parameters and responses, each response with a one-line description of its schema."""
    schemas = spec.get("components", {}).get("schemas", {})
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            responses = [
                {"status": status, "description": answer.get("description", ""), "schema": _schema_text(answer, schemas)}
                for status, answer in operation.get("responses", {}).items()
            ]
            parameters = [
                dict(p, type=p.get("schema", {}).get("type", "string"), description=p.get("description", ""))
                for p in operation.get("parameters", [])
            ]
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "parameters": parameters,
                    "responses": responses,
                }
            )
    return found


def _schema_text(answer: dict, schemas: dict) -> str:
    """`SearchResponse {query, mode, warnings, answers, results}` or `array of object`."""
    content: dict = next(iter(answer.get("content", {}).values()), {})
    schema = content.get("schema", {})
    name = schema.get("$ref", "").rsplit("/", 1)[-1]
    if name:
        fields = ", ".join(schemas.get(name, {}).get("properties", {}))
        return f"{name} {{{fields}}}" if fields else name
    if schema.get("type") == "array":
        return f"array of {schema.get('items', {}).get('type', 'object')}"
    return schema.get("type", "")
