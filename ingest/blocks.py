"""Blocks (headings, list items, table rows, paragraphs) and packing them into passage-sized chunks.

A block is the unit that is never cut except at a sentence boundary: a paragraph, a list item or a
table row. Packing groups consecutive blocks of one section into chunks of at most `max_words`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from vntext.segmentation import Span, sentence_spans

_ROMAN_HEADING = re.compile(r"^[IVXLC]+\.\s+\S")
_NUMBERED_HEADING = re.compile(r"^\d{1,2}\.\s+\S")
_LETTER_HEADING = re.compile(r"^[a-zđ]\)\s+\S")
_ITEM = re.compile(r"^(?:[-+•*–—]\s|[a-zđ]\)\s|\(\d+\)\s|\d{1,2}\)\s)")
_CONTINUATION = re.compile(r"^[a-zà-ỹđ.,;:)…]")


@dataclass(frozen=True)
class Block:
    """A line-level unit of a text: kind is "heading", "item", "row" or "paragraph"."""

    start: int
    end: int
    kind: str
    level: int = 0
    words: int = 0


@dataclass(frozen=True)
class Chunk:
    """A passage before it gets an id: its span, nearest heading and structural path."""

    start: int
    end: int
    heading: str | None
    path: tuple[str, ...]


def iter_lines(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of every non-empty line in text[start:end]."""
    end = len(text) if end is None else end
    cursor = start
    while cursor < end:
        newline = text.find("\n", cursor, end)
        line_end = end if newline < 0 else newline
        if text[cursor:line_end].strip():
            yield cursor, line_end
        cursor = line_end + 1


def split_blocks(text: str, start: int = 0, end: int | None = None) -> list[Block]:
    """Classify the lines of text[start:end] and join paragraph continuations.

    A line that starts in lower case or with punctuation continues the previous paragraph: copied
    web articles often break a paragraph in two ("… Kết\\n\\nquả có 455 người …").
    """
    blocks: list[Block] = []
    for line_start, line_end in iter_lines(text, start, end):
        line = text[line_start:line_end]
        words = len(line.split())
        previous = blocks[-1] if blocks else None
        if previous and previous.kind in ("paragraph", "item") and _CONTINUATION.match(line):
            blocks[-1] = Block(previous.start, line_end, previous.kind, 0, previous.words + words)
            continue
        kind, level = classify_line(line)
        blocks.append(Block(line_start, line_end, kind, level, words))
    return blocks


def classify_line(line: str) -> tuple[str, int]:
    """(kind, heading level) of one line of an article."""
    words = len(line.split())
    if line.count("|") >= 2 or "\t" in line:
        return "row", 0
    if _ROMAN_HEADING.match(line) and words <= 30:
        return "heading", 1
    sentence_like = line.rstrip().endswith((".", ";", ",", ":", "!", "?", "…"))
    if _NUMBERED_HEADING.match(line) and words <= 20 and not sentence_like:
        return "heading", 2
    if _LETTER_HEADING.match(line) and words <= 15 and not sentence_like:
        return "heading", 3
    if _ITEM.match(line):
        return "item", 0
    if words <= 14 and not sentence_like and line[:1].isupper():
        return "heading", 1
    return "paragraph", 0


def pack_blocks(text: str, blocks: list[Block], *, max_words: int, min_words: int) -> list[Span]:
    """Group consecutive blocks into spans of at most `max_words`; overlong blocks split at sentences.

    A trailing span shorter than `min_words` is merged into the previous one when the result stays
    within max_words + min_words, so sections do not end in a fragment.
    """
    units: list[tuple[int, int, int]] = []
    for block in blocks:
        if block.words <= max_words or block.kind == "row":
            units.append((block.start, block.end, block.words))
        else:
            units.extend(_split_long_block(text, block, max_words))
    spans: list[list[int]] = []  # [start, end, words]
    for start, end, words in units:
        if spans and spans[-1][2] + words <= max_words:
            spans[-1][1], spans[-1][2] = end, spans[-1][2] + words
        else:
            spans.append([start, end, words])
    if len(spans) >= 2 and spans[-1][2] < min_words and spans[-2][2] + spans[-1][2] <= max_words + min_words:
        last = spans.pop()
        spans[-1][1], spans[-1][2] = last[1], spans[-1][2] + last[2]
    return [Span(s, e) for s, e, _ in spans]


def _split_long_block(text: str, block: Block, max_words: int) -> list[tuple[int, int, int]]:
    """Sentence groups of one long block; a single sentence over max_words is cut between words."""
    units: list[tuple[int, int, int]] = []
    for sentence in sentence_spans(text, block.start, block.end):
        words = len(text[sentence.start : sentence.end].split())
        if words <= max_words:
            units.append((sentence.start, sentence.end, words))
        else:
            units.extend(_split_between_words(text, sentence, max_words))
    return units


def _split_between_words(text: str, span: Span, max_words: int) -> list[tuple[int, int, int]]:
    """Cut an overlong sentence after ";" or ":" where possible, else between words."""
    pieces: list[tuple[int, int, int]] = []
    words = list(re.finditer(r"\S+", text[span.start : span.end]))
    first = 0
    while first < len(words):
        last = min(first + max_words, len(words)) - 1
        if last < len(words) - 1:
            clause_ends = [i for i in range(first + max_words // 3, last + 1) if words[i].group(0).endswith((";", ":"))]
            last = clause_ends[-1] if clause_ends else last
        pieces.append((span.start + words[first].start(), span.start + words[last].end(), last - first + 1))
        first = last + 1
    return pieces
