"""A document's full text laid out for reading: headings, paragraphs and a table of contents.

The text is shown exactly as stored (every character, in order); only its layout is decided here.
Passages keep their ids as anchors (search results link to them); each Phần, Chương, Mục and Điều
(or, in an article, each heading) gets a readable anchor ("#chuong-ii", "#dieu-5") and an entry in
the table of contents, built from the passages' structural paths. Headings that live between
passages ("Chương I / NHỮNG QUY ĐỊNH CHUNG") become heading elements; an article's first line
("Điều 1. Vị trí, chức năng của Chính phủ") becomes the article's heading.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.document import Document, Passage
from vntext.normalize import fold_diacritics
from web.highlighting import marked_pieces

Spans = list[tuple[int, int]]
_UNIT = re.compile(r"^(Phần|Chương|Mục|Điều)\s+\S+", re.IGNORECASE)
_SUBUNIT = re.compile(r"^(khoản|điểm)\b", re.IGNORECASE)
SYNTHETIC = {"Phần mở đầu"}  # labels the chunker gives to text before the first unit; not in the text
MAX_TOC_ENTRIES = 400
MAX_HEADING_CHARS = 200  # an article written as one long line: only "Điều 1." is its heading
_SENTENCE_END = re.compile(r"[.;:!?…)”\"]\s*$")


@dataclass
class TocEntry:
    """One line of the table of contents: level 0 for the outermost unit."""

    level: int
    label: str
    anchor: str
    title: str = ""  # the unit's own title when the text gives it ("NHỮNG QUY ĐỊNH CHUNG")


@dataclass
class Heading:
    """A heading element: its anchor (if it starts a unit), level, and its lines of text as written."""

    anchor: str | None
    level: int
    lines: list[list[tuple[str, bool]]]


@dataclass
class Block:
    """A passage as laid out: optional headings before it, its own heading, its paragraphs."""

    passage: Passage
    before: list[Heading] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # unit anchors with no heading element of their own
    heading: Heading | None = None
    paragraphs: list[list[tuple[str, bool]]] = field(default_factory=list)


@dataclass
class Layout:
    blocks: list[Block]
    toc: list[TocEntry]
    tail: list[str]  # text after the last passage, as paragraphs (rare)


def layout(document: Document, spans_of: Callable[[str], Spans] | None = None) -> Layout:
    """Blocks and table of contents of a document; `spans_of(text)` marks query words when given."""
    toc: list[TocEntry] = []
    anchors: dict[tuple[str, ...], str] = {}
    used: set[str] = set()
    blocks, cursor = [], 0
    for passage in document.passages:
        starts = _new_units(passage, anchors, used, toc)
        gap = document.text[cursor : passage.start] if passage.start >= cursor else ""
        block = Block(passage)
        block.before, placed = _gap_headings(gap, starts)
        spans = spans_of(passage.text) if spans_of else []
        text_start = 0
        article = next((e for e in starts if e.label.lower().startswith("điều")), None)
        first_line = passage.text.split("\n", 1)[0]
        if article is not None and _same_unit(first_line, article.label):
            end = len(first_line) if len(first_line) <= MAX_HEADING_CHARS else len(article.label) + 1
            block.heading = Heading(article.anchor, article.level, [marked_pieces(passage.text, spans, 0, end)])
            article.title = passage.text[len(article.label) : end].strip(" .:-")
            placed.add(article.anchor)
            text_start = end
        block.anchors = [e.anchor for e in starts if e.anchor not in placed]
        block.paragraphs = [_joined(passage.text, runs, spans) for runs in paragraphs(passage.text, text_start)]
        blocks.append(block)
        cursor = max(cursor, passage.end)
    tail = [p for p in re.split(r"\n\s*\n", document.text[cursor:]) if p.strip()]
    return Layout(blocks, toc if len(toc) <= MAX_TOC_ENTRIES else toc[:MAX_TOC_ENTRIES], tail)


def _new_units(passage: Passage, anchors: dict[tuple[str, ...], str], used: set[str], toc: list[TocEntry]) -> list[TocEntry]:
    """Table-of-contents entries for the units that begin at this passage (outermost first)."""
    path = [p for p in passage.path if p not in SYNTHETIC and not _SUBUNIT.match(p)]
    started = []
    for depth in range(len(path)):
        prefix = tuple(path[: depth + 1])
        if prefix in anchors:
            continue
        anchor = _unique(anchor_for(prefix), used)
        anchors[prefix] = anchor
        entry = TocEntry(depth, path[depth], anchor)
        toc.append(entry)
        started.append(entry)
    return started


def where(passage: Passage) -> str:
    """Where a passage is, for a reader: its structural path without the chunker's own labels.

    >>> where(Passage("d-p1", "d", 1, 0, 1, "x", None, ("Phần mở đầu",))), where(Passage("d-p2", "d", 2, 0, 1, "x", None, ("Chương I", "Điều 5")))
    ('', 'Chương I > Điều 5')
    """
    return " > ".join(p for p in passage.path if p not in SYNTHETIC)


def page_label(pages: tuple[int, ...] | list[int]) -> str:
    """The pages of a passage as a reader says them ("trang 2", "trang 2–3"); empty for unpaged sources.

    >>> page_label(()), page_label((2,)), page_label((2, 3)), page_label((2, 3, 4)), page_label((2, 5))
    ('', 'trang 2', 'trang 2–3', 'trang 2–4', 'trang 2, 5')
    """
    pages = sorted(set(pages))
    if not pages:
        return ""
    if pages == list(range(pages[0], pages[-1] + 1)) and len(pages) > 1:
        return f"trang {pages[0]}–{pages[-1]}"
    return "trang " + ", ".join(str(p) for p in pages)


def anchor_for(path: tuple[str, ...] | list[str]) -> str:
    """A readable anchor for a unit: its article alone when it is one, else the whole path.

    >>> anchor_for(("Chương II", "Điều 5")), anchor_for(("Chương III", "Mục 1")), anchor_for(("Đánh giá chung",))
    ('dieu-5', 'chuong-iii-muc-1', 'danh-gia-chung')
    """
    last = path[-1]
    parts = [last] if last.lower().startswith("điều") else list(path)
    slug = re.sub(r"[^a-z0-9]+", "-", fold_diacritics("-".join(parts)).lower()).strip("-")
    return slug[:60].strip("-") or "muc"


def _unique(anchor: str, used: set[str]) -> str:
    candidate, n = anchor, 2
    while candidate in used:
        candidate, n = f"{anchor}-{n}", n + 1
    used.add(candidate)
    return candidate


def _gap_headings(gap: str, starts: list[TocEntry]) -> tuple[list[Heading], set[str]]:
    """Text between passages as headings: a line that names a starting unit opens its heading, and
    the lines after it (its title) join it; lines before any unit are a heading without anchor."""
    headings: list[Heading] = []
    placed: set[str] = set()
    waiting = [e for e in starts if not e.label.lower().startswith("điều")]
    for line in (line.strip() for line in gap.split("\n")):
        if not line:
            continue
        unit = next((e for e in waiting if _same_unit(line, e.label)), None)
        if unit is not None:
            waiting.remove(unit)
            placed.add(unit.anchor)
            headings.append(Heading(unit.anchor, unit.level, [[(line, False)]]))
            rest = line[len(unit.label) :].lstrip(" .:-")
            unit.title = rest
        elif headings and headings[-1].anchor is not None and not _UNIT.match(line):
            headings[-1].lines.append([(line, False)])
            entry = next(e for e in starts if e.anchor == headings[-1].anchor)
            entry.title = f"{entry.title} {line}".strip()
        else:
            headings.append(Heading(None, starts[0].level if starts else 0, [[(line, False)]]))
    return headings, placed


def _same_unit(line: str, label: str) -> bool:
    """Whether a line of text opens the unit `label` ("Chương I" opens with "Chương I", not "Chương II").

    >>> _same_unit("Chương I", "Chương I"), _same_unit("Chương II", "Chương I"), _same_unit("Điều 5. Nguyên tắc", "Điều 5")
    (True, False, True)
    """
    folded, wanted = fold_diacritics(line).lower(), fold_diacritics(label).lower()
    return folded.startswith(wanted) and (len(folded) == len(wanted) or not folded[len(wanted)].isalnum())


def paragraphs(text: str, start: int = 0) -> list[list[tuple[int, int]]]:
    """The paragraphs of `text` from `start`, each a list of (start, end) runs: split at blank lines,
    except where the source broke a sentence in two (a line ending without punctuation before one
    starting in lower case: "duy trì vận" / "hành tốt …"), whose runs are shown as one paragraph.

    >>> text = "Một câu.\\n\\nduy trì vận\\n\\nhành tốt.\\n\\nCâu khác."
    >>> [[text[s:e] for s, e in runs] for runs in paragraphs(text)]
    [['Một câu.'], ['duy trì vận', 'hành tốt.'], ['Câu khác.']]
    """
    found: list[list[tuple[int, int]]] = []
    for match in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*$)", text[start:], re.DOTALL):
        run = (start + match.start(), start + match.end())
        if found and _continues(text[found[-1][-1][0] : found[-1][-1][1]], text[run[0] : run[1]]):
            found[-1].append(run)
        else:
            found.append([run])
    return found


def _continues(before: str, after: str) -> bool:
    return bool(before) and not _SENTENCE_END.search(before) and before[-1].isalpha() and after[:1].islower()


def _joined(text: str, runs: list[tuple[int, int]], spans: Spans) -> list[tuple[str, bool]]:
    pieces: list[tuple[str, bool]] = []
    for i, (start, end) in enumerate(runs):
        if i:
            pieces.append((" ", False))
        pieces += marked_pieces(text, spans, start, end)
    return pieces
