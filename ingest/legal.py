"""Formal legal documents: header fields and chunks along Phần / Chương / Mục / Điều / khoản / điểm.

A passage never spans two articles (Điều); a long article splits at its clauses (khoản), a long
clause at its points (điểm), then at sentences. Each chunk's path addresses it, e.g.
("Chương XII", "Điều 169", "khoản 2"), so search and graph can resolve "khoản 2 Điều 169".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.blocks import Block, Chunk, iter_lines, pack_blocks, split_blocks
from ingest.header import Header, parse_header, readable_subject

_ARTICLE = re.compile(r"^[*_\s]*Điều\s+(\d+[a-z]?)\b")  # "**Điều 1." in a Markdown page
_CONTAINERS = (
    ("part", re.compile(r"^Phần\s+(thứ\s+[^\s.:]+|[IVXLC]+|\d+)\b", re.IGNORECASE)),
    ("chapter", re.compile(r"^Chương\s+([IVXLC]+|\d+)\b", re.IGNORECASE)),
    ("section", re.compile(r"^Mục\s+(\d+|[IVXLC]+)\b")),
)
_CLAUSE = re.compile(r"^(\d{1,3})\.\s")
_POINT = re.compile(r"^([a-zđ])\)\s")
_RECIPIENTS = re.compile(r"^[*_|\s]*Nơi nhận\s*:", re.IGNORECASE)
PREAMBLE = "Phần mở đầu"
RECIPIENTS = "Nơi nhận"


@dataclass(frozen=True)
class LegalHeader:
    """Fields of a formal document's header block (the full parse is ingest.header.Header)."""

    number: str | None
    date: str | None
    title: str | None
    parsed: Header | None = None

    @property
    def is_formal(self) -> bool:
        """A formal document (decision, plan, report, letter …) opens with "Số: …" and a type (KẾ HOẠCH …)."""
        has_number = self.number is not None or (self.parsed is not None and self.parsed.blank_number is not None)
        return has_number and self.title is not None


def is_legal_text(text: str) -> bool:
    """A formal document has numbered articles ("Điều 1.", "Điều 2.") at the start of lines."""
    articles = sum(1 for s, e in iter_lines(text) if _ARTICLE.match(text[s:e]))
    return articles >= 2 or (articles == 1 and "Căn cứ" in text[:5000])


def parse_legal_header(text: str) -> LegalHeader:
    """Number ("Số: …"), date ("Hà Nội, ngày … tháng … năm …") and title of a formal document.

    >>> h = parse_legal_header("ỦY BAN NHÂN DÂN\\nSố: 280/QĐ-UBND\\nHà Nội, ngày 11 tháng 01 năm 2023\\nQUYẾT ĐỊNH\\nBan hành Kế hoạch cải cách hành chính\\nCăn cứ Luật…")
    >>> (h.number, h.date, h.title)
    ('280/QĐ-UBND', '2023-01-11', 'Quyết định ban hành Kế hoạch cải cách hành chính')
    """
    header = parse_header(text)
    title = None
    if header.type_name is not None:
        subject = readable_subject(text, header.subject.text, header.type_name) if header.subject else ""
        title = f"{header.type_name} {subject}".strip()
    number = header.number.text if header.number else None
    return LegalHeader(number, header.date.text if header.date else None, title, header)


def chunk_legal_text(text: str, *, max_words: int, min_words: int) -> list[Chunk]:
    """Chunks that follow the document's structure; see the module docstring."""
    chunks: list[Chunk] = []
    containers: dict[str, str] = {}
    boundaries = _structure_lines(text)
    first = boundaries[0][0] if boundaries else len(text)
    chunks += _packed(text, 0, first, (PREAMBLE,), max_words, min_words)
    for index, (start, _line_end, kind, label) in enumerate(boundaries):
        end = boundaries[index + 1][0] if index + 1 < len(boundaries) else len(text)
        if kind in ("part", "chapter", "section"):
            _enter_container(containers, kind, label)
            continue  # a container's title line belongs to no passage; its articles carry the label
        parents = tuple(containers[k] for k in ("part", "chapter", "section") if k in containers)
        if kind == "recipients":
            chunks += _packed(text, start, end, (RECIPIENTS,), max_words, min_words)
        else:
            chunks += _chunk_article(text, start, end, parents + (label,), max_words, min_words)
    return [c for c in chunks if text[c.start : c.end].strip()]


def _structure_lines(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, label) of every Phần/Chương/Mục/Điều/Nơi nhận line."""
    found = []
    for start, end in iter_lines(text):
        line = text[start:end]
        if m := _ARTICLE.match(line):
            found.append((start, end, "article", f"Điều {m.group(1)}"))
        elif _RECIPIENTS.match(line):
            found.append((start, end, "recipients", RECIPIENTS))
        else:
            for kind, pattern in _CONTAINERS:
                if m := pattern.match(line):
                    found.append((start, end, kind, f"{line.split()[0].capitalize()} {m.group(1)}"))
                    break
    return found


def _enter_container(containers: dict[str, str], kind: str, label: str) -> None:
    order = ("part", "chapter", "section")
    for deeper in order[order.index(kind) :]:
        containers.pop(deeper, None)
    containers[kind] = label


def _chunk_article(text: str, start: int, end: int, path: tuple[str, ...], max_words: int, min_words: int) -> list[Chunk]:
    if len(text[start:end].split()) <= max_words:
        return [Chunk(start, end, path[-1], path)]
    clauses = _sub_units(text, start, end, _CLAUSE)
    if len(clauses) <= 1:
        return _packed(text, start, end, path, max_words, min_words)
    chunks: list[Chunk] = []
    group: list[tuple[int, int, str | None]] = []
    for clause in clauses + [None]:
        words = sum(len(text[s:e].split()) for s, e, _ in group)
        clause_words = len(text[clause[0] : clause[1]].split()) if clause else 0
        if group and (clause is None or words + clause_words > max_words):
            chunks += _clause_group(text, group, path, max_words, min_words)
            group = []
        if clause:
            group.append(clause)
    return chunks


def _clause_group(
    text: str, group: list[tuple[int, int, str | None]], path: tuple[str, ...], max_words: int, min_words: int
) -> list[Chunk]:
    labels = [label for _, _, label in group if label]
    clause_path = path + (_range_label("khoản", labels),) if labels else path
    start, end = group[0][0], group[-1][1]
    if len(text[start:end].split()) <= max_words:
        return [Chunk(start, end, path[-1], clause_path)]
    points = _sub_units(text, start, end, _POINT)
    blocks = [Block(s, e, "paragraph", 0, len(text[s:e].split())) for s, e, _ in points]
    return [
        Chunk(s.start, s.end, path[-1], clause_path) for s in pack_blocks(text, blocks, max_words=max_words, min_words=min_words)
    ]


def _sub_units(text: str, start: int, end: int, marker: re.Pattern[str]) -> list[tuple[int, int, str | None]]:
    """Split text[start:end] at lines matching `marker`; the lead-in joins the first unit."""
    units: list[list] = []
    for line_start, line_end in iter_lines(text, start, end):
        m = marker.match(text[line_start:line_end])
        if m or not units:
            units.append([line_start, line_end, m.group(1) if m else None])
        else:
            units[-1][1] = line_end
    if len(units) >= 2 and units[0][2] is None:
        lead = units.pop(0)
        units[0][0] = lead[0]
    return [tuple(u) for u in units]


def _range_label(word: str, labels: list[str]) -> str:
    return f"{word} {labels[0]}" if len(labels) == 1 else f"{word} {labels[0]}-{labels[-1]}"


def _packed(text: str, start: int, end: int, path: tuple[str, ...], max_words: int, min_words: int) -> list[Chunk]:
    spans = pack_blocks(text, split_blocks(text, start, end), max_words=max_words, min_words=min_words)
    return [Chunk(s.start, s.end, path[-1], path) for s in spans]
