"""Tokenization keeps document numbers, dates, decimals, percentages and ratios whole."""

from vntext.segmentation import sentence_spans


def test_sentence_spans_are_offsets_into_the_original_text():
    text = "Mở đầu. Chỉ số PARINDEX năm 2022 đạt 89,58%; xếp thứ 3/63. Quyết định số 280/QĐ-UBND ban hành ngày 11/01/2023."
    spans = sentence_spans(text, 8)
    sentences = [text[s.start : s.end] for s in spans]
    assert sentences == [
        "Chỉ số PARINDEX năm 2022 đạt 89,58%; xếp thứ 3/63.",
        "Quyết định số 280/QĐ-UBND ban hành ngày 11/01/2023.",
    ]
