"""File readers: .txt/.md, .html/.htm, .pdf (text layer) and .docx to raw text plus metadata hints.

Each reader takes the file's bytes and returns `RawText`; normalization and boilerplate removal
happen afterwards, in one place, for every format.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from core.errors import IngestError, UnsupportedFormatError
from ingest.decoding import check_not_legacy_vietnamese, decode_bytes
from ingest.html import extract_main_text


@dataclass
class RawText:
    """Text read from a file before normalization, with hints (title, date, source, author)."""

    text: str
    format: str
    encoding: str | None = None
    hints: dict[str, str] = field(default_factory=dict)


def read_plain(data: bytes) -> RawText:
    decoded = decode_bytes(data)
    return RawText(decoded.text, "text", decoded.encoding)


def read_html(data: bytes) -> RawText:
    """Main text of an HTML page: navigation, scripts, share buttons and comment widgets removed."""
    decoded = decode_bytes(data)
    text, hints = extract_main_text(decoded.text)
    if not text.strip():
        raise IngestError("HTML page has no readable text in its body")
    check_not_legacy_vietnamese(text)
    return RawText(text, "html", decoded.encoding, hints)


def read_pdf(data: bytes) -> RawText:
    """Text layer of a PDF; a scanned PDF without one is refused with a clear reason."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError("PDF is password-protected: remove the password and ingest it again")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise IngestError(f"PDF cannot be read (corrupt or truncated file): {exc}") from None
    text = "\n\n".join(p.strip() for p in pages)
    if not text.strip():
        raise IngestError(f"PDF has no text layer ({len(pages)} page(s), scanned images?): run OCR first")
    check_not_legacy_vietnamese(text)
    hints = {}
    if reader.metadata and reader.metadata.title:
        hints["title"] = str(reader.metadata.title)
    return RawText(text, "pdf", None, hints)


def read_docx(data: bytes) -> RawText:
    """Paragraphs and tables of a .docx in document order; a table row becomes one "a | b" line."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(f"DOCX cannot be read (corrupt or not a Word file): {exc}") from None
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = [re.sub(r"\s+", " ", cell.text).strip() for cell in row.cells]
                lines.append(" | ".join(_dedupe_merged(cells)))
        lines.append("")
    text = "\n".join(lines)
    if not text.strip():
        raise IngestError("DOCX has no text")
    check_not_legacy_vietnamese(text)
    hints = {"title": document.core_properties.title} if document.core_properties.title else {}
    return RawText(text, "docx", None, hints)


def _dedupe_merged(cells: list[str]) -> list[str]:
    """python-docx repeats a merged cell's text once per grid column; keep it once."""
    return [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]


READERS: dict[str, Callable[[bytes], RawText]] = {
    ".txt": read_plain,
    ".md": read_plain,
    ".markdown": read_plain,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
}


def reader_for(suffix: str) -> Callable[[bytes], RawText]:
    """The reader for a file extension, or UnsupportedFormatError naming the supported ones."""
    try:
        return READERS[suffix.lower()]
    except KeyError:
        supported = ", ".join(sorted(READERS))
        shown = suffix or "(no extension)"
        raise UnsupportedFormatError(f"unsupported format {shown}: reform-kg reads {supported}") from None
