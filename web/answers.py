"""Answer cards: the fact a question asks for, from the graph, shown above the passages.

A question naming a document ("280/QĐ-UBND", "QĐ 280") gets that document's card; a question naming
an indicator ("PAR INDEX 2022 Hà Nội xếp thứ mấy?") gets the observation: value, rank, year, area,
and the passage it was read from.
"""

from __future__ import annotations

import re
from typing import Any

from graph.agencies import HA_NOI, area_in_context
from graph.indicators import indicator_in
from graph.lookup import candidates, describe
from graph.series import observations
from vntext.numbers import find_document_numbers, find_number_references

_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


def answer_cards(svc, query: str) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    if find_document_numbers(query) or find_number_references(query):
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
                    "passage_id": first["passage_id"] if first else None,
                    "document_id": first["document_id"] if first else None,
                }
            )
    indicator = indicator_in(query)
    if indicator is not None:
        cards += _indicator_cards(svc, indicator, query)
    return cards


def _indicator_cards(svc, indicator, query: str) -> list[dict[str, Any]]:
    area = area_in_context(query, HA_NOI)
    year = _YEAR.search(query)
    found = observations(svc.graph, indicator.key, area.name, year.group(1) if year else None)
    return [{"kind": "indicator", "indicator": indicator.label, "area": area.name, **row} for row in found[:3]]
