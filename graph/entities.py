"""Entity reads: everything the graph says about one IRI, its own triples as RDF, and listings by kind."""

from __future__ import annotations

from typing import Any

from core.errors import NotFoundError
from graph.store import GraphStore
from graph.uris import KIND_CLASSES, entity_kind, local_name, sparql_iri

MAX_LINKS = 300
_LABEL_ENDINGS = ("prefLabel", "#label", "/name", "/title")


def describe_entity(graph: GraphStore, uri: str) -> dict[str, Any]:
    """Label, kind and every statement about `uri`, outgoing and incoming (at most MAX_LINKS each).

    Values that are entities of this graph carry `link`, the path of their page; NotFoundError when
    the graph says nothing about `uri`.
    """
    iri = sparql_iri(uri)
    outgoing = _rows(
        graph,
        f"SELECT DISTINCT ?p ?o ?label WHERE {{ {iri} ?p ?o . OPTIONAL {{ ?o skos:prefLabel|rdfs:label|foaf:name ?label }} }} LIMIT {MAX_LINKS}",
    )
    if not outgoing:
        raise NotFoundError(f"no entity {uri} in the graph")
    incoming = _rows(
        graph,
        f"""SELECT DISTINCT ?s ?p ?label WHERE {{ ?s ?p {iri} . FILTER(?p != oa:hasBody)
        OPTIONAL {{ ?s skos:prefLabel|rdfs:label|foaf:name|dcterms:title ?named }}
        OPTIONAL {{ ?s org:member/foaf:name ?member .
            OPTIONAL {{ ?s org:role ?role }} OPTIONAL {{ ?s org:organization/skos:prefLabel ?organization }} }}
        BIND(CONCAT(?member, COALESCE(CONCAT(" — ", ?role), ""), COALESCE(CONCAT(", ", ?organization), "")) AS ?membership)
        BIND(COALESCE(?named, ?membership) AS ?label) }} LIMIT {MAX_LINKS}""",
    )
    types = [o for p, o, _ in outgoing if local_name(p) == "type"]
    label = next((o for p, o, _ in outgoing if p.endswith(_LABEL_ENDINGS)), local_name(uri))
    page = graph.minter.page_path
    return {
        "uri": uri,
        "kind": entity_kind(types),
        "label": label,
        "properties": [{"property": p, "value": o, "label": lbl, "link": page(o)} for p, o, lbl in outgoing],
        "incoming": [{"subject": s, "property": p, "label": lbl, "link": page(s)} for s, p, lbl in incoming],
    }


def entity_rdf(graph: GraphStore, uri: str, rdf_format: str) -> str:
    """The entity's own triples (both directions) serialized as Turtle, N-Triples or JSON-LD."""
    iri = sparql_iri(uri)
    result = graph.query(f"CONSTRUCT {{ {iri} ?p ?o . ?s ?q {iri} }} WHERE {{ {{ {iri} ?p ?o }} UNION {{ ?s ?q {iri} }} }}")
    if len(result.graph) == 0:
        raise NotFoundError(f"no entity {uri} in the graph")
    for prefix, namespace in graph.dataset.namespaces():
        result.graph.bind(prefix, namespace)
    return result.graph.serialize(format=rdf_format)


def entities_of_kind(graph: GraphStore, kind: str) -> list[tuple[str, str | None]]:
    """(IRI, label) of every entity of a kind in KIND_CLASSES, ordered by IRI."""
    rows = graph.query(
        f"""SELECT DISTINCT ?e (SAMPLE(?l) AS ?label) WHERE {{ ?e a {sparql_iri(str(KIND_CLASSES[kind]))} .
        OPTIONAL {{ ?e skos:prefLabel|foaf:name|rdfs:label ?l }} }} GROUP BY ?e ORDER BY ?e"""
    )
    return [(str(uri), None if label is None else str(label)) for uri, label in rows]


def export(graph: GraphStore, rdf_format: str) -> str:
    """The whole graph: TriG keeps one named graph per source document; other formats merge them."""
    if rdf_format == "trig":
        return graph.dataset.serialize(format="trig")
    return graph.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph.serialize(format=rdf_format)


def _rows(graph: GraphStore, query: str) -> list[tuple]:
    return [tuple(None if v is None else str(v) for v in row) for row in graph.query(query)]
