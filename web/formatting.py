"""Vietnamese display conventions for the UI: dd/mm/yyyy dates, decimal comma, thousands dot.

Only what the pages show is formatted here; the JSON API and SPARQL keep ISO dates and decimal
points, as machines expect.
"""

from __future__ import annotations

import datetime as dt
import re

MISSING = "chưa có dữ liệu"
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})")


def vn_date(value: object, missing: str = MISSING) -> str:
    """An ISO date (or datetime, or date object) as Vietnamese dd/mm/yyyy; a bare year stays a year.

    >>> vn_date("2023-01-11"), vn_date("2023-01-11T08:00:00"), vn_date("2022"), vn_date(None)
    ('11/01/2023', '11/01/2023', '2022', 'chưa có dữ liệu')
    >>> vn_date(dt.date(2015, 6, 19)), vn_date("2023-04"), vn_date("", missing="—")
    ('19/06/2015', '04/2023', '—')
    """
    if value is None or value == "":
        return missing
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if match := _ISO_DATE.match(text):
        year, month, day = match.groups()
        return f"{day}/{month}/{year}"
    if match := _ISO_YEAR_MONTH.fullmatch(text):
        return f"{match.group(2)}/{match.group(1)}"
    return text


def vn_number(value: object, digits: int | None = None, missing: str = "—") -> str:
    """A number written the Vietnamese way: decimal comma, thousands grouped with a dot.

    `digits` fixes the decimals; by default as many as the value has (at most 4), none for whole numbers.

    >>> vn_number(89.58), vn_number(43.9), vn_number(7211), vn_number(1234567.5), vn_number(3.0)
    ('89,58', '43,9', '7.211', '1.234.567,5', '3')
    >>> vn_number(0.123456), vn_number(2.5, digits=2), vn_number(None), vn_number(-1200)
    ('0,1235', '2,50', '—', '-1.200')
    """
    if value is None or value == "":
        return missing
    number = float(value)  # type: ignore[arg-type]
    text = f"{number:,.4f}".rstrip("0").rstrip(".") if digits is None else f"{number:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def vn_percent(value: object, missing: str = "—") -> str:
    """A percentage with a decimal comma, the way the documents write it.

    >>> vn_percent(89.58), vn_percent(100), vn_percent(None)
    ('89,58%', '100%', '—')
    """
    return missing if value is None else f"{vn_number(value)}%"


def vn_count(count: int, noun: str) -> str:
    """A count with its noun, thousands grouped with a dot (Vietnamese nouns do not inflect).

    >>> vn_count(1, "văn bản"), vn_count(12345, "đoạn văn")
    ('1 văn bản', '12.345 đoạn văn')
    """
    return f"{vn_number(count)} {noun}"
