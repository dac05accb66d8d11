"""How every reader writes a table: one line per row, cells joined by " | ", each cell on one line.

.docx, .odt, .rtf, .doc and HTML tables all come out alike, so the formal-header and signature
parsers (ingest/lines.py) see one layout whatever the source format.
"""

from __future__ import annotations

from collections.abc import Iterable


def table_row(cells: Iterable[str]) -> str:
    """One row as a line: each cell's paragraphs joined by spaces, empty cells dropped.

    >>> table_row(["ỦY BAN NHÂN DÂN\\nTHÀNH PHỐ HÀ NỘI", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    'ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'
    """
    return " | ".join(text for text in (" ".join(cell.split()) for cell in cells) if text)


def blocks_text(blocks: Iterable[str | list[str]]) -> str:
    """Paragraphs (str) and tables (list of row lines) as text: a blank line after each block."""
    return "\n\n".join(block if isinstance(block, str) else "\n".join(block) for block in blocks)
