"""Indicator reads: an indicator's observations for an area and year, and its whole series by area."""

from __future__ import annotations

from typing import Any

from graph.store import GraphStore
from graph.uris import local_name, sparql_iri
from ingest.document import document_id_of


def observations(graph: GraphStore, indicator_key: str, area_name: str | None, year: str | None = None) -> list[dict[str, Any]]:
    """One row per observation of the indicator in the area — every area when none is named — newest year
    first, with the passage it was read from."""
    minter = graph.minter
    year_filter = f'FILTER(STR(?year) = "{int(year)}")' if year else ""
    area = sparql_iri(str(minter.area(area_name))) if area_name else "?anywhere"
    rows = graph.query(f"""SELECT DISTINCT ?obs ?year ?value ?unit ?scale ?rank ?of ?passage ?where WHERE {{
        ?obs reform:indicator {sparql_iri(str(minter.indicator(indicator_key)))} ;
             sdmx-dimension:refArea {area} ; sdmx-dimension:refPeriod ?year .
        OPTIONAL {{ ?obs sdmx-dimension:refArea/rdfs:label ?where }}
        OPTIONAL {{ ?obs reform:value ?value ; sdmx-attribute:unitMeasure ?unit }} OPTIONAL {{ ?obs reform:scale ?scale }}
        OPTIONAL {{ ?obs reform:rank ?rank ; reform:rankOutOf ?of }}
        OPTIONAL {{ ?a oa:hasBody ?obs ; oa:hasTarget/oa:hasSource ?passage }}
        {year_filter} }} ORDER BY DESC(?year) DESC(BOUND(?value)) ?passage""")
    found, seen = [], set()
    for obs, year_value, value, unit, scale, rank, of, passage, where in rows:
        if str(obs) in seen:  # one row per observation: the first passage is enough
            continue
        seen.add(str(obs))
        passage_id = minter.passage_id(str(passage)) if passage else None
        found.append(
            {
                "uri": str(obs),
                "path": minter.page_path(str(obs)),
                "year": str(year_value),
                "area": str(where) if where is not None else area_name,
                "value": float(value) if value is not None else None,
                "unit": local_name(str(unit)) if unit else None,
                "scale": int(scale) if scale is not None else None,
                "rank": int(rank) if rank is not None else None,
                "rank_of": int(of) if of is not None else None,
                "passage_id": passage_id,
                "document_id": document_id_of(passage_id) if passage_id else None,
            }
        )
    return found


def series(graph: GraphStore, indicator_key: str) -> list[dict[str, Any]]:
    """Every observation of an indicator: area, year, value, rank, ordered by area and year."""
    rows = graph.query(f"""SELECT DISTINCT ?area ?year ?value ?rank ?of WHERE {{
        ?obs reform:indicator {sparql_iri(str(graph.minter.indicator(indicator_key)))} ;
             sdmx-dimension:refArea/rdfs:label ?area ; sdmx-dimension:refPeriod ?year .
        OPTIONAL {{ ?obs reform:value ?value }} OPTIONAL {{ ?obs reform:rank ?rank ; reform:rankOutOf ?of }} }}
        ORDER BY ?area ?year""")
    return [
        {
            "area": str(a),
            "year": str(y),
            "value": float(v) if v is not None else None,
            "rank": int(r) if r is not None else None,
            "of": int(o) if o is not None else None,
        }
        for a, y, v, r, o in rows
    ]
