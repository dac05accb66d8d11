"""Tokenization keeps document numbers, dates, decimals, percentages and ratios whole."""

import pytest

from vntext.segmentation import sentence_spans, word_tokens


@pytest.mark.parametrize(
    "protected",
    [
        "280/QĐ-UBND",
        "32/2021/NĐ-CP",
        "15-NQ/TW",
        "01-CTr/TU",
        "35/2023/UBTVQH15",
        "01/2023/TT-VPCP",
        "30/12/2022",
        "8/2/2023",
        "89,58%",
        "3/63",
        "43,90/80",
        "1.905",
        "100%",
    ],
)
def test_word_tokens_keep_protected_spans_whole(protected):
    tokens = word_tokens(f"Thành phố ban hành văn bản {protected} trong năm")
    assert protected in tokens


def test_word_tokens_still_group_vietnamese_words():
    tokens = word_tokens("Ủy ban nhân dân thành phố ban hành quyết định về cải cách hành chính")
    assert "cải cách" in tokens and "hành chính" in tokens


def test_sentence_spans_are_offsets_into_the_original_text():
    text = "Mở đầu. Chỉ số PARINDEX năm 2022 đạt 89,58%; xếp thứ 3/63. Quyết định số 280/QĐ-UBND ban hành ngày 11/01/2023."
    spans = sentence_spans(text, 8)
    sentences = [text[s.start : s.end] for s in spans]
    assert sentences == [
        "Chỉ số PARINDEX năm 2022 đạt 89,58%; xếp thứ 3/63.",
        "Quyết định số 280/QĐ-UBND ban hành ngày 11/01/2023.",
    ]
