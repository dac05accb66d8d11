"""Normalization and folding on real Vietnamese: one form for every spelling of the same text."""

import unicodedata

import pytest

from vntext.normalize import fold_diacritics, normalize_text, normalize_tone_marks


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("hoà", "hòa"),
        ("Uỷ ban", "Ủy ban"),
        ("UỶ BAN", "ỦY BAN"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("Quý", "Quý"),
        ("già", "già"),
        ("gì", "gì"),
        ("người", "người"),
        ("ngoài", "ngoài"),
        ("khuỷu", "khuỷu"),
        ("hoàn thành", "hoàn thành"),
        ("chuyển đổi", "chuyển đổi"),
        ("tỷ lệ", "tỷ lệ"),
        ("đơn giản hoá", "đơn giản hóa"),
        ("thoả thuận", "thỏa thuận"),
    ],
)
def test_tone_marks_follow_the_classic_convention(variant, canonical):
    assert normalize_tone_marks(variant) == canonical


def test_decomposed_text_is_indistinguishable_from_precomposed():
    precomposed = "Quyết định số 280/QĐ-UBND của Ủy ban nhân dân thành phố Hà Nội về cải cách hành chính"
    decomposed = unicodedata.normalize("NFD", precomposed)
    assert decomposed != precomposed
    assert normalize_text(decomposed) == normalize_text(precomposed) == precomposed


def test_marks_in_unusual_order_are_recomposed():
    # base + tone + circumflex (a keyboard/converter order NFC alone does not fix): "ấ"
    assert normalize_text("Quy\u0065\u0301\u0302t") == "Quyết"
    assert normalize_text("Quye\u0301\u0302t đi\u0323nh") == "Quyết định"


def test_mixed_decomposed_parts_in_one_text():
    text = "Chỉ số " + unicodedata.normalize("NFD", "hài lòng") + " đạt 80,16%"
    assert normalize_text(text) == "Chỉ số hài lòng đạt 80,16%"


def test_whitespace_and_invisible_characters_are_normalized():
    raw = "\ufeffỦy\u00a0ban\u200b  nhân dân \r\n\r\n\r\n\r\nThành phố\t Hà Nội  "
    assert normalize_text(raw) == "Ủy ban nhân dân\n\nThành phố Hà Nội"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ủy ban", "uy ban"),
        ("Đống Đa", "dong da"),
        ("cải cách hành chính", "cai cach hanh chinh"),
        ("PARINDEX 89,58%", "parindex 89,58%"),
        ("Thủ tục hành chính", "thu tuc hanh chinh"),
    ],
)
def test_fold_diacritics(text, folded):
    assert fold_diacritics(text) == folded


def test_folding_preserves_length_for_offset_mapping():
    text = normalize_text("Nghị quyết số 18 ngày 30 tháng 12 năm 2022 của Thành ủy về chuyển đổi số")
    assert len(fold_diacritics(text)) == len(text)


def test_whole_text_folding_equals_the_per_character_fold():
    import random

    from vntext.normalize import _fold_char

    latin = [chr(c) for c in [*range(0x20, 0x250), *range(0x1E00, 0x1F00)]]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(latin) for _ in range(rng.randint(1, 40)))
        assert fold_diacritics(text) == "".join(_fold_char(c) for c in text), text
    mixed = "Hà Nội \u0301 Ωμέγα 한국 ﬁ İstanbul"  # outside the Latin blocks: the per-character path
    assert fold_diacritics(mixed) == "".join(_fold_char(c) for c in mixed)
    assert len(fold_diacritics(mixed)) == len(mixed)
