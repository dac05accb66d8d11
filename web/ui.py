"""The Vietnamese UI: search, documents, entity pages (/id/… with content negotiation), API docs."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from core.errors import QueryError
from graph.lookup import describe, describe_agency, mentioned_entities
from graph.series import series
from graph.uris import local_name
from search.service import MAX_QUERY_CHARS, SearchFilters, document_facets
from web.answers import answer_cards
from web.entities import describe_entity, entity_rdf, entity_uri
from web.openapi import OPENAPI
from web.services import services

ui = Blueprint("ui", __name__, template_folder="templates", static_folder="static", static_url_path="/static")
# The UI speaks Vietnamese: names of relations and kinds as staff would say them.
RELATION_LABELS = {
    "issued_by": "Cơ quan ban hành",
    "based_on": "Căn cứ",
    "basis_of": "Là căn cứ của",
    "cites": "Trích dẫn",
    "cited_by": "Được trích dẫn bởi",
    "implements": "Triển khai",
    "implemented_by": "Được triển khai bởi",
    "amends": "Sửa đổi, bổ sung",
    "amended_by": "Bị sửa đổi, bổ sung bởi",
    "repeals": "Bãi bỏ",
    "replaces": "Thay thế",
    "guides": "Hướng dẫn",
    "task": "Nhiệm vụ",
    "mentioned_with_agency": "Cơ quan được nhắc cùng",
}
KIND_LABELS = {
    "document": "Văn bản",
    "agency": "Cơ quan",
    "person": "Cá nhân",
    "observation": "Số liệu chỉ số",
    "indicator": "Bộ số liệu",
    "concept": "Khái niệm",
    "passage": "Đoạn văn",
    "source": "Bài viết nguồn",
    "plan": "Kế hoạch",
    "task": "Nhiệm vụ",
    "membership": "Chức vụ",
    "annotation": "Chú thích nguồn",
    "entity": "Thực thể",
}
PAGE_SIZE = 10
MAX_PAGE = 10
RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}
FORMAT_PARAM = {"turtle": "text/turtle", "ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}


def segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Text cut into (piece, highlighted) so the template escapes every piece itself.

    >>> segments("Chỉ số SIPAS đạt", [(7, 12)])
    [('Chỉ số ', False), ('SIPAS', True), (' đạt', False)]
    """
    out, cursor = [], 0
    for start, end in spans:
        if start > cursor:
            out.append((text[cursor:start], False))
        out.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        out.append((text[cursor:], False))
    return out


@ui.get("/")
def search_page():
    svc = services()
    typed = request.args.get("q", "").strip()
    query = typed[:MAX_QUERY_CHARS]  # a pasted paragraph is searched by its beginning, and told so
    page = max(1, min(MAX_PAGE, _int(request.args.get("page"), 1)))
    filters = SearchFilters(
        request.args.get("type") or None, request.args.get("issuer") or None, _int(request.args.get("year"), None)
    )
    facets = _facets(svc)
    context = {
        "query": query,
        "page": page,
        "filters": filters,
        "facets": facets,
        "results": [],
        "answers": [],
        "warnings": [],
        "notices": [_shortened_notice(len(typed))] if len(typed) > MAX_QUERY_CHARS else [],
        "has_more": False,
    }
    if query:
        try:
            response = svc.search.search(query, k=min(100, page * PAGE_SIZE + 1), filters=filters)
        except QueryError as exc:
            context["error"] = str(exc)
            return render_template("search.html", **context), 400
        results = response.results[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        context.update(
            results=[(r, segments(r.passage.text, r.highlights)) for r in results],
            warnings=response.warnings,
            answers=answer_cards(svc, query),
            has_more=len(response.results) > page * PAGE_SIZE,
        )
    elif svc.search.vectors is None:
        context["warnings"] = ["embedding model not installed: results are lexical only (run 'reform model install')"]
    return render_template("search.html", **context)


def _shortened_notice(length: int) -> str:
    def number(n: int) -> str:
        return f"{n:,}".replace(",", ".")  # Vietnamese groups thousands with a dot

    return f"Câu hỏi dài {number(length)} ký tự: chỉ {number(MAX_QUERY_CHARS)} ký tự đầu được dùng để tìm kiếm."


MENTION_GROUPS = (("document", "Văn bản"), ("agency", "Cơ quan"), ("observation", "Số liệu chỉ số"), ("person", "Cá nhân"))


@ui.get("/documents/<document_id>")
def document_page(document_id: str):
    svc = services()
    document = svc.store.get_document(document_id)
    page = svc.graph.minter.page_path
    entities = [dict(item, path=page(item["uri"])) for item in mentioned_entities(svc.graph, document_id)]
    groups = [(title, [e for e in entities if e["kind"] == kind]) for kind, title in MENTION_GROUPS]
    return render_template("document.html", document=document, mention_groups=[(t, items) for t, items in groups if items])


@ui.get("/id/<path:path>")
def entity_page(path: str):
    svc = services()
    uri = entity_uri(svc, path)
    mime = FORMAT_PARAM.get(request.args.get("format", "")) or request.accept_mimetypes.best_match(["text/html", *RDF_TYPES])
    if mime in RDF_TYPES:
        return Response(entity_rdf(svc, uri, RDF_TYPES[mime]), content_type=f"{mime}; charset=utf-8")
    entity = describe_entity(svc, uri)
    extra = {}
    if entity["kind"] == "document":
        extra["document"] = describe(svc.graph, svc.store, uri)
    elif entity["kind"] == "agency":
        extra["agency"] = describe_agency(svc.graph, uri)
    if "/id/dataset/" in uri or "/id/indicator/" in uri:
        extra["series"] = _series(svc, uri)
    return render_template(
        "entity.html",
        entity=entity,
        relation_labels=RELATION_LABELS,
        kind_label=KIND_LABELS.get(entity["kind"], entity["kind"]),
        **extra,
    )


@ui.get("/api/docs")
def api_docs():
    return render_template("api_docs.html", spec=OPENAPI)


def _series(svc, uri: str) -> dict:
    """Observations of an indicator by area and year, and the points of a small SVG chart."""
    table = series(svc.graph, local_name(uri))
    values = [row for row in table if row["value"] is not None]
    points = []
    if values:
        years = sorted({int(r["year"]) for r in values})
        low, high = min(r["value"] for r in values), max(r["value"] for r in values)
        for row in values:
            x = 40 + (years.index(int(row["year"])) + 0.5) * 320 / len(years)
            y = 170 - (row["value"] - min(0.0, low)) / ((high - min(0.0, low)) or 1) * 140
            points.append({"x": round(x, 1), "y": round(y, 1), "label": f"{row['year']}: {row['value']:g}"})
    return {"table": table, "points": points}


def _facets(svc) -> dict[str, list]:
    values: dict[str, set] = {"type": set(), "issuer": set(), "year": set()}
    for document in svc.search.documents().values():
        for key, value in document_facets(document).items():
            if value:
                values[key].add(value)
    return {key: sorted(items, key=str) for key, items in values.items()}


def _int(raw, default):
    try:
        return int(raw) if raw not in (None, "") else default
    except ValueError:
        abort(400)
