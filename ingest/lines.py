"""Logical lines of a formal document's layout: table cells, Markdown marks and side-by-side columns undone.

The same header or signature block comes out of every format differently: one line per cell from a
PDF, "ỦY BAN NHÂN DÂN | CỘNG HÒA …" from a .docx table row, pipes and `**` from a Markdown page
(with words of one cell broken over several lines), `<br>` inside cells, or two columns run together
on one line ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI …", "Nơi nhận: KT. BỘ TRƯỞNG"). These functions give
the parsers one view: logical lines of clean text, each with the span of the raw text it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Where a second column starts inside one line: the national motto, the party's name, a signing mode,
# the number after the issuing body ("CHÍNH PHỦ Số: 15/2020/NĐ-CP").
_COLUMN_STARTS = re.compile(
    r"(?<=\S)\s+(?=CỘNG HÒA XÃ HỘI CHỦ NGHĨA|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA|ĐẢNG CỘNG SẢN VIỆT NAM|Độc lập\s*-\s*Tự do"
    r"|(?:TM|T/M|KT|K/T|TL|T/L|TUQ|Q)\.?\s+[A-ZĐỦỨ][A-ZĐÀ-Ỹ]{1,}\s"
    r"|(?<=[A-ZĐÀ-Ỹ]\s)(?:Luật |Bộ luật |Nghị quyết |Pháp lệnh )?Số\s*:)"
)
_MARKUP = re.compile(r"\*+|\\(?=[^\w])|\\$|^#+\s*|^>\s*")
# Bold marks inside a word ("n**ă**m", "TH****UẾ" on portal pages) join its letters, they do not split it.
_INNER_MARKUP = re.compile(r"(?<=\w)\*+(?=\w)")
_JOINER = "\x00"  # stands for an inner mark until the line is cleaned (offsets keep their length)
_BREAK = re.compile(r"<br\s*/?>|\s\|\s|^\|\s*|\s*\|$", re.IGNORECASE)
_RULE = re.compile(r"^[\s\-_=*~.·•|]*$")
_TRAILING_RULE = re.compile(r"\s*[-_=]{3,}\s*$|^\s*[-_=]{3,}\s*")


@dataclass(frozen=True)
class Line:
    """A logical line: clean text, and the [start, end) span of the raw text it was read from."""

    text: str
    start: int
    end: int
    blank: bool = False  # a separator: blank line, rule ("-----") or table border
    rule: bool = False  # a separator drawn in the text (rule, border), not just an empty line

    @property
    def upper(self) -> bool:
        """Written in capitals (a header or signature line), at least three letters."""
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 3 and all(c.isupper() for c in letters)


def logical_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """The logical lines of text[start:end] (separators kept as blank lines, so blocks stay apart)."""
    end = len(text) if end is None else end
    lines: list[Line] = []
    cursor = start
    while cursor <= end:
        newline = text.find("\n", cursor, end)
        line_end = end if newline < 0 else newline
        lines += _cells(text, cursor, line_end)
        if newline < 0:
            break
        cursor = newline + 1
    return lines


def _cells(text: str, start: int, end: int) -> list[Line]:
    raw = text[start:end]
    drawn = bool(raw.strip())
    if _RULE.match(raw):
        return [Line("", start, end, blank=True, rule=drawn)]
    pieces, cursor = [], 0
    for match in _BREAK.finditer(raw):
        pieces.append((cursor, match.start()))
        cursor = match.end()
    pieces.append((cursor, len(raw)))
    cells = []
    for piece_start, piece_end in pieces:
        # Marks blanked out, length kept: the column cut below sees "… TRUNG ƯƠNG  ĐẢNG …", offsets stay right.
        segment = _INNER_MARKUP.sub(lambda m: _JOINER * len(m.group(0)), raw[piece_start:piece_end])
        segment = _MARKUP.sub(lambda m: " " * len(m.group(0)), segment)
        cut, column = 0, []
        for match in _COLUMN_STARTS.finditer(segment):
            column.append((cut, match.start()))
            cut = match.end()
        column.append((cut, len(segment)))
        for a, b in column:
            cleaned = _clean(segment[a:b])
            if cleaned:
                cells.append(Line(cleaned, start + piece_start + a, start + piece_start + b))
            elif segment[a:b].strip() and not cells:
                cells.append(Line("", start + piece_start + a, start + piece_start + b, blank=True, rule=True))
    return cells or [Line("", start, end, blank=True, rule=drawn)]


def single_spaced(lines: list[Line]) -> list[Line]:
    """`lines` without their empty lines when the layout is double-spaced, else as they are.

    A web page's paragraphs and some PDF text layers put an empty line after every printed line, so
    there an empty line separates nothing: a title or an issuer's cell wrapped over two lines
    ("ỦY BAN THƯỜNG VỤ" / "" / "QUỐC HỘI") is still one block. Rules and table borders are kept.

    >>> spaced = logical_lines("ỦY BAN THƯỜNG VỤ\\n\\nQUỐC HỘI\\n\\n-----\\n\\nSố: 1/NQ\\n\\nA\\n\\nB\\n\\nC\\n\\nD\\n\\nE\\n")
    >>> [line.text or "|" for line in single_spaced(spaced)]
    ['ỦY BAN THƯỜNG VỤ', 'QUỐC HỘI', '|', 'Số: 1/NQ', 'A', 'B', 'C', 'D', 'E']
    """
    filled = [i for i, line in enumerate(lines) if not line.blank]
    followed = sum(1 for i in filled if i + 1 < len(lines) and lines[i + 1].blank and not lines[i + 1].rule)
    if len(filled) < DOUBLE_SPACED_MIN_LINES or followed < DOUBLE_SPACED_SHARE * len(filled):
        return lines
    return [line for line in lines if not line.blank or line.rule]


DOUBLE_SPACED_MIN_LINES = 8
DOUBLE_SPACED_SHARE = 0.6  # of the printed lines followed by an empty one


def _clean(segment: str) -> str:
    cleaned = _MARKUP.sub("", segment.strip()).replace(_JOINER, "")
    cleaned = _TRAILING_RULE.sub("", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" |")
    return "" if _RULE.match(cleaned) else cleaned


def joined(lines: list[Line]) -> str:
    """Lines of one block read as one text ("ỦY BAN NHÂN DÂN" + "TỈNH QUẢNG NINH")."""
    return " ".join(line.text for line in lines if line.text)
