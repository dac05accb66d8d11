"""Paged sources: PDF (text layer, OCR for the pages without one) and images of pages (.png .jpg .tif).

A page whose text layer is not Vietnamese text (glyphs mapped to the wrong code points, another engine's OCR
without Vietnamese) is OCRed too, and the OCR kept where it reads as more Vietnamese than the layer. So is a
scanned page whose only text is a few words drawn over the scan (a site's diagonal watermark
"www.LuatVietnam.vn", a signing stamp): the OCR is kept where it reads more Vietnamese words than the layer.

A reader raises `OcrNeeded` for the pages it has no text for; the ingest coordinator OCRs them
(ingest/parsing.py: in parallel, cached by file hash) and calls the reader again with the results.
So a mixed PDF OCRs only its image pages, and a re-ingest of an unchanged scan OCRs nothing.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from core.errors import IngestError
from ingest.decoding import check_not_legacy_vietnamese
from ingest.ocr import MAX_PIXELS, MIN_SIDE, OcrNeeded, OcrPage, PageRequest
from ingest.ocr_repair import repair_ocr_text
from ingest.raw import RawText
from ingest.stamps import page_with_stamps
from vntext.readability import unreadable, vietnamese_share

_ENCRYPTED = "PDF is encrypted (password-protected): remove the password and ingest it again"


@dataclass(frozen=True)
class OcrInput:
    """OCR results a reader may use (page number -> result) and the confidence floor for keeping a page."""

    pages: Mapping[int, OcrPage] = field(default_factory=dict)
    floor: float = 60.0


def read_pdf(data: bytes, ocr: OcrInput | None = None) -> RawText:
    """Text of each page: its text layer, else OCR; refused when encrypted, damaged, or blank throughout."""
    from pypdf import PdfReader  # lazy: pypdf is only needed for PDFs
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    ocr = ocr or OcrInput()
    with _captured_pdf_warnings() as notes:
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not _decrypts(reader):
                raise IngestError(_ENCRYPTED)
            layers, requests = [], []
            for number, page in enumerate(reader.pages, start=1):
                text = _page_text(page)
                layers.append(text)
                # No text layer, or one that is not the page's words (a garbled font, another engine's OCR, a
                # watermark over a scan)
                if (text is None or unreadable(text) or _thin_over_scan(page, text)) and page.get_contents() is not None:
                    box = page.mediabox
                    requests.append(PageRequest("pdf", number, float(box.width), float(box.height)))
            title = str(reader.metadata.title) if reader.metadata and reader.metadata.title else None
        except (DependencyError, FileNotDecryptedError):
            raise IngestError(_ENCRYPTED) from None
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
            raise IngestError(f"PDF cannot be read (corrupt or truncated file): {exc}") from None
    if not layers:
        raise IngestError("PDF has no pages")
    pages, page_notes, record = _with_ocr(layers, requests, ocr)
    if not any(p.strip() for p in pages):
        raise IngestError(_nothing_readable("PDF", layers, record))
    text = "\n\n".join(p.strip() for p in pages)
    check_not_legacy_vietnamese(text)
    hints = {"title": title} if title else {}
    return RawText(text, "pdf", None, hints, pages=tuple(pages), notes=tuple(notes) + page_notes, ocr=record)


def read_image(data: bytes, ocr: OcrInput | None = None) -> RawText:
    """An image of one or more pages (multi-page TIFF), read by OCR."""
    from PIL import Image, UnidentifiedImageError

    ocr = ocr or OcrInput()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            frames = int(getattr(image, "n_frames", 1) or 1)
    except (UnidentifiedImageError, OSError, EOFError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise IngestError(f"image cannot be read: {exc}") from None
    if min(width, height) < MIN_SIDE:
        raise IngestError(f"image is {width}×{height} pixels: too small to read (at least {MIN_SIDE} on each side)")
    layers: list[str | None] = [None] * frames
    requests = [PageRequest("image", n) for n in range(1, frames + 1)]
    pages, notes, record = _with_ocr(layers, requests, ocr)
    if not any(p.strip() for p in pages):
        raise IngestError(_nothing_readable("image", layers, record))
    text = "\n\n".join(p.strip() for p in pages)
    return RawText(text, "image", None, {}, pages=tuple(pages), notes=notes, ocr=record)


def _with_ocr(
    layers: list[str | None], requests: list[PageRequest], ocr: OcrInput
) -> tuple[list[str], tuple[str, ...], dict | None]:
    """Page texts with OCR filled in; raises OcrNeeded for the pages still without a result."""
    missing = [r for r in requests if r.page not in ocr.pages]
    if missing:
        raise OcrNeeded(missing)
    wanted = {r.page for r in requests}
    pages, notes, used = [], [], []
    for number, layer in enumerate(layers, start=1):
        result = ocr.pages.get(number) if number in wanted else None
        if result is None:
            pages.append(layer or "")
            continue
        used.append(result)
        if layer:  # a text layer that is not the page's words: the OCR replaces it only where it reads better
            read = repair_ocr_text(result.text)
            drawn = _vietnamese_words(layer)
            thin = drawn < THIN_LAYER_WORDS
            if thin:
                # much more: a page of real text over a background image reads about as many words both ways
                found = _vietnamese_words(read)
                better = result.confidence >= ocr.floor and found > max(2 * drawn, drawn + 20)
            else:
                better = result.confidence >= ocr.floor and vietnamese_share(read)[0] > vietnamese_share(layer)[0]
            pages.append(read if better else layer)
            what = (
                "a few words over a scanned page (a watermark or a stamp)"
                if thin
                else "not Vietnamese text (a garbled font or another engine's OCR)"
            )
            notes.append(
                f"page {number}: its text layer is {what}; "
                + ("read by OCR instead" if better else "OCR read no better, the text layer is kept")
            )
        elif not result.blank and result.confidence < ocr.floor:
            notes.append(
                f"page {number} left out: OCR confidence {result.confidence:.0f} is under the floor {ocr.floor:g} "
                "(REFORM_OCR_MIN_CONFIDENCE): check the scan"
            )
            pages.append("")
        else:
            pages.append(repair_ocr_text(result.text))
    record = None
    if used:
        record = {
            "engine": "tesseract",
            "language": "vie",
            "pages": [r.summary() for r in used],
            "seconds": round(sum(r.seconds for r in used), 2),
        }
    return pages, tuple(notes), record


def _nothing_readable(kind: str, layers: list[str | None], record: dict | None) -> str:
    pages = record["pages"] if record else []
    if all(p["blank"] for p in pages) and not any((layer or "").strip() for layer in layers):
        return f"{kind} pages are all blank ({len(layers)} page(s)): nothing to read"
    return f"{kind} has no readable text: OCR confidence is under the floor on every page ({len(layers)} page(s))"


def _page_text(page) -> str | None:
    """The page's text layer, or None when it has none (a scanned page, or text drawn as outlines)."""
    try:
        text = page.extract_text() or ""
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, ZeroDivisionError):
        text = ""
    if len(text.strip()) < 3:
        return None
    try:
        return page_with_stamps(page, text)  # numbers and dates an e-office system drew into the blanks
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, ZeroDivisionError, RecursionError):
        return text


# A text layer with fewer Vietnamese words than this over a page-sized image is not the page's text: a watermark
# ("www.LuatVietnam.vn" drawn diagonally over every page of a scanned decree), a signing stamp, a page number.
THIN_LAYER_WORDS = 40
# An image at least this many pixels on its short side is a scanned page (A4 at 120 dpi is 990 × 1400); a
# signature, seal or logo is a few hundred.
_SCAN_SIDE = 1000


def _thin_over_scan(page, text: str) -> bool:
    """Whether the page is a scan whose text layer holds only a few words drawn over it."""
    if _vietnamese_words(text) >= THIN_LAYER_WORDS:
        return False
    try:
        return _has_scan_image(page.get("/Resources"), depth=0)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        return False


def _has_scan_image(resources, *, depth: int) -> bool:
    """A page-sized image among the resources' XObjects, looking one level into forms (where some scanners put it)."""
    resources = resources.get_object() if resources is not None else None
    xobjects = resources.get("/XObject") if resources is not None else None
    if xobjects is None or depth > 1:
        return False
    for ref in xobjects.get_object().values():
        xobject = ref.get_object()
        subtype = xobject.get("/Subtype")
        if subtype == "/Image" and min(int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))) >= _SCAN_SIDE:
            return True
        if subtype == "/Form" and _has_scan_image(xobject.get("/Resources"), depth=depth + 1):
            return True
    return False


def _vietnamese_words(text: str) -> int:
    share, words = vietnamese_share(text)
    return round(share * words)


def _decrypts(reader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # pypdf raises several kinds (DependencyError for AES without a crypto library)
        return False


@contextmanager
def _captured_pdf_warnings() -> Iterator[list[str]]:
    """pypdf's warnings (logged and warned) kept as one note for the file instead of reaching stderr."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("pypdf")
    handler, propagate = Collect(logging.WARNING), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    notes: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield notes
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        messages += [str(w.message) for w in caught]
        if messages:
            first = " ".join(messages[0].split())[:160]
            notes.append(f"{len(messages)} PDF syntax warning(s) from pypdf (first: {first})")
