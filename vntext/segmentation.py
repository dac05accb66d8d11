"""Sentences of Vietnamese text: the one place that calls underthesea.

Sentences feed passage chunking and entity extraction (lexical search tokenizes by syllable on its
own: search.terms). underthesea would split "280/QĐ-UBND" and "89,58%" into pieces, and a sentence
can end after "QĐ." or "89,58%."; those spans are protected, so no sentence is cut inside them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

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


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence boundaries inside text[start:end], as spans of `text` (offsets preserved).

    >>> t = "Câu một. Câu hai có 280/QĐ-UBND. Ba."
    >>> [t[s.start:s.end] for s in sentence_spans(t)]
    ['Câu một.', 'Câu hai có 280/QĐ-UBND.', 'Ba.']
    """
    sent_tokenize = _underthesea_sent_tokenize()
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


@cache
def _underthesea_sent_tokenize() -> Callable[[str], list[str]]:
    """underthesea's sentence splitter, imported without underthesea's translator.

    underthesea's package __init__ imports every optional pipeline it finds, and its translator
    imports transformers and torch: 6.5 CPU-seconds of every `reform ingest`, as much as embedding
    250 passages, for a feature reform never calls. Marked absent, that optional import fails the
    way underthesea expects when transformers is not installed, and the rest loads in ~0.5 s.
    """
    sys.modules.setdefault("underthesea.pipeline.translate", None)  # type: ignore[arg-type]
    from underthesea import sent_tokenize

    return sent_tokenize


def _fallback_sentence_spans(text: str, start: int, end: int) -> list[Span]:
    """Punctuation-based split, used when underthesea's sentences cannot be located in the text."""
    spans, cursor = [], start
    for match in _FALLBACK_SENTENCE_END.finditer(text, start, end):
        spans.append(Span(cursor, match.start()))
        cursor = match.end()
    spans.append(Span(cursor, end))
    return [s for s in spans if s.end > s.start]
