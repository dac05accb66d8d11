"""Header facts on layouts an unlabelled probe found (tests/data/legal/probe, see its SOURCES.md).

A probe of 443 real files (LuatVietNam .doc files, thuvienphapluat crawls) listed the documents whose number, type,
issuer, date, subject or first basis came out empty or wrong; each class has a test here on the real text it was
found on: header lines one layout ran together (a flattened .doc table cell, a crawled page's date line that holds
the title), an old gazette's title ("CỦA CHÍNH PHỦ SỐ … NGÀY …"), and lines that only look like the header's own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.extract import extract
from ingest.build import build_document
from ingest.legal_facts import legal_facts
from tests.test_legal import text_of

PROBE = Path(__file__).parent / "data" / "legal" / "probe"


def facts_of(name: str) -> dict:
    return legal_facts(text_of(PROBE / name))


def built(name: str):
    path = PROBE / name
    return build_document(path, path.read_bytes(), document_id=path.stem, manifest={}, max_words=300, min_words=40)


@pytest.mark.parametrize(
    ("name", "number", "issuer", "lines"),
    [
        # "THỦ TƯỚNG CHÍNH PHỦ ------- Số: 01/2014/QĐ-TTg | CỘNG HÒA … ------ Hà Nội, ngày 01 tháng 01 năm 2014"
        ("qd-01-2014-qd-ttg-doc-header-cell.doc", "01/2014/QĐ-TTg", "THỦ TƯỚNG CHÍNH PHỦ", ["THỦ TƯỚNG CHÍNH PHỦ"]),
        # "BỘ Y TẾCỤC QUẢN LÝ DƯỢC----": the line break inside the cell lost, the two lines glued
        (
            "qd-357-qd-qld-2012-doc-issuer-lines-glued.doc",
            "357/QĐ-QLD",
            "BỘ Y TẾ CỤC QUẢN LÝ DƯỢC",
            ["BỘ Y TẾ", "CỤC QUẢN LÝ DƯỢC"],
        ),  # noqa: E501
    ],
)
def test_the_issuer_of_a_doc_header_cell_read_as_one_line(name, number, issuer, lines):
    facts = facts_of(name)
    assert facts["number"]["text"] == number
    assert [(block["text"], block["lines"]) for block in facts["issuer"]] == [(issuer, lines)]


def test_the_first_basis_of_a_title_run_onto_the_date_line():
    """ "Hà Nội, ngày 31 tháng 5 năm 2023 THÔNG TƯ QUY ĐỊNH VỀ …" / "Căn cứ Luật Hải quan …": the header ends after
    the title, so the first "Căn cứ" line opens a paragraph of its own and its law is a basis."""
    document = built("tt-33-2023-tt-btc-crawl-head.txt")
    facts = document.metadata["legal"]
    assert (facts["type"], facts["subject"]["text"]) == ("Thông tư", "QUY ĐỊNH VỀ XÁC ĐỊNH XUẤT XỨ HÀNG HÓA XUẤT KHẨU, NHẬP KHẨU")
    bases = [r for r in extract(document).relations if r.relation == "based_on"]
    assert document.text[bases[0].evidence.start : bases[0].evidence.end] == "Luật Hải quan"


@pytest.mark.parametrize(
    ("name", "number", "type_name", "subject"),
    [
        # was "Công văn", as a number without a type code reads, and "Lệnh", read off the code "L"
        ("luat-51-2014-qh13-pha-san-crawl-head.txt", "51/2014/QH13", "Luật", "PHÁ SẢN"),
        ("luat-24-l-ctn-1993-dat-dai-crawl-head.txt", "24-L/CTN", "Luật", "ĐẤT ĐAI"),
        ("luat-28-2001-qh10-di-san-van-hoa-crawl-head.txt", "28/2001/QH10", "Luật", "VỀ DI SẢN VĂN HÓA"),
    ],
)
def test_the_type_heading_run_onto_the_date_line(name, number, type_name, subject):
    """A crawled page puts the title after the date, with its gazette-style "CỦA QUỐC HỘI … SỐ … NGÀY …" and the
    first sentence of the preamble: the type is the heading's, the subject the title's words without those."""
    facts = facts_of(name)
    assert (facts["number"]["text"], facts["type"], facts["subject"]["text"]) == (number, type_name, subject)
    assert [block["text"] for block in facts["issuer"]] == ["QUỐC HỘI"]


def test_a_constitution_whose_title_and_editors_notes_follow_the_date():
    """ "… năm 2013 HIẾN PHÁP [Việc thi hành … Nghị quyết 64/2013/QH13] NƯỚC CỘNG HÒA …": the first chapter's
    heading ("CHẾ ĐỘ CHÍNH TRỊ") is no issuer, and the editor's note no subject."""
    facts = facts_of("hien-phap-2013-crawl-head.txt")
    assert (facts["type"], facts["date"]["text"]) == ("Hiến pháp", "2013-11-28")
    assert [block["text"] for block in facts["issuer"]] == ["QUỐC HỘI"]
    assert facts["subject"]["text"] == "NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def test_an_old_gazette_title_gives_number_issuer_and_date():
    """ "THÔNG TƯ / CỦA NGÂN HÀNG NHÀ NƯỚC SỐ 01/2010/TT-NHNN / NGÀY 06 THÁNG 01 NĂM 2010 / BÃI BỎ QUYẾT ĐỊNH SỐ
    03/2006/QĐ-NHNN …": the number is the title's own, not that of the decision its subject repeals."""
    facts = facts_of("tt-01-2010-tt-nhnn-gazette-title.doc")
    assert (facts["number"]["text"], facts["type"], facts["date"]["text"]) == ("01/2010/TT-NHNN", "Thông tư", "2010-01-06")
    assert [block["text"] for block in facts["issuer"]] == ["NGÂN HÀNG NHÀ NƯỚC"]
    assert facts["subject"]["text"].startswith("BÃI BỎ QUYẾT ĐỊNH SỐ 03/2006/QĐ-NHNN NGÀY 18/01/2006")


def test_a_gazette_title_over_a_text_without_articles_keeps_its_type_line():
    """A guidance in numbered sections, no "Điều": once its gazette title names it, it is a formal document, so
    ingest keeps "THÔNG TƯ" (an article's first line would have been taken off as its title)."""
    document = built("tt-09-2010-tt-btc-gazette-title-doc-text-head.txt")
    assert (document.kind, document.number) == ("formal", "09/2010/TT-BTC")
    assert document.text.startswith("THÔNG TƯ\n")
    assert document.title == "Thông tư hướng dẫn về việc công bố thông tin trên thị trường chứng khoán"


def test_a_date_line_without_its_comma():
    """ "Số: 87/2025/NĐ-CP Hà Nội ngày 11 tháng 4 năm 2025" """
    facts = facts_of("nd-87-2025-nd-cp-crawl.txt")
    assert (facts["number"]["text"], facts["date"]["text"], facts["place"]) == ("87/2025/NĐ-CP", "2025-04-11", "Hà Nội")


def test_a_portal_title_line_above_the_header_is_not_its_number_line():
    """ "Nghị quyết số 23/2003/QH11" (the portal's title) / "QUỐC HỘI ******** CỘNG HÒA …" / "Số: 23/2003/QH11" """
    facts = facts_of("nq-23-2003-qh11-crawl.txt")
    assert (facts["number"]["text"], facts["type"]) == ("23/2003/QH11", "Nghị quyết")
    assert [block["text"] for block in facts["issuer"]] == ["QUỐC HỘI"]


def test_a_letter_stays_a_letter_whatever_its_body_cites():
    """Its body opens a paragraph with "Nghị quyết số 130/2009/NQ-HĐND ngày 29/7/2009 …": a sentence, not the
    letter's own title and number, which sit in its flattened header cell with the "V/v" line."""
    facts = facts_of("cv-1368-bxd-vlxd-2010-letter.doc")
    assert (facts["number"]["text"], facts["type"], facts["date"]["text"]) == ("1368/BXD-VLXD", "Công văn", "2010-07-23")
    assert [block["text"] for block in facts["issuer"]] == ["BỘ XÂY DỰNG"]
    assert facts["subject"]["text"].startswith("V/v: khảo sát, thăm dò mỏ đá xã Phú Minh")


def test_an_office_receipt_stamp_read_by_ocr_is_not_the_type_heading():
    """A scanned Thủ tướng decision stamped on receipt: OCR reads "CÔNG VĂN ĐẾN" (the registry stamp) beside the
    header, above the real "QUYẾT ĐỊNH" heading it garbled ("Kính shuyếnn ham VẤN c. QUYẾT ĐỊNH")."""
    facts = legal_facts(text_of(PROBE / "qd-56-2010-qd-ttg-ocr-receipt-stamp-head.txt"))
    assert (facts["type"], facts["number"]["text"], facts["date"]["text"]) == ("Quyết định", "56/QĐ-TTg", "2010-01-04")


def test_an_issuer_ending_in_nha_nuoc_beside_the_motto_stays_apart_from_it():
    """`pdftotext -layout` of a State Bank circular: "NGÂN HÀNG NHÀ NƯỚC      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" on
    one line. Only a title's "QUỐC HỘI NƯỚC CỘNG HÒA …" names the country; this is two columns."""
    facts = legal_facts(text_of(PROBE / "tt-10-2021-tt-nhnn-pdftotext-head.txt"))
    assert [block["text"] for block in facts["issuer"]] == ["NGÂN HÀNG NHÀ NƯỚC VIỆT NAM"]
    assert facts["number"]["text"] == "10/2021/TT-NHNN"
