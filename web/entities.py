"""Entity descriptions for /id/… pages and /api/entities/…: label, kind, properties both ways."""

from __future__ import annotations

from typing import Any

from graph.uris import entity_kind, sparql_iri
from reform.errors import NotFoundError
from web.property_labels import compact_name, property_label

MAX_LINKS = 300


def entity_uri(svc, path: str) -> str:
    """The entity URI of an /id/… path; a path the minter could not have produced is not found."""
    uri = svc.graph.minter.entity(path)
    if uri is None:
        raise NotFoundError(f"no entity /id/{path}")
    return str(uri)


def describe_entity(svc, uri: str) -> dict[str, Any]:
    """Everything the graph says about `uri` (outgoing and incoming), or NotFoundError."""
    iri = sparql_iri(uri)
    outgoing = _rows(
        svc,
        f"SELECT DISTINCT ?p ?o ?label WHERE {{ {iri} ?p ?o . OPTIONAL {{ ?o skos:prefLabel|rdfs:label|foaf:name ?label }} }} LIMIT {MAX_LINKS}",
    )
    if not outgoing:
        raise NotFoundError(f"no entity {uri} in the graph")
    incoming = _rows(
        svc,
        f"""SELECT DISTINCT ?s ?p ?label WHERE {{ ?s ?p {iri} . FILTER(?p != oa:hasBody)
        OPTIONAL {{ ?s skos:prefLabel|rdfs:label|foaf:name|dcterms:title ?named }}
        OPTIONAL {{ ?s org:member/foaf:name ?member .
            OPTIONAL {{ ?s org:role ?role }} OPTIONAL {{ ?s org:organization/skos:prefLabel ?organization }} }}
        BIND(CONCAT(?member, COALESCE(CONCAT(" — ", ?role), ""), COALESCE(CONCAT(", ", ?organization), "")) AS ?membership)
        BIND(COALESCE(?named, ?membership) AS ?label) }} LIMIT {MAX_LINKS}""",
    )
    types = [o for p, o, _ in outgoing if p.endswith("#type") or p.endswith("/type")]
    kind = entity_kind(types)
    label = next((o for p, o, _ in outgoing if p.endswith(("prefLabel", "#label", "/name", "/title"))), uri.rsplit("/", 1)[-1])
    base = svc.graph.minter.base
    return {
        "uri": uri,
        "kind": kind,
        "label": label,
        "properties": [
            {**_property(p), "value": o, "label": lbl, "link": o[len(base) :] if o.startswith(base + "/id/") else None}
            for p, o, lbl in outgoing
        ],
        "incoming": [
            {"subject": s, **_property(p), "label": lbl, "link": s[len(base) :] if s.startswith(base + "/id/") else None}
            for s, p, lbl in incoming
        ],
    }


def entity_rdf(svc, uri: str, rdf_format: str) -> str:
    """The entity's own triples (both directions) serialized as Turtle, N-Triples or JSON-LD."""
    iri = sparql_iri(uri)
    result = svc.graph.query(f"CONSTRUCT {{ {iri} ?p ?o . ?s ?q {iri} }} WHERE {{ {{ {iri} ?p ?o }} UNION {{ ?s ?q {iri} }} }}")
    if len(result.graph) == 0:
        raise NotFoundError(f"no entity {uri} in the graph")
    for prefix, namespace in svc.graph.dataset.namespaces():
        result.graph.bind(prefix, namespace)
    return result.graph.serialize(format=rdf_format)


def _property(iri: str) -> dict[str, str]:
    return {"property": iri, "property_name": compact_name(iri), "property_label": property_label(iri)}


def _rows(svc, query: str) -> list[tuple]:
    return [tuple(None if v is None else str(v) for v in row) for row in svc.graph.query(query)]
