"""Passages for articles and reports: sections by heading, blocks packed to retrieval size.

Formal legal documents are chunked along their own structure by ingest.legal instead.
"""

from __future__ import annotations

from ingest.blocks import Block, Chunk, pack_blocks, split_blocks


def chunk_article_text(text: str, *, max_words: int, min_words: int) -> list[Chunk]:
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

    for block in split_blocks(text):
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
