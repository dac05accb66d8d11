"""PDF pages whose text layer is not the page's words are read by OCR (ingest/paged.py, vntext/readability.py).

Real pages (tests/data/legal/probe/SOURCES.md): a provincial department's signed letter whose font maps its
glyphs to the wrong code points ("6Ӣ CÔNG 7+ѬѪ1*" for "SỞ CÔNG THƯƠNG"), an English page (Lorem ipsum)
that must keep its text layer because OCR reads it no better, and a scanned decree whose only text layer is a
site's watermark ("www.LuatVietnam.vn").
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.ocr import OcrNeeded, OcrPage
from ingest.paged import OcrInput, read_pdf
from tests.test_legal import DEV
from tests.test_ocr import ingest, require_ocr_tools
from vntext.readability import unreadable, vietnamese_share

PROBE = Path(__file__).parent / "data" / "legal" / "probe"
GARBLED = PROBE / "cv-3036-sct-cn-2026-lao-cai-garbled-font-p1.pdf"
ENGLISH = PROBE / "lorem-ipsum-english-p1.pdf"
WATERMARKED = PROBE / "nd-01-2010-nd-cp-watermark-scan-p1.pdf"


def _requested(path: Path) -> list[int]:
    try:
        read_pdf(path.read_bytes())
    except OcrNeeded as needed:
        return [request.page for request in needed.requests]
    return []


def test_a_page_whose_font_maps_to_the_wrong_code_points_is_sent_to_ocr():
    assert _requested(GARBLED) == [1]


@pytest.mark.parametrize("name", ["tt-03-2021-tt-bnv.pdf", "nd-158-2025-nd-cp-congbao.pdf", "qd-2858-2025-ubnd-ha-noi.pdf"])
def test_vietnamese_text_layers_are_not_sent_to_ocr(name):
    """Công báo prints with split syllables and tables (the lowest shares the probe measured, 0.78) included."""
    assert _requested(DEV / "docs" / name) == []


def test_the_ocr_replaces_a_text_layer_only_where_it_reads_as_more_vietnamese():
    page = OcrPage(page=1, text="SỞ CÔNG THƯƠNG\nĐộc lập - Tự do - Hạnh phúc", confidence=85, low_share=0.1, words=9, seconds=1)
    text = read_pdf(GARBLED.read_bytes(), OcrInput({1: page})).text
    assert text.startswith("SỞ CÔNG THƯƠNG")
    english = OcrPage(page=1, text="Lorem lpsum is simply dummy text", confidence=80, low_share=0.2, words=6, seconds=1)
    kept = read_pdf(ENGLISH.read_bytes(), OcrInput({1: english}))
    assert kept.text.startswith("Lorem Ipsum is simply dummy text")
    assert any("OCR read no better, the text layer is kept" in note for note in kept.notes)


def test_a_garbled_ocr_layer_under_the_confidence_floor_keeps_the_text_layer():
    """Nothing is lost: an unreadable OCR does not blank a page that had text."""
    page = OcrPage(page=1, text="SỞ CÔNG THƯƠNG", confidence=20, low_share=0.9, words=3, seconds=1)
    assert "6Ӣ CÔNG 7+ѬѪ1*" in read_pdf(GARBLED.read_bytes(), OcrInput({1: page})).text


def test_readability_of_real_layers():
    assert unreadable("Cdn c* Ludt X} l! vi phqm hdnh chinh 2012 (duoc sua diji, bd sung ndm 2020,202s); " * 4)
    assert not unreadable("Căn cứ Luật Xử lý vi phạm hành chính 2012 (được sửa đổi, bổ sung năm 2020, 2025); " * 4)
    assert not unreadable("Căn cứ Luật xử lý")  # too short to judge
    assert vietnamese_share("Nghị định số 30/2020/NĐ-CP về công tác văn thư")[0] == 1.0


@pytest.mark.slow
def test_a_garbled_letter_ingested_reads_its_number_and_date_by_ocr(tmp_path):
    require_ocr_tools()
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(GARBLED, folder / GARBLED.name)
    report, documents = ingest(folder, tmp_path / "data")
    assert report.count("added") == 1, [(o.path, o.reason) for o in report.failed]
    document = documents[GARBLED.name]
    legal = document.metadata["legal"]
    assert legal["number"]["text"] == "3036/SCT-CN"
    assert legal["type"] == "Công văn"
    assert document.metadata["ocr"]["pages"][0]["page"] == 1
    assert "Sở Công Thương nhận được Giấy mời" in document.text


def test_a_scanned_page_whose_only_text_is_a_watermark_is_sent_to_ocr():
    assert _requested(WATERMARKED) == [1]


def test_the_ocr_replaces_a_watermark_only_where_it_reads_many_more_words():
    """A page of real text over a background image reads about as many words by OCR as in its layer: kept."""
    page_text = "NGHỊ ĐỊNH về chào bán cổ phần riêng lẻ. " + "Căn cứ Luật Tổ chức Chính phủ ngày 25 tháng 12 năm 2001; " * 3
    page = OcrPage(page=1, text=page_text, confidence=80, low_share=0.1, words=40, seconds=1)
    read = read_pdf(WATERMARKED.read_bytes(), OcrInput({1: page}))
    assert read.text.startswith("NGHỊ ĐỊNH") and "LuatVietnam" not in read.text
    assert any("a few words over a scanned page" in note and "read by OCR instead" in note for note in read.notes)
    few = OcrPage(page=1, text="Luật Việt Nam", confidence=80, low_share=0.1, words=3, seconds=1)
    assert "www.LuatVietnam.vn" in read_pdf(WATERMARKED.read_bytes(), OcrInput({1: few})).text


@pytest.mark.slow
def test_a_watermarked_scan_ingested_reads_its_header_by_ocr(tmp_path):
    require_ocr_tools()
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(WATERMARKED, folder / WATERMARKED.name)
    report, documents = ingest(folder, tmp_path / "data")
    assert report.count("added") == 1, [(o.path, o.reason) for o in report.failed]
    legal = documents[WATERMARKED.name].metadata["legal"]
    assert (legal["number"]["text"], legal["type"], legal["date"]["text"]) == ("01/2010/NĐ-CP", "Nghị định", "2010-01-04")
