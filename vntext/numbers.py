"""Vietnamese document numbers ("số ký hiệu văn bản"): recognition and parsing, in one place.

Two layouts cover state and party documents:
  state: 280/QĐ-UBND, 32/2021/NĐ-CP, 01/2023/TT-VPCP, 35/2023/UBTVQH15, 59/2020/QH14
  party: 15-NQ/TW, 01-CTr/TU, 86-CTr/BCSD
Spacing and diacritic variants ("280 /QĐ-UBND", "280/QD-UBND") parse to the same key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vntext.normalize import fold_diacritics

# Type codes (ký hiệu loại văn bản) -> full Vietnamese name. Keys are folded (upper-case, no marks).
DOCUMENT_TYPES: dict[str, str] = {
    "QD": "Quyết định",
    "KH": "Kế hoạch",
    "BC": "Báo cáo",
    "ND": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "NQ": "Nghị quyết",
    "CTR": "Chương trình",
    "CT": "Chỉ thị",
    "CV": "Công văn",
    "TB": "Thông báo",
    "TTR": "Tờ trình",
    "HD": "Hướng dẫn",
    "QC": "Quy chế",
    "QYD": "Quy định",
    "QY": "Quy định",
    "DA": "Đề án",
    "KL": "Kết luận",
    "PL": "Pháp lệnh",
    "L": "Luật",
    "CD": "Công điện",
    "GM": "Giấy mời",
    "BB": "Biên bản",
    "HD-BTC": "Hướng dẫn",
}
# Codes written with Đ in the official form, restored when a user types plain D.
_DIACRITIC_FORMS = {
    "QD": "QĐ",
    "ND": "NĐ",
    "QYD": "QyĐ",
    "DA": "ĐA",
    "CD": "CĐ",
    "HDND": "HĐND",
    "BCSD": "BCSĐ",
    "DU": "ĐU",
    "BTVQH": "BTVQH",
}
_CODE = r"[A-ZĐ][A-Za-zĐđ]*\d*"
_ISSUER = r"[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*"
STATE_NUMBER = rf"(?P<num>\d{{1,5}}[a-z]?)\s?(?:/\s?(?P<year>(?:19|20)\d\d))?\s?/\s?(?P<code>{_CODE})(?:-(?P<issuer>{_ISSUER}))?"
PARTY_NUMBER = rf"(?P<pnum>\d{{1,5}})-(?P<pcode>{_CODE})/(?P<pissuer>{_ISSUER})"
DOCUMENT_NUMBER = re.compile(rf"(?<![\w/])(?:{PARTY_NUMBER}|{STATE_NUMBER})(?![\w/])")


@dataclass(frozen=True)
class DocumentNumber:
    """A parsed document number. `key` is the comparison form: folded, upper-case, no spaces."""

    raw: str
    number: str
    year: int | None
    type_code: str | None
    issuer_code: str | None

    @property
    def key(self) -> str:
        return fold_diacritics(canonical_spelling(self.raw)).upper()

    @property
    def canonical(self) -> str:
        """The official spelling: no spaces, Đ restored in known codes ("280/QĐ-UBND")."""
        return canonical_spelling(self.raw)

    @property
    def type_name(self) -> str | None:
        """Full Vietnamese name of the document type ("Quyết định"), when the code is known."""
        if self.type_code is None:
            return None
        return DOCUMENT_TYPES.get(fold_diacritics(self.type_code).upper())


def parse_document_number(text: str) -> DocumentNumber | None:
    """Parse a whole string as a document number, or return None.

    >>> n = parse_document_number("280/QĐ-UBND")
    >>> (n.number, n.type_code, n.issuer_code, n.type_name, n.key)
    ('280', 'QĐ', 'UBND', 'Quyết định', '280/QD-UBND')
    >>> parse_document_number("280 /QD-UBND").canonical
    '280/QĐ-UBND'
    >>> n = parse_document_number("32/2021/NĐ-CP"); (n.year, n.type_name, n.issuer_code)
    (2021, 'Nghị định', 'CP')
    >>> n = parse_document_number("15-NQ/TW"); (n.number, n.type_name, n.issuer_code)
    ('15', 'Nghị quyết', 'TW')
    >>> n = parse_document_number("35/2023/UBTVQH15"); (n.type_code, n.issuer_code)
    (None, 'UBTVQH15')
    """
    match = DOCUMENT_NUMBER.fullmatch(text.strip())
    return _from_match(match) if match else None


def find_document_numbers(text: str) -> list[tuple[int, int, DocumentNumber]]:
    """Every document number in `text` with its character span."""
    found = []
    for match in DOCUMENT_NUMBER.finditer(text):
        parsed = _from_match(match)
        if parsed is not None:
            found.append((match.start(), match.end(), parsed))
    return found


def _from_match(match: re.Match[str]) -> DocumentNumber | None:
    raw = match.group(0)
    if match.group("pnum"):
        return DocumentNumber(raw, match.group("pnum"), None, match.group("pcode"), match.group("pissuer"))
    code, issuer = match.group("code"), match.group("issuer")
    year = int(match.group("year")) if match.group("year") else None
    if issuer is None:
        if year is None:
            return None  # "3/63" or "12/2023" is a ratio or a month, not a document number
        return DocumentNumber(raw, match.group("num"), year, None, code)  # 35/2023/UBTVQH15
    return DocumentNumber(raw, match.group("num"), year, code, issuer)


def canonical_spelling(raw: str) -> str:
    """Remove spaces and restore Đ in codes typed without it: "280 /QD-UBND" -> "280/QĐ-UBND"."""
    return re.sub(r"[A-Za-zĐđ]+", _restore_code, re.sub(r"\s+", "", raw))


def _restore_code(match: re.Match[str]) -> str:
    code = match.group(0)
    return _DIACRITIC_FORMS.get(code, code) if code.isupper() else code


@dataclass(frozen=True)
class NumberReference:
    """A loose reference such as "QĐ 280" or "quyết định số 280": a type and a number, no issuer."""

    number: str
    type_code: str  # folded, upper case: "QD"

    def matches(self, parsed: DocumentNumber) -> bool:
        code = fold_diacritics(parsed.type_code or "").upper()
        return parsed.number.lstrip("0") == self.number.lstrip("0") and code == self.type_code


_NAME_TO_CODE = {fold_diacritics(name).lower(): code for code, name in DOCUMENT_TYPES.items() if "-" not in code}
_LOOSE = re.compile(
    r"(?<![\w/])(?P<type>"
    + "|".join(sorted((re.escape(n) for n in _NAME_TO_CODE), key=len, reverse=True))
    + r"|"
    + "|".join(sorted((c.lower() for c in DOCUMENT_TYPES if "-" not in c), key=len, reverse=True))
    + r")\s+(?:so\s+)?(?P<number>\d{1,5})(?![\w/])"
)


def find_number_references(text: str) -> list[NumberReference]:
    """Loose references ("QĐ 280", "quyết định số 280", "Kế hoạch 350") that carry no full number.

    >>> find_number_references("qđ 280 và Kế hoạch số 350")
    [NumberReference(number='280', type_code='QD'), NumberReference(number='350', type_code='KH')]
    >>> find_number_references("Quyết định số 280/QĐ-UBND")
    []
    """
    folded = fold_diacritics(text).lower()
    references = []
    for match in _LOOSE.finditer(folded):
        kind = match.group("type")
        code = _NAME_TO_CODE.get(kind, kind.upper())
        references.append(NumberReference(match.group("number"), code))
    return references
