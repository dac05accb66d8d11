"""What a reader hands to the document builder: raw text, per-page texts for paged sources, hints, notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RawText:
    """Text read from a file before normalization, with hints (title, date, source, author).

    `pages` holds the text of each page of a paged source (PDF, image; page 1 first), and then
    `text` is those pages joined; `notes` are warnings for the run's summary (a page left out for
    low OCR confidence, PDF syntax warnings); `ocr` is the OCR record for the document's metadata.
    """

    text: str
    format: str
    encoding: str | None = None
    hints: dict[str, str] = field(default_factory=dict)
    pages: tuple[str, ...] | None = None
    notes: tuple[str, ...] = ()
    ocr: dict[str, Any] | None = None
