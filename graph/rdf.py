"""Extractions to RDF: one named graph per source document, every statement with its provenance.

Identity is global: a document is one node however many passages mention it (issuer + type +
number, and year when the mentions state different years). A reference without a number that
names the parent body ("Nghị quyết số 35 của Quốc hội") joins the numbered document of a child
body (35/2023/UBTVQH15) with the same type and number; two full numbers never merge.
Provenance: each fact has an oa:Annotation whose target is the passage and a TextPositionSelector
(character offsets into the document's text); relations are reified as rdf:Statement bodies.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, QB, RDF, RDFS, SKOS, XSD

from graph.agencies import Agency, agency_by_key, slugify, words
from graph.extract import PLAN_TYPES, DocumentRef, Evidence, Extraction
from graph.legal_facts_rdf import legal_statements
from graph.uris import ELI, OA, REFORM, SDMX_ATTRIBUTE, SDMX_DIMENSION, UriMinter
from vntext.numbers import DOCUMENT_TYPES, parse_document_number

RELATION_PREDICATES = {
    "based_on": ELI.based_on,
    "amends": ELI.amends,
    "repeals": ELI.repeals,
    "implements": ELI.implements,
    "replaces": REFORM.replaces,
    "guides": REFORM.guides,
    "cites": ELI.cites,
}
CHANGES = ("amends", "repeals", "replaces")  # also stated as eli:changes, the property ELI puts above them
Triple = tuple


@dataclass
class DocumentNode:
    """One real document after identity resolution."""

    uri: URIRef
    type_code: str | None
    issuer: Agency | None
    year: int | None
    number: str
    full_number: str | None = None
    date: str | None = None
    subject: str | None = None
    written: set[str] = field(default_factory=set)
    name: str | None = None  # a law known by its name ("Tổ chức Chính phủ")


RefKey = tuple[str, int, int, str]  # DocumentRef.key


def resolve_documents(extractions: list[Extraction], minter: UriMinter) -> dict[RefKey, DocumentNode]:
    """DocumentRef.key -> its DocumentNode, across all extractions; every reference gets a node.

    Mentions of one issuer + type + number that state different years are different documents
    (one node per year); a mention without a year joins the year most mentioned (the latest on a tie).
    """
    refs = [r for x in extractions for r in ([x.itself] if x.itself else []) + x.references]
    groups: dict[tuple, list[DocumentRef]] = defaultdict(list)
    for ref in refs:
        groups[ref.identity].append(ref)
    _merge_parent_attributions(groups)
    _merge_named_laws(groups, _citing_dates(extractions))
    resolved: dict[RefKey, DocumentNode] = {}
    for (issuer_key, type_code, number), members in groups.items():
        years = Counter(r.year for r in members if r.year)
        usual = max(years, key=lambda y: (years[y], y)) if years else None
        by_year: dict[int | None, list[DocumentRef]] = defaultdict(list)
        for ref in members:
            by_year[ref.year or usual].append(ref)
        for year, chosen in by_year.items():
            node = _node(chosen, issuer_key, type_code, number, year, minter)
            for ref in chosen:
                resolved[ref.key] = node
    return resolved


def _merge_parent_attributions(groups: dict[tuple, list[DocumentRef]]) -> None:
    for key in list(groups):
        members = groups[key]
        if any(r.full_number for r in members):
            continue
        issuer_key, type_code, number = key
        children = [
            k
            for k, v in groups.items()
            if k != key
            and k[1:] == (type_code, number)
            and any(r.full_number for r in v)
            and (agency := agency_by_key(k[0])) is not None
            and agency.parent == issuer_key
        ]
        if len(children) == 1:
            groups[children[0]].extend(groups.pop(key))


def _citing_dates(extractions: list[Extraction]) -> dict[str, str]:
    """document id -> the date of the document citing (a law named without a date is the one then in force)."""
    dates = {}
    for extraction in extractions:
        date = (extraction.itself.date if extraction.itself else None) or extraction.document.date
        if date:
            dates[extraction.document.id] = date
    return dates


def _merge_named_laws(groups: dict[tuple, list[DocumentRef]], citing: dict[str, str]) -> None:
    """A law cited by name joins the document of that type and name: the one of that date (or year) when
    stated, else the latest dated on or before the citing document ("Luật Phòng, chống ma túy" in 2021
    is 73/2021/QH14, not its 2025 successor)."""
    by_name: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for key, members in groups.items():
        for name in {words(n) for r in members for n in (r.name, r.subject) if n}:
            by_name[(key[1], name)].append(key)
    for key in [k for k in groups if k[2].startswith("~")]:
        found = groups.get(key)
        if not found:
            continue
        members = found
        name, _, when = key[2][1:].partition("@")
        others = [k for k in by_name.get((key[1], name), []) if k != key and k in groups and k[0] in (key[0], "?")]
        target = _same_law(
            groups, others, when, min((citing.get(r.evidence.document_id, "9999") for r in members), default="9999")
        )
        if target is not None:
            groups[target].extend(groups.pop(key))


def _same_law(groups: dict[tuple, list[DocumentRef]], keys: list[tuple], when: str, cited_on: str) -> tuple | None:
    dated = []
    for key in keys:
        date = next((r.date for r in groups[key] if r.date), None)
        year = next((r.year for r in groups[key] if r.year), None)
        if when and len(when) == 10 and date == when or when and len(when) == 4 and year and str(year) == when:
            return key
        if not when and date and date <= cited_on:
            dated.append((date, not key[2].startswith("~"), key))
    return max(dated)[2] if dated else None


def _node(
    refs: list[DocumentRef], issuer_key: str, type_code: str, number: str, year: int | None, minter: UriMinter
) -> DocumentNode:
    numbered = next((r for r in refs if r.full_number), None)
    code = None if type_code == "?" else type_code
    issuer = next((r.issuer for r in refs if r.issuer and r.issuer.key == issuer_key), None)
    name = next((r.name for r in refs if r.name and not r.number), None)
    own_text = next((r.own_document for r in refs if r.own_document), None)
    issuer_part = None if issuer_key == "?" else issuer_key
    if numbered or not (name or own_text):
        uri = minter.document(issuer_part, year, code, number)
    else:
        uri = minter.document(issuer_part, year, code, f"khong-so-{own_text}" if own_text else slugify(name or "")[:80])
    written_number = (numbered or refs[0]).number
    node = DocumentNode(uri, code, issuer, year, written_number)
    node.full_number = numbered.full_number if numbered else None
    node.name = name if not numbered else None
    own = next((r for r in refs if r.described), None)  # the document's own header, when it is in the store
    node.date = (own.date if own else None) or next((r.date for r in refs if r.date), None)
    subjects = [r.subject for r in refs if r.subject]
    node.subject = own.subject if own and own.subject else (max(subjects, key=len) if subjects else None)
    node.written = {r.written for r in refs}
    return node


def label(node: DocumentNode) -> str:
    """ "Quyết định 280/QĐ-UBND", "Luật Tổ chức Chính phủ ngày 19/6/2015", "Nghị quyết số 18 của Thành ủy Hà Nội (2022)"."""
    kind = DOCUMENT_TYPES.get(node.type_code or "", "Văn bản")
    if node.full_number:
        return f"{kind} {node.full_number}"
    if node.name:
        if node.date:
            year_text, month, day = node.date.split("-")
            when = f" ngày {int(day)}/{int(month)}/{year_text}"
        else:
            when = f" năm {node.year}" if node.year else ""
        return f"{kind} {node.name}{when}"
    if not node.number:  # a document whose numeral is blank in its own text
        subject = (node.subject or "").strip()
        return f"{kind} {subject[:1].lower() + subject[1:120]}".strip() if subject else kind
    issuer = f" của {node.issuer.label}" if node.issuer else ""
    return f"{kind} số {node.number}{issuer}" + (f" ({node.year})" if node.year else "")


class GraphBuilder:
    """Collects the triples of one source document's named graph."""

    def __init__(self, minter: UriMinter, extraction: Extraction, nodes: dict[RefKey, DocumentNode]) -> None:
        self.minter, self.extraction, self.nodes = minter, extraction, nodes
        self.triples: list[Triple] = []
        self.document = extraction.document
        self.source = minter.source(self.document.id)

    def add(self, s, p, o) -> None:
        self.triples.append((s, p, o))

    def build(self) -> list[Triple]:
        self._source()
        for ref in ([self.extraction.itself] if self.extraction.itself else []) + self.extraction.references:
            node = self.nodes[ref.key]
            self._document_node(node)
            if ref is not self.extraction.itself:
                self.add(self.source, DCTERMS.references, node.uri)
                self._annotate(node.uri, ref.evidence, "mention", OA.identifying)
        for relation in self.extraction.relations:
            self._relation(relation)
        for mention in self.extraction.agencies:
            self._agency(mention.agency)
            self.add(self.source, REFORM.mentionsAgency, self.minter.agency(mention.agency.key))
            self._annotate(self.minter.agency(mention.agency.key), mention.evidence, "agency", OA.identifying)
        for person in self.extraction.people:
            self._person(person)
        itself = self.extraction.itself
        tasks = self.extraction.tasks if itself is not None else []
        for number, task in enumerate(tasks, start=1):
            assert itself is not None
            plan = self.nodes[itself.key].uri
            uri = URIRef(f"{plan}/task/{number}")
            self.add(uri, RDF.type, REFORM.Task)
            self.add(uri, RDFS.label, Literal(task.text, lang="vi"))
            self.add(uri, REFORM.taskOf, plan)
            self.add(plan, REFORM.task, uri)
            self._annotate(uri, task.evidence, "task", OA.identifying)
        if self.extraction.itself is not None and self.extraction.facts:
            self._legal_facts()
        for observation in self.extraction.observations:
            self._observation(observation)
        return self.triples

    def _legal_facts(self) -> None:
        """The document's own entry into force, end of force, signer and proposer, with their provenance."""
        extraction = self.extraction
        assert extraction.itself is not None  # called only for a formal document's own facts
        uri = self.nodes[extraction.itself.key].uri
        stated, agencies = legal_statements(self.document, extraction.facts, extraction.proposals, uri, self.minter, self.nodes)
        for agency in agencies:
            self._agency(agency)
        for statement in stated:
            self.add(statement.subject, statement.predicate, statement.value)
            if statement.evidence is not None and statement.evidence.end > statement.evidence.start:
                self._statement(statement.subject, statement.predicate, statement.value, statement.evidence, statement.what)

    def _source(self) -> None:
        d = self.document
        self.add(self.source, RDF.type, DCTERMS.BibliographicResource)
        self.add(self.source, DCTERMS.title, Literal(d.title, lang="vi"))
        self.add(self.source, DCTERMS.identifier, Literal(d.id))
        for predicate, value in ((DCTERMS.source, d.source), (DCTERMS.creator, d.author)):
            if value:
                self.add(self.source, predicate, Literal(value))
        if d.date:
            self.add(self.source, DCTERMS.date, Literal(d.date, datatype=XSD.date))
        self.add(self.source, DCTERMS.language, Literal(d.language))
        if self.extraction.itself is not None:
            self.add(self.source, FOAF.primaryTopic, self.nodes[self.extraction.itself.key].uri)
        for passage in d.passages:
            uri = self.minter.passage(passage.id)
            self.add(uri, RDF.type, REFORM.Passage)
            self.add(uri, DCTERMS.isPartOf, self.source)
            self.add(uri, REFORM.start, Literal(passage.start))
            self.add(uri, REFORM.end, Literal(passage.end))
            if passage.path:
                self.add(uri, REFORM.structuralPath, Literal(passage.path_label, lang="vi"))
            if self.extraction.itself is not None and passage.path and passage.path[-1].startswith("Điều"):
                part = URIRef(f"{self.nodes[self.extraction.itself.key].uri}/{slugify(passage.path[-1])}")
                self.add(part, RDF.type, ELI.LegalResourceSubdivision)
                self.add(part, ELI.is_part_of, self.nodes[self.extraction.itself.key].uri)
                self.add(self.nodes[self.extraction.itself.key].uri, ELI.has_part, part)
                self.add(part, RDFS.label, Literal(passage.path[-1], lang="vi"))
                self.add(part, REFORM.passage, uri)

    def _document_node(self, node: DocumentNode) -> None:
        self.add(node.uri, RDF.type, ELI.LegalResource)
        if node.type_code in PLAN_TYPES:
            self.add(node.uri, RDF.type, REFORM.Plan)
        self.add(node.uri, SKOS.prefLabel, Literal(label(node), lang="vi"))
        if node.number:
            self.add(node.uri, REFORM.localNumber, Literal(node.number.lstrip("0") or "0"))
        if node.full_number:
            self.add(node.uri, ELI.id_local, Literal(node.full_number))
            parsed = parse_document_number(node.full_number)
            self.add(node.uri, REFORM.numberKey, Literal(parsed.key if parsed else node.full_number.upper()))
        if node.name:
            self.add(node.uri, REFORM.name, Literal(node.name, lang="vi"))
        for written in sorted(node.written):
            self.add(node.uri, SKOS.altLabel, Literal(written, lang="vi"))
        if node.type_code:
            concept = self.minter.document_type(node.type_code)
            self.add(node.uri, ELI.type_document, concept)
            self.add(concept, RDF.type, SKOS.Concept)
            self.add(concept, SKOS.prefLabel, Literal(DOCUMENT_TYPES.get(node.type_code, node.type_code), lang="vi"))
            self.add(concept, SKOS.notation, Literal(node.type_code))
        if node.issuer:
            self._agency(node.issuer)
            self.add(node.uri, ELI.passed_by, self.minter.agency(node.issuer.key))
        if node.date:
            self.add(node.uri, ELI.date_document, Literal(node.date, datatype=XSD.date))
        if node.year:
            self.add(node.uri, REFORM.year, Literal(node.year))
        if node.subject:
            self.add(node.uri, ELI.title, Literal(node.subject, lang="vi"))

    def _agency(self, agency: Agency) -> None:
        uri = self.minter.agency(agency.key)
        self.add(uri, RDF.type, ORG.Organization)
        self.add(uri, SKOS.prefLabel, Literal(agency.label, lang="vi"))
        for alt in agency.alt_labels:
            self.add(uri, SKOS.altLabel, Literal(alt, lang="vi"))
        if agency.parent and (parent := agency_by_key(agency.parent)):
            self.add(uri, ORG.subOrganizationOf, self.minter.agency(parent.key))
            self._agency(parent)
        if agency.area:
            area = self.minter.area(agency.area.name)
            self.add(uri, REFORM.area, area)
            self.add(area, RDFS.label, Literal(agency.area.name, lang="vi"))
            if agency.area.parent:
                self.add(area, REFORM.within, self.minter.area(agency.area.parent))

    def _relation(self, relation) -> None:
        source, target = self.nodes[relation.source.key].uri, self.nodes[relation.target.key].uri
        predicate = RELATION_PREDICATES[relation.relation]
        part = getattr(relation, "part", None)
        if part:  # "Bãi bỏ khoản 2 Điều 32 của …": the act changes a part of the document
            subdivision = URIRef(f"{target}/{slugify(part)[:80]}")
            self.add(subdivision, RDF.type, ELI.LegalResourceSubdivision)
            self.add(subdivision, ELI.is_part_of, target)
            self.add(subdivision, RDFS.label, Literal(part, lang="vi"))
            target = subdivision if relation.relation == "repeals" else target
            if relation.relation != "repeals":
                self.add(source, predicate, subdivision)
        self.add(source, predicate, target)
        if relation.relation in CHANGES:
            self.add(source, ELI.changes, target)
        self._statement(source, predicate, target, relation.evidence, relation.relation)

    def _statement(self, subject, predicate, value, evidence: Evidence, what: str) -> None:
        """The provenance of one statement: an annotation whose body is the reified rdf:Statement."""
        statement = URIRef(f"{self.minter.annotation(evidence.passage_id, evidence.start, evidence.end, what)}/statement")
        self.add(statement, RDF.type, RDF.Statement)
        self.add(statement, RDF.subject, subject)
        self.add(statement, RDF.predicate, predicate)
        self.add(statement, RDF.object, value)
        self._annotate(statement, evidence, what, OA.linking if isinstance(value, URIRef) else OA.describing)

    def _person(self, person) -> None:
        uri = self.minter.person(person.name)
        self.add(uri, RDF.type, FOAF.Person)
        self.add(uri, FOAF.name, Literal(person.name))
        membership = URIRef(f"{uri}/membership/{person.agency.key}")
        self.add(membership, RDF.type, ORG.Membership)
        self.add(membership, ORG.member, uri)
        self.add(membership, ORG.organization, self.minter.agency(person.agency.key))
        self.add(membership, ORG.role, Literal(person.role, lang="vi"))
        self._agency(person.agency)
        self._annotate(membership, person.evidence, "membership", OA.identifying)

    def _observation(self, observation) -> None:
        key = observation.indicator.key
        uri = self.minter.observation(key, observation.area.name, observation.year)
        dataset, indicator = self.minter.dataset(key), self.minter.indicator(key)
        self.add(indicator, RDF.type, SKOS.Concept)
        self.add(indicator, SKOS.prefLabel, Literal(observation.indicator.label, lang="vi"))
        for alt in observation.indicator.alt_labels:
            self.add(indicator, SKOS.altLabel, Literal(alt, lang="vi"))
        self.add(dataset, RDF.type, QB.DataSet)
        self.add(dataset, REFORM.indicator, indicator)
        self.add(uri, RDF.type, QB.Observation)
        self.add(uri, QB.dataSet, dataset)
        self.add(uri, REFORM.indicator, indicator)
        self.add(uri, SDMX_DIMENSION.refArea, self.minter.area(observation.area.name))
        self.add(self.minter.area(observation.area.name), RDFS.label, Literal(observation.area.name, lang="vi"))
        if observation.year:
            self.add(uri, SDMX_DIMENSION.refPeriod, Literal(str(observation.year), datatype=XSD.gYear))
        if observation.value is not None:
            self.add(uri, REFORM.value, Literal(observation.value, datatype=XSD.decimal))
            self.add(uri, SDMX_ATTRIBUTE.unitMeasure, REFORM[observation.unit])
        if observation.scale:
            self.add(uri, REFORM.scale, Literal(observation.scale))
        if observation.rank is not None:
            self.add(uri, REFORM.rank, Literal(observation.rank))
            self.add(uri, REFORM.rankOutOf, Literal(observation.rank_of))
        evidence = Evidence(observation.document_id, observation.passage_id, observation.start, observation.end)
        self._annotate(uri, evidence, "observation", OA.identifying)

    def _annotate(self, body, evidence: Evidence, what: str, motivation) -> None:
        annotation = self.minter.annotation(evidence.passage_id, evidence.start, evidence.end, what)
        target, selector = URIRef(f"{annotation}/target"), URIRef(f"{annotation}/selector")
        self.add(annotation, RDF.type, OA.Annotation)
        self.add(annotation, OA.motivatedBy, motivation)
        self.add(annotation, OA.hasBody, body)
        self.add(annotation, OA.hasTarget, target)
        self.add(annotation, DCTERMS.source, self.source)
        self.add(target, OA.hasSource, self.minter.passage(evidence.passage_id))
        self.add(target, OA.hasSelector, selector)
        self.add(selector, RDF.type, OA.TextPositionSelector)
        self.add(selector, OA.start, Literal(evidence.start))
        self.add(selector, OA.end, Literal(evidence.end))
        self.add(selector, OA.exact, Literal(self.document.text[evidence.start : evidence.end], lang="vi"))
