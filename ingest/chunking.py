"""Passages for articles, reports and plans: sections by heading, blocks packed to retrieval size.

Formal documents with articles (Điều) are chunked along that structure by ingest.legal instead;
formal documents without them (plans, reports) keep their header and "Nơi nhận" as passages of their own.
"""

from __future__ import annotations

import re

from ingest.blocks import Block, Chunk, iter_lines, pack_blocks, split_blocks
from ingest.legal import PREAMBLE, RECIPIENTS

_SECTION_START = re.compile(r"^(?:[IVXLC]+\.|Phần\s+[IVXLC\d]+)\s")


def chunk_formal_text(text: str, *, max_words: int, min_words: int) -> list[Chunk]:
    """A formal document without articles (plan, report): preamble, sections, then "Nơi nhận"."""
    first_section = next((s for s, e in iter_lines(text) if _SECTION_START.match(text[s:e])), len(text))
    recipients = next((s for s, e in iter_lines(text, first_section) if text[s:e].startswith("Nơi nhận")), len(text))
    preamble = pack_blocks(text, split_blocks(text, 0, first_section), max_words=max_words, min_words=min_words)
    chunks = [Chunk(span.start, span.end, PREAMBLE, (PREAMBLE,)) for span in preamble]
    chunks += chunk_article_text(text, max_words=max_words, min_words=min_words, start=first_section, end=recipients)
    tail = pack_blocks(text, split_blocks(text, recipients, len(text)), max_words=max_words, min_words=min_words)
    return chunks + [Chunk(span.start, span.end, RECIPIENTS, (RECIPIENTS,)) for span in tail]


def chunk_article_text(text: str, *, max_words: int, min_words: int, start: int = 0, end: int | None = None) -> list[Chunk]:
    """Chunks that never cross a heading; each carries the heading trail above it.

    >>> t = "I. Phần một\\n\\nĐoạn thứ nhất.\\n\\n1. Mục con\\n\\nĐoạn thứ hai."
    >>> [(text_of(t, c), c.path) for c in chunk_article_text(t, max_words=50, min_words=5)]
    [('Đoạn thứ nhất.', ('I. Phần một',)), ('Đoạn thứ hai.', ('I. Phần một', '1. Mục con'))]
    """
    chunks: list[Chunk] = []
    trail: list[tuple[int, str]] = []  # (level, heading text)
    section: list[Block] = []

    def flush() -> None:
        path = tuple(heading for _, heading in trail)
        for span in pack_blocks(text, section, max_words=max_words, min_words=min_words):
            chunks.append(Chunk(span.start, span.end, path[-1] if path else None, path))
        section.clear()

    for block in split_blocks(text, start, end):
        if block.kind != "heading":
            section.append(block)
            continue
        flush()
        while trail and trail[-1][0] >= block.level:
            trail.pop()
        trail.append((block.level, text[block.start : block.end].strip()))
    flush()
    return chunks


def text_of(text: str, chunk: Chunk) -> str:
    return text[chunk.start : chunk.end]
