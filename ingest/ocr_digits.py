"""Digits of document numbers and dates on a scanned page read again from the image where tesseract was unsure.

Why: one misread digit in "Căn cứ Luật số 25/2008/QH12 ngày 03 tháng 6 năm 2008" cites another
document (25 read 235, 2008 read 2006, 1082 read 1052: measured with bench/ocr_facts.py on 23
development scans), and no rule on the text can see which digit is wrong. The image can. Suspects
are the words of a number or a date (the word after "ngày", "tháng", "năm") that tesseract read
with low confidence, that are no valid number or date even after ocr_repair ("tháng I1]"), or
whose year disagrees with the year of the date right after the number ("số 29/2023/NĐ-CP ngày 20
tháng 3 năm 2025"). Each suspect word is cut from the page at its box, set on blank paper and read
again as a line of its own (`--psm 7`), as scanned and with its ink thickened, by two models:
Vietnamese, and English, whose digits of a serif italic are surer (it reads "51" where the
Vietnamese model reads "31"). The word takes a value that a majority of the five readings (the
first and the four re-readings) agree on and no other value matches, or, when the first reading
is no number or date at all, one that two re-readings agree on. Where a number's year and its date's year
still disagree, a value that makes them agree, when some reading of the image gave it, is taken:
text is never "corrected" without the image saying so. What is written is what was re-read, in
digits ("tháng 11", not "tháng I1]"); the letters of a number's codes stay as first read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar

from ingest.ocr_repair import NUMERAL_LIKE, repair_document_number
from vntext.normalize import fold_diacritics
from vntext.numbers import parse_document_number

LOW_CONFIDENCE = 90.0  # a number or date word read with less is read again
RENDERINGS = (("grey", 1), ("thick", 1))  # (ink, scale) of each re-reading, by each model
LANGUAGES = ("vie", "eng")  # models reading again; only Vietnamese writes "tháng", both write digits
MAJORITY = 3  # of the five readings (the first and four re-readings) a new value needs (2 re-readings if the first is none)
MAX_WORDS = 40  # words of one page read again at most (a page of tables of figures is no citation list)

# The look-alikes of a numeral's digits (ocr_repair), and in a word already known to be a day, month or year
# also T and L read for 1, $ for 5, § for 8.
_DIGIT_LIKE = {**NUMERAL_LIKE, "T": "1", "L": "1", "$": "5", "§": "8"}
_TO_DIGIT = str.maketrans(_DIGIT_LIKE)
_TRAIL = ".,;:)]}"
_LEAD = "([{_/-—–'\"‘“"
_KEYWORDS = {"ngay": "day", "thang": "month", "nam": "year"}
_KEYWORD_FORMS = {"ngày", "Ngày", "tháng", "Tháng", "năm", "Năm"}
_RANGES = {"day": (1, 31), "month": (1, 12), "year": (1900, 2099)}
_D = f"[0-9{re.escape(''.join(_DIGIT_LIKE))}]"
_NUMBERISH = re.compile(rf"^\(?{_D}{{1,5}}\s?/")
_NUMERIC_DATE = re.compile(rf"^\(?(?P<d>{_D}{{1,2}})/(?P<m>{_D}{{1,2}})/(?P<y>{_D}{{4}})$")


class WordBox(Protocol):
    """A word tesseract read: its box on the page, its confidence and text (ingest.ocr's words)."""

    @property
    def left(self) -> int: ...
    @property
    def top(self) -> int: ...
    @property
    def right(self) -> int: ...
    @property
    def bottom(self) -> int: ...
    @property
    def confidence(self) -> float: ...
    @property
    def text(self) -> str: ...


W = TypeVar("W", bound=WordBox)
Row = tuple[tuple[int, int], list[list[W]]]
# read_words(images, language) -> the text tesseract reads on each image as one word
WordReader = Callable[[list[Any], str], list[str]]


@dataclass(frozen=True)
class _Slot:
    row: int
    segment: int
    index: int
    kind: str  # "day", "month", "year", "date" (18/7/2017), "number", "keyword"
    span: int = 1  # words: 2 for a numeral OCR split in two ("số 1 082/QĐ-UBND")


@dataclass(frozen=True)
class OcrWord:
    """A word tesseract read: its box on the page image, its confidence and its text (ingest.ocr's TSV
    words, and two of them read as one here)."""

    left: int
    top: int
    right: int
    bottom: int
    confidence: float
    text: str


def slot_value(kind: str, text: str) -> str | None:
    """What a word of a date or a number stands for, or None when it is no valid one even once repaired.

    For a document number, its numeral and year (the digits that can be misread).

    >>> slot_value("month", "I1]"), slot_value("year", "2010;"), slot_value("day", "32")
    ('11', '2010', None)
    >>> slot_value("number", "29/2O23/NĐ-CP;"), slot_value("number", "1082/QĐ-UBND"), slot_value("number", "Luật")
    ('29/2023', '1082', None)
    >>> slot_value("keyword", "thẳng"), slot_value("keyword", "tháng"), slot_value("date", "18/7/2O17;")
    (None, 'tháng', '18/7/2017')
    """
    core = text.strip().rstrip(_TRAIL).lstrip(_LEAD)
    if kind == "keyword":
        return core if core in _KEYWORD_FORMS else None
    if kind == "date":  # "18/7/2017"
        match = _NUMERIC_DATE.match(core)
        parts = [slot_value(k, match.group(g)) for k, g in (("day", "d"), ("month", "m"), ("year", "y"))] if match else [None]
        return "/".join(p for p in parts if p) if all(parts) else None
    if kind == "number":
        repaired = repair_document_number(core)
        parsed = parse_document_number(repaired) if repaired else None
        if parsed is None or parsed.is_party:
            return None
        return f"{parsed.number}/{parsed.year}" if parsed.year else parsed.number
    digits = core.translate(_TO_DIGIT)
    low, high = _RANGES[kind]
    if not digits.isdigit() or len(digits) > (4 if kind == "year" else 2) or not low <= int(digits) <= high:
        return None
    return digits


def _slots(rows: Sequence[Row]) -> list[_Slot]:
    """The words of each line that are a date's day, month or year (after ngày, tháng, năm) or a document number."""
    found = []
    for r, (_, segments) in enumerate(rows):
        for s, words in enumerate(segments):
            for i, word in enumerate(words):
                key = _keyword(words[i - 1].text) if i else ""
                between = i + 1 < len(words) and _keyword(words[i + 1].text) == _NEXT.get(key) and len(word.text) <= 4
                if key in _KEYWORDS and (_digit_like(word.text) or between):  # "tháng ở năm": the 8 read as a letter
                    if slot_value("keyword", words[i - 1].text) is None:  # "thẳng 11": the date no longer parses
                        found.append(_Slot(r, s, i - 1, "keyword"))
                    found.append(_Slot(r, s, i, _KEYWORDS[key]))
                elif _NUMERIC_DATE.match(word.text.rstrip(_TRAIL)) and any(c.isdigit() for c in word.text):
                    found.append(_Slot(r, s, i, "date"))
                elif _NUMBERISH.match(word.text) and any(c.isdigit() for c in word.text):
                    split = i > 1 and _keyword(words[i - 2].text) == "so" and len(words[i - 1].text) <= 2
                    if split and _digit_like(words[i - 1].text):  # "số 1 082/QĐ-UBND": a space OCR put in the numeral
                        found.append(_Slot(r, s, i - 1, "number", span=2))
                    else:
                        found.append(_Slot(r, s, i, "number"))
    return found


_NEXT = {"ngay": "thang", "thang": "nam"}


def _keyword(text: str) -> str:
    return fold_diacritics(text).lower().strip(_TRAIL)


def _digit_like(text: str) -> bool:
    core = text.strip().rstrip(_TRAIL)
    return 0 < len(core) <= 5 and all(c.isdigit() or c in _DIGIT_LIKE for c in core)


def _word(rows: Sequence[Row], slot: _Slot) -> WordBox:
    words = rows[slot.row][1][slot.segment][slot.index : slot.index + slot.span]
    if len(words) == 1:
        return words[0]
    return OcrWord(
        min(w.left for w in words),
        min(w.top for w in words),
        max(w.right for w in words),
        max(w.bottom for w in words),
        min(w.confidence for w in words),
        " ".join(w.text for w in words),
    )


def _disagreeing(rows: Sequence[Row], slots: list[_Slot]) -> list[tuple[_Slot, _Slot]]:
    """(number, year) where a number's year is not the year of the date right after it, in one paragraph."""
    pairs = []
    for n, slot in enumerate(slots):
        value = slot_value("number", _word(rows, slot).text) if slot.kind == "number" else None
        if value is None or "/" not in value:
            continue
        for later in slots[n + 1 : n + 5]:
            if later.kind == "number" or rows[later.row][0] != rows[slot.row][0] or later.row > slot.row + 1:
                break
            if later.kind in ("year", "date"):
                if _year(later.kind, _word(rows, later).text) not in (None, value.split("/")[1]):
                    pairs.append((slot, later))
                break
    return pairs


def _year(kind: str, text: str) -> str | None:
    """The year of a date's year word or of a date written "18/7/2017"."""
    value = slot_value(kind, text)
    return value.rsplit("/", 1)[-1] if value else None


def reread_citation_digits(rows: list[Row], image: Any, read_words: WordReader) -> list[Row]:
    """`rows` with the suspect words of numbers and dates replaced by what re-readings of the image agree on.

    `image` is the page as read (deskewed, Pillow greyscale); `read_words(images, language)` reads a
    list of word images with tesseract (one run for all) and returns each one's text.
    """
    slots = _slots(rows)
    pairs = _disagreeing(rows, slots)
    suspects = {s for pair in pairs for s in pair}
    for slot in slots:
        word = _word(rows, slot)
        if word.confidence < LOW_CONFIDENCE or slot_value(slot.kind, word.text) is None:
            suspects.add(slot)
    ordered = sorted(suspects, key=lambda s: (s.row, s.segment, s.index))[:MAX_WORDS]
    if not ordered:
        return rows
    crops = [_word_image(image, _word(rows, s), ink=ink, scale=scale) for s in ordered for ink, scale in RENDERINGS]
    readings: dict[_Slot, list[str]] = {s: [] for s in ordered}
    for language in LANGUAGES:
        texts = read_words(crops, language)
        for n, slot in enumerate(ordered):
            readings[slot].extend(texts[n * len(RENDERINGS) : (n + 1) * len(RENDERINGS)])
    chosen = {s: _vote(s.kind, _word(rows, s).text, readings[s]) for s in ordered}
    for number, year in pairs:
        if number in readings and year in readings:
            _agree(rows, number, year, readings, chosen)
    return _rewritten(rows, {s: text for s, text in chosen.items() if text is not None})


def _word_image(image: Any, word: WordBox, *, ink: str, scale: int) -> Any:
    """The word cut at its box and set on blank paper, thickened or not, scaled.

    Cut at its box, not with a margin of the page: the strokes of the lines above and below
    throw the line's height off ("35/2018" read "33/2018").
    """
    import numpy as np
    from PIL import Image, ImageFilter, ImageOps

    box = (max(0, word.left - 2), max(0, word.top - 2), min(image.width, word.right + 2), min(image.height, word.bottom + 2))
    crop = image.crop(box)
    paper = int(np.percentile(np.asarray(crop), 90))
    if ink == "thick":
        crop = crop.filter(ImageFilter.MinFilter(3))
    crop = ImageOps.expand(crop, border=max(4, (word.bottom - word.top) // 2), fill=paper)
    if scale != 1:
        crop = crop.resize((crop.width * scale, crop.height * scale), Image.Resampling.LANCZOS)
    return crop


def _votes(kind: str, first: str, others: list[str]) -> Counter[str]:
    return Counter(v for v in (slot_value(kind, t) for t in [first, *others]) if v is not None)


def _vote(kind: str, first: str, others: list[str]) -> str | None:
    """The text a suspect word should have, or None to keep it as first read.

    A value that a majority of the readings agree on, more often than any other; where the first
    reading is no value at all ("tháng ở năm", "thẳng"), one that two re-readings agree on (of a
    "tháng" only the Vietnamese readings can say: the English model writes "thang").
    """
    votes = _votes(kind, first, others)
    own = slot_value(kind, first)
    ranked = votes.most_common(2)
    needed = MAJORITY if own is not None else 2
    if not ranked or ranked[0][1] < needed:
        return None
    best, count = ranked[0]
    if len(ranked) > 1 and ranked[1][1] == count:
        return None  # a tie: the image does not say which
    if best == own:  # confirmed; written in digits when first read with look-alikes ("I1]")
        return None if _plain(first, own) else _written(kind, best, first, others)
    return _written(kind, best, first, others) if own is None or count > votes[own] else None


def _plain(text: str, value: str | None) -> bool:
    core = text.strip().rstrip(_TRAIL).lstrip("(")
    return value is not None and (core == value or core.startswith(f"{value}/"))


def _written(kind: str, value: str, first: str, others: list[str]) -> str | None:
    """The word as the page has it, with `value` for its digits and the first reading's punctuation."""
    lead = "(" if first.strip().startswith("(") else ""
    trail = "".join(c for c in first[len(first.rstrip(_TRAIL)) :] if c in ".,;:)")
    if kind != "number":
        return f"{lead}{value}{trail}"
    for text in [first, *others]:  # the codes as first read when they parse, else as the Vietnamese model read them
        repaired = repair_document_number(text.strip().rstrip(_TRAIL).lstrip(_LEAD))
        digits = slot_value(kind, text)
        if repaired and digits and repaired.startswith(digits):
            return f"{lead}{value}{repaired[len(digits) :]}{trail}"
    return None


def _agree(
    rows: Sequence[Row], number: _Slot, year: _Slot, readings: dict[_Slot, list[str]], chosen: dict[_Slot, str | None]
) -> None:
    """Where a number's year and its date's year still disagree, take a value read from the image that makes them agree."""
    number_text = chosen.get(number) or _word(rows, number).text
    year_text = chosen.get(year) or _word(rows, year).text
    number_value, year_value = slot_value("number", number_text), _year(year.kind, year_text)
    if number_value is None or year_value is None or number_value.endswith(f"/{year_value}"):
        return
    number_read = {v for v in (slot_value("number", t) for t in readings[number]) if v}
    year_read = {v for v in (slot_value(year.kind, t) for t in readings[year]) if v}
    fits_date = [v for v in number_read if v.endswith(f"/{year_value}") and v.split("/")[0] == number_value.split("/")[0]]
    fits_number = [v for v in year_read if number_value.endswith("/" + v.rsplit("/", 1)[-1])]
    if len(fits_date) == 1 and not fits_number:  # the number's year was misread
        chosen[number] = _written("number", fits_date[0], number_text, readings[number])
    elif len(fits_number) == 1 and not fits_date:  # the date's year was
        chosen[year] = _written(year.kind, fits_number[0], year_text, readings[year])


def _rewritten(rows: list[Row], texts: dict[_Slot, str]) -> list[Row]:
    if not texts:
        return rows
    out = [(paragraph, [list(words) for words in segments]) for paragraph, segments in rows]
    for slot, text in sorted(texts.items(), key=lambda item: -item[0].index):  # a span's second word goes
        words = out[slot.row][1][slot.segment]
        last = words[slot.index + slot.span - 1]
        words[slot.index : slot.index + slot.span] = [replace(words[slot.index], text=text, right=last.right)]
    return out
