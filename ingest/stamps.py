"""Values an e-office system stamps onto a signed PDF page (number, day, month), put back on their printed line.

Why: Vietnamese provincial e-office systems (Hà Nội's among them) issue the decision as a PDF with blanks
("Số:        /QĐ-UBND", "Hà Nội, ngày     tháng     năm 2025") and, when the document is signed and
numbered, draw the number and the date into those blanks as signature widgets, form fields or FreeText
annotations. The page's text layer keeps the blanks, so a reader of the text sees no number and no date.
Here each such value is read from the annotation (its appearance stream /AP /N, else the field value /V or
the FreeText /Contents) and written into the page text at the gap of the text line it is drawn on, found
by the annotation's baseline among the page's text rows and its x among the row's words, so the header
reads as the paper does ("Số: 2858/QĐ-UBND", "ngày 10 tháng 6 năm 2025").

Only short values with a digit are placed, and only into a blank of an existing line (whitespace between
the two neighbouring words, or the end or start of the line): signature stamps ("Ký bởi: …"), copy marks
("SAO Y") and annotations that sit on no text row leave the text as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_SKIPPED_SUBTYPES = {"/Link", "/Popup"}
_HIDDEN_FLAGS = 2 | 32  # annotation flags Hidden and NoView: not on the printed page
_MAX_VALUE = 24  # characters: a number, a day, a month, a year, "130/"
_BLANK = re.compile(r"\s{2,}")
_NUMBER = re.compile(r"\d{1,4}[/.\-]?")  # a day, a month, a year or a numeral, with the "/" drawn after it
_CONTEXT = 8  # characters either side of a blank used to find it in the text


@dataclass(frozen=True)
class Stamp:
    """A value drawn onto the page: its text, where it starts (x) and its baseline (y), in page units."""

    text: str
    x: float
    y: float
    size: float


@dataclass(frozen=True)
class _Word:
    text: str
    x: float


def page_with_stamps(page: Any, text: str) -> str:
    """`text` (the page's text layer) with the values stamped into its blanks by annotations filled in."""
    stamps = page_stamps(page)
    if not stamps:
        return text
    rows = _text_rows(page)
    for stamp in sorted(stamps, key=lambda s: (-s.y, s.x)):
        filled = _fill_blank(text, stamp, rows)
        text = filled if filled != text else _over_printed_date(text, stamp, rows)
    return text


def _over_printed_date(text: str, stamp: Stamp, rows: list[tuple[float, list[_Word]]]) -> str:
    """`text` with a day or month the drafter typed replaced by the one stamped onto it at signing.

    A template may carry a provisional month ("ngày     tháng 4 năm 2026") that the e-office system's stamp
    ("5") is then drawn over, right against it; the stamped value is the date of signing (the document cites
    itself with it), so it replaces the typed one. Only a one- or two-digit stamp drawn between "ngày"/"tháng"
    and a number of at most two digits on the same row is taken so.
    """
    if not re.fullmatch(r"\d{1,2}", stamp.text):
        return text
    tolerance = max(2.0, stamp.size * 0.4)  # drawn over the typed value, a stamp may sit a little higher
    stamp_end = stamp.x + _ems(stamp.text) * stamp.size
    for _, words in sorted((abs(y - stamp.y), words) for y, words in rows if abs(y - stamp.y) <= tolerance):
        split = sum(1 for w in words if w.x < stamp.x - 0.5)
        if not 0 < split < len(words):
            continue
        label, typed = words[split - 1], words[split]
        if label.text.lower() not in ("ngày", "tháng") or not re.fullmatch(r"\d{1,2}", typed.text):
            continue
        if not 0 <= typed.x - stamp_end <= stamp.size * 0.5:
            continue
        found = list(re.finditer(rf"(?<!\w){_spaced(label.text)}(\s*){re.escape(typed.text)}(?!\d)", text))
        if len(found) == 1:
            start, end = found[0].span(1)[0], found[0].end()
            words[split] = _Word(stamp.text, typed.x)  # the row's other stamps find their blanks with this in place
            return text[:start] + " " + stamp.text + text[end:]
    return text


def page_stamps(page: Any) -> list[Stamp]:
    """Short values with a digit drawn by the page's annotations, one per piece of text, without repeats."""
    found: dict[tuple[str, int, int], Stamp] = {}
    for ref in _resolved(page.get("/Annots")) or []:
        annotation = ref.get_object()
        if annotation.get("/Subtype") in _SKIPPED_SUBTYPES or int(annotation.get("/F", 0)) & _HIDDEN_FLAGS:
            continue
        for stamp in _annotation_stamps(page, annotation):
            if any(ch.isdigit() for ch in stamp.text) and len(stamp.text) <= _MAX_VALUE:
                found.setdefault((stamp.text, round(stamp.x), round(stamp.y)), stamp)
    return list(found.values())


def _annotation_stamps(page: Any, annotation: Any) -> list[Stamp]:
    rect = _resolved(annotation.get("/Rect"))
    if rect is None or len(rect) != 4:
        return []
    x0, y0 = min(float(rect[0]), float(rect[2])), min(float(rect[1]), float(rect[3]))
    height = abs(float(rect[3]) - float(rect[1]))
    pieces = _appearance_pieces(page, annotation)
    if pieces:
        return [Stamp(t, x0 + x, y0 + y, size) for t, x, y, size in pieces]
    value = annotation.get("/V") if annotation.get("/FT") == "/Tx" else None
    if value is None and annotation.get("/Subtype") == "/FreeText":
        value = annotation.get("/Contents")
    if not isinstance(value, str) or not value.strip():
        return []
    size = min(13.0, height * 0.8) or 12.0
    return [Stamp(value.strip(), x0 + 2, y0 + (height - size) / 2 + size * 0.2, size)]


def _appearance_pieces(page: Any, annotation: Any) -> list[tuple[str, float, float, float]]:
    """Text drawn by the annotation's normal appearance: (text, x, y, font size) in the appearance's units."""
    appearance = _resolved(annotation.get("/AP"))
    normal = appearance.get("/N") if appearance is not None else None
    if normal is None:
        return []
    normal = normal.get_object()
    if not hasattr(normal, "get_data"):  # a dictionary of states (check boxes): no text
        return []
    box = normal.get("/BBox") or [0, 0, 0, 0]
    pieces: list[tuple[str, float, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4] - float(box[0])
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5] - float(box[1])
        scaled = size * (abs(tm[3] * cm[3]) or 1.0)
        for part, offset in _split_blanks(text):
            pieces.append((part, x + _ems(text[:offset]) * scaled, y, scaled))

    page.extract_xform_text(normal, visitor_text=visit)
    return pieces


def _resolved(value: Any) -> Any:
    """The object behind an indirect reference (pypdf's `.get` does not follow them)."""
    return value.get_object() if value is not None and hasattr(value, "get_object") else value


def _split_blanks(text: str) -> list[tuple[str, int]]:
    """The parts of `text` between runs of two or more spaces, with their character offsets; numbers drawn
    one space apart are parts too ("15 12" drawn over "ngày    /    /2024": a day and a month for two blanks)."""
    parts = []
    start = 0
    for blank in [*_BLANK.finditer(text), None]:
        end = blank.start() if blank else len(text)
        chunk = text[start:end]
        if chunk.strip():
            parts += _numbers_apart(chunk.strip(), start + len(chunk) - len(chunk.lstrip()))
        if blank:
            start = blank.end()
    return parts


def _numbers_apart(chunk: str, offset: int) -> list[tuple[str, int]]:
    """`chunk` as one part, or each of its numbers when it is only numbers one space apart."""
    numbers = list(re.finditer(r"\S+", chunk))
    if len(numbers) < 2 or not all(_NUMBER.fullmatch(n.group()) for n in numbers):
        return [(chunk, offset)]
    return [(n.group(), offset + n.start()) for n in numbers]


def _text_rows(page: Any) -> list[tuple[float, list[_Word]]]:
    """The page's text as rows (baseline, words left to right), words split at blanks with estimated x."""
    rows: list[tuple[float, list[tuple[float, str, float]]]] = []
    for y, x, text, size in sorted(_placed_runs(page), key=lambda p: (-p[0], p[1])):  # stable: stream order kept
        if rows and abs(rows[-1][0] - y) <= 1.5:
            rows[-1][1].append((x, text, size))
        else:
            rows.append((y, [(x, text, size)]))
    return [(y, _words(sorted(fragments, key=lambda f: f[0]))) for y, fragments in rows]


def _placed_runs(page: Any) -> list[tuple[float, float, str, float]]:
    """The page's text runs as (baseline, x, text, size), in content-stream order.

    pypdf reports each run at the text position last set by Tm/Td, not advanced by the glyphs drawn before
    it in the same text object: a line written as several runs (font changes, "Số:" then "/2023/TT-BGTVT")
    comes out with every run at the line's start. A run reported at the very origin of the one before it
    is put after it instead, at its estimated end (blank runs count too: they are the printed blanks).
    """
    runs: list[tuple[float, float, str, float]] = []
    origin: tuple[float, float] | None = None

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        nonlocal origin
        if not text.strip("\r\n"):  # a line break pypdf reports between runs: nothing drawn
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scaled = size * (abs(tm[3] * cm[3]) or 1.0)
        reported = (x, y)
        if origin is not None and runs and _same_point(origin, reported):
            _, last_x, last_text, last_size = runs[-1]
            x = last_x + _ems(last_text) * last_size
        origin = reported
        runs.append((y, x, text, scaled))

    page.extract_text(visitor_text=visit)
    return [run for run in runs if run[2].strip()]


def _same_point(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) < 0.01 and abs(a[1] - b[1]) < 0.01


def _words(fragments: list[tuple[float, str, float]]) -> list[_Word]:
    """Words with x estimated from character widths, stretched to the next fragment's start when known."""
    words = []
    for index, (x, text, size) in enumerate(fragments):
        following = fragments[index + 1][0] if index + 1 < len(fragments) else None
        total = _ems(text) or 1.0
        scale = (following - x) / total if following is not None and following > x else size
        for word in re.finditer(r"\S+", text):
            words.append(_Word(word.group(), x + _ems(text[: word.start()]) * scale))
    return words


def _ems(text: str) -> float:
    """Rough width of `text` in ems for a Times-like font: spaces are half as wide as other characters."""
    return sum(0.25 if ch.isspace() else 0.5 for ch in text)


def _fill_blank(text: str, stamp: Stamp, rows: list[tuple[float, list[_Word]]]) -> str:
    """`text` with `stamp` written into the blank of its row between its neighbouring words, if there is one.

    The blank is found in `text` by the characters around it on the row (up to 8 on each side, spaces
    ignored, since the text layer may split or space a word differently than the drawing operators do).
    """
    tolerance = max(2.0, stamp.size * 0.3)
    near = [(abs(y - stamp.y), words) for y, words in rows if abs(y - stamp.y) <= tolerance]
    near = [(dy, words) for dy, words in near if _within_reach(stamp, words)]
    if not near:
        return text
    words = min(near, key=lambda r: r[0])[1]
    split = sum(1 for w in words if w.x < stamp.x - 0.5)
    cuts = [split]
    # Word positions are estimates: a word starting within an em of the stamp may be on either side.
    if split < len(words) and words[split].x - stamp.x < stamp.size:
        cuts.append(split + 1)
    if split > 0 and stamp.x - words[split - 1].x < stamp.size:
        cuts.append(split - 1)
    for cut in cuts:
        left, right = words[:cut], words[cut:]
        apart = bool(left and right) and right[0].x - _end(left[-1], stamp.size) >= _ems(stamp.text) * stamp.size
        apart = apart or (bool(left) and not right and stamp.x >= _end(left[-1], stamp.size))  # drawn past the row's end
        filled = _fill_gap(text, stamp, left, right, spaced_apart=cut == split and apart)
        if filled is not None:
            words.insert(cut, _Word(stamp.text, stamp.x))  # the row's next blank is found with this in place
            return filled
    return text


def _end(word: _Word, size: float) -> float:
    return word.x + _ems(word.text) * size


def _fill_gap(text: str, stamp: Stamp, left: list[_Word], right: list[_Word], *, spaced_apart: bool) -> str | None:
    """`text` with the stamp between the words `left` and `right` of its row, None when no blank is there.

    A blank is two or more spaces in the text, or one when the drawn words are `spaced_apart` by at
    least the stamp's width (some producers leave the blank as a jump of the text position).
    """
    before = "".join(w.text for w in left)[-_CONTEXT:]
    after = "".join(w.text for w in right)[:_CONTEXT]
    if not before and not after:
        return None
    head = _spaced(before) if before else r"(?m:^)"
    tail = _spaced(after) if after else r"(?m:$)"
    matches = list(re.finditer(f"{head}([ \\t]*){tail}", text))
    if not matches:
        return None
    found = max(matches, key=lambda m: len(m.group(1)))
    if before and len(found.group(1)) < (1 if spaced_apart else 2):
        # No blank after the word (a line may start with a blank, so `before` alone is checked); a value drawn past
        # the row's last word fills the end of the line, whose one space the text layer adds to every line
        # ("Hà Nội, ngày 20 tháng 12 năm " + "2024").
        return None
    glue_left = "" if not before or before.endswith(("/", "-")) or stamp.text.startswith(("/", "-")) else " "
    glue_right = "" if not after or after.startswith(("/", "-", ".", ",", ";")) or stamp.text.endswith(("/", "-")) else " "
    gap_start, gap_end = found.span(1)
    return text[:gap_start] + glue_left + stamp.text + glue_right + text[gap_end:]


def _within_reach(stamp: Stamp, words: list[_Word]) -> bool:
    """Whether a word of the row ends or starts within three ems of the stamp (a blank, not a far column)."""
    reach = 3 * stamp.size
    left = [w for w in words if w.x < stamp.x - 0.5]
    right = [w for w in words if w.x >= stamp.x - 0.5]
    ends_near = bool(left) and stamp.x - (left[-1].x + _ems(left[-1].text) * stamp.size) <= reach
    starts_near = bool(right) and right[0].x - (stamp.x + _ems(stamp.text) * stamp.size) <= reach
    return ends_near or starts_near


def _spaced(chars: str) -> str:
    """A pattern for `chars` that allows white space between any two of them."""
    return r"\s*".join(re.escape(ch) for ch in chars)
