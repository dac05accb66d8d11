"""Vietnamese dates: "30/12/2022", "30-12-2022", "ngày 30 tháng 12 năm 2022" to ISO 8601.

Only complete dates are returned: "ngày 25/6" without a year is not a date we can state.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

_NUMERIC = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
# Marks lost to OCR too; spaces lost to PDF text layers ("ngày 03tháng02năm 2025"); a stray point or comma
# typed before the year ("ngày 15 tháng 02.năm 2024").
_WORDS = r"(?P<d2>\d{1,2})\s*th[áa]ng\s*(?P<m2>\d{1,2})\s*[.,]?\s*n[ăa]m\s*(?P<y2>\d{4})"
# The same two spellings without groups, for patterns elsewhere that find a date in a longer phrase.
NUMERIC_DATE = r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}"
WORDS_DATE = r"\d{1,2}\s*th[áa]ng\s*\d{1,2}\s*[.,]?\s*n[ăa]m\s*\d{4}"
DATE_PATTERN = re.compile(rf"(?<![\d/.-])(?:{_NUMERIC}|{_WORDS})(?![\d/])", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    """A date found in text: its span and ISO value."""

    start: int
    end: int
    iso: str


def parse_date(text: str) -> str | None:
    """The first complete, valid date in `text` as YYYY-MM-DD, or None.

    >>> parse_date("Hà Nội, ngày 11 tháng 01 năm 2023")
    '2023-01-11'
    >>> parse_date("07/04/2023")
    '2023-04-07'
    >>> parse_date("ngày 25/6") is None, parse_date("kể từ ngày 03tháng02năm 2025")
    (True, '2025-02-03')
    """
    return next((m.iso for m in find_dates(text)), None)


def find_dates(text: str) -> Iterator[DateMention]:
    """Every complete, valid date in `text`, in order."""
    for match in DATE_PATTERN.finditer(text):
        day = match.group("d") or match.group("d2")
        month = match.group("m") or match.group("m2")
        year = match.group("y") or match.group("y2")
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
        if 1945 <= value.year <= 2100:
            yield DateMention(match.start(), match.end(), value.isoformat())


def iso_date(value: str) -> str | None:
    """`value` when it is a real calendar date written YYYY-MM-DD (1900–2100), else None.

    >>> iso_date("2023-04-07"), iso_date("2023-02-31"), iso_date("not-a-date"), iso_date("2023-13-01")
    ('2023-04-07', None, None, None)
    """
    match = re.fullmatch(r"\s*(\d{4})-(\d{2})-(\d{2})\s*", value)
    if not match:
        return None
    try:
        date = dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return date.isoformat() if 1900 <= date.year <= 2100 else None
