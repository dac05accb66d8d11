"""Lookup of a document by number in any spelling ("280/QĐ-UBND", "280/QD-UBND", "qđ 280", "Quyết định số
280") or by name ("Bộ luật Lao động", "Luật Đầu tư công 2024"): what vbpl.vn shows of it — số hiệu, loại,
cơ quan ban hành, người ký, ngày ban hành and ngày có hiệu lực, tình trạng hiệu lực on a given day, trích
yếu — and its "lược đồ": every relation both ways, grouped by kind.
"""

from __future__ import annotations

from typing import Any

from core.errors import NotFoundError, QueryError
from graph.links import RELATION_PREDICATES, endings, iri, links, one, related
from graph.names import find_by_name, looks_like_a_name, parse_name_query, rank, related_numbers, with_numbers_upper
from graph.store import GraphStore
from graph.uris import entity_kind, local_name, sparql_iri
from graph.validity import as_of_date, status
from ingest.store import DocumentStore
from vntext.numbers import find_document_numbers, find_number_references

MAX_QUERY = 500  # a trích yếu can be long: "Quyết định về việc bãi bỏ Quyết định số 28/2019/QĐ-UBND …"

# A document cited by thousands of passages (a generated text cited one 20,000 times): the first
# hundred are shown, with the count; all of them would be megabytes of passage text in one answer.
MAX_MENTIONS = 100
MAX_MENTION_CHARS = 5_000  # a real passage (at most 200 words) is a fifth of this


def candidates(graph: GraphStore, text: str) -> list[str]:
    """URIs of documents a typed number — or, failing one, a name — can mean, best first."""
    text = with_numbers_upper(text.strip())
    if not text or len(text) > MAX_QUERY:
        raise QueryError(f"type a document number such as 280/QĐ-UBND, or a name (at most {MAX_QUERY} characters)")
    keys = {n.key for _, _, n in find_document_numbers(text)}
    if keys:
        values = " ".join(f'"{k}"' for k in keys)
        rows = graph.query(
            f"SELECT DISTINCT ?doc WHERE {{ VALUES ?key {{ {values} }} ?doc reform:numberKey ?key }} ORDER BY ?doc"
        )
        numbered = rank(graph, [str(r[0]) for r in rows])
        # A trích yếu that cites a number ("Quyết định về việc bãi bỏ Quyết định số 28/2019/QĐ-UBND …")
        # names the document that says so, before the one it cites.
        named = find_by_name(graph, text, minimum=0.9) if len(parse_name_query(text).words) >= 8 else []
        return named + [uri for uri in numbered if uri not in named]
    found: list[str] = []
    for ref in find_number_references(text):
        concept = graph.minter.document_type(ref.type_code)
        year = f"; reform:year {ref.year}" if ref.year else ""
        rows = graph.query(
            f'SELECT DISTINCT ?doc WHERE {{ ?doc reform:localNumber "{ref.number.lstrip("0") or "0"}" ; eli:type_document <{concept}> {year} }} ORDER BY ?doc'
        )
        found += [str(r[0]) for r in rows if str(r[0]) not in found]
    found = rank(graph, found)
    if not found and looks_like_a_name(text):
        found = find_by_name(graph, text)
    return found


def lookup_number(graph: GraphStore, store: DocumentStore, text: str, *, as_of: str | None = None) -> dict[str, Any] | None:
    """The documented lookup object for a typed number or name (other matches in `candidates`), or None."""
    uris = candidates(graph, text)
    if not uris:
        return None
    main = describe(graph, store, uris[0], as_of=as_of)
    main["candidates"] = [_brief(graph, uri) for uri in uris[1:]]
    return main


def close_matches(graph: GraphStore, text: str, limit: int = 5) -> list[str]:
    """The "did you mean" list: related numbers (graph.names.related_numbers), never unrelated ones."""
    return related_numbers(graph, with_numbers_upper(text), limit=limit)


_FACTS = (
    "skos:prefLabel",
    "eli:id_local",
    "eli:type_document",
    "eli:passed_by",
    "eli:date_document",
    "eli:title",
    "eli:first_date_entry_in_force",
    "eli:date_no_longer_in_force",
    "reform:signer",
    "reform:signerPosition",
    "reform:signingMode",
    "reform:proposer",
    *RELATION_PREDICATES,
)


def describe(graph: GraphStore, store: DocumentStore, uri: str, *, as_of: str | None = None) -> dict[str, Any]:
    """The documented `reform lookup --json` object for one document URI, its status judged on `as_of` (today)."""
    sparql_iri(uri)  # refuses anything that is not an IRI
    own = graph.properties([uri], _FACTS)[uri]
    if not own.get(iri("skos:prefLabel")):
        raise NotFoundError(f"no document {uri} in the graph")
    linked = [v for key in ("eli:type_document", "eli:passed_by", "reform:signer") for v in own.get(iri(key), [])]
    names = graph.properties(linked, ("skos:prefLabel", "foaf:name"))
    sources = graph.incoming(uri, ("foaf:primaryTopic",))
    document_id = local_name(sources[0][0]) if sources else None
    found = links(graph, uri, own, own_graph=str(graph.minter.graph(document_id)) if document_id else None)
    ending_list = endings(found)
    effective, until, date = (
        one(own, "eli:first_date_entry_in_force"),
        one(own, "eli:date_no_longer_in_force"),
        one(own, "eli:date_document"),
    )
    wholly = [e.start for e in ending_list if e.part is None and e.start]
    return {
        "uri": uri,
        "number": one(own, "eli:id_local"),
        "type": _name(names, own, "eli:type_document"),
        "issuer": _name(names, own, "eli:passed_by"),
        "date": date,
        "subject": one(own, "eli:title"),
        "signer": _name(names, own, "reform:signer"),
        "signer_position": one(own, "reform:signerPosition"),
        "signing_mode": one(own, "reform:signingMode"),
        "effective_date": effective,
        "end_date": until or (min(wholly) if wholly else None),
        "status": status({"effective_date": effective, "date": date, "end_date_stated": until}, ending_list, as_of_date(as_of)),
        "label": one(own, "skos:prefLabel"),
        "document_id": document_id,
        **_mentions(graph, store, uri),
        "related": related(graph, uri, found, own),
        "candidates": [],
    }


def _name(names: dict[str, dict[str, list]], own: dict[str, list], key: str) -> str | None:
    """The label of the entity a property points to (type, issuer, signer)."""
    for value in own.get(iri(key), []):
        facts = names.get(str(value), {})
        for label_key in ("skos:prefLabel", "foaf:name"):
            if facts.get(iri(label_key)):
                return str(facts[iri(label_key)][0])
    return None


def _mentions(graph: GraphStore, store: DocumentStore, uri: str) -> dict[str, Any]:
    """The passages that mention the document (its Web Annotations), in passage order: the first
    MAX_MENTIONS as "mentions", and how many there are as "mentions_total"."""
    annotations = [a for a, _ in graph.incoming(uri, ("oa:hasBody",))]
    targets = graph.properties(annotations, ("oa:hasTarget",))
    target_uris = [str(t) for facts in targets.values() for t in facts.get(iri("oa:hasTarget"), [])]
    sources = graph.properties(target_uris, ("oa:hasSource",))
    passage_ids = sorted({local_name(str(p)) for facts in sources.values() for p in facts.get(iri("oa:hasSource"), [])})
    total, passage_ids = len(passage_ids), passage_ids[:MAX_MENTIONS]
    passages = [p for p in (store.find_passage(pid) for pid in passage_ids) if p is not None]  # gone: re-ingested since
    documents = [str(graph.minter.source(p.document_id)) for p in passages]
    titles = graph.properties(documents, ("dcterms:title",))
    mentions = []
    for passage, source in zip(passages, documents, strict=True):
        title = titles.get(source, {}).get(iri("dcterms:title"))
        mentions.append(
            {
                "document_id": passage.document_id,
                "document_title": str(title[0]) if title else None,
                "passage_id": passage.id,
                # a passage of one 300,000-character "word" (no spaces to split at) is cut, not sent whole
                "text": passage.text if len(passage.text) <= MAX_MENTION_CHARS else passage.text[:MAX_MENTION_CHARS] + "…",
            }
        )
    return {"mentions": mentions, "mentions_total": total}


def _brief(graph: GraphStore, uri: str) -> dict[str, Any]:
    row = _first_row(
        graph,
        f"""SELECT (SAMPLE(?l) AS ?label) (SAMPLE(?n) AS ?number) (SAMPLE(?i) AS ?issuer) (SAMPLE(?d) AS ?date) WHERE {{
        {sparql_iri(uri)} skos:prefLabel ?l . OPTIONAL {{ {sparql_iri(uri)} eli:id_local ?n }}
        OPTIONAL {{ {sparql_iri(uri)} eli:passed_by/skos:prefLabel ?i }} OPTIONAL {{ {sparql_iri(uri)} eli:date_document ?d }} }}""",
    )
    label, number, issuer, date = row if row else (None, None, None, None)
    return {"uri": uri, "number": _str(number), "label": _str(label), "issuer": _str(issuer), "date": _str(date)}


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
    kept = []
    for item in items:
        if item["uri"] not in seen:
            seen.add(item["uri"])
            kept.append(item)
    return kept


def _first_row(graph: GraphStore, query: str):
    """The first solution only: results are read whole (GraphStore.query), and optional facts
    multiply (every label × every subject …) into hundreds of rows."""
    return next(iter(graph.query(query + "\nLIMIT 1")), None)


def _str(value) -> str | None:
    return None if value is None else str(value)
