"""Office formats read alike (.docx .doc .odt .rtf), bombs are refused fast, odd HTML stays linear."""

from __future__ import annotations

import contextlib
import io
import re
import resource
import shutil
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from core.errors import IngestError
from ingest.build import build_document
from ingest.limits import MAX_PART_BYTES
from ingest.readers import read_doc, read_docx, read_file, read_html, read_odt, read_rtf
from tests.conftest import TEST_DATA
from tests.hostile import generate
from vntext.normalize import normalize_text

FORMATS = TEST_DATA / "formats"
DEV = FORMATS / "dev-qd-6154-ubnd-hanoi-2011"


def require(tool: str, package: str) -> None:
    """Fail (never skip) when a system tool is missing: the README's set-up installs it."""
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is not installed: run 'make system' (or apt-get install {package})")


def read(path: Path) -> str:
    return normalize_text(read_file(path.suffix, path.read_bytes()).text)


def test_docx_odt_rtf_and_doc_give_the_same_text():
    require("antiword", "antiword")
    docx = read(DEV.with_suffix(".docx"))
    for suffix in (".odt", ".rtf", ".doc"):
        assert read(DEV.with_suffix(suffix)) == docx, suffix


def test_office_text_keeps_every_word_of_the_plain_text():
    """Same words in the same order as the .txt; tables are one "a | b" line per row."""
    require("antiword", "antiword")
    plain = DEV.with_suffix(".txt").read_text(encoding="utf-8").split()
    doc = read(DEV.with_suffix(".doc"))
    assert doc.replace(" | ", " ").split() == plain
    assert "Số: 6154/QĐ-UBND | Hà Nội, ngày 30 tháng 12 năm 2011" in doc.splitlines()


def test_formal_header_facts_agree_across_formats(tmp_path):
    """Number and date of the decision from every format are those of the plain text."""
    require("antiword", "antiword")
    facts = {}
    for suffix in (".txt", ".docx", ".doc", ".odt", ".rtf"):
        path = DEV.with_suffix(suffix)
        document = build_document(path, path.read_bytes(), document_id="d", manifest={}, max_words=200, min_words=40)
        facts[suffix] = (document.number, document.date)
    assert set(facts.values()) == {facts[".txt"]}, facts
    assert facts[".txt"][0] == "6154/QĐ-UBND"


def test_doc_that_is_really_rtf_or_docx_is_read_as_what_it_is():
    require("antiword", "antiword")
    assert "Quyết định" in read_doc(DEV.with_suffix(".rtf").read_bytes()).text
    assert "Quyết định" in read_doc(DEV.with_suffix(".docx").read_bytes()).text
    with pytest.raises(IngestError, match="DOC cannot be read"):
        read_doc(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def test_rtf_unicode_escapes_tables_and_skipped_destinations():
    rtf = (
        rb"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Times;}}{\info{\title T\'ea}}{\*\generator x;}"
        rb"Quy\u7871\'3ft \u273\'3f\u7883\'3fnh s\u7889\'3f 1\par"
        rb"\trowd\intbl A\cell B\par C\cell\row Cu\'e0\par}"
    )
    assert read_rtf(rtf).text.split("\n") == ["Quyết định số 1", "", "A | B C", "", "Cuà", ""]


def _elapsed_and_peak(fn):
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(IngestError) as caught:
        fn()
    return time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, str(caught.value)


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("1 GB of zeros", lambda: deflate_bomb_docx(bytes(1 << 20), 1024), "would inflate"),
        ("500 MB of paragraphs", lambda: deflate_bomb_docx(_paragraphs_mb(), 500), "would inflate"),
        ("overlapping entries", lambda: generate.overlapping_zip(kernel_mb=20, entries=50), "would inflate|overlap|twice"),
    ],
)
def test_docx_bombs_are_refused_fast_without_memory(name, make, reason):
    data = make()
    seconds, grown_kb, message = _elapsed_and_peak(lambda: read_docx(data))
    assert seconds < 2 and grown_kb < 100_000, (name, seconds, grown_kb)
    assert re.search(reason, message), message


def deflate_bomb_docx(chunk: bytes, count: int) -> bytes:
    """A .docx whose document.xml really inflates to `count` × `chunk` (1 MB), built in milliseconds.

    After a full flush the compressor starts afresh, so every chunk compresses to the same bytes:
    one compressed chunk repeated is a valid deflate stream of the whole.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = piece * count + compressor.flush()
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", generate.CONTENT_TYPES)
        archive.writestr("_rels/.rels", generate.ROOT_RELS)
    normal = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    members = buffer.getvalue()[: normal.start_dir]  # the local entries, without the central directory
    name, size = b"word/document.xml", len(chunk) * count
    offset = len(members)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(stream), size, len(name), 0) + name
    central = b""
    for info in normal.infolist():
        central += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                info.CRC,
                info.compress_size,
                info.file_size,
                len(info.filename),
                0,
                0,
                0,
                0,
                0,
                info.header_offset,
            )
            + info.filename.encode()
        )
    central += (
        struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(stream), size, len(name), 0, 0, 0, 0, 0, offset
        )
        + name
    )
    body = members + local + stream
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 3, 3, len(central), len(body), 0)
    return body + central + end


def _paragraphs_mb() -> bytes:
    paragraph = "<w:p><w:r><w:t>cải cách hành chính</w:t></w:r></w:p>".encode()
    return (paragraph * ((1 << 20) // len(paragraph) + 1))[: 1 << 20]


def test_docx_grid_span_of_two_billion_is_harmless():
    body = generate.docx_table([["Chỉ tiêu", "Kết quả"], ["PAR INDEX 2022", "89,58%"]], span=2_000_000_000)
    started = time.perf_counter()
    raw = read_docx(generate.make_docx(body))
    assert time.perf_counter() - started < 1
    assert "PAR INDEX 2022 | 89,58%" in raw.text


def test_xml_entities_are_never_expanded():
    started = time.perf_counter()
    with pytest.raises(IngestError, match="entity amplification|not well-formed"):
        read_docx(generate.billion_laughs_docx())
    assert time.perf_counter() - started < 1


def test_nested_zip_inside_a_docx_is_never_opened():
    raw = read_docx(generate.nested_zip_docx())
    assert "cải cách hành chính" in raw.text


def test_zip_with_too_many_entries_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(10_001):
            archive.writestr(f"x{n}", b"")
    with pytest.raises(IngestError, match="10,001 entries"):
        read_docx(buffer.getvalue())
    assert MAX_PART_BYTES < 1 << 30


def test_odt_from_a_docx_archive_is_refused_clearly():
    with pytest.raises(IngestError, match="ODT cannot be read: it has no content.xml"):
        read_odt(DEV.with_suffix(".docx").read_bytes())


@pytest.mark.parametrize(
    ("html", "limit"),
    [
        ("<html><body>" + "<p>cải cách hành chính</p>" * 100_000 + "</body></html>", 15.0),
        ("<html><body><p>Cải cách hành chính.</p>" + "<b>" * 8_000 + "x" + "</b>" * 8_000 + "</body></html>", 2.0),
        ("<html><body>" + "<div class='a'>" * 5_000 + "<p>Cải cách</p>" * 1_000 + "</div>" * 5_000 + "</body></html>", 5.0),
    ],
    ids=["100k-paragraphs", "8000-nested-b", "5000-nested-div"],
)
def test_huge_and_deep_html_take_seconds_not_minutes(html, limit):
    started = time.perf_counter()
    with contextlib.suppress(IngestError):  # content nested past libxml2's 256 levels is dropped; an empty page is refused
        read_html(html.encode())
    assert time.perf_counter() - started < limit
