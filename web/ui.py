"""The Vietnamese UI: search, document list and full texts, entity pages (/id/… with content
negotiation), API docs, and the static files they use."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from werkzeug.routing import BuildError

from core.errors import QueryError, ReformError
from graph.lookup import candidates, describe, mentioned_entities
from search.service import MAX_QUERY_CHARS
from search.terms import query_terms
from vntext.numbers import find_document_numbers, find_number_references
from web import formatting
from web.answers import answer_cards
from web.assets import StaticAssets
from web.catalog import catalog
from web.entities import entity_rdf, entity_uri
from web.entity_view import entity_context
from web.fulltext import layout, page_label, where
from web.highlighting import RARE_SHARE, spans_for_terms
from web.legal_view import facts, status_view
from web.openapi import OPENAPI, operations
from web.results import apply_filters, facet_counts, group_by_document, pieces, selected_filters, snippet
from web.services import services

ui = Blueprint("ui", __name__, template_folder="templates")
PAGE_SIZE = 10  # documents per page
MAX_PAGE = 10
CANDIDATES = 60  # passages searched, then grouped by document
BEST_CHARS, SNIPPET_CHARS = 600, 260  # excerpt of a document's best passage, of its other passages
RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}
FORMAT_PARAM = {"turtle": "text/turtle", "ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}
EXAMPLE_QUESTIONS = (
    "Chỉ số PAR INDEX 2022 của Hà Nội xếp thứ mấy?",
    "QĐ 280",
    "Nhiệm vụ chuyển đổi số năm 2023",
    "chi so hai long SIPAS",
    "Điều 5 Luật Tổ chức Chính phủ",
)
MENTION_GROUPS = (("document", "Văn bản"), ("agency", "Cơ quan"), ("observation", "Số liệu chỉ số"), ("person", "Cá nhân"))


@ui.record_once
def _prepare(state) -> None:
    """Read the static files, and build the document catalog (with each stored document's validity)
    now rather than on the first search."""
    app = state.app
    app.extensions["reform_assets"] = StaticAssets(Path(__file__).parent / "static")
    with app.app_context(), suppress(ReformError):  # no graph published yet: built on first use
        svc = app.extensions["reform"]
        books = catalog(svc)
        for document in svc.search.documents().values():
            books.card(document)  # judges each stored document's validity once


@ui.app_template_global("asset_url")
def asset_url(name: str) -> str:
    return current_app.extensions["reform_assets"].url(name)


for _name in ("vn_date", "vn_number", "vn_percent"):
    ui.add_app_template_filter(getattr(formatting, _name), _name)
ui.add_app_template_filter(status_view, "status_view")
ui.add_app_template_filter(where, "where")


@ui.app_template_global("page_of")
def page_of(document, passage) -> dict | None:
    """ "trang N" for a passage of a paged source, linked to the original PDF opened at that page."""
    label = page_label(passage.pages)
    if not label:
        return None
    original = _original_file(document)
    pdf = original is not None and str(document.path).lower().endswith(".pdf")
    return {"label": label, "url": f"{original['url']}#page={min(passage.pages)}" if pdf and original else None}


@ui.get("/static/<path:name>")
def static(name: str) -> Response:
    return current_app.extensions["reform_assets"].response(name, request)


@ui.get("/favicon.ico")
def favicon() -> Response:
    return current_app.extensions["reform_assets"].response("favicon.svg", request)


@ui.get("/")
def search_page():
    svc = services()
    typed = request.args.get("q", "").strip()
    query = typed[:MAX_QUERY_CHARS]  # a pasted paragraph is searched by its beginning, and told so
    page = max(1, min(MAX_PAGE, _int(request.args.get("page"), 1)))
    selected = selected_filters(request.args)
    context = {"query": query, "page": page, "selected": selected, "groups": [], "facets": [], "answers": [], "warnings": []}
    context["notices"] = [_shortened_notice(len(typed))] if len(typed) > MAX_QUERY_CHARS else []
    if not query:
        context.update(examples=EXAMPLE_QUESTIONS, stats=_library_stats(svc), model_missing=svc.search.vectors is None)
        return render_template("home.html", **context)
    try:
        response = svc.search.search(query, k=CANDIDATES)
    except QueryError as exc:
        context["error"] = str(exc)
        return render_template("search.html", **context), 400
    books = catalog(svc)
    groups = group_by_document(response.results, books.card)
    chosen = apply_filters(groups, selected)
    shown = chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    _mark(svc, shown, query, response.expansions)
    context.update(
        groups=shown,
        total_documents=len(chosen),
        total_passages=sum(len(g.results) for g in chosen),
        facets=_facet_links(facet_counts(groups, selected), query, selected),
        page_url=lambda n: url_for("ui.search_page", q=query, page=n, **selected),
        has_more=len(chosen) > page * PAGE_SIZE,
        warnings=response.warnings,
        answers=answer_cards(svc, query),
        missing=_missing_number(svc, query, books),
    )
    return render_template("search.html", **context)


def _mark(svc, groups, query: str, expansions: list[str]) -> None:
    """Marks on the shown passages, each cut to an excerpt around its first mark (longer for the best one)."""
    terms = query_terms(query, expansions=expansions)
    is_rare = _rarity(svc)
    for group in groups:
        group.pieces = []
        for i, result in enumerate(group.shown):
            spans = spans_for_terms(result.passage.text, terms, is_rare=is_rare)
            start, end = snippet(result.passage.text, spans, width=BEST_CHARS if i == 0 else SNIPPET_CHARS)
            group.pieces.append(pieces(result.passage.text, spans, start, end))


def _rarity(svc):
    """Whether a (folded) syllable is found in under RARE_SHARE of the library's passages."""
    index = svc.search.lexical.index()
    total = max(1, len(index))
    return lambda folded: 0 < index.document_frequency(f"f:{folded}") / total < RARE_SHARE


def _facet_links(facets: list[dict], query: str, selected: dict[str, str]) -> list[dict]:
    """Each facet value's link: the same search with that value chosen, or unchosen when it is."""
    for facet in facets:
        for value in facet["values"]:
            chosen: dict[str, Any] = {k: v for k, v in selected.items() if k != facet["key"]}
            if not value["selected"]:
                chosen[facet["key"]] = value["value"]
            value["url"] = url_for("ui.search_page", q=query, **chosen)
    return facets


def _missing_number(svc, query: str, books) -> dict | None:
    """ "Không tìm thấy văn bản số …" with the nearest known numbers, when the query names a number the graph lacks."""
    numbers = [n.canonical for _, _, n in find_document_numbers(query)]
    references = find_number_references(query)
    if not (numbers or references) or len(query) > 200:
        return None
    if candidates(svc.graph, query):
        return None
    typed = numbers[0] if numbers else f"{references[0].number} ({references[0].type_code})"
    return {"number": typed, "closest": books.closest(query)}


def _shortened_notice(length: int) -> str:
    return (
        f"Câu hỏi dài {formatting.vn_number(length)} ký tự: chỉ {formatting.vn_number(MAX_QUERY_CHARS)} "
        "ký tự đầu được dùng để tìm kiếm."
    )


def _library_stats(svc) -> dict:
    return {"documents": len(svc.search.documents()), "passages": svc.store.passage_count()}


@ui.get("/documents")
def documents_page():
    svc = services()
    books = catalog(svc)
    rows = sorted(
        ((document, books.card(document)) for document in svc.search.documents().values()),
        key=lambda pair: (pair[1].date or "", pair[0].title),
        reverse=True,
    )
    return render_template("documents.html", rows=rows)


@ui.get("/documents/<document_id>")
def document_page(document_id: str):
    svc = services()
    document = svc.store.get_document(document_id)
    query = request.args.get("q", "").strip()[:MAX_QUERY_CHARS]
    spans_of = None
    if query:
        terms, is_rare = query_terms(query), _rarity(svc)
        spans_of = lambda text: spans_for_terms(text, terms, is_rare=is_rare)  # noqa: E731
    page = svc.graph.minter.page_path
    entities = [dict(item, path=page(item["uri"])) for item in mentioned_entities(svc.graph, document_id)]
    groups = [(title, [e for e in entities if e["kind"] == kind]) for kind, title in MENTION_GROUPS]
    entry = catalog(svc).entry_of(document)
    lookup = describe(svc.graph, svc.store, entry.uri) if entry is not None else None
    return render_template(
        "document.html",
        document=document,
        card=catalog(svc).card(document),
        facts=facts(lookup, page) if lookup else None,
        entity_path=page(entry.uri) if entry else None,
        text=layout(document, spans_of),
        original=_original_file(document),
        query=query,
        mention_groups=[(t, items) for t, items in groups if items],
    )


def _original_file(document) -> dict | None:
    """Where the ingested file itself can be fetched (web.files), and its name."""
    try:
        url = url_for("files.original_file", document_id=document.id)
    except BuildError:  # served without the files blueprint
        return None
    return {"url": url, "name": document.metadata.get("file_name") or document.id}


@ui.get("/id/<path:path>")
def entity_page(path: str):
    svc = services()
    uri = entity_uri(svc, path)
    mime = FORMAT_PARAM.get(request.args.get("format", "")) or request.accept_mimetypes.best_match(["text/html", *RDF_TYPES])
    if mime in RDF_TYPES:
        return Response(entity_rdf(svc, uri, RDF_TYPES[mime]), content_type=f"{mime}; charset=utf-8")
    context = entity_context(svc, uri)
    return render_template(context.pop("template"), **context)


@ui.get("/api/docs")
def api_docs():
    return render_template("api_docs.html", spec=OPENAPI, operations=operations(OPENAPI))


def _int(raw, default):
    try:
        return int(raw) if raw not in (None, "") else default
    except ValueError:
        abort(400)
