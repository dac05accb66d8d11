"""A document's "lược đồ": every relation both ways with the documents at the other end, and the ones
that end its force — read as single triple patterns (GraphStore.properties), never as joins of
optional facts, which the union of named graphs multiplies (oxigraph#1919).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.store import GraphStore
from graph.uris import PREFIXES, local_name, sparql_iri
from graph.validity import Ending

# (predicate, direction) -> relation name in the lookup JSON; "in" reads the predicate backwards.
RELATIONS = {
    ("eli:based_on", "out"): "based_on",
    ("eli:based_on", "in"): "basis_of",
    ("eli:cites", "out"): "cites",
    ("eli:cites", "in"): "cited_by",
    ("eli:implements", "out"): "implements",
    ("eli:implements", "in"): "implemented_by",
    ("eli:amends", "out"): "amends",
    ("eli:amends", "in"): "amended_by",
    ("eli:repeals", "out"): "repeals",
    ("eli:repeals", "in"): "repealed_by",
    ("reform:replaces", "out"): "replaces",
    ("reform:replaces", "in"): "replaced_by",
    ("reform:guides", "out"): "guides",
    ("reform:guides", "in"): "guided_by",
    ("eli:passed_by", "out"): "issued_by",
    ("reform:proposedBy", "out"): "proposed_by",
    ("reform:proposal", "out"): "proposed_by",
    ("reform:task", "out"): "task",
}
RELATION_PREDICATES = tuple(sorted({p for p, _ in RELATIONS}))
OTHER_FACTS = (
    "skos:prefLabel",
    "rdfs:label",
    "eli:id_local",
    "eli:date_document",
    "eli:title",
    "reform:name",
    "eli:first_date_entry_in_force",
    "eli:is_part_of",
    "rdf:type",
)


@dataclass(frozen=True)
class Link:
    """One relation of the document: predicate, direction, the other document, the part concerned, its facts."""

    predicate: str  # CURIE
    direction: str  # "out" or "in"
    other: str
    part: str | None
    facts: dict


def iri(curie: str) -> str:
    prefix, _, name = curie.partition(":")
    return f"{PREFIXES[prefix]}{name}"


def one(properties: dict[str, list], curie: str) -> str | None:
    """The first value of a property, as a string."""
    values = properties.get(iri(curie), [])
    return str(values[0]) if values else None


def label_of(facts: dict[str, list]) -> str | None:
    for key in ("skos:prefLabel", "rdfs:label"):
        if facts.get(iri(key)):
            return str(facts[iri(key)][0])
    return None


def curie(value: str) -> str:
    for prefix in ("eli", "reform"):
        namespace = str(PREFIXES[prefix])
        if value.startswith(namespace):
            return f"{prefix}:{value[len(namespace) :]}"
    return value


def links(graph: GraphStore, uri: str, own: dict[str, list], *, own_graph: str | None = None) -> list[Link]:
    """Every relation of the document both ways, with the facts of the documents at the other end.

    Parts changed by other documents are found through their eli:is_part_of, leaving out those the
    document's own graph states (its articles: hundreds in a code, none of them changed).
    """
    sparql_iri(uri)  # refuses anything that is not an IRI
    raw: list[tuple[str, str, str, str | None]] = []  # (predicate, direction, other or subdivision, part)
    for predicate in RELATION_PREDICATES:
        raw += [(predicate, "out", str(o), None) for o in own.get(iri(predicate), [])]
    raw += [(curie(p), "in", s, None) for s, p in graph.incoming(uri, RELATION_PREDICATES)]
    for sub, _ in graph.incoming(uri, ("eli:is_part_of",), outside_graph=own_graph):
        raw += [(curie(p), "in", s, sub) for s, p in graph.incoming(sub, RELATION_PREDICATES)]
    facts = graph.properties([r[2] for r in raw] + [r[3] for r in raw if r[3]], OTHER_FACTS)
    wholes = [str(f[iri("eli:is_part_of")][0]) for f in facts.values() if f.get(iri("eli:is_part_of"))]
    facts.update(graph.properties([w for w in wholes if w not in facts], OTHER_FACTS))
    found = []
    for predicate, direction, other, part_uri in raw:
        other_facts = facts.get(other, {})
        part = label_of(facts.get(part_uri, {})) if part_uri else None
        whole = other_facts.get(iri("eli:is_part_of"))
        if whole:
            if direction != "out":
                continue
            part, other = label_of(other_facts), str(whole[0])  # "eli:repeals <…/khoan-2-dieu-32>": part of another document
            other_facts = facts.get(other, {})
        found.append(Link(predicate, direction, other, part, other_facts))
    return found


def related(graph: GraphStore, uri: str, found: list[Link], own: dict[str, list]) -> list[dict[str, Any]]:
    """The lookup's `related`: one item per relation and document (`parts` when only articles of it are
    concerned), vbpl.vn's order, then the agencies named beside it."""
    proposer = one(own, "reform:proposer")
    order = list(dict.fromkeys(RELATIONS.values()))
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for link in found:
        name = RELATIONS.get((link.predicate, link.direction))
        if name is None:
            continue
        label = proposer if link.predicate == "reform:proposedBy" and proposer else label_of(link.facts) or local_name(link.other)
        item = grouped.setdefault(
            (name, link.other),
            {
                "relation": name,
                "uri": link.other,
                "number": one(link.facts, "eli:id_local"),
                "label": label,
                "date": one(link.facts, "eli:date_document"),
                "title": one(link.facts, "eli:title") or one(link.facts, "reform:name"),
                "parts": [],
            },
        )
        if link.part and link.part not in item["parts"]:
            item["parts"].append(link.part)
    out = sorted(grouped.values(), key=lambda i: (order.index(i["relation"]), i["date"] or "", i["uri"]))
    if proposer and not any(i["relation"] == "proposed_by" and not i["number"] for i in out):
        out.append(_item("proposed_by", None, proposer))  # a proposer the gazetteer does not know, by name only
    sources = [s for s, _ in graph.incoming(uri, ("dcterms:references",))]
    mentioned = graph.properties(sources, ("reform:mentionsAgency",))
    agencies = sorted({str(a) for facts in mentioned.values() for a in facts.get(iri("reform:mentionsAgency"), [])})
    labels = graph.properties(agencies, ("skos:prefLabel",))
    listed = {item["uri"] for item in out}  # the issuer is usually mentioned too: listed once, as issuer
    out += [
        _item("mentioned_with_agency", agency, label_of(labels[agency]) or local_name(agency))
        for agency in agencies
        if agency not in listed
    ]
    return out


def _item(relation: str, uri: str | None, label: str) -> dict[str, Any]:
    return {"relation": relation, "uri": uri, "number": None, "label": label, "date": None, "title": None, "parts": []}


def endings(found: list[Link]) -> list[Ending]:
    """The documents of the store that repeal or replace this one (or a part of it), and from when."""
    result: dict[tuple, Ending] = {}
    for link in found:
        if link.direction != "in" or link.predicate not in ("eli:repeals", "reform:replaces"):
            continue
        start = one(link.facts, "eli:first_date_entry_in_force") or one(link.facts, "eli:date_document")
        kind = "repeals" if link.predicate == "eli:repeals" else "replaces"
        result[(kind, link.other, link.part)] = Ending(
            kind, link.other, label_of(link.facts) or link.other, one(link.facts, "eli:id_local"), start, link.part
        )
    return sorted(result.values(), key=lambda e: (e.start or "9999", e.uri, e.part or ""))
