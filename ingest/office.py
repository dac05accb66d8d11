"""Office documents to text: .docx and .odt (zip + XML, read with lxml), .doc (antiword), in document order.

Paragraphs are blocks; a table row is one "a | b" line (ingest/tables.py), whatever the format. The
zip archives are checked before anything is inflated (ingest/limits.py), and the XML is walked
without recursion, so a crafted file is refused in milliseconds: `gridSpan="2000000000"` is never
expanded (only the cells actually present are read), a gigabyte of zeros is refused by its declared
size, and entities are never expanded.

Why antiword for .doc (measured on the fixtures, README "What ingest does"): 1.6 ms a file, every
Vietnamese letter kept, tables as real rows in its DocBook output (`-x db`); LibreOffice headless
took 0.85 s a file cold, 214 MB, glued the last "Nơi nhận" line to the signature, and is a 259 MB
install.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

from lxml import etree

from core.errors import IngestError
from ingest.limits import open_zip, parse_xml, read_part
from ingest.tables import blocks_text, table_row

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
ANTIWORD_SECONDS = 60


def docx_text(data: bytes) -> tuple[str, str | None]:
    """(text, title from the document properties) of a .docx: body paragraphs and tables in order."""
    archive = open_zip(data, kind="DOCX")
    part = _main_part(archive)
    root = parse_xml(read_part(archive, part, kind="DOCX") or b"", kind="DOCX", what=part)
    body = root.find(f"{W}body")
    if body is None:
        raise IngestError(f"DOCX cannot be read: {part} has no body")
    return blocks_text(_docx_blocks(body)), _title(archive, "docProps/core.xml", "DOCX")


def _main_part(archive) -> str:
    """The main document part named by _rels/.rels (almost always word/document.xml)."""
    rels = read_part(archive, "_rels/.rels", kind="DOCX", required=False)
    if rels:
        for rel in parse_xml(rels, kind="DOCX", what="_rels/.rels").iter(f"{_REL}Relationship"):
            if str(rel.get("Type", "")).endswith("/officeDocument"):
                return str(rel.get("Target", "")).lstrip("/") or "word/document.xml"
    return "word/document.xml"


def _docx_blocks(container: etree._Element) -> Iterator[str | list[str]]:
    for child in _unwrapped(container, (f"{W}p", f"{W}tbl")):
        if child.tag == f"{W}p":
            yield _docx_paragraph(child)
        else:
            yield [table_row(_docx_cell(cell) for cell in _unwrapped(row, (f"{W}tc",))) for row in _unwrapped(child, (f"{W}tr",))]


def _unwrapped(container: etree._Element, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """Children with one of `tags`, looking through content controls and custom XML wrappers."""
    for child in container:
        if child.tag in tags:
            yield child
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag"):
            yield from _unwrapped(child, tags)


_DOCX_SKIPPED = frozenset((f"{W}txbxContent", f"{W}del", f"{W}instrText", f"{W}delText", f"{W}footnoteReference"))
_DOCX_CHARACTERS = {f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n", f"{W}noBreakHyphen": "-"}


def _docx_paragraph(paragraph: etree._Element) -> str:
    """A paragraph's text: runs, tabs and breaks, without deleted text, text boxes or field codes."""
    parts: list[str] = []
    stack = [iter(paragraph)]
    while stack:
        element = next(stack[-1], None)
        if element is None:
            stack.pop()
        elif element.tag == f"{W}t":
            parts.append(element.text or "")
        elif element.tag in _DOCX_CHARACTERS:
            parts.append(_DOCX_CHARACTERS[element.tag])
        elif element.tag not in _DOCX_SKIPPED and len(element):
            stack.append(iter(element))
    return "".join(parts)


def _docx_cell(cell: etree._Element) -> str:
    lines: list[str] = []
    for block in _docx_blocks(cell):
        lines += [block] if isinstance(block, str) else block
    return "\n".join(lines)


def odt_text(data: bytes) -> tuple[str, str | None]:
    """(text, title from meta.xml) of an OpenDocument text file: paragraphs, headings, lists, tables."""
    archive = open_zip(data, kind="ODT")
    root = parse_xml(read_part(archive, "content.xml", kind="ODT") or b"", kind="ODT", what="content.xml")
    body = root.find(f"{OFFICE}body/{OFFICE}text")
    if body is None:
        raise IngestError("ODT cannot be read: content.xml has no text body (a spreadsheet or drawing?)")
    return blocks_text(_odt_blocks(body)), _title(archive, "meta.xml", "ODT")


def _odt_blocks(container: etree._Element) -> Iterator[str | list[str]]:
    for child in container:
        if child.tag in (f"{TEXT}p", f"{TEXT}h"):
            yield _odt_inline(child)
        elif child.tag == f"{TABLE}table":
            yield [table_row(_odt_cell(cell) for cell in row if cell.tag == f"{TABLE}table-cell") for row in _odt_rows(child)]
        elif child.tag in (
            f"{TEXT}list",
            f"{TEXT}list-item",
            f"{TEXT}list-header",
            f"{TEXT}section",
            f"{TABLE}table-header-rows",
        ):
            yield from _odt_blocks(child)


def _odt_rows(table: etree._Element) -> Iterator[etree._Element]:
    for child in table:
        if child.tag == f"{TABLE}table-row":
            yield child
        elif child.tag in (f"{TABLE}table-header-rows", f"{TABLE}table-rows", f"{TABLE}table-row-group"):
            yield from _odt_rows(child)


def _odt_cell(cell: etree._Element) -> str:
    lines: list[str] = []
    for block in _odt_blocks(cell):
        lines += [block] if isinstance(block, str) else block
    return "\n".join(lines)


def _odt_inline(element: etree._Element) -> str:
    """Text of a paragraph: <text:s c="3"/> spaces, tabs, line breaks; notes and annotations left out."""
    parts: list[str] = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == f"{TEXT}s":
            parts.append(" " * min(int(child.get(f"{TEXT}c", "1") or 1), 100))
        elif tag == f"{TEXT}tab":
            parts.append("\t")
        elif tag == f"{TEXT}line-break":
            parts.append("\n")
        elif tag not in (f"{TEXT}note", f"{OFFICE}annotation", f"{TEXT}bookmark-ref"):
            parts.append(_odt_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _title(archive, name: str, kind: str) -> str | None:
    data = read_part(archive, name, kind=kind, required=False)
    if not data:
        return None
    try:
        element = parse_xml(data, kind=kind, what=name).find(f".//{_DC_TITLE}")
    except IngestError:
        return None  # a damaged properties part loses the title, not the document
    title = " ".join((element.text or "").split()) if element is not None else ""
    return title or None


def doc_text(data: bytes) -> str:
    """Text of a Word 97-2003 .doc, from antiword's DocBook output (tables as rows and cells)."""
    try:
        result = subprocess.run(
            ["antiword", "-x", "db", "-w", "0", "-"], input=data, capture_output=True, timeout=ANTIWORD_SECONDS, check=False
        )
    except FileNotFoundError:
        raise IngestError("reading .doc needs antiword: install it ('make system', or apt-get install antiword)") from None
    except subprocess.TimeoutExpired:
        raise IngestError(f"DOC reading took longer than {ANTIWORD_SECONDS} s (antiword): damaged file?") from None
    if result.returncode != 0 or not result.stdout.strip():
        reason = " ".join(result.stderr.decode("utf-8", "replace").split())[:200] or f"antiword exit status {result.returncode}"
        raise IngestError(f"DOC cannot be read: {reason}")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True, huge_tree=False)
    root = etree.fromstring(result.stdout, parser)
    if root is None:
        raise IngestError("DOC cannot be read: antiword gave no text")
    return blocks_text(_docbook_blocks(root))


def _docbook_blocks(root: etree._Element) -> Iterator[str | list[str]]:
    """<para> text and <informaltable> rows in document order; <bookinfo> (garbled by antiword) skipped."""
    stack = [iter(root)]
    while stack:
        element = next(stack[-1], None)
        if element is None:
            stack.pop()
        elif not isinstance(element.tag, str) or element.tag == "bookinfo":
            continue
        elif element.tag in ("informaltable", "table"):
            yield [table_row("".join(entry.itertext()) for entry in row.iter("entry")) for row in element.iter("row")]
        elif element.tag == "para" and next(element.iter("informaltable", "table"), None) is None:
            yield "".join(element.itertext()).strip()
        else:
            if element.tag == "para" and (element.text or "").strip():
                yield element.text.strip()
            stack.append(iter(element))
