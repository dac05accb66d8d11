"""One file's bytes to a `Document`: read, normalize, clean, take metadata, chunk into passages."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core.errors import IngestError
from core.files import stored_path
from ingest.article import clean_article
from ingest.chunking import chunk_article_text, chunk_formal_text
from ingest.document import Document, Passage, passage_id
from ingest.legal import chunk_legal_text, is_legal_text, parse_legal_header
from ingest.legal_facts import legal_facts
from ingest.pages import PageMap, carry_line_pages, normalize_pages
from ingest.readers import RawText, read_file
from vntext.dates import iso_date, parse_date
from vntext.normalize import fold_diacritics, has_vietnamese_diacritics, normalize_text
from vntext.syllables import join_split_syllables

MAX_TITLE_CHARS = 1_000  # the longest trích yếu we hold is under 500

# Bump when reading, cleaning or chunking changes: unchanged files are then processed again.
INGEST_VERSION = "11"


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_id_for(path: Path) -> str:
    """A readable, stable id from the file name: "000_2629a73e2fef3182.txt" -> "000_2629a73e2fef3182"."""
    slug = re.sub(r"[^a-z0-9_]+", "-", fold_diacritics(path.stem)).strip("-")
    return slug or "document"


def build_document(
    path: Path,
    data: bytes,
    *,
    document_id: str,
    manifest: Mapping[str, Any],
    max_words: int,
    min_words: int,
    raw: RawText | None = None,
) -> Document:
    """Parse one file into a Document with passages; raises IngestError with a one-line reason.

    `raw` is the file already read (by an ingest worker, ingest/parsing.py); else it is read here.
    """
    raw = raw if raw is not None else read_file(path.suffix, data)
    normalized, line_pages = normalize_pages(raw.pages) if raw.pages is not None else (normalize_text(raw.text), None)
    text = join_split_syllables(normalized)  # "Căn c ứ" from PDF text extraction
    legal = is_legal_text(text)
    parsed_header = parse_legal_header(text)
    formal = legal or parsed_header.is_formal  # plans and reports have the header but no Điều
    parsed_text = text
    cleaned = clean_article(text, take_title=not formal)
    text = cleaned.text
    if not text.strip():
        raise IngestError("no text left after removing site boilerplate")
    page_map = PageMap(text, carry_line_pages(normalized, line_pages, text)) if line_pages else None
    header = parsed_header if formal else None
    chunker = chunk_legal_text if legal else chunk_formal_text if formal else chunk_article_text
    chunks = chunker(text, max_words=max_words, min_words=min_words)
    passages = tuple(
        Passage(
            passage_id(document_id, seq),
            document_id,
            seq,
            c.start,
            c.end,
            text[c.start : c.end],
            c.heading,
            c.path,
            page_map.pages(c.start, c.end) if page_map else (),
        )
        for seq, c in enumerate(chunks, start=1)
    )
    if header is not None and cleaned.text != parsed_text:
        header = parse_legal_header(text)  # offsets into the final text
    # A formal document's own header names it better than a file's metadata title ("… Hoatieu.vn").
    title = (
        manifest.get("title")
        or (header.title if header else None)
        or raw.hints.get("title")
        or cleaned.title
        or _first_words(text)
    )
    date = manifest.get("date") or (header.date if header else None) or cleaned.date or _hint_date(raw.hints.get("date"))
    metadata: dict[str, Any] = {"format": raw.format, "encoding": raw.encoding, "file_name": stored_path(path.name)}
    if header is not None:
        metadata["legal"] = legal_facts(text, header.parsed)
        date = date or (metadata["legal"]["date"] or {}).get("text")
    if raw.pages is not None:
        metadata["pages"] = len(raw.pages)
    if raw.ocr:
        metadata["ocr"] = raw.ocr
    if manifest.get("topic"):
        metadata["topic"] = manifest["topic"]
    if cleaned.captions:
        metadata["captions"] = cleaned.captions
    return Document(
        id=document_id,
        path=stored_path(path),
        title=_bounded(normalize_text(title)),
        text=text,
        file_hash=file_hash(data),
        passages=passages,
        date=date,
        source=manifest.get("source") or cleaned.source or raw.hints.get("source"),
        author=manifest.get("author") or cleaned.author or raw.hints.get("author"),
        language=guess_language(text),
        kind="legal" if legal else "formal" if formal else "article",
        number=header.number if header else None,  # None when the numeral is blank in the text
        metadata=metadata,
    )


def guess_language(text: str) -> str:
    """ "vi" when a good share of words carry Vietnamese marks, else "und" (undetermined)."""
    words = text[:20_000].split()
    if not words:
        return "und"
    marked = sum(1 for w in words if has_vietnamese_diacritics(w))
    return "vi" if marked / len(words) >= 0.2 else "und"


def _bounded(title: str, limit: int = MAX_TITLE_CHARS) -> str:
    """A title cut at `limit` characters: 14 "words" of a text without spaces can be a megabyte."""
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _first_words(text: str, limit: int = 14) -> str:
    words = text.split()
    return " ".join(words[:limit]) + ("…" if len(words) > limit else "")


def _hint_date(value: str | None) -> str | None:
    if not value:
        return None
    iso = re.match(r"\d{4}-\d{2}-\d{2}", value)  # page metadata: "2023-04-07T08:00:00+07:00"
    return iso_date(iso.group(0)) if iso else parse_date(value)
