"""OCR's look-alike characters inside written dates and legislature codes, put back as digits.

Why: on a scanned decision tesseract reads the 1 of "tháng 11" as I, l or Ì ("tháng I1", "tháng IÌ",
"tháng II"), a 0 as O, and the QH of "UBTVQH15" as OH ("03/2021/UBTVOHI5"). A "Căn cứ" line whose date
no longer parses loses its date, so the cited law gets a different identity than on the text page
(measured with bench/ocr_facts.py: most bases lost on scans were lost this way). The repair is applied
to OCR text only, and only where the shape leaves no doubt: the three parts of a "ngày … tháng … năm …"
date, each a plausible day, month and year once repaired, and a legislature code after a slash.
"""

from __future__ import annotations

import re

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


def repair_ocr_text(text: str) -> str:
    """`text` (OCR output) with look-alike letters in written dates and legislature codes made digits.

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
    """
    text = _WRITTEN_DATE.sub(_repair_date, text)
    return _LEGISLATURE.sub(lambda m: f"{m.group('standing') or ''}QH{m.group('term').translate(_TO_DIGIT)}", text)


def _repair_date(match: re.Match[str]) -> str:
    for table in (_TO_DIGIT, _WITHOUT_NOISE):
        day, month, year = (match.group(name).translate(table) for name in ("day", "month", "year"))
        if day and month and year and 1 <= int(day) <= 31 and 1 <= int(month) <= 12 and 1900 <= int(year) <= 2099:
            s1, s2, s3, s4, s5 = (match.group(f"s{n}") for n in range(1, 6))
            return f"{match.group('day_word')}{s1}{day}{s2}tháng{s3}{month}{s4}năm{s5}{year}"
    return match.group(0)
