"""Lookup of a document by number in any spelling: "280/QĐ-UBND", "280/QD-UBND", "qđ 280", "Quyết định số 280"."""

from __future__ import annotations

from typing import Any

from core.errors import NotFoundError, QueryError
from graph.store import GraphStore
from graph.uris import entity_kind, local_name, sparql_iri
from ingest.store import DocumentStore
from vntext.numbers import find_document_numbers, find_number_references

_RELATIONS = [  # (SPARQL path from the document, relation name)
    ("eli:based_on", "based_on"),
    ("^eli:based_on", "basis_of"),
    ("eli:cites", "cites"),
    ("^eli:cites", "cited_by"),
    ("eli:implements", "implements"),
    ("^eli:implements", "implemented_by"),
    ("eli:amends", "amends"),
    ("^eli:amends", "amended_by"),
    ("eli:repeals", "repeals"),
    ("reform:replaces", "replaces"),
    ("reform:guides", "guides"),
    ("eli:passed_by", "issued_by"),
    ("reform:task", "task"),
]


def candidates(graph: GraphStore, text: str) -> list[str]:
    """URIs of documents a typed number can mean."""
    text = text.strip()
    if not text or len(text) > 200:
        raise QueryError("type a document number such as 280/QĐ-UBND (at most 200 characters)")
    keys = {n.key for _, _, n in find_document_numbers(text)}
    if keys:
        values = " ".join(f'"{k}"' for k in keys)
        rows = graph.query(
            f"SELECT DISTINCT ?doc WHERE {{ VALUES ?key {{ {values} }} ?doc reform:numberKey ?key }} ORDER BY ?doc"
        )
        return [str(r[0]) for r in rows]
    found: list[str] = []
    for ref in find_number_references(text):
        concept = graph.minter.document_type(ref.type_code)
        rows = graph.query(
            f'SELECT DISTINCT ?doc WHERE {{ ?doc reform:localNumber "{ref.number.lstrip("0") or "0"}" ; eli:type_document <{concept}> }} ORDER BY ?doc'
        )
        found += [str(r[0]) for r in rows if str(r[0]) not in found]
    return found


def lookup_number(graph: GraphStore, store: DocumentStore, text: str) -> dict[str, Any] | None:
    """The documented lookup object for a typed number (other matches in `candidates`), or None."""
    found = [describe(graph, store, uri) for uri in candidates(graph, text)]
    if not found:
        return None
    main = found[0]
    main["candidates"] = [{"uri": d["uri"], "number": d["number"], "label": d["label"], "issuer": d["issuer"]} for d in found[1:]]
    return main


def describe(graph: GraphStore, store: DocumentStore, uri: str) -> dict[str, Any]:
    """The documented `reform lookup --json` object for one document URI."""
    iri = sparql_iri(uri)
    facts = _first_row(
        graph,
        f"""SELECT ?label ?number ?type ?issuer ?date ?subject WHERE {{
        {iri} skos:prefLabel ?label . OPTIONAL {{ {iri} eli:id_local ?number }}
        OPTIONAL {{ {iri} eli:type_document/skos:prefLabel ?type }} OPTIONAL {{ {iri} eli:passed_by/skos:prefLabel ?issuer }}
        OPTIONAL {{ {iri} eli:date_document ?date }} OPTIONAL {{ {iri} eli:title ?subject }} }}""",
    )
    if facts is None:
        raise NotFoundError(f"no document {uri} in the graph")
    label, number, kind, issuer, date, subject = facts
    signer = _first_row(graph, f"SELECT ?name WHERE {{ {iri} reform:signer/foaf:name ?name }}")
    mentions, titles = [], {}
    rows = graph.query(f"""SELECT DISTINCT ?passage ?start ?end WHERE {{ ?a oa:hasBody {iri} ; oa:hasTarget ?t .
        ?t oa:hasSource ?passage ; oa:hasSelector ?s . ?s oa:start ?start ; oa:end ?end }} ORDER BY ?passage ?start""")
    for passage_uri, _start, _end in rows:
        passage_id = str(passage_uri).rsplit("/", 1)[-1]
        passage = store.find_passage(passage_id)
        if passage is None:  # the graph was published before a newer ingest removed it
            continue
        mentions.append(
            {
                "document_id": passage.document_id,
                "document_title": titles.setdefault(passage.document_id, _title(store, passage.document_id)),
                "passage_id": passage.id,
                "text": passage.text,
            }
        )
    return {
        "uri": uri,
        "number": _str(number),
        "type": _str(kind),
        "issuer": _str(issuer),
        "date": _str(date),
        "subject": _str(subject),
        "signer": _str(signer[0]) if signer else None,
        "label": str(label),
        "mentions": mentions,
        "related": related(graph, uri),
        "candidates": [],
    }


def related(graph: GraphStore, uri: str) -> list[dict[str, Any]]:
    iri = sparql_iri(uri)
    out = []
    for path, relation in _RELATIONS:
        rows = graph.query(
            f"SELECT DISTINCT ?other ?label ?number WHERE {{ {iri} {path} ?other . ?other skos:prefLabel|rdfs:label ?label . OPTIONAL {{ ?other eli:id_local ?number }} }} ORDER BY ?other"
        )
        out += [{"relation": relation, "uri": str(o), "number": _str(n), "label": str(lbl)} for o, lbl, n in rows]
    rows = graph.query(f"""SELECT DISTINCT ?agency ?label WHERE {{ ?source dcterms:references {iri} ; reform:mentionsAgency ?agency .
        ?agency skos:prefLabel ?label }} ORDER BY ?agency""")
    listed = {item["uri"] for item in out}  # the issuer is usually mentioned too: listed once, as issuer
    out += [
        {"relation": "mentioned_with_agency", "uri": str(a), "number": None, "label": str(lbl)}
        for a, lbl in rows
        if str(a) not in listed
    ]
    return out


def describe_agency(graph: GraphStore, uri: str) -> dict[str, list[dict[str, Any]]]:
    """What an agency page shows first: the bodies it belongs to and those under it, the documents it
    issued (newest first) and the people the documents name in it, with their positions."""
    iri = sparql_iri(uri)
    parents = graph.query(
        f"SELECT DISTINCT ?a ?label WHERE {{ {iri} org:subOrganizationOf ?a . ?a skos:prefLabel ?label }} ORDER BY ?label"
    )
    children = graph.query(
        f"SELECT DISTINCT ?a ?label WHERE {{ ?a org:subOrganizationOf {iri} ; skos:prefLabel ?label }} ORDER BY ?label"
    )
    documents = graph.query(
        f"""SELECT DISTINCT ?d ?label ?date WHERE {{ ?d eli:passed_by {iri} ; skos:prefLabel ?label .
        OPTIONAL {{ ?d eli:date_document ?date }} }} ORDER BY DESC(?date) ?label"""
    )
    people = graph.query(
        f"""SELECT DISTINCT ?person ?name ?role WHERE {{ ?m org:organization {iri} ; org:member ?person .
        ?person foaf:name ?name . OPTIONAL {{ ?m org:role ?role }} }} ORDER BY ?name ?role"""
    )
    return {
        "parents": [{"uri": str(a), "label": str(label)} for a, label in parents],
        "children": [{"uri": str(a), "label": str(label)} for a, label in children],
        "documents": _first_per_uri({"uri": str(d), "label": str(label), "date": _str(date)} for d, label, date in documents),
        "people": [{"uri": str(p), "name": str(name), "role": _str(role)} for p, name, role in people],
    }


def mentioned_entities(graph: GraphStore, document_id: str) -> list[dict[str, Any]]:
    """The documents, agencies, figures and people a source document's passages mention (its Web
    Annotations), most mentioned first, each with the first passage that mentions it."""
    source_graph = sparql_iri(str(graph.minter.graph(document_id)))
    rows = graph.query(
        f"""SELECT ?entity (SAMPLE(?name) AS ?label) (GROUP_CONCAT(DISTINCT STR(?class); separator=" ") AS ?classes)
        (SAMPLE(?indicator) AS ?series) (SAMPLE(?area) AS ?where) (SAMPLE(?year) AS ?when)
        (COUNT(DISTINCT ?a) AS ?count) (MIN(STR(?passage)) AS ?first) WHERE {{
          GRAPH {source_graph} {{ ?a oa:hasBody ?entity ; oa:hasTarget/oa:hasSource ?passage }}
          OPTIONAL {{ ?entity skos:prefLabel|foaf:name ?name }}
          OPTIONAL {{ ?entity a ?class }}
          OPTIONAL {{ ?entity reform:indicator/skos:prefLabel ?indicator ; sdmx-dimension:refArea/rdfs:label ?area ;
                               sdmx-dimension:refPeriod ?year }}
        }} GROUP BY ?entity ORDER BY DESC(?count) ?label"""
    )
    entities = []
    for entity, label, classes, series, where, when, count, first in rows:
        kind = entity_kind(str(classes or "").split())
        if kind == "observation" and series is not None:
            label = f"{series} — {where}, {when}"
        entities.append(
            {
                "uri": str(entity),
                "label": str(label) if label is not None else local_name(str(entity)),
                "kind": kind,
                "mentions": int(count),
                "first_passage_id": local_name(str(first)) if first else None,
            }
        )
    return entities


def _first_per_uri(items) -> list[dict[str, Any]]:
    """One row per entity: optional facts stated twice (two dates) would list it twice."""
    seen: set[str] = set()
    return [item for item in items if not (item["uri"] in seen or seen.add(item["uri"]))]


def close_matches(graph: GraphStore, text: str, limit: int = 5) -> list[str]:
    """Labels of documents sharing the typed number's digits: the "did you mean" list."""
    digits = "".join(c for c in text if c.isdigit())[:6]
    if not digits:
        return []
    rows = graph.query(
        f'SELECT DISTINCT ?label WHERE {{ ?doc reform:localNumber ?n ; skos:prefLabel ?label . FILTER(CONTAINS(?n, "{digits}") || CONTAINS("{digits}", ?n)) }} ORDER BY ?label LIMIT {limit}'
    )
    return [str(r[0]) for r in rows]


def _first_row(graph: GraphStore, query: str):
    """The first solution only: results are read whole (GraphStore.query), and optional facts
    multiply (every label × every subject …) into hundreds of rows."""
    return next(iter(graph.query(query + "\nLIMIT 1")), None)


def _title(store: DocumentStore, document_id: str) -> str | None:
    try:
        return store.get_document(document_id, with_passages=False).title
    except NotFoundError:  # removed by an ingest after the graph was published
        return None


def _str(value) -> str | None:
    return None if value is None else str(value)
