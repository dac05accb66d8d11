"""Failure classes found by probing unlabelled real documents (tests/data/legal/probe, see its SOURCES.md).

The probe ingests a few hundred real Công báo PDFs that no gold set holds and lists the documents where a
fact every formal document states (number, date, signer, entry into force) came out empty; each class found
that way has a test here on the real pages it was found on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.legal_facts import legal_facts
from tests.test_legal import text_of
from vntext.dates import find_dates
from vntext.numbers import DOCUMENT_NUMBER, parse_document_number

PROBE = Path(__file__).parent / "data" / "legal" / "probe"


@pytest.mark.parametrize(
    ("name", "number", "date", "issuer"),
    [
        ("tt-41-2026-tt-btc-congbao-p1.pdf", "41/2026/TT-BTC", "2026-04-06", "BỘ TÀI CHÍNH"),
        ("tt-32-2026-tt-bkhcn-congbao-p1.pdf", "32/2026/TT-BKHCN", "2026-06-11", "BỘ KHOA HỌC VÀ CÔNG NGHỆ"),
        # the same print as another extractor wrote it: the page number on a line under the running head
        ("tt-32-2026-tt-bkhcn-repo-text.txt", "32/2026/TT-BKHCN", "2026-06-11", "BỘ KHOA HỌC VÀ CÔNG NGHỆ"),
    ],
)
def test_a_gazette_page_whose_header_block_is_drawn_after_its_body(name, number, date, issuer):
    """The text layer reads "CÔNG BÁO/Số …" (the running head), "THÔNG TƯ", the title, the Căn cứ lines and the
    first articles, and only then the issuer, number, motto and date, with empty lines between them."""
    text = text_of(PROBE / name)
    assert text.startswith("CÔNG BÁO/Số")
    facts = legal_facts(text)
    assert (facts["number"]["text"], facts["date"]["text"], facts["type"]) == (number, date, "Thông tư")
    assert [block["text"] for block in facts["issuer"]] == [issuer]


def test_the_tail_of_a_signing_placeholder_glued_to_the_signers_name():
    """A Công báo page prints "y]Phạm Thị Thanh Trà" under "PHÓ THỦ TƯỚNG": the end of a "[daky]" mark."""
    facts = legal_facts(text_of(PROBE / "nq-19-2026-nq-cp-congbao-p1-p4.pdf"))
    signer = facts["signer"]
    assert (signer["name"], signer["position"], signer["mode"]) == ("Phạm Thị Thanh Trà", "PHÓ THỦ TƯỚNG", "KT.")


def test_a_stray_point_between_the_month_and_the_year_of_an_entry_into_force():
    """ "Thông tư này có hiệu lực thi hành kể từ ngày 15 tháng 02.năm 2024." """
    facts = legal_facts(text_of(PROBE / "tt-16-2023-tt-bldtbxh-congbao-p1-p7.pdf"))
    assert (facts["date"]["text"], facts["effective"]["date"]) == ("2023-12-29", "2024-02-15")


def test_a_stray_point_or_comma_does_not_join_numbers_that_are_no_date():
    assert [d.iso for d in find_dates("ngày 03 tháng 4, năm 2020")] == ["2020-04-03"]
    assert list(find_dates("khoản 3. tháng 4 năm 2020")) == []
    assert list(find_dates("Điều 12, tháng lương thứ 13")) == []


def test_a_number_typed_with_spaces_around_its_hyphen():
    """ "Số: 2170/QĐ - UBND" in a signed provincial decision; "Kết luận số 269- KL/TU" on one of its Căn cứ lines."""
    text = text_of(PROBE / "qd-2170-qd-ubnd-2026-lao-cai-p1.txt")
    facts = legal_facts(text)
    assert (facts["number"]["text"], facts["date"]["text"], facts["type"]) == ("2170/QĐ-UBND", "2026-06-23", "Quyết định")
    assert "269-KL/TU" in {parse_document_number(m.group(0)).canonical for m in DOCUMENT_NUMBER.finditer(text)}


def test_a_month_stamped_at_signing_over_the_month_the_drafter_typed():
    """The template reads "ngày     tháng 4 năm 2026"; the e-office system stamps "15" into the blank and "5" right
    against the typed "4" (the decision cites itself as of 15/5/2026): the stamped month is the date's."""
    facts = legal_facts(text_of(PROBE / "qd-1696-qd-ubnd-2026-lao-cai-p1.pdf"))
    assert (facts["number"]["text"], facts["date"]["text"]) == ("1696/QĐ-UBND", "2026-05-15")


def test_a_law_in_force_from_a_budget_year():
    """ "Luật này có hiệu lực thi hành từ năm ngân sách 2017": the budget year is the calendar year."""
    facts = legal_facts(text_of(PROBE / "luat-83-2015-qh13-ngan-sach-nha-nuoc.txt"))
    assert (facts["number"]["text"], facts["effective"]["date"]) == ("83/2015/QH13", "2017-01-01")


def test_a_signers_name_over_da_ky_with_no_position_printed():
    """A text collection keeps of the signature block only "Nguyễn Văn An" / "(Đã ký)" under the adoption line."""
    facts = legal_facts(text_of(PROBE / "luat-06-2003-qh11-bien-gioi-quoc-gia.txt"))
    assert (facts["signer"]["name"], facts["signer"]["position"]) == ("Nguyễn Văn An", None)


def test_a_law_is_dated_by_its_adoption_when_its_header_says_otherwise():
    """ "Luật số: 73/2006/QH 11" / "Hà Nội, ngày 29 tháng 6 năm 2006" over a law "thông qua ngày 29 tháng 11 năm
    2006": the number's term joined to its code, the date the assembly's vote."""
    facts = legal_facts(text_of(PROBE / "luat-73-2006-qh11-binh-dang-gioi.txt"))
    assert (facts["number"]["text"], facts["date"]["text"], facts["date_source"]) == ("73/2006/QH11", "2006-11-29", "adoption")


def test_a_font_that_prints_vietnamese_letters_as_cyrillic_code_points():
    """A Hà Nội decision's text layer reads "Căn cӭ", "hiӋu lӵc", "Trҫn Sӻ Thanh": its font maps ạ…ự and ỷ ỹ to
    Cyrillic code points a fixed distance below them."""
    text = text_of(PROBE / "qd-2024-ubnd-ha-noi-cyrillic-font-p1.pdf")
    assert not any("\u0400" <= ch <= "\u04ff" for ch in text)
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015" in text
    facts = legal_facts(text)
    signer = facts["signer"]
    assert (signer["name"], signer["position"], signer["mode"]) == ("Trần Sỹ Thanh", "CHỦ TỊCH", "TM.")
    assert (facts["number"]["text"], facts["date"]["text"]) == ("35/2024/QĐ-UBND", "2024-05-28")


def test_an_entry_into_force_after_the_adoption_in_the_same_sentence():
    """A Supreme Court judges' council resolution: "Nghị quyết này đã được Hội đồng Thẩm phán Tòa án nhân dân tối cao
    thông qua ngày 11 tháng 01 năm 2019 và có hiệu lực thi hành kể từ ngày 15 tháng 3 năm 2019." """
    facts = legal_facts(text_of(PROBE / "nq-01-2019-nq-hdtp-crawl.txt"))
    assert (facts["number"]["text"], facts["date"]["text"]) == ("01/2019/NQ-HĐTP", "2019-01-11")
    assert facts["effective"]["date"] == "2019-03-15"


def test_an_rtf_whose_vietnamese_bytes_are_in_its_fonts_character_set():
    """A 2010 circular saved by Word as RTF: "\\ansicpg1252" for the document, Vietnamese written as bytes of the
    Vietnamese code page in fonts declared "\\fcharset163". Read as cp1252 it came out "THÔNG TÝ", "NÃM", "Cãn cứ"."""
    text = text_of(PROBE / "tt-02-2010-tt-bkh-rtf-vietnamese-charset-head.rtf")
    assert text.startswith("THÔNG TƯ\n\nCỦA BỘ KẾ HOẠCH VÀ ĐẦU TƯ SỐ 02/2010/TT-BKH\n\nNGÀY 19 THÁNG 01 NĂM 2010")
    assert "Căn cứ Luật Đấu thầu số 61/2005/QH11 ngày 29 tháng 11 năm 2005;" in text
    assert not any(garbled in text for garbled in ("TÝ", "NÃM", "Cãn"))
    assert legal_facts(text)["type"] == "Thông tư"


def test_capitals_of_a_converted_tcvn3_document_read_as_capitals():
    """A 1945 decree converted from TCVN3, whose headings were typed in an upper-case font: "SắC LệNH", "CủA CHủ
    TịCH", "CộNG HOà" in the file."""
    text = text_of(PROBE / "sl-04-1945-tcvn3-capitals.doc")
    assert text.startswith("SẮC LỆNH\n\nCỦA CHỦ TỊCH CHÍNH PHỦ LÂM THỜI Số 4 NGÀY 4 THÁNG 9 NĂM 1945")
    assert "VIỆT NAM DÂN CHỦ CỘNG HÒA" in text and "Chiểu theo lời đề nghị của Nội vụ Bộ trưởng;" in text
