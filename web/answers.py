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
from ingest.numbers import find_document_numbers, find_number_references

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
                    "path": uri[len(svc.graph.minter.base) :],
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
    minter = svc.graph.minter
    area = area_in_context(query, HA_NOI)
    year = _YEAR.search(query)
    year_filter = f'FILTER(STR(?year) = "{year.group(1)}")' if year else ""
    rows = svc.graph.query(f"""SELECT DISTINCT ?obs ?year ?value ?unit ?scale ?rank ?of ?passage WHERE {{
        ?obs reform:indicator <{minter.indicator(indicator.key)}> ; sdmx-dimension:refArea <{minter.area(area.name)}> ;
             sdmx-dimension:refPeriod ?year .
        OPTIONAL {{ ?obs reform:value ?value ; sdmx-attribute:unitMeasure ?unit }} OPTIONAL {{ ?obs reform:scale ?scale }}
        OPTIONAL {{ ?obs reform:rank ?rank ; reform:rankOutOf ?of }}
        OPTIONAL {{ ?a oa:hasBody ?obs ; oa:hasTarget/oa:hasSource ?passage }}
        {year_filter} }} ORDER BY DESC(?year) DESC(BOUND(?value)) ?passage""")
    cards, seen = [], set()
    for obs, year_value, value, unit, scale, rank, of, passage in rows:
        if str(obs) in seen:
            continue
        seen.add(str(obs))
        passage_id = str(passage).rsplit("/", 1)[-1] if passage else None
        cards.append(
            {
                "kind": "indicator",
                "indicator": indicator.label,
                "area": area.name,
                "year": str(year_value),
                "value": float(value) if value is not None else None,
                "unit": str(unit).rsplit("#", 1)[-1] if unit else None,
                "scale": int(scale) if scale is not None else None,
                "rank": int(rank) if rank is not None else None,
                "rank_of": int(of) if of is not None else None,
                "uri": str(obs),
                "path": str(obs)[len(minter.base) :],
                "passage_id": passage_id,
                "document_id": passage_id.rsplit("-p", 1)[0] if passage_id else None,
            }
        )
    return cards[:3]
