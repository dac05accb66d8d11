"""News-article cleanup: strips site boilerplate and lifts title, date, source and author into metadata.

Works on normalized text (see vntext.normalize), line by line, because news sites leave their
widgets ("Viết bình luận", "Xem thêm tin tức", the "leftcenterrightdel" photo-alignment marker and
the caption after it) as whole lines when an article is copied or scraped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vntext.dates import parse_date
from vntext.normalize import fold_diacritics

# Compared after fold_diacritics and stripping trailing punctuation.
_BOILERPLATE_LINES = frozenset(
    fold_diacritics(line)
    for line in (
        "Viết bình luận",
        "Bình luận",
        "Gửi bình luận",
        "Xem thêm tin tức",
        "Xem thêm",
        "Đọc thêm",
        "Tin liên quan",
        "Bài viết liên quan",
        "Tin cùng chuyên mục",
        "Tin khác",
        "Các tin khác",
        "Chia sẻ",
        "Chia sẻ bài viết",
        "In bài",
        "In bài viết",
        "Gửi bài",
        "Gửi email",
        "Quay lại",
        "Về đầu trang",
        "Lên đầu trang",
        "Theo dõi",
        "Like",
        "Tweet",
        "Share",
        "Ý kiến bạn đọc",
        "Tags",
        "Từ khóa",
        "Bản in",
        "Trở về",
    )
)
_PHOTO_MARKERS = frozenset({"leftcenterrightdel", "rightcenterleftdel", "centerleftrightdel"})
_SOURCE = re.compile(r"^(?:nguồn|nguồn tin|theo)\s*:\s*(?P<value>.*)$", re.IGNORECASE)
_AUTHOR = re.compile(
    r"^(?:tin,?\s*ảnh|tin\s+và\s+ảnh|bài\s+và\s+ảnh|bài,?\s*ảnh|tin|bài|tác giả|phóng viên|pv)\s*:\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_TRAILING_PUNCT = re.compile(r"[\s.:!…]+$")


@dataclass
class CleanedArticle:
    """Article text without boilerplate, and the metadata found in the lines that were removed."""

    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    author: str | None = None
    captions: list[str] = field(default_factory=list)


def clean_article(text: str, *, take_title: bool = True) -> CleanedArticle:
    """Remove boilerplate lines; take source, author and (if take_title) a heading-like title and date.

    Formal documents pass take_title=False: their first lines are the issuer block, not a headline.

    >>> a = clean_article("Tiêu đề bài\\n\\n07/04/2023\\nNội dung.\\nNguồn:\\nCổng giao tiếp điện tử Hà Nội\\nViết bình luận")
    >>> (a.title, a.date, a.source, a.text)
    ('Tiêu đề bài', '2023-04-07', 'Cổng giao tiếp điện tử Hà Nội', 'Nội dung.')
    """
    lines = text.split("\n")
    result = CleanedArticle(text="")
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        key = _TRAILING_PUNCT.sub("", fold_diacritics(line))
        if key in _BOILERPLATE_LINES:
            continue
        if key in _PHOTO_MARKERS:
            index = _skip_caption(lines, index, result)
            continue
        if source := _SOURCE.match(line):
            value, index = _value_or_next_line(source.group("value"), lines, index)
            result.source = result.source or value
            continue
        if (author := _AUTHOR.match(line)) and len(line.split()) <= 12:
            result.author = result.author or author.group("value").strip()
            continue
        kept.append(line)
    if take_title:
        _take_heading_lines(kept, result)
    result.text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return result


def _skip_caption(lines: list[str], index: int, result: CleanedArticle) -> int:
    """After a photo marker the next non-empty short line is the photo's caption: keep it aside."""
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index < len(lines) and len(lines[index].split()) <= 40:
        result.captions.append(lines[index].strip())
        index += 1
    return index


def _value_or_next_line(value: str, lines: list[str], index: int) -> tuple[str | None, int]:
    """ "Nguồn: X" carries its value inline or, on many sites, on the following line."""
    value = value.strip()
    if value:
        return value, index
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index < len(lines) and len(lines[index].split()) <= 12:
        return lines[index].strip(), index + 1
    return None, index


def _take_heading_lines(kept: list[str], result: CleanedArticle) -> None:
    """Lift the title, a lone date line and a repeated title from the top of the article."""
    top = [i for i, line in enumerate(kept) if line.strip()][:4]
    if not top:
        return
    first = kept[top[0]].strip()
    if not looks_like_title(first):
        return
    result.title = first
    remove = {top[0]}
    for i in top[1:]:
        line = kept[i].strip()
        if result.date is None and (date := parse_date(line)) and len(line.split()) <= 4:
            result.date = date
            remove.add(i)
        elif fold_diacritics(line) == fold_diacritics(first):
            # Sites print the title twice (upper-case banner, then sentence case): keep the latter.
            result.title = line if not line.isupper() else first
            remove.add(i)
    for i in sorted(remove, reverse=True):
        del kept[i]


def looks_like_title(line: str) -> bool:
    """A title is short and does not end like a sentence."""
    words = line.split()
    return 0 < len(words) <= 40 and not line.rstrip().endswith((".", ";", ":", ",", "!", "?", "…"))
