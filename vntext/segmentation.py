"""Sentences and words of Vietnamese text: the one place that calls underthesea.

underthesea splits "280/QĐ-UBND" into "280 / QĐ-UBND" and "89,58%" into "89,58 %"; lexical search
and entity extraction need them whole, so those spans are protected and only the text between them
goes through underthesea's word segmenter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vntext.numbers import PARTY_NUMBER, STATE_NUMBER

PROTECTED_SPAN = re.compile(
    rf"(?<![\w/])(?:{PARTY_NUMBER}|{STATE_NUMBER})(?![\w/])"  # 280/QĐ-UBND, 15-NQ/TW
    r"|\b\d{1,2}[/-]\d{1,2}(?:[/-]\d{4})?\b"  # 30/12/2022, 26-9
    r"|\b\d+(?:[.,]\d+)*(?:/\d+(?:[.,]\d+)*)?%?"  # 89,58%  1.905  3/63  43,90/80
)
_FALLBACK_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+(?=[A-ZĐÀ-Ỹ0-9\"“(-])")


@dataclass(frozen=True)
class Span:
    """A [start, end) character range of a text."""

    start: int
    end: int


def word_tokens(text: str) -> list[str]:
    """Vietnamese words (multi-syllable words joined by spaces), numbers/dates/doc numbers kept whole.

    >>> word_tokens("Quyết định số 280/QĐ-UBND đạt 89,58%, xếp thứ 3/63")
    ['Quyết định', 'số', '280/QĐ-UBND', 'đạt', '89,58%', ',', 'xếp', 'thứ', '3/63']
    """
    from underthesea import word_tokenize  # imported lazily: ~2 s on first use

    tokens: list[str] = []
    cursor = 0
    for match in PROTECTED_SPAN.finditer(text):
        if match.start() > cursor:
            tokens.extend(word_tokenize(text[cursor : match.start()]))
        tokens.append(match.group(0))
        cursor = match.end()
    if cursor < len(text):
        tokens.extend(word_tokenize(text[cursor:]))
    return [t for t in tokens if t.strip()]


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence boundaries inside text[start:end], as spans of `text` (offsets preserved).

    >>> t = "Câu một. Câu hai có 280/QĐ-UBND. Ba."
    >>> [t[s.start:s.end] for s in sentence_spans(t)]
    ['Câu một.', 'Câu hai có 280/QĐ-UBND.', 'Ba.']
    """
    from underthesea import sent_tokenize

    end = len(text) if end is None else end
    spans: list[Span] = []
    cursor = start
    for sentence in sent_tokenize(text[start:end]):
        sentence = sentence.strip()
        found = text.find(sentence, cursor, end) if sentence else -1
        if found < 0:
            return _fallback_sentence_spans(text, start, end)
        spans.append(Span(found, found + len(sentence)))
        cursor = found + len(sentence)
    return spans or [Span(start, end)]


def _fallback_sentence_spans(text: str, start: int, end: int) -> list[Span]:
    """Punctuation-based split, used when underthesea's sentences cannot be located in the text."""
    spans, cursor = [], start
    for match in _FALLBACK_SENTENCE_END.finditer(text, start, end):
        spans.append(Span(cursor, match.start()))
        cursor = match.end()
    spans.append(Span(cursor, end))
    return [s for s in spans if s.end > s.start]
