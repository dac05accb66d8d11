"""Digits of cited numbers and dates read again from the page image: on a real page of a development document.

The page is page 1 of Thông tư 03/2021/TT-BNV (its "Căn cứ" lines cite laws by date and decrees by
number and date), rendered and read by tesseract once per module; a test then puts a misread in
one word, as tesseract makes them on scans, and asks the re-reading what the image says.
"""

from __future__ import annotations

import ctypes
import importlib.util
import io
import random
import subprocess
from dataclasses import replace

import pytest
from PIL import Image

from ingest.ocr import PageRequest, _rows_text, ocr_request, read_words, split_columns, tsv_lines
from ingest.ocr_digits import reread_citation_digits, slot_value
from ingest.ocr_repair import repair_ocr_text
from tests.conftest import TEST_DATA
from tests.test_ocr import require_ocr_tools

PAGE = TEST_DATA / "legal" / "dev" / "docs" / "tt-03-2021-tt-bnv.pdf"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """(image at 300 dpi, tesseract's rows, scratch folder) of the clean page 1."""
    require_ocr_tools()
    scratch = tmp_path_factory.mktemp("page")
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-f", "1", "-l", "1", "-singlefile", str(PAGE), str(scratch / "p")], check=True
    )
    image = Image.open(scratch / "p.pgm")
    image.load()
    subprocess.run(
        ["tesseract", str(scratch / "p.pgm"), str(scratch / "p"), "-l", "vie", "--psm", "1", "tsv"],
        check=True,
        capture_output=True,
    )
    rows = [(p, split_columns(words)) for p, words in tsv_lines((scratch / "p.tsv").read_text(encoding="utf-8"))]
    return image, rows, scratch


def misread(rows, written: str, instead: str, confidence: float, *, line: str = ""):
    """`rows` with the word `written` (on the line holding `line`) read as `instead` at `confidence`."""
    out = []
    for paragraph, segments in rows:
        here = line in " ".join(w.text for s in segments for w in s)
        out.append(
            (
                paragraph,
                [
                    [replace(w, text=instead, confidence=confidence) if here and w.text == written else w for w in s]
                    for s in segments
                ],
            )
        )
    assert out != rows, f"{written!r} is not on the page"
    return out


def text_after(page, rows) -> str:
    image, _, scratch = page
    reread = reread_citation_digits(
        rows, image, lambda crops, language: read_words(crops, language, scratch, dpi=300, timeout=60)
    )
    return " ".join(_rows_text(reread).split())


def test_a_year_misread_with_low_confidence_is_read_again_from_the_image(page):
    """Tesseract 5.3 reads this page's italic "năm 2008" as "năm 2006", on the scan with confidence 73."""
    rows = misread(page[1], "2006;", "2006;", 73, line="công chức ngày 13")
    assert "công chức ngày 13 tháng 11 năm 2008;" in text_after(page, rows)


def test_a_month_read_as_letters_is_written_in_digits_when_the_image_says_so(page):
    rows = misread(page[1], "TÌ", "I1]", 59, line="Viên chức ngày 15")  # as on the 150 dpi scan
    rows = misread(rows, "tháng", "thẳng", 83, line="Viên chức ngày 15")
    text = text_after(page, rows)
    assert "I1]" not in text and "thẳng" not in text
    assert "Luật Viên chức ngày 15 tháng 11 năm 2010;" in text


def test_a_number_whose_year_disagrees_with_its_date_is_read_again_even_when_sure(page):
    rows = misread(page[1], "34/2017/NĐ-CP", "34/2011/NĐ-CP", 96)
    assert "Nghị định số 34/2017/NĐ-CP ngày 03 tháng 4 năm 2017" in text_after(page, rows)


def test_a_numeral_split_in_two_words_is_read_again_as_one(page):
    """ "số 1 082/QĐ-UBND" for "số 1082/QĐ-UBND" (a 150 dpi scan of qd-2858-2025-ubnd-ha-noi): a space in the numeral."""
    rows = []
    for paragraph, segments in page[1]:
        split = []
        for segment in segments:
            words = []
            for w in segment:
                if w.text == "34/2017/NĐ-CP":
                    cut = w.left + (w.right - w.left) // 13
                    words += [replace(w, right=cut - 3, text="3", confidence=70), replace(w, left=cut, text="4/2017/NĐ-CP")]
                else:
                    words.append(w)
            split.append(words)
        rows.append((paragraph, split))
    assert "số 3 4/2017/NĐ-CP" in " ".join(_rows_text(rows).split())
    assert "Căn cứ Nghị định số 34/2017/NĐ-CP ngày 03 tháng 4 năm 2017" in text_after(page, rows)


def test_a_low_confidence_word_the_image_confirms_is_left_as_read(page):
    rows = misread(page[1], "204/2004/NĐ-CP", "204/2004/NĐ-CP", 60)
    decree = "Căn cứ Nghị định số 204/2004/NĐ-CP ngày 14 tháng 12 năm 2004 của"
    assert decree in " ".join(_rows_text(page[1]).split()) and decree in text_after(page, rows)


def test_words_read_with_confidence_and_agreeing_are_not_read_again(page):
    decrees = [(p, segments) for p, segments in page[1] if "Nghị định số" in " ".join(w.text for s in segments for w in s)]
    sure = [(p, [[replace(w, confidence=max(w.confidence, 95)) for w in s] for s in segments]) for p, segments in decrees]
    assert len(sure) == 4
    assert reread_citation_digits(sure, page[0], lambda *_: pytest.fail("a sure page was read again")) == sure


def test_re_readings_that_disagree_change_nothing():
    rows = [((1, 1), [[_box("ngày", 96), _box("12", 50), _box("tháng", 96)]])]
    readings = iter([["13", "12"], ["17", "18"]])  # vie, eng: no value has a majority of the five
    assert reread_citation_digits(rows, Image.new("L", (400, 100), 255), lambda crops, _: next(readings)) == rows


def _box(text, confidence):
    from ingest.ocr_digits import OcrWord

    left = {"ngày": 10, "tháng": 200}.get(text, 100)
    return OcrWord(left, 20, left + 60, 60, confidence, text)


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("year", "2O21;", "2021"),
        ("day", "3]", "3"),
        ("month", "13", None),
        ("number", "(15/2008/NĐ-CP)", "15/2008"),
        ("number", "15-NQ/TW", None),
    ],
)
def test_slot_values(kind, text, value):
    assert slot_value(kind, text) == value


def test_scan_reads_the_dates_of_its_legal_bases_digit_for_digit(tmp_path):
    """Page 1 scanned as bench/ocr_facts.py scans it (seed 1): first read "ngày I3 tháng 1] năm 2006" and
    "ngày 15 thẳng I1] năm 2010" (tesseract 5.3); the re-reading gives the dates the page prints."""
    require_ocr_tools()
    spec = importlib.util.spec_from_file_location("build_fixtures", TEST_DATA / "formats" / "build_fixtures.py")
    assert spec and spec.loader
    fixtures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixtures)
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-f", "1", "-l", "1", str(PAGE), str(tmp_path / "p")], check=True)
    ctypes.CDLL(None).srand(1)
    scan = fixtures.scan_noise(Image.open(next(tmp_path.glob("p-*.png"))), random.Random(1))
    path = tmp_path / "scan.pdf"
    Image.open(io.BytesIO(fixtures.jpeg_bytes(scan))).save(path, "PDF", resolution=150.0, quality=72)  # as the bench
    request = PageRequest("pdf", 1, scan.width * 72 / 150, scan.height * 72 / 150)
    text = " ".join(repair_ocr_text(ocr_request(str(path), request, timeout=120).text).split())
    assert "Luật Cán bộ, công chức ngày 13 tháng 11 năm 2008" in text
    assert "Luật Viên chức ngày 15 tháng 11 năm 2010" in text
    assert "Nghị định số 34/2017/NĐ-CP ngày 03 tháng 4 năm 2017" in text


def test_a_model_that_is_not_installed_reads_nothing(tmp_path):
    assert read_words([Image.new("L", (40, 20), 255)] * 2, "no-such-model", tmp_path, dpi=300, timeout=10) == ["", ""]
