"""Documents a sentence cites: by number ("Nghị định số 32/2021/NĐ-CP"), loosely ("Nghị quyết số 18 của
Thành ủy") or, for laws, by name and date ("Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015").

Each reference keeps what the text says of the document — type, issuer, number, year, date, name or
subject — and the span it was read from. Identity is decided later (graph.rdf), across documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.agencies import Agency, Area, agency_by_key, agency_named, gazetteer, resolve_issuer, words
from vntext.dates import NUMERIC_DATE, WORDS_DATE, find_dates, parse_date
from vntext.normalize import fold_diacritics
from vntext.numbers import DOCUMENT_TYPES, find_document_numbers

TYPE_NAMES = sorted({name for name in DOCUMENT_TYPES.values()}, key=len, reverse=True)
CODE_BY_NAME = {fold_diacritics(name).lower(): code for code, name in DOCUMENT_TYPES.items() if "-" not in code}
LAW_CODES = ("HP", "BLUAT", "LUAT", "PL")  # laws are cited by name: "Luật Đất đai năm 2013"
_TYPE_BEFORE = re.compile(r"(?i)(" + "|".join(map(re.escape, TYPE_NAMES)) + r")(?:\s+hành động)?\s*(?:số\s*:?\s*)?$")
_NAMED_BEFORE = re.compile(r"(Hiến pháp|Bộ luật|Luật|Pháp lệnh)\s+([^\W\d_][^;:()\d/]{0,150}?)\s+số\s*$")
_LOOSE = re.compile(
    r"(?<!\w)(" + "|".join(map(re.escape, TYPE_NAMES)) + r")\s+(?:(số)\s+)?(\d{1,4})(?![\w/.,-]|\s*(?:%|tỷ|triệu))"
)
_LAW_NAME = re.compile(r"(?<![\w/])(?P<type>Hiến pháp|Bộ luật|Luật|Pháp lệnh)\s+(?P<name>[^\W\d_][^;:()\n“”\"]{1,240})")
_NAME_END = re.compile(
    r"\s+(?:ngày|số|đã\s+được|được|đến|có\s+hiệu\s+lực|hết\s+hiệu\s+lực|thì|quy\s+định|tại|về|hiện\s+hành|và\s+các)\b"
    r"|\s*[,;.]?\s+(?:và\s+)?(?:Luật|Bộ\s+luật|Nghị\s+định|Nghị\s+quyết|Thông\s+tư|Quyết\s+định|Pháp\s+lệnh|Hiến\s+pháp)\b"
    r"|\s*;|\.\s|\.$|\s+(?:này|năm\s+\d{4})\b|\s+\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}"
)
_DATE_AFTER = re.compile(rf"^\s*,?\s*(?:ngày\s+)?({NUMERIC_DATE}|{WORDS_DATE})", re.IGNORECASE)
_YEAR_AFTER = re.compile(r"^\s+năm\s+((?:19|20)\d\d)\b")
_OF_AGENCY = re.compile(r"^\s*,?\s*(?:ngày\s+[\d/ thángnăm.-]+?\s*)?của\s+([^,;.()]{3,60})", re.IGNORECASE)
_SUBJECT = re.compile(
    r"^\s*(?:,?\s*ngày\s+[\d/ thángnăm.-]+?)?\s*(?:của\s+[^,;]{3,60}?\s+)?(?:(?:về việc|về|ban hành|triển khai|thành lập|phê duyệt)\s+)(.+)",
    re.IGNORECASE,
)
_SUBJECT_END = re.compile(r"[;.()\"“”]|,\s*(?:với|trong đó|đồng thời|nhằm|góp phần)\b")


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

    number: str  # the local number: "280" ("" for a law cited by name, or a document whose numeral is blank)
    type_code: str | None  # folded code: "QD"
    issuer: Agency | None
    year: int | None
    written: str  # as written: "280/QĐ-UBND" or "Nghị quyết số 18"
    evidence: Evidence
    full_number: str | None = None  # "280/QĐ-UBND" when written in full
    date: str | None = None
    subject: str | None = None
    name: str | None = None  # a law cited by name: "Tổ chức Chính phủ"
    own_document: str | None = None  # the document id, for a document that is its own text without a number
    described: bool = False  # read from the document's own header: its subject and date win over mentions

    @property
    def key(self) -> tuple[str, int, int, str]:
        """Where this reference is written: stable across processes and pickling, unlike id()."""
        return (self.evidence.document_id, self.evidence.start, self.evidence.end, self.written)

    @property
    def identity(self) -> tuple[str, str, str]:
        """Same issuer, type and number (or name and date): one document; years are compared when the graph merges."""
        issuer = self.issuer.key if self.issuer else "?"
        if self.own_document:
            return (issuer, self.type_code or "?", f"#{self.own_document}")
        if self.name is not None and not self.number:
            return (issuer, self.type_code or "?", f"~{words(self.name)}@{self.date or self.year or ''}")
        return (issuer, self.type_code or "?", self.number.lstrip("0") or "0")

    @property
    def type_name(self) -> str | None:
        return DOCUMENT_TYPES.get(self.type_code or "")


def default_issuer(type_code: str | None) -> Agency | None:
    """The body that issues every document of a type: Luật -> Quốc hội, Nghị định -> Chính phủ."""
    from_types = _default_issuers()
    return agency_by_key(from_types[type_code]) if type_code in from_types else None


def _default_issuers() -> dict[str, str]:
    return {code: entry["issuer"] for code, entry in gazetteer()["document_types"].items()}


def numbered_references(
    document_id: str, passage_id: str, offset: int, sentence: str, context: str, area: Area | None
) -> list[DocumentRef]:
    """Documents a sentence cites by full number, and loose references ("Đề án 06 của Chính phủ")."""
    refs, numbered_spans = [], []
    found = find_document_numbers(sentence)
    for start, end, number in found:
        numbered_spans.append((start, end))
        before, after = sentence[:start], sentence[end:]
        type_match = _TYPE_BEFORE.search(before)
        named = None if type_match else _NAMED_BEFORE.search(before)
        typed = named or type_match
        code = CODE_BY_NAME.get(fold_diacritics(typed.group(1)).lower()) if typed else None
        code = code or (fold_diacritics(number.type_code).upper() if number.type_code else None)
        of_agency = _OF_AGENCY.match(after)
        issuer = (agency_named(of_agency.group(1), area) if of_agency else None) or resolve_issuer(
            number.issuer_code, context + " " + sentence, area
        )
        date = _date_after(after) or _only_date(sentence, len(found))
        evidence = Evidence(document_id, passage_id, offset + start, offset + end)
        subject = named.group(2).strip() if named else _subject(after)
        refs.append(
            DocumentRef(
                number.number,
                code,
                issuer or default_issuer(code),
                number.year or (int(date[:4]) if date else None),
                number.raw,
                evidence,
                number.canonical,
                date,
                subject,
            )
        )
    for match in _LOOSE.finditer(sentence):
        if any(s <= match.start(3) < e for s, e in numbered_spans):
            continue
        after = sentence[match.end() :]
        of_agency = _OF_AGENCY.match(after)
        if not of_agency and not match.group(2):
            continue  # "Đề án 06" is a reference only with its issuer; "Kế hoạch 5" alone is not
        issuer = agency_named(of_agency.group(1), area) if of_agency else None
        if issuer is None:
            continue  # no issuer: its identity cannot be established
        date = _date_after(after)
        evidence = Evidence(document_id, passage_id, offset + match.start(), offset + match.end())
        code = CODE_BY_NAME.get(fold_diacritics(match.group(1)).lower())
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


def named_references(
    document_id: str, passage_id: str, offset: int, text: str, taken: list[tuple[int, int]]
) -> list[DocumentRef]:
    """Laws cited by name, with their date or year when stated: "Luật Đầu tư ngày 17 tháng 6 năm 2020",
    "Bộ luật hàng hải Việt Nam năm 2005", "Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam".

    `taken` are spans (relative to `text`) already read as numbered references: a name followed by
    its number ("Luật Đất đai số 31/2024/QH15") is that numbered reference, not another one.

    >>> [(r.name, r.date) for r in named_references("d", "p", 0, "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015; "
    ...     "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;", [])]
    [('Tổ chức Chính phủ', '2015-06-19'), ('sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương', '2019-11-22')]
    """
    refs: list[DocumentRef] = []
    covered_until = -1
    for match in _LAW_NAME.finditer(text):
        if match.start() < covered_until or any(s <= match.start() < e for s, e in taken):
            continue
        name = _law_name(match.group("name"))
        if not name or re.match(r"^(?:này|nước\s*$)", name):
            continue
        end = match.start("name") + len(name)
        after = text[end:]
        if re.match(r"^\s+số\s*\d", after):
            continue  # "Luật Đất đai số 31/2024/QH15": the numbered reference
        date = _date_after(after)
        year_match = _YEAR_AFTER.match(after)
        if name[0].islower() and not (date or year_match or _folded_start(name, ("sua doi", "nuoc"))):
            continue  # "Luật sư có quyền …": a name in small letters only with its date ("Luật hóa chất ngày …")
        year = int(date[:4]) if date else (int(year_match.group(1)) if year_match else None)
        code = CODE_BY_NAME[fold_diacritics(match.group("type")).lower()]
        evidence = Evidence(document_id, passage_id, offset + match.start(), offset + end)
        covered_until = end
        refs.append(
            DocumentRef("", code, default_issuer(code), year, text[match.start() : end], evidence, None, date, name, name)
        )
    return refs


_UNREAD_NUMBER = re.compile(
    r"(?<!\w)(?P<type>" + "|".join(map(re.escape, TYPE_NAMES)) + r")\s+số\s*:?\s*(?P<token>[^\s;,]{1,40})"
)
_DESCRIPTION = re.compile(
    r"\b((?:về|quy định|hướng dẫn|ban hành|sửa đổi|bổ sung|bãi bỏ|phê duyệt|thành lập|triển khai|thi hành)\b[^;]{3,300})",
    re.IGNORECASE,
)


def unread_number_references(
    document_id: str, passage_id: str, offset: int, text: str, taken: list[tuple[int, int]]
) -> list[DocumentRef]:
    """Documents cited with a number that cannot be read, by type, date and what they are about:
    "Nghị định số 3x/2Q1g/NĐ-CP ngày 10 tháng 4 năm 2019 của Chính phủ quy định chi tiết Bộ luật Lao động".

    OCR garbles a number now and then beyond repair. Read as nothing, the citation vanished and the
    law named inside its title took its place as the "Căn cứ" — a wrong relation. Kept like a law cited
    by name (identity: type, issuer, description and date), it holds the place, and merges with the
    numbered document of that type, description and date when the store has one. Only with a stated
    date and a description: without them nothing would tell two such documents apart.

    >>> [(r.type_code, r.date, r.name) for r in unread_number_references("d", "p", 0,
    ...     "Căn cứ Nghị định số 3x/2Q1g/NĐ-CP ngày 10 tháng 4 năm 2019 của Chính phủ quy định chi tiết Bộ luật Lao động;", [])]
    [('ND', '2019-04-10', 'quy định chi tiết Bộ luật Lao động')]
    """
    refs = []
    for match in _UNREAD_NUMBER.finditer(text):
        token_start = match.start("token")
        if any(s <= token_start < e or s <= match.start() < e for s, e in taken):
            continue
        if not re.search(r"[/-]", match.group("token")):
            continue  # "Kế hoạch số 5": a loose number, read (or not) as such, not a garbled one
        after = text[match.end() :]
        date = _date_after(after)
        code = CODE_BY_NAME.get(fold_diacritics(match.group("type")).lower())
        if date is None or code is None or code in LAW_CODES:
            continue
        clause = after.split(";", 1)[0]
        described = _DESCRIPTION.search(clause)
        if described is None:
            continue
        description = " ".join(_SUBJECT_END.split(described.group(1), maxsplit=1)[0].split()[:30]).strip(" ,")
        of_agency = _OF_AGENCY.match(after)
        issuer = (agency_named(of_agency.group(1), None) if of_agency else None) or default_issuer(code)
        evidence = Evidence(document_id, passage_id, offset + match.start(), offset + match.end())
        refs.append(DocumentRef("", code, issuer, int(date[:4]), match.group(0), evidence, None, date, description, description))
    return refs


def _law_name(text: str) -> str:
    """The name of a law up to where the sentence goes on ("… ngày", "; Luật …", " đã được …")."""
    if _folded_start(text, ("sua doi",)):  # an amending law's name runs to its date: "… của Luật A và Luật B ngày …"
        end = re.search(r"\s+ngày\s+\d|\s+\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\s+số\s+\d|\s*;|\s+năm\s+\d{4}\b", text)
        return text[: end.start()].strip(" ,") if end else text.strip(" ,")
    end = _NAME_END.search(text)
    name = (text[: end.start()] if end else text).strip(" ,")
    return name if len(name.split()) <= 20 else ""


def _folded_start(text: str, starts: tuple[str, ...]) -> bool:
    """Whether `text` starts with one of `starts` (folded): OCR misreads marks ("sửa đồi", "sửa đối")."""
    return fold_diacritics(text[:12]).lower().startswith(starts)


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
    words_ = subject.split()
    return " ".join(words_[:30]) if len(words_) >= 2 else None
