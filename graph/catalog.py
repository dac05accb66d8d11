"""Reads over the whole graph for lists and pickers: every document with its facts, the labels of
IRIs, the documents a source text is about, and the known numbers closest to one that is not known.

The web UI builds its search facets, result dates, "did you mean" numbers and SPARQL result labels
from these; each is one query, so a caller may cache the result per published graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.links import RELATION_PREDICATES, endings, links, one
from graph.names import relatedness, typed_number
from graph.store import GraphStore
from graph.uris import sparql_iri
from graph.validity import as_of_date, status
from vntext.normalize import fold_diacritics

MAX_LABELS = 500  # IRIs per labels() query; a SPARQL page holds at most a few hundred


@dataclass(frozen=True)
class CatalogEntry:
    """One document node of the graph: what a list of documents shows and filters on."""

    uri: str
    label: str
    number: str | None
    local_number: str | None
    type_code: str | None
    type_label: str | None
    issuer_uri: str | None
    issuer_label: str | None
    date: str | None
    year: int | None
    source_id: str | None  # the store document whose text is this document's own, if any


def document_catalog(graph: GraphStore) -> list[CatalogEntry]:
    """Every eli:LegalResource with number, type, issuer, date and year, by IRI.

    One UNION of simple patterns, merged here: the same facts as OPTIONALs under a GROUP BY made
    Oxigraph run for minutes on a few hundred documents.
    """
    rows = graph.query(
        """SELECT DISTINCT ?doc ?key ?value WHERE { ?doc a eli:LegalResource .
        { ?doc skos:prefLabel ?value BIND("label" AS ?key) } UNION { ?doc eli:id_local ?value BIND("number" AS ?key) }
        UNION { ?doc reform:localNumber ?value BIND("local" AS ?key) } UNION { ?doc eli:date_document ?value BIND("date" AS ?key) }
        UNION { ?doc reform:year ?value BIND("year" AS ?key) } UNION { ?doc eli:type_document/skos:notation ?value BIND("code" AS ?key) }
        UNION { ?doc eli:type_document/skos:prefLabel ?value BIND("type" AS ?key) }
        UNION { ?doc eli:passed_by ?value BIND("issuer" AS ?key) } UNION { ?doc eli:passed_by/skos:prefLabel ?value BIND("issuer_label" AS ?key) }
        UNION { ?source foaf:primaryTopic ?doc ; dcterms:identifier ?value BIND("source" AS ?key) } }"""
    )
    facts: dict[str, dict[str, str]] = {}
    for doc, key, value in rows:
        known = facts.setdefault(str(doc), {})
        value = str(value)
        # several values (two dates, two labels): keep one, the same one on every run
        if key == "date":
            known[str(key)] = min(known.get("date", value), value)
        elif str(key) not in known or value < known[str(key)]:
            known[str(key)] = value
    return [_entry(uri, known) for uri, known in sorted(facts.items())]


def _entry(uri: str, known: dict[str, str]) -> CatalogEntry:
    year = known.get("year")
    return CatalogEntry(
        uri=uri,
        label=known.get("label") or known.get("number") or uri,
        number=known.get("number"),
        local_number=known.get("local"),
        type_code=known.get("code"),
        type_label=known.get("type"),
        issuer_uri=known.get("issuer"),
        issuer_label=known.get("issuer_label"),
        date=known.get("date"),
        year=int(year) if year and year.isdigit() else None,
        source_id=known.get("source"),
    )


VALIDITY_FACTS = ("eli:first_date_entry_in_force", "eli:date_no_longer_in_force", "eli:date_document", *RELATION_PREDICATES)


def validity(graph: GraphStore, uri: str, *, as_of: str | None = None) -> dict[str, Any]:
    """The validity of one document on `as_of` (today), as graph.lookup.describe gives it ({"code",
    "label", "as_of", "reasons"}), without the rest of describe (its mentions): for lists of documents."""
    own = graph.properties([uri], VALIDITY_FACTS)[uri]
    facts = {
        "effective_date": one(own, "eli:first_date_entry_in_force"),
        "date": one(own, "eli:date_document"),
        "end_date_stated": one(own, "eli:date_no_longer_in_force"),
    }
    return status(facts, endings(links(graph, uri, own)), as_of_date(as_of))


def labels(graph: GraphStore, uris: list[str]) -> dict[str, str]:
    """The display label of each IRI that has one (prefLabel, name, label or title); an indicator
    figure, which has none, is named by its indicator, area and year ("PAR INDEX — Hà Nội, 2022")."""
    wanted = list(dict.fromkeys(u for u in uris if u))[:MAX_LABELS]
    if not wanted:
        return {}
    values = " ".join(sparql_iri(u) for u in wanted)
    rows = graph.query(
        f"""SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?s {{ {values} }}
        ?s skos:prefLabel|foaf:name|rdfs:label|dcterms:title ?l }} GROUP BY ?s"""
    )
    found = {str(s): str(label) for s, label in rows if label is not None}
    rows = graph.query(
        f"""SELECT ?s (SAMPLE(?i) AS ?indicator) (SAMPLE(?a) AS ?area) (SAMPLE(?y) AS ?year) WHERE {{ VALUES ?s {{ {values} }}
        ?s reform:indicator/skos:prefLabel ?i ; sdmx-dimension:refArea/rdfs:label ?a ; sdmx-dimension:refPeriod ?y }} GROUP BY ?s"""
    )
    for s, indicator, area, year in rows:
        found.setdefault(str(s), f"{indicator} — {area}, {year}")
    return found


def closest_numbers(entries: list[CatalogEntry], text: str, *, limit: int = 5) -> list[CatalogEntry]:
    """The known documents a typed number that the graph does not hold may have meant, likeliest first,
    by the rule of graph.names.relatedness ("281/QĐ-UBND" suggests 280/QĐ-UBND, never 01-CTr/TU)."""
    wanted = typed_number(text)
    if wanted is None:
        return []
    scored = []
    for entry in entries:
        key = _fold(entry.number)
        score = relatedness(wanted, (entry.local_number or "").lstrip("0") or None, _fold(entry.type_code), key, entry.year)
        if score is not None:
            scored.append((-score, entry.label, entry))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [entry for _, _, entry in scored[:limit]]


def _fold(code: str | None) -> str | None:
    return fold_diacritics(code).upper() if code else None


def _str(value) -> str | None:
    return None if value is None else str(value)
