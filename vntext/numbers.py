"""Vietnamese document numbers ("số ký hiệu văn bản"): recognition and parsing, in one place.

Two layouts cover state and party documents:
  state: 280/QĐ-UBND, 32/2021/NĐ-CP, 01/2023/TT-VPCP, 35/2023/UBTVQH15, 59/2020/QH14,
         66.7/2025/NQ-CP (a numbered series: the seventh resolution issued under NQ 66/2025)
  party: 15-NQ/TW, 01-CTr/TU, 86-CTr/BCSD
Spacing and diacritic variants ("280 /QĐ-UBND", "280/QD-UBND") parse to the same key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vntext.normalize import fold_diacritics

# Type codes (ký hiệu loại văn bản, Nghị định 30/2020/NĐ-CP Phụ lục III, and the normative types
# whose numbers carry no code: Luật, Bộ luật, Hiến pháp) -> full Vietnamese name. Keys are folded
# (upper-case, no marks); they also name the type in URIs.
DOCUMENT_TYPES: dict[str, str] = {
    "HP": "Hiến pháp",
    "BLUAT": "Bộ luật",
    "LUAT": "Luật",
    "PL": "Pháp lệnh",
    "L": "Lệnh",
    "QD": "Quyết định",
    "KH": "Kế hoạch",
    "BC": "Báo cáo",
    "ND": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "NQ": "Nghị quyết",
    "NQLT": "Nghị quyết liên tịch",
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
    "PA": "Phương án",
    "KL": "Kết luận",
    "CD": "Công điện",
    "GM": "Giấy mời",
    "BB": "Biên bản",
    "PC": "Phiếu chuyển",
    "VBHN": "Văn bản hợp nhất",
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
# One letter split off by PDF text extraction ("N Đ-CP", "Q Đ-TTg", and inside an issuer, "TT-BL ĐTBXH": a Công
# báo text layer spaces the glyph Đ off); a hyphen or slash at a line end ("39/2010/NĐ-\nCP", "38/2021/\nTT-BGDĐT")
# or before a stray space ("31/2015/TT- BYT").
_CODE = r"[A-ZĐ](?: (?=Đ))?[A-Za-zĐđ]*\d*"
_ISSUER_PART = r"[A-ZĐ](?:[A-Za-zĐđ0-9]|[ ](?=Đ[A-ZĐ]))*"
_ISSUER = rf"{_ISSUER_PART}(?:-\s?(?=[A-ZĐ]){_ISSUER_PART})*"
# A numeral may carry a dotted ordinal ("66.7/2025/NQ-CP": resolutions issued in a series).
STATE_NUMBER = (
    rf"(?P<num>\d{{1,5}}(?:\.\d{{1,2}})?[a-z]?)[ \t]{{0,4}}(?:/\s?(?P<year>(?:19|20)\d\d))?\s?/\s?(?P<code>{_CODE})"
    # a space before the hyphen too, as typed or as a PDF spaces it ("2170/QĐ - UBND", "4280/SCT - CN")
    rf"(?:[ \t]?-\s?(?=[A-ZĐ])(?P<issuer>{_ISSUER}))?"
)
PARTY_NUMBER = rf"(?P<pnum>\d{{1,5}})-[ \t]?(?P<pcode>{_CODE})/(?P<pissuer>{_ISSUER})"
DOCUMENT_NUMBER = re.compile(rf"(?<![\w/])(?:{PARTY_NUMBER}|{STATE_NUMBER})(?![\w/])")
# The rest of a number whose numeral was left blank for the signature date ("Số:      /2025/QĐ-UBND").
BLANK_NUMBER = re.compile(
    rf"(?<![\w/])/\s?(?:(?P<year>(?:19|20)\d\d)\s?/\s?)?(?P<code>{_CODE})(?:-\s?(?P<issuer>{_ISSUER}))?(?![\w/])"
)


@dataclass(frozen=True)
class DocumentNumber:
    """A parsed document number. `key` is the comparison form: folded, upper-case, no spaces.

    `type_code` is None when the number carries none: a law ("45/2019/QH14"), or an official letter
    (công văn), whose code is its issuer and drafting unit ("123/UBND-KT": issuer UBND, unit KT).
    """

    raw: str
    number: str
    year: int | None
    type_code: str | None
    issuer_code: str | None
    unit: str | None = None

    @property
    def key(self) -> str:
        """One key for every display form: "280/QĐ-UBND", "280 /QD-UBND", "0280/QĐ-UBND" -> "280/QD-UBND"."""
        return fold_diacritics(self._joined(self.number.lstrip("0") or "0")).upper()

    @property
    def canonical(self) -> str:
        """The official spelling: no spaces, Đ restored in known codes ("280/QĐ-UBND")."""
        return canonical_spelling(self._joined(self.number))

    @property
    def is_party(self) -> bool:
        """A party document ("15-NQ/TW"): number and type before the slash."""
        return bool(re.match(r"\s*\d+\s*-", self.raw))

    def _joined(self, number: str) -> str:
        if self.is_party:
            return f"{number}-{self.type_code}/{self.issuer_code}"
        codes = "-".join(c for c in (self.type_code, self.issuer_code, self.unit) if c)
        return f"{number}/{self.year}/{codes}" if self.year else f"{number}/{codes}"

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
    >>> parse_document_number("23/2020/TT-BL ĐTBXH").canonical
    '23/2020/TT-BLĐTBXH'
    >>> n = parse_document_number("66.7/2025/NQ-CP"); (n.number, n.type_name, n.key)
    ('66.7', 'Nghị quyết', '66.7/2025/NQ-CP')
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
        return DocumentNumber(raw, match.group("pnum"), None, _squeeze(match.group("pcode")), _squeeze(match.group("pissuer")))
    return _state_number(raw, match.group("num"), match.group("year"), match.group("code"), match.group("issuer"))


def _state_number(raw: str, number: str, year_text: str | None, code: str, issuer: str | None) -> DocumentNumber | None:
    code, issuer = _squeeze(code), _squeeze(issuer) if issuer else None
    year = int(year_text) if year_text else None
    if issuer is None:
        if year is None and number:
            return None  # "3/63" or "12/2023" is a ratio or a month, not a document number
        type_code, rest = _split_joined_code(code)
        if type_code:  # "181/2024/NĐCP": the hyphen dropped
            return DocumentNumber(raw, number, year, type_code, rest)
        return DocumentNumber(raw, number, year, None, code)  # 35/2023/UBTVQH15
    if fold_diacritics(code).upper() not in DOCUMENT_TYPES:
        return DocumentNumber(raw, number, year, None, code, issuer)  # công văn: 123/UBND-KT
    return DocumentNumber(raw, number, year, code, issuer)


def parse_blank_number(text: str) -> DocumentNumber | None:
    """The codes of a number whose numeral is blank (left for the signature date), or None.

    >>> n = parse_blank_number("/2025/QĐ-UBND"); (n.number, n.year, n.type_name, n.issuer_code)
    ('', 2025, 'Quyết định', 'UBND')
    >>> n = parse_blank_number("/UBND-KT"); (n.type_code, n.issuer_code, n.unit)
    (None, 'UBND', 'KT')
    """
    match = BLANK_NUMBER.search(text)
    if not match:
        return None
    return _state_number(match.group(0), "", match.group("year"), match.group("code"), match.group("issuer"))


def _squeeze(code: str) -> str:
    return re.sub(r"\s+", "", code)


def _split_joined_code(code: str) -> tuple[str | None, str | None]:
    folded = fold_diacritics(code).upper()
    for type_code in sorted(DOCUMENT_TYPES, key=len, reverse=True):
        joined = "-" not in type_code and folded.startswith(type_code) and len(folded) > len(type_code) + 1
        if joined and folded[len(type_code) :] in _JOINED_ISSUERS:
            return code[: len(type_code)], code[len(type_code) :]
    return None, None


# Issuers seen glued to a type code when the hyphen is dropped ("NĐCP", "QĐTTg").
_JOINED_ISSUERS = {"CP", "TTG", "UBND", "HDND", "BTC", "BNV", "BTP"}


def canonical_spelling(raw: str) -> str:
    """Remove spaces and restore Đ in codes typed without it: "280 /QD-UBND" -> "280/QĐ-UBND"."""
    return re.sub(r"[A-Za-zĐđ]+", _restore_code, re.sub(r"\s+", "", raw))


def _restore_code(match: re.Match[str]) -> str:
    code = match.group(0)
    return _DIACRITIC_FORMS.get(code, code) if code.isupper() else code


@dataclass(frozen=True)
class NumberReference:
    """A loose reference such as "QĐ 280", "quyết định số 280" or "Nghị định 105/2021": a type, a
    number and perhaps a year, no issuer."""

    number: str
    type_code: str  # folded, upper case: "QD"
    year: int | None = None

    def matches(self, parsed: DocumentNumber) -> bool:
        code = fold_diacritics(parsed.type_code or "").upper()
        if self.year and parsed.year and self.year != parsed.year:
            return False
        return parsed.number.lstrip("0") == self.number.lstrip("0") and code == self.type_code


_NAME_TO_CODE = {fold_diacritics(name).lower(): code for code, name in DOCUMENT_TYPES.items() if "-" not in code}
_LOOSE = re.compile(
    r"(?<![\w/])(?P<type>"
    + "|".join(sorted((re.escape(n) for n in _NAME_TO_CODE), key=len, reverse=True))
    + r"|"
    + "|".join(sorted((c.lower() for c in DOCUMENT_TYPES if "-" not in c and len(c) > 1), key=len, reverse=True))
    + r")\s+(?:so\s+)?(?P<number>\d{1,5})(?:/(?P<year>(?:19|20)\d\d))?(?![\w/])"
)


def find_number_references(text: str) -> list[NumberReference]:
    """Loose references ("QĐ 280", "quyết định số 280", "Kế hoạch 350") that carry no full number.

    >>> find_number_references("qđ 280 và Kế hoạch số 350")
    [NumberReference(number='280', type_code='QD', year=None), NumberReference(number='350', type_code='KH', year=None)]
    >>> find_number_references("Nghị định 105/2021")
    [NumberReference(number='105', type_code='ND', year=2021)]
    >>> find_number_references("Quyết định số 280/QĐ-UBND")
    []
    """
    folded = fold_diacritics(text).lower()
    references = []
    for match in _LOOSE.finditer(folded):
        kind = match.group("type")
        code = _NAME_TO_CODE.get(kind, kind.upper())
        year = int(match.group("year")) if match.group("year") else None
        references.append(NumberReference(match.group("number"), code, year))
    return references
