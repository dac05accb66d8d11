"""A formal document's facts about itself as statements: entry into force, end of force, signer, proposer.

ELI where it has the term (eli:first_date_entry_in_force, eli:date_no_longer_in_force); reform: for
the rest (signer, position, signing mode, proposer). Each statement keeps the span it was read from,
so graph.rdf gives it its provenance like any other. Whether a document is in force is not stated:
it depends on the day asked and on later documents, so graph.validity computes it when asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import FOAF, RDF, XSD

from graph.agencies import Agency, display_position
from graph.legal_relations import Proposal
from graph.references import Evidence
from graph.uris import ELI, REFORM, UriMinter
from ingest.document import Document


@dataclass(frozen=True)
class Stated:
    """One triple, with the evidence it was read from (None for a triple that only describes a node)."""

    subject: Any
    predicate: Any
    value: Any
    evidence: Evidence | None = None
    what: str = ""


def legal_statements(
    document: Document, facts: dict[str, Any], proposals: list[Proposal], uri: URIRef, minter: UriMinter, nodes: dict
) -> tuple[list[Stated], list[Agency]]:
    """The statements of one formal document about itself, and the agencies they name (`nodes`: the
    resolved documents by reference key, for the Tờ trình a proposal names)."""
    stated: list[Stated] = []

    def evidence(start: int, end: int) -> Evidence:
        passage = next((p for p in reversed(document.passages) if p.start <= start), document.passages[0])
        return Evidence(document.id, passage.id, start, max(start, end))

    for key, predicate, what in (
        ("effective", ELI.first_date_entry_in_force, "in-force"),
        ("until", ELI.date_no_longer_in_force, "no-longer-in-force"),
    ):
        statement = facts.get(key)
        if statement and statement.get("date"):
            value = Literal(statement["date"], datatype=XSD.date)
            stated.append(Stated(uri, predicate, value, evidence(statement["start"], statement["end"]), what))
    signer = facts.get("signer")
    if signer:
        person = minter.person(signer["name"])
        stated += [Stated(person, RDF.type, FOAF.Person), Stated(person, FOAF.name, Literal(signer["name"]))]
        stated.append(Stated(uri, REFORM.signer, person, evidence(signer["name_start"], signer["name_end"]), "signer"))
        position = display_position(signer["position"]) if signer.get("position") else None
        if position:
            block = evidence(signer["start"], signer["end"])
            stated.append(Stated(uri, REFORM.signerPosition, Literal(position, lang="vi"), block, "position"))
        if signer.get("mode"):
            stated.append(Stated(uri, REFORM.signingMode, Literal(signer["mode"])))
    agencies = []
    for proposal in proposals:
        stated.append(Stated(uri, REFORM.proposer, Literal(proposal.text, lang="vi"), proposal.evidence, "proposer"))
        if proposal.agency is not None:
            agencies.append(proposal.agency)
            stated.append(Stated(uri, REFORM.proposedBy, minter.agency(proposal.agency.key), proposal.evidence, "proposed-by"))
        if proposal.proposal is not None and proposal.proposal.key in nodes:
            stated.append(Stated(uri, REFORM.proposal, nodes[proposal.proposal.key].uri, proposal.evidence, "proposal"))
    return stated, agencies
