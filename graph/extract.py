"""Facts from a document's passages: documents cited, relations, agencies, people, indicators.

Rules and gazetteers over sentences (underthesea), every fact with its evidence: the passage and
the character span in the document's text it was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from graph.agencies import HA_NOI, Agency, Area, agency_named, area_in_context, local_agency, national_agencies, resolve_issuer
from graph.indicators import Observation, find_observations
from ingest.document import Document, Passage
from vntext.dates import find_dates, parse_date
from vntext.normalize import fold_diacritics
from vntext.numbers import DOCUMENT_TYPES, find_document_numbers
from vntext.segmentation import sentence_spans

_TYPE_NAMES = sorted({name for name in DOCUMENT_TYPES.values()}, key=len, reverse=True)
_CODE_BY_NAME = {fold_diacritics(name).lower(): code for code, name in DOCUMENT_TYPES.items() if "-" not in code}
_TYPE_BEFORE = re.compile(r"(?i)(" + "|".join(map(re.escape, _TYPE_NAMES)) + r")(?:\s+hành động)?\s*(?:số\s*)?$")
_LOOSE = re.compile(
    r"(?<!\w)(" + "|".join(map(re.escape, _TYPE_NAMES)) + r")\s+(?:(số)\s+)?(\d{1,4})(?![\w/.,-]|\s*(?:%|tỷ|triệu))"
)
_DATE_AFTER = re.compile(
    r"^\s*,?\s*ngày\s+(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})", re.IGNORECASE
)
_OF_AGENCY = re.compile(r"^\s*,?\s*(?:ngày\s+[\d/ thángnăm.-]+?\s*)?của\s+([^,;.()]{3,60})", re.IGNORECASE)
_SUBJECT = re.compile(
    r"^\s*(?:,?\s*ngày\s+[\d/ thángnăm.-]+?)?\s*(?:của\s+[^,;]{3,60}?\s+)?(?:(?:về việc|về|ban hành|triển khai|thành lập|phê duyệt)\s+)(.+)",
    re.IGNORECASE,
)
_SUBJECT_END = re.compile(r"[;.()\"“”]|,\s*(?:với|trong đó|đồng thời|nhằm|góp phần)\b")
_RELATION_VERBS = [  # (pattern on folded text between two documents, relation)
    (re.compile(r"\bcan cu\b"), "based_on"),
    (re.compile(r"\bsua doi,? bo sung\b"), "amends"),
    (re.compile(r"\bthay the\b"), "replaces"),
    (re.compile(r"\bbai bo\b"), "repeals"),
    (re.compile(r"\bhuong dan\b"), "guides"),
    (re.compile(r"\b(?:trien khai|thuc hien|cu the hoa)\b"), "implements"),
]
_FAMILY_NAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đinh Trịnh Mai Tô "
    "Lương Chu Cao Lâm Vương Tạ Triệu Kiều Quách Thái Trương Đoàn Hà Khúc Lưu Văn Tăng"
).split()
_ROLE = re.compile(
    r"((?:[Pp]hó\s+)?(?:[Gg]iám đốc|[Cc]hủ tịch|[Bb]í thư|[Tt]rưởng ban|[Cc]hánh [Vv]ăn phòng))\s+"
    r"((?:Sở|UBND|Ủy ban nhân dân|Ban|Văn phòng)\s[^,.;:]*)\s+"
    r"((?:" + "|".join(_FAMILY_NAMES) + r")(?:\s[A-ZĐ][a-zà-ỹđ]+){1,3})\b"
)


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: passage and [start, end) in the document's text."""

    document_id: str
    passage_id: str
    start: int
    end: int


@dataclass
class DocumentRef:
    """A document mentioned (or, for a formal document, the document itself)."""

    number: str  # the local number: "280"
    type_code: str | None  # folded code: "QD"
    issuer: Agency | None
    year: int | None
    written: str  # as written: "280/QĐ-UBND" or "Nghị quyết số 18"
    evidence: Evidence
    full_number: str | None = None  # "280/QĐ-UBND" when written in full
    date: str | None = None
    subject: str | None = None

    @property
    def key(self) -> tuple[str, int, int, str]:
        """Where this reference is written: stable across processes and pickling, unlike id()."""
        return (self.evidence.document_id, self.evidence.start, self.evidence.end, self.written)

    @property
    def identity(self) -> tuple[str, str, str]:
        """Same issuer, type and number: one document (years are compared when the graph merges)."""
        return (self.issuer.key if self.issuer else "?", self.type_code or "?", self.number.lstrip("0") or "0")

    @property
    def type_name(self) -> str | None:
        return DOCUMENT_TYPES.get(self.type_code or "")


@dataclass(frozen=True)
class Relation:
    source: DocumentRef
    relation: str  # based_on, amends, replaces, repeals, guides, implements
    target: DocumentRef
    evidence: Evidence


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


def extract(document: Document, *, area: Area = HA_NOI) -> Extraction:
    """Every fact of a document (see the module docstring)."""
    result = Extraction(document)
    for passage in document.passages:
        context = " ".join(passage.path)
        for span in sentence_spans(document.text, passage.start, passage.end):
            sentence = document.text[span.start : span.end]
            refs = _references(document, passage, span.start, sentence, context, area)
            result.references += refs
            result.relations += _relations(document.text, span.start, sentence, refs, passage, document.id)
            result.people += _people(sentence, span.start, passage, document.id, area)
        result.observations += find_observations(document, passage, area)
        result.agencies += _agencies(document.text, passage, area)
    if document.number:
        result.itself = _itself(document, area)
        result.relations += _legal_bases(document, result.itself, result.references)
        result.relations += _title_relations(document, result.itself, result.references)
        result.signer = _signer(document)
        if result.itself.type_code in PLAN_TYPES:
            result.tasks = _tasks(document)
    return result


def _references(document: Document, passage: Passage, offset: int, sentence: str, context: str, area: Area) -> list[DocumentRef]:
    refs = []
    numbered_spans = []
    for start, end, number in find_document_numbers(sentence):
        numbered_spans.append((start, end))
        before, after = sentence[:start], sentence[end:]
        type_match = _TYPE_BEFORE.search(before)
        code = _CODE_BY_NAME.get(fold_diacritics(type_match.group(1)).lower()) if type_match else None
        code = code or (fold_diacritics(number.type_code).upper() if number.type_code else None)
        named = _OF_AGENCY.match(after)
        issuer = (agency_named(named.group(1), area) if named else None) or resolve_issuer(
            number.issuer_code, context + " " + sentence, area
        )
        date = _date_after(after) or _only_date(sentence, len(find_document_numbers(sentence)))
        evidence = Evidence(document.id, passage.id, offset + start, offset + end)
        refs.append(
            DocumentRef(
                number.number,
                code,
                issuer,
                number.year or (int(date[:4]) if date else None),
                number.raw,
                evidence,
                number.canonical,
                date,
                _subject(after),
            )
        )
    for match in _LOOSE.finditer(sentence):
        if any(s <= match.start(3) < e for s, e in numbered_spans):
            continue
        after = sentence[match.end() :]
        named = _OF_AGENCY.match(after)
        if not named and not match.group(2):
            continue  # "Đề án 06" is a reference only with its issuer; "Kế hoạch 5" alone is not
        issuer = agency_named(named.group(1), area) if named else None
        if issuer is None:
            continue  # no issuer: its identity cannot be established
        date = _date_after(after)
        evidence = Evidence(document.id, passage.id, offset + match.start(), offset + match.end())
        code = _CODE_BY_NAME.get(fold_diacritics(match.group(1)).lower())
        refs.append(
            DocumentRef(
                match.group(3),
                code,
                issuer,
                int(date[:4]) if date else None,
                match.group(0),
                evidence,
                None,
                date,
                _subject(after),
            )
        )
    return refs


def _date_after(text: str) -> str | None:
    match = _DATE_AFTER.match(text)
    return parse_date(match.group(1)) if match else None


def _only_date(sentence: str, numbers_in_sentence: int) -> str | None:
    """ "Ngày 11 tháng 1 năm 2023, UBND … ban hành Quyết định số 280/QĐ-UBND": one number, one date."""
    dates = list(find_dates(sentence))
    if numbers_in_sentence == 1 and len(dates) == 1 and "ban hành" in sentence:
        return dates[0].iso
    return None


def _subject(after: str) -> str | None:
    match = _SUBJECT.match(after)
    if not match:
        return None
    subject = _SUBJECT_END.split(match.group(1), maxsplit=1)[0].strip(" ,")
    words = subject.split()
    return " ".join(words[:30]) if len(words) >= 2 else None


def _relations(
    text: str, offset: int, sentence: str, refs: list[DocumentRef], passage: Passage, document_id: str
) -> list[Relation]:
    """A relation verb between two documents of a sentence links the earlier to the later one."""
    ordered = sorted(refs, key=lambda r: r.evidence.start)
    relations = []
    for first, second in zip(ordered, ordered[1:], strict=False):
        between = fold_diacritics(text[first.evidence.end : second.evidence.start])
        if len(between) > 160 or "\n" in between:
            continue  # separate lines ("Căn cứ …;" lists) are separate statements
        for pattern, relation in _RELATION_VERBS:
            if pattern.search(between):
                evidence = Evidence(document_id, passage.id, first.evidence.start, second.evidence.end)
                relations.append(Relation(first, relation, second, evidence))
                break
    return relations


def _itself(document: Document, area: Area) -> DocumentRef:
    from vntext.numbers import parse_document_number

    number = parse_document_number(document.number)
    header = document.text[:800]
    issuer = agency_named(header.split("\n", 2)[0] + " " + header[:200], area) or resolve_issuer(number.issuer_code, header, area)
    start = document.text.find(document.number)
    evidence = Evidence(document.id, document.passages[0].id, max(0, start), max(0, start) + len(document.number))
    code = fold_diacritics(number.type_code).upper() if number.type_code else None
    year = number.year or (int(document.date[:4]) if document.date else None)
    return DocumentRef(
        number.number, code, issuer, year, document.number, evidence, number.canonical, document.date, document.title
    )


def _legal_bases(document: Document, itself: DocumentRef, refs: list[DocumentRef]) -> list[Relation]:
    """Every document cited on a "Căn cứ …" line of a formal document is a legal basis of it."""
    relations = []
    for ref in refs:
        line_start = document.text.rfind("\n", 0, ref.evidence.start) + 1
        if (
            fold_diacritics(document.text[line_start : line_start + 7]).lower() == "can cu "
            and ref.full_number != itself.full_number
        ):
            relations.append(Relation(itself, "based_on", ref, ref.evidence))
    return relations


PLAN_TYPES = ("KH", "CTR", "DA")
_TITLE_WORD = re.compile(r"^(?:QUYẾT ĐỊNH|KẾ HOẠCH|CHƯƠNG TRÌNH|ĐỀ ÁN|NGHỊ QUYẾT|CHỈ THỊ|THÔNG TƯ|NGHỊ ĐỊNH|BÁO CÁO)$")
_BULLET = re.compile(r"^[-+•]\s+")


def _title_relations(document: Document, itself: DocumentRef, refs: list[DocumentRef]) -> list[Relation]:
    """The title says what the document does to another: "Triển khai thực hiện Quyết định số 280/QĐ-UBND"."""
    lines = document.text[:3000].split("\n")
    offset, title_start, title_end = 0, None, None
    for line in lines:
        if title_start is None and _TITLE_WORD.match(line.strip()):
            title_start = offset + len(line) + 1
        elif title_start is not None and (not line.strip() or line.startswith("Căn cứ")):
            title_end = offset
            break
        offset += len(line) + 1
    if title_start is None or title_end is None:
        return []
    relations = []
    for ref in refs:
        if title_start <= ref.evidence.start < title_end:
            before = fold_diacritics(document.text[title_start : ref.evidence.start]).lower()
            for pattern, relation in _RELATION_VERBS:
                if pattern.search(before):
                    relations.append(Relation(itself, relation, ref, ref.evidence))
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


_POSITION = re.compile(
    r"^(?:TM\.|KT\.|Q\.|TL\.|TUQ\.)?\s*(CHỦ TỊCH|PHÓ CHỦ TỊCH|BỘ TRƯỞNG|THỨ TRƯỞNG|GIÁM ĐỐC|PHÓ GIÁM ĐỐC|CHÁNH VĂN PHÒNG|THỦ TƯỚNG|PHÓ THỦ TƯỚNG)$"
)


def _signer(document: Document) -> tuple[str, str] | None:
    """The signature block after "Nơi nhận": the last position line and the name under it."""
    tail = document.text[document.text.rfind("Nơi nhận") :] if "Nơi nhận" in document.text else document.text[-600:]
    lines = [line.strip() for line in tail.split("\n") if line.strip()]
    position = None
    for line in lines:
        if match := _POSITION.match(line):
            position = match.group(1).capitalize()
    name = next(
        (
            line
            for line in reversed(lines)
            if re.fullmatch(r"(?:" + "|".join(_FAMILY_NAMES) + r")(?:\s[A-ZĐ][a-zà-ỹđ]+){1,3}", line)
        ),
        None,
    )
    return (name, position or "") if name else None


def _people(sentence: str, offset: int, passage: Passage, document_id: str, area: Area) -> list[PersonMention]:
    people = []
    for match in _ROLE.finditer(sentence):
        agency = agency_named(match.group(2), area) or _department(match.group(2), area)
        if agency is None:
            continue
        evidence = Evidence(document_id, passage.id, offset + match.start(), offset + match.end())
        people.append(PersonMention(match.group(3), match.group(1)[0].upper() + match.group(1)[1:].lower(), agency, evidence))
    return people


def _department(text: str, area: Area) -> Agency | None:
    """A city department (Sở …) named in text."""
    folded = fold_diacritics(text).lower()
    for prefix in ("so-noi-vu", "so-tu-phap", "so-tai-chinh", "so-thong-tin-va-truyen-thong"):
        if prefix.replace("-", " ") in folded:
            return local_agency(prefix, area_in_context(text, area))
    return None


@lru_cache(maxsize=16)
def _agency_labels(area: Area) -> tuple[tuple[Agency, tuple[tuple[str, str], ...]], ...]:
    """Known bodies of an area and their searchable labels (as written, folded), built once per area.

    Bare abbreviations ("UBND") are left out (context resolves them elsewhere), and a district body
    only counts when it is named with its district.
    """
    district = area_in_context("quận Hà Đông", area)
    candidates = national_agencies() + [
        local_agency(p, area) for p in ("ubnd", "hdnd", "thanh-uy", "so-noi-vu", "so-tu-phap", "ban-chi-dao-cchc")
    ]
    candidates += [local_agency(p, district) for p in ("ubnd", "hdnd")]
    result = []
    for agency in candidates:
        labels = tuple(
            (label, fold_diacritics(label).lower())
            for label in (agency.label, *agency.alt_labels)
            if len(label) >= 5 and not (agency.area and agency.area.level == "district" and agency.area.name not in label)
        )
        result.append((agency, labels))
    return tuple(result)


def _agencies(text: str, passage: Passage, area: Area) -> list[AgencyMention]:
    """Known bodies named in a passage (first mention of each)."""
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
    return list(found.values())
