"""Limits that make hostile files harmless: zip archives and XML are checked before they are opened.

A 1 KB .docx can claim a gigabyte of zeros, list the same compressed bytes 200 times, or nest XML
entities; each is refused here, quickly and with a one-line reason, before any reader inflates a
byte. The numbers are far above what a real office file needs (the largest decree we hold as .docx
has a 9 MB document.xml) and far below what would hurt a worker process.
"""

from __future__ import annotations

import io
import struct
import zipfile

from lxml import etree

from core.errors import IngestError

MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_TOTAL_BYTES = 512 << 20  # everything the archive declares, inflated (files are at most 50 MB)
MAX_PART_BYTES = 64 << 20  # one XML part that a reader actually parses
MAX_XML_DEPTH = 1_000

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"


def open_zip(data: bytes, *, kind: str) -> zipfile.ZipFile:
    """A zip archive (DOCX, ODT) whose entries were checked: count, inflated size, no overlaps.

    Raises IngestError naming `kind` when the archive is damaged or would inflate past the limits.
    """
    entries = _declared_entry_count(data)
    if entries is None:
        raise IngestError(f"{kind} cannot be read: not a zip archive (corrupt or truncated file)")
    if entries > MAX_ZIP_ENTRIES:
        raise IngestError(f"{kind} refused: its archive lists {entries:,} entries (limit {MAX_ZIP_ENTRIES:,})")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise IngestError(f"{kind} cannot be read (corrupt or not a zip archive): {exc}") from None
    total = sum(info.file_size for info in infos)
    if total > MAX_ZIP_TOTAL_BYTES:
        raise IngestError(f"{kind} refused: its archive would inflate to {_mb(total)} (limit {_mb(MAX_ZIP_TOTAL_BYTES)})")
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise IngestError(f"{kind} refused: its archive lists the same entry name twice (a crafted zip)")
    _check_no_overlap(infos, len(data), kind)
    return archive


def read_part(archive: zipfile.ZipFile, name: str, *, kind: str, required: bool = True) -> bytes | None:
    """One member's bytes, refused when it inflates past MAX_PART_BYTES; None if absent and optional."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        if required:
            raise IngestError(f"{kind} cannot be read: it has no {name} (not a {kind} file?)") from None
        return None
    if info.file_size > MAX_PART_BYTES:
        raise IngestError(f"{kind} refused: {name} would inflate to {_mb(info.file_size)} (limit {_mb(MAX_PART_BYTES)})")
    if info.flag_bits & 0x1:
        raise IngestError(f"{kind} is encrypted: save it without a password and ingest it again")
    try:
        with archive.open(info) as member:
            data = member.read(MAX_PART_BYTES + 1)  # zipfile stops at the declared size and checks the CRC
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError, RuntimeError) as exc:
        raise IngestError(f"{kind} cannot be read: {name} is damaged ({exc})") from None
    if len(data) > MAX_PART_BYTES:
        raise IngestError(f"{kind} refused: {name} inflates past {_mb(MAX_PART_BYTES)}")
    return data


def parse_xml(data: bytes, *, kind: str, what: str) -> etree._Element:
    """XML without DTDs, entity expansion or network access, and no deeper than MAX_XML_DEPTH."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise IngestError(f"{kind} cannot be read: {what} is not well-formed XML ({exc})") from None
    if root is None:
        raise IngestError(f"{kind} cannot be read: {what} is empty")
    check_depth(root, kind=kind)
    return root


def check_depth(root: etree._Element, *, kind: str, limit: int = MAX_XML_DEPTH) -> None:
    """Refuse trees nested deeper than `limit` (readers walk them; no real document comes close)."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > limit:
            raise IngestError(f"{kind} refused: elements nested more than {limit} deep")
        stack.extend((child, depth + 1) for child in element)


def _declared_entry_count(data: bytes) -> int | None:
    """Entries the end-of-central-directory record declares (zip64 aware), before zipfile parses it."""
    position = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if position < 0 or position + 22 > len(data):
        return None
    (count,) = struct.unpack_from("<H", data, position + 10)
    locator = position - 20
    if count == 0xFFFF and locator >= 0 and data[locator : locator + 4] == _EOCD64_LOCATOR:
        (offset,) = struct.unpack_from("<Q", data, locator + 8)
        if offset + 56 <= len(data):
            (count,) = struct.unpack_from("<Q", data, offset + 32)
    return int(count)


def _check_no_overlap(infos: list[zipfile.ZipInfo], size: int, kind: str) -> None:
    """Each entry's compressed bytes must lie in a span of its own (overlapping entries are a bomb)."""
    spans = sorted(
        (info.header_offset, info.header_offset + 30 + len(info.filename.encode()) + info.compress_size) for info in infos
    )
    for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False):
        if next_start < end:
            raise IngestError(f"{kind} refused: entries of its archive overlap (a crafted zip)")
    if spans and spans[-1][1] > size:
        raise IngestError(f"{kind} cannot be read: its archive is truncated")


def _mb(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MB"
