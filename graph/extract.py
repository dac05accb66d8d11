"""Facts from a document's passages: documents cited, relations, agencies, people, indicators.

Rules and gazetteers over sentences (underthesea), every fact with its evidence: the passage and
the character span in the document's text it was read from. A formal document also brings what its
header, signature and articles say about itself (ingest.legal_facts, graph.legal_relations).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graph.agencies import (
    Agency,
    Area,
    agency_named,
    area_in_context,
    home_area,
    issuing_body,
    local_agency,
    national_agencies,
    printed_body,
    province,
    province_like,
    province_named,
    resolve_issuer,
    under_by_code,
)
from graph.indicators import Observation, find_observations
from graph.legal_relations import LegalText, Proposal, Relation, bases, changes, proposals, title_relations
from graph.references import (
    CODE_BY_NAME,
    DocumentRef,
    Evidence,
    default_issuer,
    named_references,
    numbered_references,
    unread_number_references,
)
from ingest.document import Document, Passage
from ingest.header import readable_subject
from vntext.normalize import fold_diacritics
from vntext.numbers import parse_blank_number, parse_document_number
from vntext.segmentation import sentence_spans

__all__ = ["DocumentRef", "Evidence", "Extraction", "Relation", "extract", "PLAN_TYPES"]

_RELATION_VERBS = [  # (pattern on folded text between two documents of a sentence, relation)
    (re.compile(r"\bcan cu\b"), "based_on"),
    (re.compile(r"\bsua doi,? bo sung\b"), "amends"),
    (re.compile(r"\bthay the\b"), "replaces"),
    (re.compile(r"\bbai bo\b"), "repeals"),
    (re.compile(r"\bhuong dan\b"), "guides"),
    (re.compile(r"\b(?:trien khai|thuc hien|cu the hoa)\b"), "implements"),
]
_PASSIVE = re.compile(r"\b(?:duoc|da duoc|bi)\s+(?:\w+\s+){0,3}?(?:sua doi|thay the|bai bo|huong dan)")
_FAMILY_NAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đinh Trịnh Mai Tô "
    "Lương Chu Cao Lâm Vương Tạ Triệu Kiều Quách Thái Trương Đoàn Hà Khúc Lưu Văn Tăng"
).split()
_ROLE = re.compile(
    r"((?:[Pp]hó\s+)?(?:[Gg]iám đốc|[Cc]hủ tịch|[Bb]í thư|[Tt]rưởng ban|[Cc]hánh [Vv]ăn phòng))\s+"
    r"((?:Sở|UBND|Ủy ban nhân dân|Ban|Văn phòng)\s[^,.;:]*)\s+"
    r"((?:" + "|".join(_FAMILY_NAMES) + r")(?:\s[A-ZĐ][a-zà-ỹđ]+){1,3})\b"
)
PLAN_TYPES = ("KH", "CTR", "DA")
_BULLET = re.compile(r"^[-+•]\s+")


@dataclass(frozen=True)
class AgencyMention:
    agency: Agency
    evidence: Evidence


@dataclass(frozen=True)
class PersonMention:
    name: str
    role: str
    agency: Agency
    evidence: Evidence


@dataclass(frozen=True)
class Task:
    """One item of a plan's "Nhiệm vụ" section."""

    text: str
    evidence: Evidence


@dataclass
class Extraction:
    document: Document
    references: list[DocumentRef] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    agencies: list[AgencyMention] = field(default_factory=list)
    people: list[PersonMention] = field(default_factory=list)
    itself: DocumentRef | None = None  # a formal document's own identity
    signer: tuple[str, str] | None = None  # (name, position) under a formal document
    tasks: list[Task] = field(default_factory=list)  # what a plan sets out to do
    facts: dict[str, Any] = field(default_factory=dict)  # the document's own metadata["legal"]
    proposals: list[Proposal] = field(default_factory=list)


def extract(document: Document, *, area: Area | None = None) -> Extraction:
    """Every fact of a document (see the module docstring); `area` is the one it is about, else read from it."""
    facts = dict(document.metadata.get("legal") or {})
    area = area or document_area(document, facts)
    result = Extraction(document, facts=facts)
    for passage in document.passages:
        context = " ".join(passage.path)
        for span in sentence_spans(document.text, passage.start, passage.end):
            sentence = document.text[span.start : span.end]
            refs = numbered_references(document.id, passage.id, span.start, sentence, context, area)
            result.references += refs
            result.relations += _relations(document.text, span.start, refs, passage, document.id)
            result.people += _people(sentence, span.start, passage, document.id, area)
        result.observations += find_observations(document, passage, area)
        result.agencies += _agencies(document.text, passage, area)
    if facts and (facts.get("type") or document.number):
        result.itself = _itself(document, facts, area)
        if result.itself is not None:
            _legal(result, area)
    return result


def document_area(document: Document, facts: dict[str, Any]) -> Area | None:
    """The province a document belongs to: its issuer's (header, place) or, for an article, the one it names most."""
    for block in reversed(facts.get("issuer") or []):
        agency = issuing_body(block.get("lines") or [block["text"]], None)
        if agency is not None and agency.area is not None:
            return province(agency.area.parent) if agency.area.level == "district" and agency.area.parent else agency.area
        if agency is not None:
            return None  # a national body: no area of its own
    if facts.get("place"):
        return province_named(facts["place"]) or province_like(facts["place"])
    return home_area(f"{document.title}\n{document.text[:20_000]}")


def _legal(result: Extraction, area: Area | None) -> None:
    """A formal document's own facts: laws cited by name, bases, changes, guidance, proposals, signer."""
    document, facts, itself = result.document, result.facts, result.itself
    assert itself is not None  # extract() calls this for a formal document that names itself
    text = LegalText(document, facts, result.references)
    taken = sorted((r.evidence.start, r.evidence.end) for r in result.references)
    starts = [s for s, _ in taken]
    for start, end in text.zones():
        passage = text.passage_at(start)
        # bisect, not a scan of every reference per zone: 20,000 "Căn cứ …" lines took minutes
        local = [(s - start, e - start) for s, e in taken[bisect_left(starts, start) : bisect_left(starts, end)]]
        zone = document.text[start:end].replace("\n", " ")  # a name wrapped over two lines of a PDF
        result.references += named_references(document.id, passage.id, start, zone, local)
        result.references += unread_number_references(document.id, passage.id, start, zone, local)
    text = LegalText(document, facts, result.references)
    result.relations += bases(text, itself) + changes(text, itself) + title_relations(text, itself)
    result.proposals = proposals(text, area)
    signer = facts.get("signer")
    result.signer = (signer["name"], signer.get("position") or "") if signer else None
    if (itself.type_code or "") in PLAN_TYPES:
        result.tasks = _tasks(document)


def _itself(document: Document, facts: dict[str, Any], area: Area | None) -> DocumentRef | None:
    """The formal document as a reference to itself: number, type, issuer and date from its header."""
    number = parse_document_number(document.number) if document.number else None
    blank = parse_blank_number(facts["blank_number"]) if facts.get("blank_number") else None
    code = CODE_BY_NAME.get(fold_diacritics(facts.get("type") or "").lower())
    parsed = number or blank
    code = code or (fold_diacritics(parsed.type_code).upper() if parsed and parsed.type_code else None)
    issuer = _issuer(facts, parsed, area, code)
    date = (facts.get("date") or {}).get("text")
    year = (number.year if number else None) or (blank.year if blank else None) or facts.get("year")
    span = facts.get("number") or facts.get("subject") or {"start": 0, "end": 0}
    passage = document.passages[0] if document.passages else None
    if passage is None:
        return None
    evidence = Evidence(document.id, passage.id, span["start"], span["end"])
    printed = (facts.get("subject") or {}).get("text")
    subject = readable_subject(document.text, printed, facts.get("type")) if printed else None
    if number is None:
        written = document.title
        return DocumentRef(
            "", code, issuer, year, written, evidence, None, date, subject, own_document=document.id, described=True
        )
    return DocumentRef(number.number, code, issuer, year, number.raw, evidence, number.canonical, date, subject, described=True)


def _issuer(facts: dict[str, Any], parsed, area: Area | None, code: str | None) -> Agency | None:
    """The issuing body: the header's capitalized block, else the number's code (in the document's area),
    else the block as printed — a body the gazetteer does not know is still the issuer."""
    blocks = list(reversed(facts.get("issuer") or []))
    for block in blocks:
        agency = issuing_body(block.get("lines") or [block["text"]], area)
        if agency is not None:
            return under_by_code(agency, parsed.issuer_code if parsed is not None else None)
    if parsed is not None and parsed.issuer_code:
        agency = resolve_issuer(parsed.issuer_code, " ".join(b["text"] for b in blocks), area)
        if agency is not None:
            return agency
    return default_issuer(code) or (printed_body(blocks[0]["text"]) if blocks else None)


def _relations(text: str, offset: int, refs: list[DocumentRef], passage: Passage, document_id: str) -> list[Relation]:
    """A relation verb between two documents of a sentence links the earlier to the later one
    ("… được sửa đổi, bổ sung bởi …": the later to the earlier)."""
    ordered = sorted(refs, key=lambda r: r.evidence.start)
    relations = []
    for first, second in zip(ordered, ordered[1:], strict=False):
        between = fold_diacritics(text[first.evidence.end : second.evidence.start])
        if len(between) > 160 or "\n" in between or between.lstrip().startswith(";"):
            continue  # separate lines ("Căn cứ …;" lists) and list items are separate statements
        for pattern, relation in _RELATION_VERBS:
            if pattern.search(between):
                evidence = Evidence(document_id, passage.id, first.evidence.start, second.evidence.end)
                source, target = (second, first) if _PASSIVE.search(between) else (first, second)
                if relation == "based_on" and source is second:
                    break
                relations.append(Relation(source, relation, target, evidence))
                break
    return relations


def _tasks(document: Document) -> list[Task]:
    """Bullet items in the passages of a plan's "Nhiệm vụ" sections."""
    tasks = []
    for passage in document.passages:
        if not any("nhiem vu" in fold_diacritics(part).lower() for part in passage.path):
            continue
        cursor = passage.start
        for line in document.text[passage.start : passage.end].split("\n"):
            if bullet := _BULLET.match(line):
                text = line[bullet.end() :].strip().rstrip(";.")
                start = cursor + bullet.end()
                tasks.append(Task(text, Evidence(document.id, passage.id, start, start + len(text))))
            cursor += len(line) + 1
    return tasks


def _people(sentence: str, offset: int, passage: Passage, document_id: str, area: Area | None) -> list[PersonMention]:
    people = []
    for match in _ROLE.finditer(sentence):
        agency = agency_named(match.group(2), area)
        if agency is None:
            continue
        evidence = Evidence(document_id, passage.id, offset + match.start(), offset + match.end())
        people.append(PersonMention(match.group(3), match.group(1)[0].upper() + match.group(1)[1:].lower(), agency, evidence))
    return people


@lru_cache(maxsize=128)
def _agency_labels(area: Area | None) -> tuple[tuple[Agency, tuple[tuple[str, str], ...]], ...]:
    """Known bodies of an area and their searchable labels (as written, folded), built once per area.

    Bare abbreviations ("UBND") are left out (context resolves them elsewhere), and a district body
    only counts when it is named with its district.
    """
    candidates = list(national_agencies())
    if area is not None:
        candidates += [local_agency(p, area) for p in ("ubnd", "hdnd", "tinh-uy", "so-noi-vu", "so-tu-phap", "ban-chi-dao-cchc")]
    result = []
    for agency in candidates:
        labels = tuple(
            (label, fold_diacritics(label).lower())
            for label in (agency.label, *agency.alt_labels)
            if len(label) >= 5 and not (agency.area and agency.area.level == "district" and agency.area.name not in label)
        )
        result.append((agency, labels))
    return tuple(result)


def _agencies(text: str, passage: Passage, area: Area | None) -> list[AgencyMention]:
    """Known bodies named in a passage (first mention of each), districts named with their body."""
    found: dict[str, AgencyMention] = {}
    body = text[passage.start : passage.end]
    folded = fold_diacritics(body).lower()
    for agency, labels in _agency_labels(area):
        for label, folded_label in labels:
            position = folded.find(folded_label)
            if position >= 0 and agency.key not in found:
                start = passage.start + position
                found[agency.key] = AgencyMention(agency, Evidence(passage.document_id, passage.id, start, start + len(label)))
                break
    for match in re.finditer(r"(?:ubnd|uy ban nhan dan)\s+(?:quan|huyen|thi xa)\s", folded):
        district = area_in_context(body[match.start() : match.start() + 60], area)
        if district is None or district.level != "district":
            continue
        agency = local_agency("ubnd", district)
        named_end = folded.find(fold_diacritics(district.name.split(" ", 1)[1]).lower(), match.start())
        if agency.key not in found and named_end >= 0:
            start, end = passage.start + match.start(), passage.start + named_end + len(district.name.split(" ", 1)[1])
            found[agency.key] = AgencyMention(agency, Evidence(passage.document_id, passage.id, start, end))
    return list(found.values())
