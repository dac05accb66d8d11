"""Answer cards: the fact a question asks for, from the graph, shown above the passages.

A question naming a document ("280/QĐ-UBND", "QĐ 280", "Bộ luật Lao động") gets that document's card —
with its entry into force, validity status and signer; a question naming
an indicator ("PAR INDEX 2022 Hà Nội xếp thứ mấy?") gets the observation: value, rank, year, area,
and the passage it was read from.
"""

from __future__ import annotations

import re
from typing import Any

from graph.agencies import province_named
from graph.indicators import indicator_in
from graph.lookup import candidates, describe
from graph.names import looks_like_a_name, parse_name_query
from graph.series import observations
from vntext.numbers import find_document_numbers, find_number_references

_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_TYPE_FIRST = re.compile(
    r"^\s*(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh|Nghị định|Nghị quyết|Quyết định|Thông tư|Chỉ thị)\b", re.IGNORECASE
)


def answer_cards(svc, query: str) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    if find_document_numbers(query) or find_number_references(query) or _names_a_document(query):
        for uri in candidates(svc.graph, query)[:3]:
            facts = describe(svc.graph, svc.store, uri)
            first = facts["mentions"][0] if facts["mentions"] else None
            cards.append(
                {
                    "kind": "document",
                    "uri": uri,
                    "path": svc.graph.minter.page_path(uri),
                    "label": facts["label"],
                    "type": facts["type"],
                    "issuer": facts["issuer"],
                    "date": facts["date"],
                    "subject": facts["subject"],
                    "effective_date": facts["effective_date"],
                    "status": facts["status"],
                    "signer": facts["signer"],
                    "signer_position": facts["signer_position"],
                    "signing_mode": facts["signing_mode"],
                    "passage_id": first["passage_id"] if first else None,
                    "document_id": first["document_id"] if first else None,
                }
            )
    indicator = indicator_in(query)
    if indicator is not None:
        cards += _indicator_cards(svc, indicator, query)
    return cards


def _names_a_document(query: str) -> bool:
    """ "Bộ luật Lao động", "Luật Đầu tư công 2024": a query that opens with a document type and names one."""
    parsed = parse_name_query(query)
    return parsed.type_code is not None and bool(parsed.words) and looks_like_a_name(query) and bool(_TYPE_FIRST.match(query))


def _indicator_cards(svc, indicator, query: str) -> list[dict[str, Any]]:
    area = province_named(query)  # no area named: every area's figure
    year = _YEAR.search(query)
    found = observations(svc.graph, indicator.key, area.name if area else None, year.group(1) if year else None)
    return [{"kind": "indicator", "indicator": indicator.label, **row} for row in found[:3]]
