"""File readers: every supported format to `RawText` (raw text plus metadata hints), chosen by extension.

Text (.txt .md), HTML, PDF (text layer, OCR for pages without one), images of pages (.png .jpg .tif,
by OCR), Word (.docx, and .doc through antiword), OpenDocument (.odt) and RTF. Normalization and
boilerplate removal happen afterwards, in one place, for every format (ingest/build.py).
"""

from __future__ import annotations

from collections.abc import Callable

from core.errors import IngestError, UnsupportedFormatError
from ingest.decoding import check_not_legacy_vietnamese, decode_bytes
from ingest.html import extract_main_text
from ingest.office import doc_text, docx_text, odt_text
from ingest.paged import OcrInput, read_image, read_pdf
from ingest.raw import RawText
from ingest.rtf import rtf_to_text

__all__ = ["RawText", "OcrInput", "read_file", "reader_for", "read_pdf", "read_docx", "read_html", "SUPPORTED"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 (and other Office 97) files


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


def read_docx(data: bytes) -> RawText:
    """Paragraphs and tables of a .docx in document order; a table row becomes one "a | b" line."""
    if data.startswith(_OLE):
        return read_doc(data)  # a Word 97 file renamed .docx
    text, title = docx_text(data)
    return _office(text, "docx", title)


def read_odt(data: bytes) -> RawText:
    text, title = odt_text(data)
    return _office(text, "odt", title)


def read_rtf(data: bytes) -> RawText:
    return _office(rtf_to_text(data), "rtf", None)


def read_doc(data: bytes) -> RawText:
    """A Word 97-2003 .doc; offices also save RTF, .docx and HTML under that name, read as what they are."""
    head = data[:2048].lstrip()
    if head.startswith(b"{\\rtf"):
        return read_rtf(data)
    if head.startswith(b"PK\x03\x04"):
        return read_odt(data) if b"mimetypeapplication/vnd.oasis" in data[:200] else read_docx(data)
    if head[:1] == b"<" and b"<html" in head.lower():
        return read_html(data)
    if not data.startswith(_OLE):
        raise IngestError("DOC cannot be read: not a Word 97-2003 document (no OLE header)")
    return _office(doc_text(data), "doc", None)


def _office(text: str, kind: str, title: str | None) -> RawText:
    if not text.strip():
        raise IngestError(f"{kind.upper()} has no text")
    check_not_legacy_vietnamese(text)
    return RawText(text, kind, None, {"title": title} if title else {})


TEXT_READERS: dict[str, Callable[[bytes], RawText]] = {
    ".txt": read_plain,
    ".md": read_plain,
    ".markdown": read_plain,
    ".html": read_html,
    ".htm": read_html,
    ".docx": read_docx,
    ".doc": read_doc,
    ".odt": read_odt,
    ".rtf": read_rtf,
}
PAGED_READERS: dict[str, Callable[[bytes, OcrInput | None], RawText]] = {
    ".pdf": read_pdf,
    ".png": read_image,
    ".jpg": read_image,
    ".jpeg": read_image,
    ".tif": read_image,
    ".tiff": read_image,
}
SUPPORTED = sorted({*TEXT_READERS, *PAGED_READERS})


def read_file(suffix: str, data: bytes, *, ocr: OcrInput | None = None) -> RawText:
    """Read a file's bytes by its extension; paged formats take the OCR results gathered so far.

    Raises UnsupportedFormatError naming the supported extensions, IngestError with a one-line
    reason, or ingest.ocr.OcrNeeded for pages that must be OCRed first.
    """
    suffix = suffix.lower()
    if suffix in PAGED_READERS:
        return PAGED_READERS[suffix](data, ocr)
    return reader_for(suffix)(data)


def reader_for(suffix: str) -> Callable[[bytes], RawText]:
    """The reader for a file extension, or UnsupportedFormatError naming the supported ones."""
    suffix = suffix.lower()
    if suffix in PAGED_READERS:
        paged = PAGED_READERS[suffix]
        return lambda data: paged(data, None)
    try:
        return TEXT_READERS[suffix]
    except KeyError:
        shown = suffix or "(no extension)"
        raise UnsupportedFormatError(f"unsupported format {shown}: reform-kg reads {', '.join(SUPPORTED)}") from None
