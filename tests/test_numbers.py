"""Document-number recognition: every common layout, spacing and diacritic variants."""

import pytest

from vntext.numbers import find_document_numbers, parse_document_number


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
