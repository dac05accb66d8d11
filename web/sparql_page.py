"""The SPARQL query page: editor, example queries, and results as a table people can read.

Results come by GET (`/sparql?query=…`), so a result page can be bookmarked and shared; the page
offers the same result as CSV or JSON. IRIs are shown with their labels, dates and decimals the
Vietnamese way, columns under Vietnamese names; a refused or malformed query comes back on the same
page, in Vietnamese, with the query still in the editor.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, make_response, render_template, url_for

from graph.catalog import labels
from graph.examples import example_queries
from graph.uris import PREFIXES
from web.formatting import vn_date, vn_number
from web.property_labels import PROPERTY_LABELS, compact_name
from web.services import services

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {f"{XSD}{t}" for t in ("decimal", "double", "float")}
# Column names of the example queries (and common ones) in Vietnamese; the variable stays beside it.
COLUMN_LABELS = {
    "number": "Số hiệu",
    "date": "Ngày",
    "subject": "Trích yếu",
    "title": "Tiêu đề",
    "year": "Năm",
    "value": "Giá trị",
    "rank": "Xếp hạng",
    "outOf": "Trên tổng số",
    "passage": "Đoạn văn",
    "relation": "Quan hệ",
    "other": "Văn bản liên quan",
    "label": "Tên",
    "agency": "Cơ quan",
    "parent": "Cơ quan cấp trên",
    "start": "Vị trí đầu",
    "end": "Vị trí cuối",
    "exact": "Đoạn trích",
    "effective": "Ngày có hiệu lực",
    "type": "Loại",
    "documents": "Số văn bản",
    "doc": "Văn bản",
    "document": "Văn bản",
    "issuer": "Cơ quan ban hành",
    "person": "Cá nhân",
    "name": "Họ tên",
    "role": "Chức vụ",
    "area": "Địa bàn",
    "indicator": "Chỉ số",
    "count": "Số lượng",
    "predicate": "Thuộc tính",
    "object": "Giá trị",
    "s": "Chủ thể",
    "p": "Thuộc tính",
    "o": "Giá trị",
}
ERROR_TITLES = {
    400: "Truy vấn có lỗi cú pháp",
    403: "Truy vấn không được phép",
    413: "Truy vấn quá dài",
    503: "Truy vấn chưa chạy xong",
}
ERROR_HINTS = {
    400: "Hãy sửa truy vấn theo thông báo của bộ phân tích bên dưới (dòng, cột) rồi chạy lại.",
    403: "Trang này chỉ đọc: không nhận lệnh cập nhật (INSERT, DELETE …), SERVICE tới máy chủ khác hay dữ liệu ngoài kho.",
    413: "Truy vấn vượt quá 20.000 ký tự; hãy rút gọn.",
    503: "Truy vấn chạy quá thời gian cho phép hoặc máy chủ đang bận; hãy thêm LIMIT, thu hẹp điều kiện, hoặc thử lại sau ít phút.",
}


def sparql_page(query: str | None, *, output=None, error: Exception | None = None, status: int = 200) -> Response:
    """The query page: the editor holding `query` (else the first example), results or an error."""
    examples = example_queries()
    context: dict[str, Any] = {
        "examples": [{"title": e.title, "query": e.query, "url": url_for("sparql.endpoint", query=e.query)} for e in examples],
        "query": query,
        "editor_text": query if query is not None else examples[0].query,
        "prefixes": [{"prefix": p, "namespace": str(ns)} for p, ns in PREFIXES.items()],
        "vocabulary": json.dumps(_vocabulary(), ensure_ascii=False),
    }
    if error is not None:
        context["error"] = {
            "title": ERROR_TITLES.get(status, "Truy vấn không chạy được"),
            "hint": ERROR_HINTS.get(status, ""),
            "detail": str(error),
        }
    elif output is not None:
        context["output"] = output
        context["downloads"] = {fmt: url_for("sparql.endpoint", query=query, format=fmt, download=1) for fmt in _formats(output)}
        if output.content_type.startswith("application/sparql-results+json"):
            context["table"] = result_table(output.body, truncated=output.truncated)
        else:
            context["graph_text"] = output.body.decode("utf-8")
    return make_response(render_template("sparql.html", **context), status)


def _formats(output) -> list[str]:
    if output.content_type.startswith("application/sparql-results+json"):
        return ["csv", "json", "tsv"]
    return ["turtle", "jsonld", "nt"]


def result_table(body: bytes, *, truncated: bool) -> dict[str, Any]:
    """SPARQL JSON results as rows of cells {text, link, iri, kind}, with labels for IRIs."""
    data = json.loads(body)
    variables = data.get("head", {}).get("vars", [])
    bindings = data.get("results", {}).get("bindings", [])
    svc = services()
    page = svc.graph.minter.page_path
    iris = [t["value"] for b in bindings for t in b.values() if t.get("type") == "uri" and page(t["value"])]
    names = labels(svc.graph, iris) if iris else {}
    rows = [[_cell(binding.get(v), names, page) for v in variables] for binding in bindings]
    columns = [{"name": v, "label": COLUMN_LABELS.get(v)} for v in variables]
    return {"columns": columns, "rows": rows, "truncated": truncated, "boolean": data.get("boolean")}


def _cell(term: dict[str, Any] | None, names: dict[str, str], page) -> dict[str, Any]:
    if term is None:
        return {"text": "", "link": None, "iri": None}
    value = term["value"]
    if term["type"] == "uri":
        link = page(value)
        if link:
            return {"text": names.get(value) or link, "link": link, "iri": value}
        known = compact_name(value)
        label = PROPERTY_LABELS.get(value)
        return {"text": f"{label} ({known})" if label else known, "link": None, "iri": value if known == value else None}
    datatype = term.get("datatype", "")
    if datatype == f"{XSD}date":
        return {"text": vn_date(value), "link": None, "iri": None, "raw": value}
    if datatype in NUMERIC:
        try:
            return {"text": vn_number(float(value)), "link": None, "iri": None, "raw": value}
        except ValueError:
            pass
    return {"text": value, "link": None, "iri": None}


def _vocabulary() -> list[dict[str, str]]:
    """What the editor completes: the predefined prefixes and every named property (with its Vietnamese name)."""
    words = [{"text": f"{prefix}:", "hint": str(namespace)} for prefix, namespace in PREFIXES.items()]
    words += [
        {"text": compact_name(iri), "hint": label}
        for iri, label in sorted(PROPERTY_LABELS.items(), key=lambda kv: compact_name(kv[0]))
    ]
    for name in ("LegalResource", "LegalResourceSubdivision"):
        words.append({"text": f"eli:{name}", "hint": "lớp"})
    words += [
        {"text": t, "hint": "lớp"}
        for t in (
            "org:Organization",
            "org:Membership",
            "foaf:Person",
            "qb:Observation",
            "qb:DataSet",
            "skos:Concept",
            "oa:Annotation",
            "reform:Passage",
            "reform:Plan",
            "reform:Task",
        )
    ]
    return words
