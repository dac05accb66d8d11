"""A formal header's type headings, and its lines that a layout ran together cut back apart.

ingest.lines gives one logical line per printed line or table cell. Some sources print several header lines
as one: antiword flattens a .doc header table's cell ("THỦ TƯỚNG CHÍNH PHỦ ------- Số: 01/2014/QĐ-TTg"); a
crawled page runs the date, the title and the first sentence together ("Hà Nội, ngày 31 tháng 5 năm 2023
THÔNG TƯ QUY ĐỊNH VỀ …", "… VỀ DI SẢN VĂN HÓA Di sản văn hóa Việt Nam là …") and puts its editors' notes
inside the title ("LUẬT [Quy định … được thực hiện theo Nghị định 151/2025/NĐ-CP …] ĐẤT ĐAI"); a lost line
break glues a title to its first word ("QUYẾT ĐỊNHVề việc …", "LUẬTVIÊN CHỨC"). The cuts are found in the
raw text and each piece is read again by ingest.lines, so every piece keeps its own span.
"""

from __future__ import annotations

import re

from ingest.lines import Line
from vntext.normalize import fold_diacritics, has_vietnamese_diacritics

# Type headings, longest first ("BỘ LUẬT" before "LUẬT", "THÔNG TƯ LIÊN TỊCH" before "THÔNG TƯ").
TYPE_HEADINGS = (
    "THÔNG TƯ LIÊN TỊCH",
    "NGHỊ QUYẾT LIÊN TỊCH",
    "HIẾN PHÁP",
    "BỘ LUẬT",
    "LUẬT",
    "PHÁP LỆNH",
    "LỆNH",
    "NGHỊ QUYẾT",
    "NGHỊ ĐỊNH",
    "QUYẾT ĐỊNH",
    "THÔNG TƯ",
    "CHỈ THỊ",
    "KẾT LUẬN",
    "KẾ HOẠCH",
    "CHƯƠNG TRÌNH",
    "ĐỀ ÁN",
    "PHƯƠNG ÁN",
    "BÁO CÁO",
    "TỜ TRÌNH",
    "HƯỚNG DẪN",
    "QUY CHẾ",
    "QUY ĐỊNH",
    "THÔNG BÁO",
    "CÔNG ĐIỆN",
    "CÔNG VĂN",
)
_HEADINGS_BY_FOLD = {fold_diacritics(h): h for h in TYPE_HEADINGS}
_HEADING_FOLDED = re.compile(r"^(" + "|".join(map(re.escape, _HEADINGS_BY_FOLD)) + r")(?:\s+\S.*)?$")
# The registry stamp an office puts on a document it receives ("CÔNG VĂN ĐẾN / Số: … / Ngày: …"), read by OCR
# from a scan beside the header: not the document's type.
_RECEIPT_STAMP = re.compile(r"^cong van (?:den|di)\b")
_HEADING_WORDS = "|".join(r"\s+".join(map(re.escape, h.split())) for h in TYPE_HEADINGS)
# A rule drawn inside a cell, between its lines ("CHÍNH PHỦ ------- Số: …", "Hạnh phúc ----- Hà Nội, ngày …"):
# dashes, not underscores or dots, which stand for a blank numeral or day ("Số: ____/QĐ-UBND").
_INNER_RULE = re.compile(r"(?<=\S) ?[-=]{3,} ?(?=[^\s/\-=])")
_SUBJECT_OF_LETTER = re.compile(r"(?<=\S )V/v\b")
# The date line with the type heading run onto it: "… ngày 19 tháng 06 năm 2014 LUẬT PHÁ SẢN".
_DATE_THEN_HEADING = re.compile(rf"n[ăa]m ?(?:19|20)\d\d[.,)]? (?:\| )?(?=(?:{_HEADING_WORDS})(?![^\W\d_]))")
_HEADING_AT_START = re.compile(rf"(?:{_HEADING_WORDS})")
# An editor's note of a crawled page, in brackets inside the title.
_EDITORS_NOTE = re.compile(r" ?\[[^\[\]]{0,800}\] ?")
# The enacting body or office holder a crawled page runs onto the end of the title ("… NĂM 2015 BỘ TRƯỞNG BỘ TƯ
# PHÁP", "… NGOÀI HỢP ĐỒNG HỘI ĐỒNG THẨM PHÁN TÒA ÁN NHÂN DÂN TỐI CAO"), unless a word before it makes it the
# title's own ("… CỦA THỦ TƯỚNG CHÍNH PHỦ", "CƠ QUAN THUỘC CHÍNH PHỦ", "BỔ NHIỆM GIÁM ĐỐC SỞ …").
_ENACTING_AT_END = re.compile(
    r"(?<!CỦA)(?<!VÀ)(?<!VỀ)(?<!CHO)(?<!TẠI)(?<!THUỘC)(?<!VỚI)(?<!GIỮA)(?<!DO)(?<!PHÓ)(?<!NHIỆM)(?<!,) "
    r"(?=(?:BỘ TRƯỞNG BỘ|THỦ TƯỚNG CHÍNH PHỦ|CHỦ TỊCH (?:ỦY|UỶ) BAN|(?:TỔNG )?CỤC TRƯỞNG|GIÁM ĐỐC|THỐNG ĐỐC|CHÁNH ÁN"
    r"|VIỆN TRƯỞNG|HỘI ĐỒNG THẨM PHÁN|(?:ỦY|UỶ) BAN NHÂN DÂN (?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ)|CHÍNH PHỦ$|QUỐC HỘI$))"
)
_WORD = re.compile(r"\S+")
# Two syllables in capitals glued where a line break inside a .doc table cell was lost ("NGÂN HÀNG NHÀ NƯỚCVIỆT NAM",
# "BỘ TÀI CHÍNHTỔNG CỤC HẢI QUAN"): a consonant run between two vowels, which no single syllable has.
_VOWELS = "aeiouy"  # as fold_diacritics writes them
_ONSET = re.compile(r"(?:NGH|NG|NH|CH|GH|KH|PH|TH|TR|[BCDĐGHKLMNPQRSTVX])$")
_FINALS = ("", "C", "CH", "M", "N", "NG", "NH", "P", "T")


def type_heading(line: Line) -> tuple[str, str | None] | None:
    """(the type heading, the rest of its line) when a line opens with one in capitals ("QUYẾT ĐỊNH",
    "NGHI DINH" read by OCR without its marks); None otherwise."""
    text = line.text
    if text.endswith(":"):
        return None  # "QUYẾT ĐỊNH:" opens the articles
    folded = fold_diacritics(text)
    match = _HEADING_FOLDED.match(folded)
    if match is None or not text[: match.end(1)].isupper() or _RECEIPT_STAMP.match(folded):
        return None
    rest = text[match.end(1) :].strip() or None
    return _HEADINGS_BY_FOLD[match.group(1)], rest


def header_lines(text: str, lines: list[Line]) -> list[Line]:
    """`lines` (logical lines of `text`) with each line a layout ran together cut into the lines it prints as.

    >>> from ingest.lines import logical_lines
    >>> text = "BỘ TÀI CHÍNH ------- Số: 33/2023/TT-BTC\\nHà Nội, ngày 31 tháng 5 năm 2023 THÔNG TƯ QUY ĐỊNH VỀ XUẤT XỨ"
    >>> [line.text or "|" for line in header_lines(text, logical_lines(text))]
    ['BỘ TÀI CHÍNH', '|', 'Số: 33/2023/TT-BTC', 'Hà Nội, ngày 31 tháng 5 năm 2023', 'THÔNG TƯ QUY ĐỊNH VỀ XUẤT XỨ']
    """
    out: list[Line] = []
    for line in _rejoined(text, lines):
        for piece in _cut(text, line, _cell_gaps(line.text)):
            for index, part in enumerate(_cut(text, piece, _date_gaps(piece.text))):
                heading = _HEADING_AT_START.match(part.text)
                out += _cut(text, part, _title_gaps(part.text, heading.end(), glued=index > 0)) if heading else [part]
    return out


def _rejoined(text: str, lines: list[Line]) -> list[Line]:
    """The lines with "… QUỐC HỘI NƯỚC" / "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM …" put back together: ingest.lines
    reads the motto there as a second column, in a crawled page's one-line title ("LUẬT CỦA QUỐC HỘI NƯỚC CỘNG HÒA
    XÃ HỘI CHỦ NGHĨA VIỆT NAM SỐ 28/2001/QH10 VỀ DI SẢN VĂN HÓA", "HIẾN PHÁP … NƯỚC CỘNG HÒA …"). "NHÀ NƯỚC" is
    the State, the end of an issuer's name beside the motto ("NGÂN HÀNG NHÀ NƯỚC      CỘNG HÒA …"): two columns."""
    out: list[Line] = []
    for line in lines:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.text.endswith(" NƯỚC")
            and not previous.text.endswith(" NHÀ NƯỚC")
            and line.text.startswith(("CỘNG HÒA", "CỘNG HOÀ"))
            and not text[previous.end : line.start].strip()
        ):
            out[-1] = Line(f"{previous.text} {line.text}", previous.start, line.end)
        else:
            out.append(line)
    return out


def _cut(text: str, line: Line, gaps: list[tuple[int, int, bool]]) -> list[Line]:
    """The pieces of `line` between `gaps` ((start, end, is_rule) in its clean text), each with its span in `text`.
    A rule becomes a separator line, so the blocks on either side stay apart; any other gap's text (an editor's
    note) is read over, left in the span of the piece before it, so a header that ends there ends past it."""
    if line.blank or not gaps:
        return [line]
    pieces, cursor = [], 0
    for start, end, rule in sorted(gaps) + [(len(line.text), len(line.text), False)]:
        if start < cursor:
            continue  # a gap inside one already cut
        piece = line.text[cursor:start]
        first, last = cursor + len(piece) - len(piece.lstrip(" |")), cursor + len(piece.rstrip(" |"))
        if first < last:
            pieces.append(Line(line.text[first:last], _raw(text, line, first, opening=True), _raw(text, line, last)))
        if rule:
            pieces.append(Line("", _raw(text, line, start), _raw(text, line, end), blank=True, rule=True))
        elif end > start and pieces and not pieces[-1].blank:  # an editor's note: left out, in the span of the piece before
            pieces[-1] = Line(pieces[-1].text, pieces[-1].start, _raw(text, line, end))
        cursor = end
    return pieces


def _raw(text: str, line: Line, offset: int, *, opening: bool = False) -> int:
    """Where `offset` of a line's clean text falls in `text`: just past the clean text's first `offset` characters
    (or, `opening`, on the character at `offset`). The clean text's letters come in the same order as the raw
    text's, which has marks and spaces besides."""
    position = line.start
    for char in line.text[: offset + 1 if opening else offset]:
        if not char.isspace():
            found = text.find(char, position, line.end)
            position = found + 1 if found >= 0 else position
    return position - 1 if opening else position


def _cell_gaps(text: str) -> list[tuple[int, int, bool]]:
    """Rules drawn inside a cell, a letter's "V/v …" after its number ("Số: 1368/BXD-VLXD V/v: khảo sát …"), and
    lines of capitals glued together."""
    rules = [(m.start(), m.end(), True) for m in _INNER_RULE.finditer(text)]
    letters = [(m.start(), m.start(), False) for m in _SUBJECT_OF_LETTER.finditer(text)]
    glued = [(at, at, False) for word in _WORD.finditer(text) for at in _glued_syllables(word.group(0), word.start())]
    return rules + letters + glued


def _glued_syllables(word: str, offset: int) -> list[int]:
    """Where a word in capitals is two syllables glued together ("NƯỚCVIỆT" -> after "NƯỚC"), each carrying a mark
    (so "ASEAN" and "UNESCO" stay whole): the next syllable takes the longest opening consonants it can."""
    if not word.isupper() or not word.isalpha():
        return []
    vowel = [_is_vowel(c) for c in word]
    cuts, last = [], 0
    for at in range(1, len(word) - 1):
        if vowel[at] or not vowel[at - 1]:
            continue
        end = next((i for i in range(at, len(word)) if vowel[i]), None)
        if end is None:
            break
        run = word[at:end]
        onset = _ONSET.search(run)
        final = run[: onset.start()] if onset else run
        cut = at + len(final)
        first, second = word[last:cut], word[cut : end + 4]
        if final in _FINALS and has_vietnamese_diacritics(first) and has_vietnamese_diacritics(second):
            cuts.append(offset + cut)
            last = cut
    return cuts


def _date_gaps(text: str) -> list[tuple[int, int, bool]]:
    match = _DATE_THEN_HEADING.search(text)
    return [(match.end(), match.end(), False)] if match else []


def _title_gaps(text: str, heading_end: int, *, glued: bool) -> list[tuple[int, int, bool]]:
    """In a line that opens with a type heading: the heading glued to its first word, editors' notes, where a title
    in capitals runs into a sentence, and (in a line cut from the date's, `glued`) the enacting body after it."""
    gaps = []
    after = text[heading_end : heading_end + 2]
    if after[:1].isalpha() and (after[1:].islower() or _ends_syllable(text[:heading_end], after[0])):
        gaps.append((heading_end, heading_end, False))  # "QUYẾT ĐỊNHVề việc", "LUẬTVIÊN CHỨC"
    gaps += [(m.start(), m.end(), False) for m in _EDITORS_NOTE.finditer(text, heading_end)]
    sentence = _sentence_start(text, heading_end, gaps)
    end = len(text) if sentence is None else sentence
    if sentence is not None:
        gaps.append((sentence, sentence, False))
    if glued:
        letters = list(text[:end])
        for start, stop, _ in gaps:
            letters[start:stop] = " " * len(letters[start:stop])  # the notes left out
        title = "".join(letters).rstrip()
        enacting = next((m for m in _ENACTING_AT_END.finditer(title, heading_end) if title[m.end() :].isupper()), None)
        if enacting is not None:  # the body or office holder, in capitals to the end of the title
            gaps.append((enacting.start(), enacting.end(), False))
    return gaps


def _is_vowel(letter: str) -> bool:
    return fold_diacritics(letter) in _VOWELS


def _ends_syllable(heading: str, following: str) -> bool:
    """Whether a capital after the heading's last letter must open a new word: "LUẬT" + "V", "ĐỊNH" + "V" (but
    "…N" + "G" or "H", or a vowel after a vowel, could still be the same syllable)."""
    last, nxt = heading[-1:], following.upper()
    if not last or _is_vowel(last) or _is_vowel(nxt):
        return False
    return not (last == "N" and nxt in "GH") and not (last == "C" and nxt == "H")


def _sentence_start(text: str, start: int, notes: list[tuple[int, int, bool]]) -> int | None:
    """Where a title in capitals runs into a sentence on the same line ("… VỀ DI SẢN VĂN HÓA Di sản văn hóa
    Việt Nam là …"): the first mixed-case word after capitals; codes and numbers ("QĐ-TTg", "28/2001/QH10")
    count as neither."""
    capitals = False
    for word in _WORD.finditer(text, start):
        if any(a <= word.start() < b for a, b, _ in notes):
            continue
        letters = [c for c in word.group(0) if c.isalpha()]
        if not letters or any(c.isdigit() or c == "/" for c in word.group(0)):
            continue
        if all(c.isupper() for c in letters):
            capitals = True
        elif capitals and letters[0].isupper():
            return word.start()
        else:
            return None
    return None
