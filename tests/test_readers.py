"""Readers for HTML, PDF and DOCX produce clean text; unreadable files get a clear reason."""

import io

import docx
import pytest
from pypdf import PdfWriter

from core.errors import IngestError, UnsupportedFormatError
from ingest.build import build_document
from ingest.readers import read_docx, read_html, read_pdf, reader_for
from tests.conftest import TEST_DATA

ARTICLE_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>Cổng thông tin</title>
<meta property="og:site_name" content="Cổng giao tiếp điện tử Hà Nội">
<meta property="article:published_time" content="2023-04-07T08:00:00+07:00">
<script>var tracker = "Viết bình luận";</script><style>.x{}</style></head>
<body><nav><a href="/">Trang chủ</a> <a href="/tin">Tin tức</a></nav>
<div class="share-buttons">Chia sẻ Facebook Zalo</div>
<article><h1>Hà Nội đẩy mạnh cải cách hành chính</h1>
<p>Ngày 11/01/2023, UBND Thành phố ban hành Quyết định số 280/QĐ-UBND về Kế hoạch cải cách hành chính năm 2023.</p>
<ul><li>Cải cách thủ tục hành chính;</li><li>Xây dựng chính quyền số.</li></ul>
<table><tr><td>Chỉ số</td><td>Kết quả</td></tr><tr><td>PAR INDEX 2022</td><td>89,58%</td></tr></table>
<div class="comments">Viết bình luận của bạn</div></article>
<footer>Bản quyền thuộc về Cổng thông tin</footer></body></html>"""


def test_html_keeps_main_text_and_drops_navigation_scripts_and_widgets():
    raw = read_html(ARTICLE_HTML.encode("utf-8"))
    assert "Quyết định số 280/QĐ-UBND" in raw.text
    assert "- Cải cách thủ tục hành chính;" in raw.text
    assert "PAR INDEX 2022 | 89,58%" in raw.text
    for gone in ("Trang chủ", "Chia sẻ", "tracker", "Viết bình luận", "Bản quyền"):
        assert gone not in raw.text
    assert raw.hints["title"] == "Hà Nội đẩy mạnh cải cách hành chính"
    assert raw.hints["source"] == "Cổng giao tiếp điện tử Hà Nội"


def test_html_document_metadata_from_page(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(ARTICLE_HTML, encoding="utf-8")
    document = build_document(path, path.read_bytes(), document_id="page", manifest={}, max_words=200, min_words=40)
    assert (document.title, document.date) == ("Hà Nội đẩy mạnh cải cách hành chính", "2023-04-07")


def make_text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a real text layer (Helvetica, so ASCII text only)."""
    content = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({line}) Tj 0 -18 Td" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_file(objects)


def pdf_file(objects: list[str]) -> bytes:
    """A minimal PDF of these numbered objects (1 is the catalog), with its cross-reference table."""
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_text_layer_is_read():
    raw = read_pdf(make_text_pdf(["Quyet dinh so 280/QD-UBND", "ve Ke hoach cai cach hanh chinh nam 2023"]))
    assert "280/QD-UBND" in raw.text and "cai cach hanh chinh" in raw.text


def test_pdf_whose_pages_are_all_blank_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(IngestError, match="pages are all blank"):
        read_pdf(buffer.getvalue())


def test_corrupt_pdf_is_refused():
    with pytest.raises(IngestError, match="PDF"):
        read_pdf(b"%PDF-1.7\n1 0 obj << /Type /Catalog garbage")


def test_docx_paragraphs_and_table_rows():
    document = docx.Document()
    document.add_heading("Kế hoạch cải cách hành chính năm 2024", level=1)
    document.add_paragraph("Căn cứ Quyết định số 280/QĐ-UBND của Ủy ban nhân dân Thành phố.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Chỉ số", "Kết quả"
    table.cell(1, 0).text, table.cell(1, 1).text = "SIPAS 2022", "80,16%"
    buffer = io.BytesIO()
    document.save(buffer)
    raw = read_docx(buffer.getvalue())
    assert "Kế hoạch cải cách hành chính năm 2024" in raw.text
    assert "Căn cứ Quyết định số 280/QĐ-UBND" in raw.text
    assert "SIPAS 2022 | 80,16%" in raw.text


def test_corrupt_docx_is_refused():
    with pytest.raises(IngestError, match="DOCX"):
        read_docx(b"PK\x03\x04 not really a zip")


def test_unknown_extension_names_the_supported_formats():
    with pytest.raises(UnsupportedFormatError, match=r"unsupported format \.xlsx.*\.docx"):
        reader_for(".xlsx")


def make_stamped_pdf() -> bytes:
    """A page printed with blanks ("So:" then "/QD-UBND", "ngay" then "thang"), filled the e-office way:
    the number drawn by a signature widget's appearance stream, the day held as a text field's value,
    and a signer's stamp with no blank to go into."""
    content = (
        "BT /F1 12 Tf 72 720 Td (So:) Tj ET BT /F1 12 Tf 150 720 Td (/QD-UBND) Tj ET "
        "BT /F1 12 Tf 300 720 Td (Ha Noi, ngay) Tj ET BT /F1 12 Tf 420 720 Td (thang 6 nam 2025) Tj ET "
        "BT /F1 12 Tf 72 400 Td (Noi nhan:) Tj ET"
    )
    number = "BT /F1 12 Tf 2 5 Td (2858) Tj ET"
    stamp = "BT /F1 8 Tf 2 5 Td (Ky boi: Van phong 09.06.2025) Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R 8 0 R 9 0 R] >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Type /Annot /Subtype /Widget /FT /Sig /Rect [100 715 148 735] /AP << /N 7 0 R >> >>",
        f"<< /Type /XObject /Subtype /Form /BBox [0 0 48 20] /Resources << /Font << /F1 5 0 R >> >>"
        f" /Length {len(number)} >>\nstream\n{number}\nendstream",
        "<< /Type /Annot /Subtype /Widget /FT /Tx /T (day) /V (10) /Rect [395 714 418 730] >>",
        "<< /Type /Annot /Subtype /Widget /FT /Sig /Rect [300 300 500 340] /AP << /N 10 0 R >> >>",
        f"<< /Type /XObject /Subtype /Form /BBox [0 0 200 40] /Resources << /Font << /F1 5 0 R >> >>"
        f" /Length {len(stamp)} >>\nstream\n{stamp}\nendstream",
    ]
    return pdf_file(objects)


def test_pdf_values_stamped_by_annotations_go_into_their_blanks():
    text = read_pdf(make_stamped_pdf()).text
    assert "So: 2858/QD-UBND" in text
    assert "ngay 10 thang 6 nam 2025" in text
    assert "Ky boi" not in text  # a signature stamp sits on no blank: not read into the text


def test_signed_e_office_decision_reads_as_printed():
    """Hà Nội's e-office system draws the number, day and month into the blanks of the signed PDF."""
    path = TEST_DATA / "legal" / "dev" / "docs" / "qd-04-2025-qd-ubnd-ha-noi-bai-bo-qd-21-2012.pdf"
    text = read_pdf(path.read_bytes()).text
    assert "Số: 04/2025/QĐ-UBND" in text
    assert "Hà Nội, ngày 20 tháng 01 năm 2025" in text
    assert "có hiệu lực thi hành từ ngày 30 tháng 01 năm 2025" in text


def test_stamps_go_into_blanks_of_runs_reported_at_one_origin():
    """A ministry's e-office PDF writes a header row as one text object of several runs (a font change at
    "Số:", at "Nội,"): pypdf reports each run at the row's start, so runs are placed one after the other."""
    path = TEST_DATA / "legal" / "dev" / "docs" / "tt-37-2023-tt-bgtvt-signed.pdf"
    text = read_pdf(path.read_bytes()).text
    assert "Số: 37/2023/TT-BGTVT" in text
    assert "Hà Nội, ngày 13 tháng 12 năm 2023" in text
