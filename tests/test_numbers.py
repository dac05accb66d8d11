"""Document-number recognition: every common layout, spacing and diacritic variants."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vntext.numbers import find_document_numbers, parse_blank_number, parse_document_number


@pytest.mark.parametrize(
    ("raw", "number", "year", "type_name", "issuer"),
    [
        ("280/QĐ-UBND", "280", None, "Quyết định", "UBND"),
        ("350/KH-UBND", "350", None, "Kế hoạch", "UBND"),
        ("175/BC-UBND", "175", None, "Báo cáo", "UBND"),
        ("231/QĐ-BTC", "231", None, "Quyết định", "BTC"),
        ("32/2021/NĐ-CP", "32", 2021, "Nghị định", "CP"),
        ("01/2023/TT-VPCP", "01", 2023, "Thông tư", "VPCP"),
        ("35/2023/UBTVQH15", "35", 2023, None, "UBTVQH15"),
        ("15-NQ/TW", "15", None, "Nghị quyết", "TW"),
        ("01-CTr/TU", "01", None, "Chương trình", "TU"),
        ("86-CTr/BCSD", "86", None, "Chương trình", "BCSD"),
    ],
)
def test_parse_document_number(raw, number, year, type_name, issuer):
    parsed = parse_document_number(raw)
    assert (parsed.number, parsed.year, parsed.type_name, parsed.issuer_code) == (number, year, type_name, issuer)


def test_spelling_variants_share_one_key():
    keys = {parse_document_number(v).key for v in ("280/QĐ-UBND", "280/QD-UBND", "280 /QĐ-UBND", "280 / QĐ-UBND")}
    assert keys == {"280/QD-UBND"}
    assert parse_document_number("280/QD-UBND").canonical == "280/QĐ-UBND"


def test_ratios_dates_and_months_are_not_document_numbers():
    text = "xếp thứ 3/63 tỉnh, ngày 30/12/2022, tháng 4/2023, đạt 43,90/80 điểm"
    assert find_document_numbers(text) == []


def test_numbers_found_in_running_text_with_spans():
    text = "Nghị định số 32/2021/NĐ-CP ngày 29/3/2021 và Chương trình 01-CTr/TU."
    found = find_document_numbers(text)
    assert [text[s:e] for s, e, _ in found] == ["32/2021/NĐ-CP", "01-CTr/TU"]


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("12   /2025/TT-BNV", "12/2025/TT-BNV"),  # spaces inside the number
        ("34/2017/N Đ-CP", "34/2017/NĐ-CP"),  # a letter split off by PDF extraction
        ("39/2010/NĐ-\nCP", "39/2010/NĐ-CP"),  # wrapped at the hyphen
        ("31/2015/TT- BYT", "31/2015/TT-BYT"),
        ("17/2007/TTLT-BLĐTBXH-\nNHNNVN", "17/2007/TTLT-BLĐTBXH-NHNNVN"),
        ("181/2024/NĐCP", "181/2024/NĐ-CP"),  # the hyphen dropped
    ],
)
def test_numbers_as_pdfs_and_portals_print_them(printed, canonical):
    (_, _, number), *_ = find_document_numbers(printed)
    assert number.canonical == canonical and number.key == parse_document_number(canonical).key


def test_an_official_letter_has_no_type_code_and_a_blank_numeral_keeps_its_codes():
    letter = parse_document_number("123/UBND-KT")
    assert (letter.type_code, letter.issuer_code, letter.unit) == (None, "UBND", "KT")
    blank = parse_blank_number("/2025/QĐ-UBND")
    assert (blank.number, blank.year, blank.type_name, blank.issuer_code) == ("", 2025, "Quyết định", "UBND")


_CODES = st.sampled_from(["QĐ", "NĐ", "TT", "NQ", "KH", "CT", "TTLT"])
_ISSUERS = st.sampled_from(["UBND", "CP", "TTg", "BTC", "BNV", "HĐND", "BLĐTBXH"])


@given(st.integers(1, 9999), st.one_of(st.none(), st.integers(1990, 2030)), _CODES, _ISSUERS, st.booleans(), st.booleans())
def test_every_display_form_of_a_number_is_one_key(number, year, code, issuer, padded, folded):
    """ "0280/QD-UBND", "280 /QĐ-UBND", "280/QĐ-UBND": one document."""
    canonical = f"{number}/{year}/{code}-{issuer}" if year else f"{number}/{code}-{issuer}"
    shown = (f"0{number}" if padded else str(number)) + (f" /{year}" if year else "") + f" /{code}-{issuer}"
    if folded:
        shown = shown.replace("Đ", "D").replace("đ", "d")
    parsed, written = parse_document_number(canonical), parse_document_number(shown)
    assert parsed is not None and written is not None and parsed.key == written.key
    assert parse_document_number(parsed.canonical).key == parsed.key
