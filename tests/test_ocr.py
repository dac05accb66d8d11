"""OCR of scans (tesseract, Vietnamese): pages known, only image pages OCRed, cached, errors in one line.

OCR is slow (seconds a page): the pages are OCRed once per session into one OCR cache, which the
other tests reuse, as re-ingesting does.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy
import pytest
from PIL import Image

from core.errors import IngestError
from core.settings import Settings
from ingest.ocr import OcrNeeded, OcrWord, clean_ocr_text, reread_weak_column, skew_angle
from ingest.ocr_repair import repair_ocr_text
from ingest.pipeline import ingest_paths
from ingest.readers import read_file
from ingest.store import DocumentStore
from tests.conftest import TEST_DATA

FORMATS = TEST_DATA / "formats"
DEV = "dev-qd-6154-ubnd-hanoi-2011"
pytestmark = pytest.mark.slow


def require_ocr_tools() -> None:
    """Fail (never skip) when OCR cannot run: the README's set-up ('make system') installs it."""
    for tool, package in (("tesseract", "tesseract-ocr-vie"), ("pdftoppm", "poppler-utils")):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed: run 'make system' (or apt-get install {package})")


def ingest(folder: Path, data: Path, **overrides):
    settings = Settings.from_env({}, data=data, **overrides)
    with DocumentStore(settings.database_path) as store:
        report = ingest_paths([folder], store=store, settings=settings, progress=False)
        documents = {Path(d.path).name: d for d in store.documents(with_passages=True)}
    return report, documents


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """The scan PDF (2 pages), the mixed PDF (1 image page) and the page-1 PNG, OCRed once: 4 pages."""
    require_ocr_tools()
    folder = tmp_path_factory.mktemp("scans")
    for name in (f"{DEV}-scan.pdf", f"{DEV}-mixed.pdf", f"{DEV}-page1.png"):
        shutil.copy(FORMATS / name, folder / name)
    data = tmp_path_factory.mktemp("data")
    report, documents = ingest(folder, data)
    return folder, data, report, documents


def test_scanned_pdf_is_read_with_its_pages(scans):
    _, _, report, documents = scans
    assert report.count("added") == 3, [(o.path, o.reason) for o in report.failed]
    scan = documents[f"{DEV}-scan.pdf"]
    assert scan.number == "6154/QĐ-UBND"
    assert "chế độ điều dưỡng luân phiên" in scan.text
    assert scan.metadata["pages"] == 2 and scan.metadata["ocr"]["language"] == "vie"
    confidences = [p["confidence"] for p in scan.metadata["ocr"]["pages"]]
    assert len(confidences) == 2 and min(confidences) > 85
    assert scan.passages[0].pages == (1,) and scan.passages[-1].pages == (2,)
    assert all(p.pages for p in scan.passages)
    assert scan.as_dict()["passages"][-1]["pages"] == [2]


def test_mixed_pdf_ocrs_only_its_image_page(scans):
    _, _, report, documents = scans
    mixed = documents[f"{DEV}-mixed.pdf"]
    assert [p["page"] for p in mixed.metadata["ocr"]["pages"]] == [2]
    outcome = next(o for o in report.outcomes if o.path.endswith("-mixed.pdf"))
    assert outcome.ocr_pages == 1
    assert mixed.passages[0].pages == (1,) and mixed.passages[-1].pages == (2,)
    assert documents[f"{DEV}-page1.png"].metadata["format"] == "image"


def test_summary_reports_ocr_pages_and_time(scans):
    _, _, report, _ = scans
    assert "; OCR 4 pages in " in report.summary_line()
    assert report.as_dict()["ocr"]["pages"] == 4


def test_reingesting_unchanged_scans_does_no_ocr(scans, tmp_path):
    """A new data directory with the OCR cache (as after a new INGEST_VERSION): nothing OCRed again."""
    folder, data, _, _ = scans
    shutil.copytree(data / "ocr-cache", tmp_path / "data" / "ocr-cache")
    report, documents = ingest(folder, tmp_path / "data")
    assert report.count("added") == 3
    assert sum(o.ocr_pages for o in report.outcomes) == 0
    assert "(4 from the cache)" in report.summary_line()


def test_pages_under_the_confidence_floor_are_reported_not_indexed(scans, tmp_path):
    folder, data, _, _ = scans
    shutil.copytree(data / "ocr-cache", tmp_path / "data" / "ocr-cache")
    report, documents = ingest(folder, tmp_path / "data", ocr_min_confidence=93.5)
    mixed = next(o for o in report.outcomes if o.path.endswith("-mixed.pdf"))
    assert mixed.status == "added" and any("page 2 left out: OCR confidence" in n for n in mixed.notes)
    assert documents[f"{DEV}-mixed.pdf"].passages[-1].pages == (1,)
    assert "left out (low confidence)" in report.summary_line()


def test_ocr_over_its_time_limit_fails_the_file_with_a_reason(tmp_path):
    require_ocr_tools()
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FORMATS / f"{DEV}-page1.png", folder / "page.png")
    report, _ = ingest(folder, tmp_path / "data", ocr_page_timeout=0.01)
    assert report.count("failed") == 1
    assert "took longer than 0.01 s (REFORM_OCR_PAGE_TIMEOUT)" in report.failed[0].reason


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("encrypted.pdf", "PDF is encrypted \\(password-protected\\)"),
        ("blank.pdf", "PDF pages are all blank \\(2 page"),
        ("tiny.png", "image is 20×12 pixels: too small to read"),
    ],
)
def test_unreadable_scans_get_a_one_line_reason(name, reason):
    with pytest.raises(IngestError, match=reason):
        read_file(Path(name).suffix, (FORMATS / name).read_bytes())


def test_multi_page_tiff_asks_for_each_page():
    with pytest.raises(OcrNeeded) as needed:
        read_file(".tif", (FORMATS / f"{DEV}.tif").read_bytes())
    assert [r.page for r in needed.value.requests] == [1, 2]


def test_deskew_finds_the_scan_angle():
    with Image.open(io.BytesIO((FORMATS / f"{DEV}-page1.png").read_bytes())) as page:
        angle = skew_angle(numpy.asarray(page.convert("L")))
    assert 0.8 < angle < 1.3  # the fixture was rotated by -1.06°


def test_fraction_slash_becomes_a_slash():
    assert clean_ocr_text("25⁄2010/TTLT") == "25/2010/TTLT"


def test_scan_keeps_the_dates_and_numbers_of_its_legal_bases(tmp_path):
    """OCR reads 'tháng 11' as 'tháng I1' / 'tháng 1Ì' and UBTVQH15 as 'UBTVOHI5' on this scan (tesseract 5.3):
    the repaired text still dates every basis and numbers the resolution (bench/ocr_facts.py measures it)."""
    require_ocr_tools()
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(TEST_DATA / "legal" / "dev" / "scans" / "qd-28-2021-qd-ttg-page1-scan.pdf", folder / "qd-28.pdf")
    report, documents = ingest(folder, tmp_path / "data")
    assert report.count("added") == 1, [(o.path, o.reason) for o in report.failed]
    text = " ".join(documents["qd-28.pdf"].text.split())
    assert documents["qd-28.pdf"].number == "28/2021/QĐ-TTg"
    assert "Luật Việc làm ngày 16 tháng 11 năm 2013" in text
    assert "phương ngày 22 tháng 11 năm 2019" in text  # the amending law of Luật Tổ chức chính quyền địa phương
    assert "03/2021/UBTVQH15" in text


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("Căn cứ Nghị định số l38/2O20/NĐ-CP ngày 27", "Căn cứ Nghị định số 138/2020/NĐ-CP ngày 27"),  # l and O for 1 and 0
        ("Nghị định số 31/201 9/NĐ-CP ngày 10", "Nghị định số 31/2019/NĐ-CP ngày 10"),  # a space inside the year
        ("Nghị định số 105/2021NĐ-CP ngày", "Nghị định số 105/2021/NĐ-CP ngày"),  # the slash before the type code lost
        ("Quyết định số 28/2021/OĐ–TTg", "Quyết định số 28/2021/QĐ-TTg"),  # Q read as O, an en dash for the hyphen
        ("Báo cáo thẩm tra số 436/BC-UBVHXHI5 ngày", "Báo cáo thẩm tra số 436/BC-UBVHXH15 ngày"),  # I in the term
        ("Căn cứ Hiên pháp nước Cộng hòa", "Căn cứ Hiến pháp nước Cộng hòa"),  # a type name's marks
        ("Căn cứ Nghi\nđịnh số 34/2017/NĐ-CP", "Căn cứ Nghị\nđịnh số 34/2017/NĐ-CP"),
    ],
)
def test_ocr_repair_puts_back_document_numbers_and_type_names(read, meant):
    assert repair_ocr_text(read) == meant


@pytest.mark.parametrize(
    "correct",
    [
        "280 /QĐ-UBND",
        "Thông tư số 31/2015/TT- BYT",
        "Thông tư số 38/2021/\nTT-BGDĐT",
        "15-NQ/TW",
        "Nghị quyết số 66.7/2025/NQ-CP",
        "Nghị quyết số 35/2023/UBTVQH15",
        "Công văn số 123/UBND-KT",
        "HĐND-XIII",
        "tháng 12/2023, ngày 1/2/2020",
        "căn cứ luật, căn cứ vào",
        "105/2021ABC",
    ],
)
def test_ocr_repair_leaves_correct_text_alone(correct):
    assert repair_ocr_text(correct) == correct


def test_ocr_repair_changes_no_text_of_the_development_documents():
    """Every Markdown and plain-text document of the development set (typed, not OCRed) goes through unchanged."""
    texts = [p for p in (TEST_DATA / "legal" / "dev" / "docs").iterdir() if p.suffix in (".md", ".txt")]
    assert len(texts) > 10
    for path in texts:
        text = path.read_text(encoding="utf-8")
        assert repair_ocr_text(text) == text, path.name


def _row(paragraph, *segments):
    """A row of words (text, confidence, left), 40 pixels high at y=100."""
    return (paragraph, [[OcrWord(left, 100, left + 10 * len(t), 140, c, t) for t, c, left in s] for s in segments])


def test_a_speck_beside_a_line_is_not_read_again_as_a_column():
    rows = [_row((1, 1), [("Độc", 97, 100), ("lập", 93, 200)], [(":", 25, 2000)])]
    assert reread_weak_column(rows, lambda *_: pytest.fail("the blank paper was cropped and read")) == rows


def test_a_column_read_again_as_noise_is_dropped():
    rows = [_row((1, 1), [("Nơi", 97, 100), ("nhận:", 93, 200)], [("KT,", 20, 2000), ("CHU", 30, 2100)])]
    noise = [((1, 1), [[OcrWord(2000, 100, 2100, 140, 5, "Shenliiei"), OcrWord(2100, 100, 2200, 140, 12, "ái")]])]
    reread = reread_weak_column(rows, lambda *_: noise)
    assert [[w.text for w in s] for s in reread[0][1]] == [["Nơi", "nhận:"]]
