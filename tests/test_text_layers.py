"""PDF pages whose text layer is not the page's words are read by OCR (ingest/paged.py, vntext/readability.py).

Real pages (tests/data/legal/probe/SOURCES.md): a provincial department's signed letter whose font maps its
glyphs to the wrong code points ("6Ӣ CÔNG 7+ѬѪ1*" for "SỞ CÔNG THƯƠNG"), and an English page (Lorem ipsum)
that must keep its text layer because OCR reads it no better.
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
