"""What an entity page (/id/…) shows, by kind: a document as the legal portals show it, an agency
with its documents, an indicator with its series, a figure, a passage or source text with the
document it belongs to, anything else as named facts. Every page keeps the machine view (IRIs,
properties, RDF formats) in its "Dữ liệu kỹ thuật" section, and gets a relation drawing only when
its neighbourhood is small enough to read."""

from __future__ import annotations

from typing import Any

from core.errors import NotFoundError
from graph.lookup import describe, describe_agency
from graph.series import observations, series
from graph.uris import local_name
from ingest.document import document_id_of
from web.catalog import catalog
from web.charts import format_value, line_chart
from web.entities import describe_entity
from web.fulltext import where
from web.highlighting import meaningful_spans
from web.legal_view import facts, relation_groups, tasks
from web.results import pieces, snippet

KIND_LABELS = {
    "document": "Văn bản",
    "agency": "Cơ quan, tổ chức",
    "person": "Cá nhân",
    "observation": "Số liệu chỉ số",
    "indicator": "Chỉ số",
    "concept": "Danh mục",
    "passage": "Đoạn văn",
    "source": "Bài viết, văn bản nguồn",
    "plan": "Kế hoạch",
    "task": "Nhiệm vụ",
    "membership": "Chức vụ",
    "annotation": "Chú thích nguồn",
    "entity": "Mục dữ liệu",
}
# Properties a reader does not need in the plain facts (they stay in "Dữ liệu kỹ thuật").
TECHNICAL = {
    "rdf:type",
    "reform:numberKey",
    "reform:localNumber",
    "reform:year",
    "reform:start",
    "reform:end",
    "dcterms:identifier",
}
DRAWING_MAX_NEIGHBOURS = 12  # beyond this the lists on the page read better than any drawing
MENTION_CHARS = 420
DRAWING_SKIP = ("/id/passage/", "/id/annotation/")


def entity_context(svc, uri: str) -> dict[str, Any]:
    """Template name and context of the entity page of `uri`."""
    entity = describe_entity(svc, uri)
    kind = _kind(entity, uri)
    context: dict[str, Any] = {
        "template": "entity.html",
        "entity": entity,
        "kind": kind,
        "kind_label": KIND_LABELS.get(kind, KIND_LABELS["entity"]),
        "api_path": "/api/entities/" + uri.split("/id/", 1)[1],
        "drawing": kind != "indicator" and _drawable(entity),
    }
    builder = _BUILDERS.get(kind)
    context.update(builder(svc, uri, entity) if builder else {})
    context.setdefault("plain_facts", _plain_facts(entity))
    return context


def _kind(entity: dict[str, Any], uri: str) -> str:
    if "/id/indicator/" in uri or "/id/dataset/" in uri:
        return "indicator"
    if entity["kind"] == "entity" and any(p["property_name"] == "eli:is_part_of" for p in entity["properties"]):
        return "subdivision"
    return entity["kind"]


def _document(svc, uri: str, entity: dict[str, Any]) -> dict[str, Any]:
    lookup = describe(svc.graph, svc.store, uri)
    page = svc.graph.minter.page_path
    outgoing, incoming = relation_groups(lookup, page)
    source_id = lookup.get("document_id") or catalog(svc).stored_text(uri, svc.search.documents())
    return {
        "lookup": lookup,
        "facts": facts(lookup, page),
        "outgoing": outgoing,
        "incoming_groups": incoming,
        "tasks": tasks(lookup, page),
        "mentions": _mentions_by_document(svc, lookup),
        "source_id": source_id,
        "plain_facts": [],
    }


def _mentions_by_document(svc, lookup: dict[str, Any]) -> list[dict[str, Any]]:
    """Mentions grouped by the document they are in, each an excerpt around the document's number
    (marked) with the article it is in."""
    grouped: dict[str, dict[str, Any]] = {}
    marks = lookup.get("number") or lookup.get("label") or ""
    for mention in lookup.get("mentions", []):
        entry = grouped.setdefault(
            mention["document_id"], {"document_id": mention["document_id"], "title": mention.get("document_title"), "items": []}
        )
        text = mention["text"]
        spans = [s for s in meaningful_spans(text, marks) if _strong_span(text[s[0] : s[1]])]
        passage = svc.store.find_passage(mention["passage_id"])
        entry["items"].append(
            dict(
                mention,
                pieces=pieces(text, spans, *snippet(text, spans, width=MENTION_CHARS)),
                where=where(passage) if passage else None,
            )
        )
    return list(grouped.values())


def _strong_span(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _agency(svc, uri: str, entity: dict[str, Any]) -> dict[str, Any]:
    page = svc.graph.minter.page_path
    agency = describe_agency(svc.graph, uri)
    for key in ("parents", "children", "documents", "people"):
        for item in agency[key]:
            item["path"] = page(item["uri"])
    return {"agency": agency, "plain_facts": _plain_facts(entity, only=("skos:altLabel", "skos:notation"))}


def _indicator(svc, uri: str, entity: dict[str, Any]) -> dict[str, Any]:
    key = local_name(uri)
    rows = []
    for area in sorted({row["area"] for row in series(svc.graph, key)}):
        rows += [dict(r, area=area) for r in observations(svc.graph, key, area)]
    rows.sort(key=lambda r: (r["area"], r["year"]))
    for row in rows:
        row["shown"] = format_value(row["value"], row["unit"], row["scale"])
    return {"observations": rows, "chart": line_chart(rows), "plain_facts": _plain_facts(entity, only=("skos:altLabel",))}


def _observation(svc, uri: str, entity: dict[str, Any]) -> dict[str, Any]:
    values = {p["property_name"]: p for p in entity["properties"]}
    indicator = values.get("reform:indicator")
    area, year = values.get("sdmx-dimension:refArea"), values.get("sdmx-dimension:refPeriod")
    found = []
    if indicator and area:
        found = observations(svc.graph, local_name(indicator["value"]), area["label"] or local_name(area["value"]), None)
    row = next((r for r in found if r["uri"] == uri), None)
    return {
        "indicator": indicator,
        "figure": {
            "area": area["label"] if area else None,
            "year": year["value"] if year else None,
            "value": format_value(row["value"], row["unit"], row["scale"]) if row else None,
            "rank": f"{row['rank']}/{row['rank_of']}" if row and row["rank"] is not None else None,
            "passage_id": row["passage_id"] if row else None,
            "document_id": row["document_id"] if row else None,
        },
        "plain_facts": [],
    }


def _passage(svc, uri: str, entity: dict[str, Any]) -> dict[str, Any]:
    passage = svc.store.find_passage(local_name(uri))
    if passage is None:
        raise NotFoundError(f"passage {local_name(uri)} is no longer in the store")
    document = svc.store.get_document(passage.document_id, with_passages=False)
    return {"passage": passage, "document": document, "plain_facts": []}


def _source(svc, uri: str, entity: dict[str, Any]) -> dict[str, Any]:
    document_id = local_name(uri)
    document = svc.store.get_document(document_id, with_passages=False) if _stored(svc, document_id) else None
    topic = next((p for p in entity["properties"] if p["property_name"] == "foaf:primaryTopic"), None)
    return {
        "document": document,
        "topic": topic,
        "plain_facts": _plain_facts(entity, skip=("dcterms:title", "foaf:primaryTopic")),
    }


def _subdivision(svc, uri: str, entity: dict[str, Any]) -> dict[str, Any]:
    passages = [local_name(p["value"]) for p in entity["properties"] if p["property_name"] == "reform:passage"]
    return {"article_passages": [(document_id_of(p), p) for p in passages]}


_BUILDERS = {
    "document": _document,
    "agency": _agency,
    "indicator": _indicator,
    "observation": _observation,
    "passage": _passage,
    "source": _source,
    "subdivision": _subdivision,
}


def _plain_facts(entity: dict[str, Any], *, only: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The entity's statements as named facts, values merged per property, machine-only ones left out;
    then what points to it, grouped by relation. Values without a label are not shown here."""
    rows: dict[str, dict[str, Any]] = {}
    for item in entity["properties"]:
        name = item["property_name"]
        if name in TECHNICAL or name in skip or (only and name not in only):
            continue
        value = item["label"] or (None if item["link"] or item["value"].startswith("http") else item["value"])
        if value is None or value == entity["label"]:
            continue
        row = rows.setdefault(name, {"label": item["property_label"], "values": []})
        if all(v["text"] != value for v in row["values"]):
            row["values"].append({"text": value, "path": item["link"]})
    if not only:
        for item in entity["incoming"]:
            if not item["link"] or not item["label"] or item["link"].startswith(DRAWING_SKIP):
                continue
            row = rows.setdefault("^" + item["property_name"], {"label": item["inverse_label"], "values": []})
            if all(v["path"] != item["link"] for v in row["values"]):
                row["values"].append({"text": item["label"], "path": item["link"]})
    return list(rows.values())


def _drawable(entity: dict[str, Any]) -> bool:
    """Whether a drawing helps: some linked neighbours, and few enough to read."""
    links = {i["link"] for i in entity["properties"] + entity["incoming"] if i["link"] and not i["link"].startswith(DRAWING_SKIP)}
    links.discard(None)
    return 1 <= len(links) <= DRAWING_MAX_NEIGHBOURS


def _stored(svc, document_id: str) -> bool:
    try:
        svc.store.get_document(document_id, with_passages=False)
    except NotFoundError:
        return False
    return True
