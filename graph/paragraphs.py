"""Paragraphs of a formal document's body, rebuilt from lines wrapped at the page width.

Text extracted from a PDF (or a Markdown page) breaks a sentence wherever the line ended on paper;
relations such as "Bãi bỏ Quyết định số … ngày …" must be read whole. A paragraph starts at an
enumerator ("Điều 5.", "2.", "a)", "-"), after a line ending a sentence, or after a short line
(a heading); any other line continues the paragraph above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.blocks import iter_lines

_ARTICLE = re.compile(r"^[*_\s]*Điều\s+(\d+[a-z]?)\s*[.:]?")
_CLAUSE = re.compile(r"^[*_\s]*(\d{1,3})\.\s")
_POINT = re.compile(r"^[*_\s]*([a-zđ])\)\s")
_DASH = re.compile(r"^[*_\s]*[-+•]\s")
_CONTAINER = re.compile(r"^[*_\s]*(?:Chương|Mục|Phần|CHƯƠNG|MỤC|PHẦN)\s")
_ENDS_SENTENCE = re.compile(r"[.;:!?…][”\"*_\s]*$")
_HANGING = re.compile(
    r"\b(?:của|và|về|theo|tại|số|các|ngày|năm|Luật|Bộ luật|Nghị định|Nghị quyết|Quyết định|Thông tư|Bộ|Sở|Ủy ban|Hội đồng|đã|được|với|cho"
    r"|toàn bộ|bãi bỏ|hủy bỏ|thay thế|sửa đổi|bổ sung)$"
)
WRAPPED = 60  # a line at least this long that does not end a sentence was wrapped at the page width


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: its span in the document's text, its kind and depth, and its text on one line
    (line breaks read as spaces, so offsets into `text` are offsets from `start`)."""

    start: int
    end: int
    kind: str  # "article", "clause", "point", "dash", "container" or "text"
    text: str

    @property
    def level(self) -> int:
        return {"article": 1, "clause": 2, "point": 3, "dash": 4}.get(self.kind, 5)

    @property
    def body_start(self) -> int:
        """Where the text after its enumerator starts, relative to the paragraph ("Điều 5. Bãi bỏ …" -> at "Bãi")."""
        for pattern in (_ARTICLE, _CLAUSE, _POINT, _DASH):
            if match := pattern.match(self.text):
                return match.end() + len(self.text[match.end() :]) - len(self.text[match.end() :].lstrip(" *_"))
        return len(self.text) - len(self.text.lstrip(" *_"))

    @property
    def body(self) -> str:
        return self.text[self.body_start :]


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Paragraph]:
    """The paragraphs of text[start:end].

    >>> [(p.kind, p.text) for p in paragraphs("Điều 54. Sửa đổi, bổ sung, bãi bỏ một số điều của Luật Xử lý vi phạm hành chính số\\n"
    ...     "15/2012/QH13 như sau:\\n1. Bãi bỏ khoản 5.\\nĐiều 55. Hiệu lực thi hành\\nLuật này có hiệu lực thi hành.")]
    [('article', 'Điều 54. Sửa đổi, bổ sung, bãi bỏ một số điều của Luật Xử lý vi phạm hành chính số 15/2012/QH13 như sau:'), ('clause', '1. Bãi bỏ khoản 5.'), ('article', 'Điều 55. Hiệu lực thi hành'), ('text', 'Luật này có hiệu lực thi hành.')]
    """
    found: list[list] = []  # [start, end, kind, last line]
    for line_start, line_end in iter_lines(text, start, end):
        line = text[line_start:line_end]
        kind = _kind(line)
        if found and kind is None and _continues(found[-1][3], line):
            found[-1][1], found[-1][3] = line_end, line
            continue
        found.append([line_start, line_end, kind or "text", line])
    return [Paragraph(s, e, kind, text[s:e].replace("\n", " ")) for s, e, kind, _ in found]


def _kind(line: str) -> str | None:
    for kind, pattern in (
        ("article", _ARTICLE),
        ("clause", _CLAUSE),
        ("point", _POINT),
        ("dash", _DASH),
        ("container", _CONTAINER),
    ):
        if pattern.match(line):
            return kind
    return None


def _continues(previous: str, line: str) -> bool:
    """Whether `line` goes on with the paragraph whose last line is `previous`."""
    if _ENDS_SENTENCE.search(previous):
        return False
    stripped = line.lstrip(" *_")
    hanging = _HANGING.search(previous.rstrip(" *_"))  # "… của Luật" / "Ban hành văn bản …"
    return bool(stripped) and (stripped[0].islower() or stripped[0].isdigit() or len(previous) >= WRAPPED or bool(hanging))
