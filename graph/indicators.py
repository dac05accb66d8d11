"""Indicator observations (PAR INDEX, SIPAS, PAPI, PCI, DTI …): value, unit, rank, year, area.

"+ Chỉ số Cải cách hành chính (PARINDEX): đạt 89,58%; xếp thứ 3/63 tỉnh, thành phố; tăng 7 bậc so
với năm 2021." under a lead line "… Chỉ số … năm 2022 của Thành phố (công bố tháng 4/2023):" is
PAR INDEX, Hà Nội, 2022: 89.58 %, rank 3 of 63. A year after "so với" is a comparison, never the
observation's year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.agencies import Area, area_in_context
from ingest.blocks import iter_lines
from ingest.document import Document, Passage
from vntext.normalize import fold_diacritics


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    alt_labels: tuple[str, ...]


INDICATORS = [
    Indicator("par-index", "Chỉ số cải cách hành chính (PAR INDEX)", ("PAR INDEX", "PARINDEX", "Chỉ số cải cách hành chính")),
    Indicator("sipas", "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)", ("SIPAS", "Chỉ số hài lòng")),
    Indicator("papi", "Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)", ("PAPI",)),
    Indicator("pci", "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)", ("PCI",)),
    Indicator("dti", "Chỉ số chuyển đổi số (DTI)", ("DTI",)),
]
_VALUE = re.compile(r"đạt\s+(?:trên\s+)?(\d+(?:,\d+)?)\s*(%|/\s*(\d+)\s*điểm)")
_RANK = re.compile(r"xếp\s+(?:thứ|hạng)\s+(\d+)\s*/\s*(\d+)")
_YEAR = re.compile(r"năm\s+((?:19|20)\d\d)")


@dataclass(frozen=True)
class Observation:
    """One indicator value for an area and year, with the span it was read from (document offsets)."""

    indicator: Indicator
    area: Area
    year: int | None
    value: float | None
    unit: str | None  # "percent" or "points"
    scale: int | None  # points out of N
    rank: int | None
    rank_of: int | None
    document_id: str
    passage_id: str
    start: int
    end: int


def find_observations(document: Document, passage: Passage, default_area: Area | None) -> list[Observation]:
    """Observations in a passage: a clause naming an indicator and giving a value or a rank."""
    found = []
    text = document.text
    for line_start, line_end in iter_lines(text, passage.start, passage.end):
        line = text[line_start:line_end]
        indicator = indicator_in(line)
        if indicator is None:
            continue
        value, rank = _VALUE.search(line), _RANK.search(line)
        if not value and not rank:
            continue
        area = area_in_context(line, default_area)
        if area is None:  # a figure for no known area (a national document's aside) is not an observation
            continue
        year = _year(line) or _year(_lead_in(text, line_start))
        number = float(value.group(1).replace(",", ".")) if value else None
        unit = ("percent" if value.group(2) == "%" else "points") if value else None
        found.append(
            Observation(
                indicator,
                area,
                year,
                number,
                unit,
                int(value.group(3)) if value and value.group(3) else None,
                int(rank.group(1)) if rank else None,
                int(rank.group(2)) if rank else None,
                passage.document_id,
                passage.id,
                line_start,
                line_end,
            )
        )
    return found


def indicator_in(line: str) -> Indicator | None:
    folded = fold_diacritics(line).lower()
    for indicator in INDICATORS:
        for label in indicator.alt_labels:
            if re.search(rf"(?<![a-z]){re.escape(fold_diacritics(label).lower())}(?![a-z])", folded):
                return indicator
    return None


def _year(text: str) -> int | None:
    """The first "năm YYYY" not introduced by "so với" (a comparison year)."""
    for match in _YEAR.finditer(text):
        if not re.search(r"so\s+với\s*$", text[max(0, match.start() - 12) : match.start()]):
            return int(match.group(1))
    return None


def _lead_in(text: str, line_start: int, window: int = 1500) -> str:
    """The line introducing the list this line belongs to (ends with ":"), possibly in the previous
    passage; only list items ("+", "-") may stand between them."""
    earlier = text[max(0, line_start - window) : line_start].rstrip().split("\n")
    for line in reversed(earlier):
        stripped = line.strip()
        if stripped.endswith(":"):
            return stripped
        if stripped and not stripped.startswith(("+", "-", "•")):
            return ""
    return ""
