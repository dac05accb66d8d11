"""Which page(s) of a paged source each passage comes from.

Pages are normalized one by one and joined with a blank line (what normalizing the whole text
gives), so every line of the normalized text knows its page. Cleaning only drops lines, so the
lines that remain are matched back in order; a passage's pages are those of the lines it covers.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from vntext.normalize import normalize_text

LOOKAHEAD_LINES = 400  # how far a cleaned line is looked for among the normalized ones


def normalize_pages(pages: Sequence[str]) -> tuple[str, list[int]]:
    """(normalized text of all pages, page number of each of its lines); empty pages are skipped.

    >>> normalize_pages(["Trang  một\\n", "", "Trang ba"])
    ('Trang một\\n\\nTrang ba', [1, 1, 3])
    """
    parts: list[str] = []
    line_pages: list[int] = []
    for number, page in enumerate(pages, start=1):
        text = normalize_text(page)
        if not text:
            continue
        if parts:
            line_pages.append(line_pages[-1])  # the blank line between two pages
        parts.append(text)
        line_pages += [number] * (text.count("\n") + 1)
    return "\n\n".join(parts), line_pages


def carry_line_pages(before: str, line_pages: list[int], after: str) -> list[int]:
    """Page of each line of `after`, a cleaned `before` (lines dropped, blank runs collapsed)."""
    old_lines = before.split("\n")
    result: list[int] = []
    cursor = 0
    current = line_pages[0] if line_pages else 1
    for line in after.split("\n"):
        if line.strip():
            limit = min(len(old_lines), cursor + LOOKAHEAD_LINES)
            found = next((i for i in range(cursor, limit) if old_lines[i] == line), None)
            if found is not None:
                cursor, current = found + 1, line_pages[found]
        result.append(current)
    return result


class PageMap:
    """Pages of character spans of a text whose lines' pages are known."""

    def __init__(self, text: str, line_pages: list[int]) -> None:
        self.text, self.line_pages = text, line_pages
        self.line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def pages(self, start: int, end: int) -> tuple[int, ...]:
        """The pages of the non-blank lines that text[start:end] touches, in order.

        >>> PageMap("a\\n\\nb", [1, 1, 2]).pages(0, 4)
        (1, 2)
        """
        first = bisect_right(self.line_starts, start) - 1
        last = min(bisect_right(self.line_starts, max(start, end - 1)) - 1, len(self.line_pages) - 1)
        found = set()
        for index in range(first, last + 1):
            line_end = self.line_starts[index + 1] - 1 if index + 1 < len(self.line_starts) else len(self.text)
            if self.text[self.line_starts[index] : line_end].strip():
                found.add(self.line_pages[index])
        return tuple(sorted(found))
