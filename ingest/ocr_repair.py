"""OCR's look-alike characters inside written dates, document numbers and document type names, put back.

Why: on a scanned decision tesseract reads the 1 of "tháng 11" as I, l or Ì ("tháng I1", "tháng IÌ",
"tháng II"), a 0 as O, and the QH of "UBTVQH15" as OH ("03/2021/UBTVOHI5"). A "Căn cứ" line whose date
no longer parses loses its date, so the cited law gets a different identity than on the text page
(measured with bench/ocr_facts.py: most bases lost on scans were lost this way). A document number
with a letter in its numeral or year ("1O5/2O21/NĐ-CP"), a space in its year ("31/201 9/NĐ-CP"), a
dropped slash ("105/2021NĐ-CP"), a dash for its hyphen ("NĐ–CP") or an I in its legislature term
("436/BC-UBVHXHI5") is no number at all to the parser, or another document; a "Căn cứ Hiên pháp"
is no law cited by name. The repair is applied to OCR text only, and only where the shape leaves no
doubt: the three parts of a "ngày … tháng … năm …" date, each a plausible day, month and year once
repaired; a token with the shape of a document number that parses as one once repaired (numeral,
year 1900-2099, a type code from the closed list of vntext.numbers.DOCUMENT_TYPES when the slash
before it was lost); and a type name right after "Căn cứ" that differs from the official spelling
only in its diacritics. Text already correct matches none of these shapes with anything to change.
"""

from __future__ import annotations

import re

from vntext.normalize import fold_diacritics
from vntext.numbers import DOCUMENT_TYPES, parse_document_number

_ONE = "IlÌÍìí|!T"  # T too: "tháng TI", "tháng TT" for "tháng 11"
_ZERO = "OoQ"
_FIVE = "Šš"  # a 5 with a caron of noise ("2Š"), or noise after a digit ("5Š"): tried both ways
_EIGHT = "§"  # "tháng §" for "tháng 8"
_DIGIT_LIKE = re.escape(_ONE + _ZERO + _FIVE + _EIGHT)
_PART = rf"[0-9{_DIGIT_LIKE}]{{1,2}}"
_YEAR = rf"[0-9{_DIGIT_LIKE}]{{4}}"
_WRITTEN_DATE = re.compile(
    rf"(?P<day_word>[Nn]gày)[.,:]?(?P<s1>\s+)(?P<day>{_PART})(?P<s2>\s+)tháng[.,:]?(?P<s3>\s+)"
    rf"(?P<month>{_PART})(?P<s4>\s+)năm[.,:]?(?P<s5>\s+)(?P<year>{_YEAR})(?![\w])"
)
_LEGISLATURE = re.compile(rf"(?<=/)(?P<standing>UBTV)?[Q{_ZERO}0]H(?P<term>[1{_DIGIT_LIKE}][0-9{_DIGIT_LIKE}])(?![\w])")
_LOOK_ALIKES = {**dict.fromkeys(_ONE, "1"), **dict.fromkeys(_ZERO, "0"), **dict.fromkeys(_EIGHT, "8")}
_TO_DIGIT = str.maketrans({**_LOOK_ALIKES, **dict.fromkeys(_FIVE, "5")})
_WITHOUT_NOISE = str.maketrans({**_LOOK_ALIKES, **dict.fromkeys(_FIVE, "")})

# Inside a document number's numeral and year: the letters tesseract reads for digits of a numbers font.
NUMERAL_LIKE = {**dict.fromkeys("OoQ", "0"), **dict.fromkeys("IlÌÍìí|!", "1"), **dict.fromkeys("SŠš", "5"), "B": "8", "Z": "2"}
_NUMERAL_DIGIT = str.maketrans(NUMERAL_LIKE)
_N = "0-9" + re.escape("".join(NUMERAL_LIKE))
_DASH = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_CODE_PART = r"[A-ZĐÐ][A-Za-zĐđÐ0-9|]*"
_NUMBER_SHAPE = re.compile(
    rf"(?<![\w/])(?P<num>[{_N}]{{1,5}})(?P<slash>\s?/\s?)"
    rf"(?:(?P<year>[{_N}](?: ?[{_N}]){{3}})(?P<year_slash>\s?/\s?|))?"
    rf"(?P<code>[A-ZĐÐ0-9][A-Za-zĐđÐ0-9|]*)(?P<rest>(?:\s?[{_DASH}]\s?{_CODE_PART})*)(?![\w/])"
)
_TYPE_CODES = {code for code in DOCUMENT_TYPES if "-" not in code}
_CODE_LIKE = str.maketrans({"O": "Q", "0": "Q", "Ð": "Đ"})  # "OĐ-TTg", "N0-CP": a Q read as O or 0
_TERM = re.compile(r"(?<=[A-ZĐ]{2})(?P<term>[1Il|][0-9]|1[OoIl|])$")  # "UBVHXHI5": a legislature term


def repair_ocr_text(text: str) -> str:
    """`text` (OCR output) with look-alike letters in dates, document numbers and type names put back.

    >>> repair_ocr_text("Căn cứ Luật Viên chức ngày 15 tháng IÌ năm 2010;")
    'Căn cứ Luật Viên chức ngày 15 tháng 11 năm 2010;'
    >>> repair_ocr_text("ngày 22 tháng 1Ì năm 2019 và ngày 11 tháng II năm 2022")
    'ngày 22 tháng 11 năm 2019 và ngày 11 tháng 11 năm 2022'
    >>> repair_ocr_text("Nghị quyết số 03/2021/UBTVOHI5 ngày 24 tháng 9 năm 2021")
    'Nghị quyết số 03/2021/UBTVQH15 ngày 24 tháng 9 năm 2021'
    >>> repair_ocr_text("ngày I9 tháng. II năm 2015; ngày 2Š tháng 6 năm 2015; ngày 05 tháng 5Š năm 2015")
    'ngày 19 tháng 11 năm 2015; ngày 25 tháng 6 năm 2015; ngày 05 tháng 5 năm 2015'
    >>> repair_ocr_text("Luật Cán bộ, công chức ngày l3 tháng TI năm 2008")
    'Luật Cán bộ, công chức ngày 13 tháng 11 năm 2008'
    >>> repair_ocr_text("có hiệu lực thi hành kế từ ngày 15 tháng § năm 2021.")
    'có hiệu lực thi hành kế từ ngày 15 tháng 8 năm 2021.'
    >>> repair_ocr_text("ngày 3I tháng 13 năm 2021")  # no month 13: left as read
    'ngày 3I tháng 13 năm 2021'
    >>> repair_ocr_text("Căn cứ Nghị định số 31/201 9/NĐ-CP và 1O5/2O21/NĐ–CP; Báo cáo số 436/BC-UBVHXHI5")
    'Căn cứ Nghị định số 31/2019/NĐ-CP và 105/2021/NĐ-CP; Báo cáo số 436/BC-UBVHXH15'
    >>> repair_ocr_text("Căn cứ Hiên pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;")
    'Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;'
    """
    text = _WRITTEN_DATE.sub(_repair_date, text)
    text = _LEGISLATURE.sub(lambda m: f"{m.group('standing') or ''}QH{m.group('term').translate(_TO_DIGIT)}", text)
    text = _NUMBER_SHAPE.sub(_repair_number, text)
    return _TYPE_AFTER_BASIS.sub(_repair_type_name, text)


def _repair_date(match: re.Match[str]) -> str:
    for table in (_TO_DIGIT, _WITHOUT_NOISE):
        day, month, year = (match.group(name).translate(table) for name in ("day", "month", "year"))
        if day and month and year and 1 <= int(day) <= 31 and 1 <= int(month) <= 12 and 1900 <= int(year) <= 2099:
            s1, s2, s3, s4, s5 = (match.group(f"s{n}") for n in range(1, 6))
            return f"{match.group('day_word')}{s1}{day}{s2}tháng{s3}{month}{s4}năm{s5}{year}"
    return match.group(0)


def repair_document_number(written: str) -> str | None:
    """The document number OCR read as `written`, or None when it is not one even once repaired.

    Only the numeral and the year take digits for look-alike letters; the codes keep their letters,
    but for a Q read as O or 0 in a type code ("OĐ-TTg"), a dash read for the hyphen and a legislature
    term read with an I ("UBVHXHI5"). A slash between year and code is restored only before a type
    code of the closed list followed by its issuer ("2021NĐ-CP"), never before a bare code.

    >>> repair_document_number("l38/2020/NĐ-CP"), repair_document_number("15/2O2O/TT-BTC"), repair_document_number("105/2021NĐ-CP")
    ('138/2020/NĐ-CP', '15/2020/TT-BTC', '105/2021/NĐ-CP')
    >>> repair_document_number("28/2021/OĐ-TTg"), repair_document_number("73/2021/QHI4"), repair_document_number("Il/QĐ-UBND")
    ('28/2021/QĐ-TTg', '73/2021/QH14', None)
    >>> repair_document_number("12/2023"), repair_document_number("1/3000/NĐ-CP")  # a month, a year out of range
    (None, None)
    """
    match = _NUMBER_SHAPE.fullmatch(written)
    return _repaired(match) if match else None


def numeral_digits(written: str) -> str:
    """`written` with the letters tesseract reads for the digits of a numeral put back ("II" -> "11", "2O2O" -> "2020")."""
    return written.translate(_NUMERAL_DIGIT)


def _repair_number(match: re.Match[str]) -> str:
    repaired = _repaired(match)
    return repaired if repaired is not None else match.group(0)


def _repaired(match: re.Match[str]) -> str | None:
    numeral = numeral_digits(match.group("num"))
    written_year = match.group("year")
    if not numeral.isdigit() or (written_year is None and not re.search(r"\d", match.group("num"))):
        return None  # "Il/QĐ-UBND": without a year, a numeral of letters only is a word, not a number
    code, rest = _repaired_codes(match.group("code"), match.group("rest"))
    slash = match.group("slash")
    if written_year is None:
        repaired = f"{numeral}{slash}{code}{rest}"
    else:
        year = numeral_digits(re.sub(r"\s", "", written_year))
        if not (year.isdigit() and 1900 <= int(year) <= 2099):
            return None
        if not match.group("year_slash") and not (fold_diacritics(code).upper() in _TYPE_CODES and rest):
            return None  # "2021NĐ-CP" is a number whose slash was lost; "2021ABC" is not
        repaired = f"{numeral}{slash}{year}{match.group('year_slash') or '/'}{code}{rest}"
    return repaired if parse_document_number(repaired) else None


def _repaired_codes(code: str, rest: str) -> tuple[str, str]:
    """The type code (a Q read as O or 0, when that makes a known code) and the issuer codes (hyphens, term)."""
    if rest and fold_diacritics(code).upper() not in _TYPE_CODES:
        fixed = code.translate(_CODE_LIKE)
        if fold_diacritics(fixed).upper() in _TYPE_CODES:
            code = fixed
    rest = re.sub(f"[{_DASH[1:]}]", "-", rest)
    if rest:
        head, _, last = rest.rpartition("-")
        return code, f"{head}-{_repaired_term(last)}"  # the term closes the last code: "BC-UBVHXHI5"
    return _repaired_term(code), rest


def _repaired_term(code: str) -> str:
    """ "UBVHXHI5" -> "UBVHXH15": the legislature term closing a National Assembly body's code."""
    return _TERM.sub(lambda m: numeral_digits(m.group("term")), code)


def _letter_key(char: str) -> str:
    return fold_diacritics(char) + ("^" if char.isupper() else "")


# Vietnamese letters by their base letter (case kept): a pattern for a word whatever marks OCR gave it.
_VARIANTS: dict[str, set[str]] = {}
for _char in map(chr, range(0x41, 0x1EFA)):
    if _char.isalpha() and len(fold_diacritics(_char)) == 1 and fold_diacritics(_char).isascii():
        _VARIANTS.setdefault(_letter_key(_char), set()).add(_char)


def _loose(words: str) -> str:
    """A pattern matching `words` with any diacritics on any letter ("Hiến pháp" ~ "Hiên pháp", "Căn cử")."""
    parts = []
    for char in words:
        variants = _VARIANTS.get(_letter_key(char), set()) | {char}
        parts.append(r"\s+" if char == " " else "[" + "".join(re.escape(v) for v in sorted(variants)) + "]")
    return "".join(parts)


_TYPE_NAMES = sorted(set(DOCUMENT_TYPES.values()), key=len, reverse=True)
_OFFICIAL = {fold_diacritics(name).lower(): name for name in _TYPE_NAMES}
_TYPE_AFTER_BASIS = re.compile(
    rf"(?P<lead>(?<!\w){_loose('Căn cứ')}\s+)(?P<type>{'|'.join(_loose(name) for name in _TYPE_NAMES)})(?!\w)"
)


def _repair_type_name(match: re.Match[str]) -> str:
    """ "Căn cứ Hiên pháp" -> "Căn cứ Hiến pháp": a type name differing from the official one only in marks."""
    written = match.group("type")
    official = _OFFICIAL[fold_diacritics(" ".join(written.split())).lower()]
    if written.split() == official.split():
        return match.group(0)
    spaces = re.findall(r"\s+", written) + [""]  # a line break between "Nghị" and "định" stays
    return match.group("lead") + "".join(word + space for word, space in zip(official.split(), spaces, strict=False))
