"""Namespaces and URI minting: the one module that decides what things are called in RDF.

URIs are readable and stable across re-ingests and machines, in the spirit of legislation.gov.uk:
  {base}/id/document/{issuer}/{year|unknown}/{type}-{number}   e.g. …/id/document/ubnd-ha-noi/2023/qd-280
  {base}/id/agency/{key}            {base}/id/indicator/{key}     {base}/id/area/{slug}
  {base}/id/observation/{indicator}/{area}/{year}                {base}/id/person/{slug}
  {base}/id/source/{document id}    {base}/id/passage/{passage id}   {base}/graph/{document id}
"""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, QB, RDF, RDFS, SKOS, XSD

from graph.agencies import slugify

ELI = Namespace("http://data.europa.eu/eli/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
REFORM = Namespace("https://reform-kg.example/ontology#")

PREFIXES = {
    "eli": ELI,
    "org": ORG,
    "qb": QB,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "oa": OA,
    "foaf": FOAF,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "sdmx-dimension": SDMX_DIMENSION,
    "sdmx-attribute": SDMX_ATTRIBUTE,
    "reform": REFORM,
}
DEFAULT_BASE = "http://127.0.0.1:8000"
# What the minter ever puts after /id/: slugs, numbers, document and passage ids.
_ENTITY_PATH = re.compile(r"[A-Za-z0-9_.~-]+(?:/[A-Za-z0-9_.~-]+)*")
# Characters an IRI reference may not contain (RFC 3987 / SPARQL IRIREF): they would end the <…> term.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def local_name(iri: str) -> str:
    """The last segment of an IRI, after its final "#" or "/" (a class, property or id name).

    >>> local_name("http://data.europa.eu/eli/ontology#LegalResource"), local_name("http://x/id/passage/d-p0001")
    ('LegalResource', 'd-p0001')
    """
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# What kind of page an entity gets, by its classes, first match wins: a plan (reform:Plan) is also an
# eli:LegalResource and is shown as the document it is.
_KINDS = (
    ("LegalResource", "document"),
    ("Organization", "agency"),
    ("Person", "person"),
    ("Observation", "observation"),
    ("DataSet", "indicator"),
    ("Concept", "concept"),
    ("Passage", "passage"),
    ("BibliographicResource", "source"),
    ("Plan", "plan"),
    ("Task", "task"),
    ("Membership", "membership"),
    ("Annotation", "annotation"),
)


# The class whose instances `reform entities --type KIND` lists.
KIND_CLASSES = {
    "document": ELI.LegalResource,
    "agency": ORG.Organization,
    "person": FOAF.Person,
    "indicator": QB.DataSet,
    "observation": QB.Observation,
}


def entity_kind(class_iris) -> str:
    """The kind of an entity with these rdf:type IRIs ("entity" when none is known).

    >>> entity_kind(["https://reform-kg.example/ontology#Plan", "http://data.europa.eu/eli/ontology#LegalResource"])
    'document'
    """
    names = {local_name(str(iri)) for iri in class_iris}
    return next((kind for name, kind in _KINDS if name in names), "entity")


def sparql_iri(uri: str) -> str:
    """`<uri>` for a SPARQL query, refusing anything that could close the term and inject syntax.

    >>> sparql_iri("http://127.0.0.1:8000/id/agency/ubnd-ha-noi")
    '<http://127.0.0.1:8000/id/agency/ubnd-ha-noi>'
    >>> sparql_iri("http://x/a> ?p ?o")
    Traceback (most recent call last):
    ...
    ValueError: not a valid IRI: 'http://x/a> ?p ?o'
    """
    if not uri or _NOT_IN_IRI.search(uri):
        raise ValueError(f"not a valid IRI: {uri!r}")
    return f"<{uri}>"


class UriMinter:
    """Mints every URI of the graph under one base (REFORM_BASE_URI)."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base.rstrip("/")

    def _uri(self, *parts: str) -> URIRef:
        return URIRef("/".join([self.base, *parts]))

    def document(self, issuer_key: str | None, year: int | None, type_code: str | None, number: str) -> URIRef:
        kind = slugify(type_code or "vb")
        return self._uri(
            "id",
            "document",
            issuer_key or "unknown-issuer",
            str(year) if year else "unknown",
            f"{kind}-{number.lstrip('0') or '0'}",
        )

    def agency(self, key: str) -> URIRef:
        return self._uri("id", "agency", key)

    def area(self, name: str) -> URIRef:
        return self._uri("id", "area", slugify(name))

    def person(self, name: str) -> URIRef:
        return self._uri("id", "person", slugify(name))

    def indicator(self, key: str) -> URIRef:
        return self._uri("id", "indicator", key)

    def dataset(self, key: str) -> URIRef:
        return self._uri("id", "dataset", key)

    def observation(self, indicator: str, area: str, year: int | None) -> URIRef:
        return self._uri("id", "observation", indicator, slugify(area), str(year) if year else "unknown")

    def document_type(self, code: str) -> URIRef:
        return self._uri("id", "type", slugify(code))

    def source(self, document_id: str) -> URIRef:
        return self._uri("id", "source", document_id)

    def passage(self, passage_id: str) -> URIRef:
        return self._uri("id", "passage", passage_id)

    def annotation(self, passage_id: str, start: int, end: int, what: str) -> URIRef:
        return self._uri("id", "annotation", passage_id, f"{start}-{end}-{slugify(what)}")

    def graph(self, document_id: str) -> URIRef:
        return self._uri("graph", document_id)

    @property
    def graph_prefix(self) -> str:
        """What every source document's named graph IRI starts with."""
        return f"{self.base}/graph/"

    def page_path(self, uri: str) -> str | None:
        """The local page of a minted entity ("/id/agency/ubnd-ha-noi"), None for any other IRI.

        >>> UriMinter("http://x").page_path("http://x/id/agency/a"), UriMinter("http://x").page_path("http://y/id/a")
        ('/id/agency/a', None)
        """
        return uri[len(self.base) :] if uri.startswith(f"{self.base}/id/") else None

    def passage_id(self, uri: str) -> str | None:
        """The passage id of a passage IRI minted by `passage`, else None."""
        prefix = f"{self.base}/id/passage/"
        return uri[len(prefix) :] if uri.startswith(prefix) else None

    def entity(self, path: str) -> URIRef | None:
        """The URI of `/id/{path}` when the path has the shape of a minted one, else None."""
        return self._uri("id", path) if _ENTITY_PATH.fullmatch(path) and ".." not in path else None
