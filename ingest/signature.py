"""The signature block of a formal document: signer's name, position and signing mode (TM., KT., Q., TL., TUQ.).

"TM. CHÍNH PHỦ / KT. THỦ TƯỚNG / PHÓ THỦ TƯỚNG / Vũ Đức Đam": the signer signs for (KT.) the Prime
Minister, on behalf of (TM.) the Government; the mode recorded is the signer's own, the innermost
one (KT.). The block is the first one after the body (annexes carry forms with blocks of their own),
read from logical lines (ingest.lines) so a .docx cell, a Markdown table or PDF columns run together
give the same facts. Traps: an e-signature stamp ("Ký bởi: …", "Người ký: Cổng Thông tin điện tử …")
is not the signer, and a portal banner may stand between the position and the name.

Crawled and converted texts flatten the whole block onto one line with whatever stood around it ("- Lưu: VT. |
BỘ TRƯỞNG (đã ký) Trịnh Đình Dũng", "TM. CHÍNH PHỦ KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG Trần Hồng Hà PHỤ LỤC I (Kèm theo …",
"XÁC THỰC VĂN BẢN HỢP NHẤT CHỦ NHIỆM Bùi Văn Cường [1] Luật số …"): such a line is read as capitals naming a
position (ingest.positions), then a personal name cut where the next item starts (ingest.personal_names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.lines import Line, logical_lines
from ingest.personal_names import FAMILY_NAMES, NAME_WORD, RANKS, SIGNED, is_name, leading_name, personal_name
from ingest.positions import LONE_MODE, MODE, MODES, POSITIONS, position_line, read_capitals, wrapped_position

__all__ = ["POSITIONS", "Signature", "parse_signature"]  # POSITIONS: graph.agencies names positions from it

_TRAILING_NAME = re.compile(rf"(?:^|[.,;:]\s|\s)({NAME_WORD}(?:\s{NAME_WORD}){{1,3}})$")
_TRAILING_CAPITALS = re.compile(r"(?:^|\s)((?:[A-ZĐÀ-Ỹ]{1,7}\s?){2,6})$")
_SKIP = re.compile(
    r"^(?:-|\+|•|Nơi nhận|Ký bởi|Người ký|Email|Cơ quan:|Thời gian ký|Trang chủ|http|\[|\((?!\s*đã\s+k)|Đã ký\W*$|Lưu|CÔNG BÁO|\d+$|\d+\s+CÔNG BÁO)",
    re.IGNORECASE,
)
# Where a block has ended: an annex, a form, an article, the motto of the next document's header (an annex's; the
# national name alone may be a position's end: "CHỦ TỊCH" / "NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").
_BLOCK_END = re.compile(
    r"^(?:Phụ lục|PHỤ LỤC|_?Điều \d|Mẫu|MẪU|Chương [IVX\d]|Mục \d|QUY ĐỊNH|QUY CHẾ|DANH MỤC|Độc lập\s*[-–]\s*Tự do"
    r"|\((?:Ban hành )?[Kk]èm theo)"
)
BLOCK_SEARCH = 40  # logical lines between the position and the name (a recipients list may stand between)


@dataclass(frozen=True)
class Signature:
    """Who signed: name, position as printed ("PHÓ THỦ TƯỚNG"), mode ("KT."), and the block's span."""

    name: str
    position: str | None
    mode: str | None
    start: int
    end: int
    name_start: int
    name_end: int


def parse_signature(text: str, body_start: int = 0) -> Signature | None:
    """The first signature block after `body_start` (the end of the header), or None.

    >>> s = parse_signature("Điều 3. Thi hành./.\\nNơi nhận:\\n- Như Điều 3;\\nTM. CHÍNH PHỦ\\nKT. THỦ TƯỚNG\\nPHÓ THỦ TƯỚNG\\n[daky]\\nLê Minh Khái")
    >>> s.name, s.position, s.mode
    ('Lê Minh Khái', 'PHÓ THỦ TƯỚNG', 'KT.')
    >>> s = parse_signature("Nơi nhận: - Như trên; - Lưu: VT. | KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Thành Sinh")
    >>> s.name, s.position, s.mode
    ('Nguyễn Thành Sinh', 'PHÓ CHỦ TỊCH', 'KT.')
    """
    lines = [piece for line in logical_lines(text, body_start) for piece in _split(line)]
    for index, line in enumerate(lines):
        if not (MODE.match(line.text) or position_line(line.text) or _flattened(line.text)):
            continue
        block = _block(text, lines, index)
        if block is not None:
            return block
    return _name_marked_signed(text, lines)


def _name_marked_signed(text: str, lines: list[Line]) -> Signature | None:
    """A name over "(Đã ký)" or before it with no position printed: how text collections end a law whose signature
    block they kept only in part ("… thông qua ngày 17 tháng 6 năm 2003." / "Nguyễn Văn An" / "(Đã ký)", or
    "Nguyễn Văn An (Đã ký)" on one line)."""
    mark = next((i for i in range(len(lines) - 1, 0, -1) if not lines[i].blank and _SIGNED_MARK.search(lines[i].text)), None)
    before = mark if mark is None or not _SIGNED_MARK.match(lines[mark].text) else _previous_filled(lines, mark)
    person = personal_name(lines[before].text) if before is not None else None
    if person is None or before is None:
        return None
    return _signature(text, lines, before, before, (person, lines[before].start, lines[before].end), None, None)


def _previous_filled(lines: list[Line], index: int) -> int | None:
    return next((i for i in range(index - 1, -1, -1) if not lines[i].blank and lines[i].text), None)


_SIGNED_MARK = re.compile(rf"(?:^|\s){SIGNED}$")


def _split(line: Line) -> list[Line]:
    """A line with a trailing capitalized position or a trailing name (two columns run together) in two."""
    if line.blank or MODE.match(line.text) or line.upper or _flattened(line.text):
        return [line]
    listed = line.text.startswith(("-", "+", "•"))  # a recipient ("- UBND tỉnh Hà Tĩnh") is no signer
    for pattern, check in ((_TRAILING_CAPITALS, position_line), (_TRAILING_NAME, is_name)):
        match = pattern.search(line.text)
        # A recipient's line ends with "." or ";" before a name run onto it from the signature column
        # ("- Các BQL dự án ĐTXD tỉnh, Khu vực; Nguyễn Thế Phước"); one without ("- UBND tỉnh Hà Tĩnh") is no signer.
        if pattern is _TRAILING_NAME and listed and not re.search(r"[.;]\s*$", line.text[: match.start(1)] if match else ""):
            continue
        if match and check(match.group(1).strip()) and match.start(1) > 0:
            cut = line.start + max(0, line.end - line.start - (len(line.text) - match.start(1)))
            return [Line(line.text[: match.start(1)].strip(), line.start, cut), Line(match.group(1).strip(), cut, line.end)]
    return [line]


def _block(source: str, lines: list[Line], index: int) -> Signature | None:
    """Mode and position lines from `index` on, then the signer's name (None if no name follows).

    Block lines may be wrapped ("TM. ỦY BAN NHÂN" / "DÂN") or scattered between recipients when two
    columns were run together; a later mode line resets the position ("TM. …" / "KT. CHỦ TỊCH" /
    "PHÓ CHỦ TỊCH").
    """
    mode, position, last_block_line = _mode_above(lines, index), None, index
    for cursor in range(index, min(len(lines), index + BLOCK_SEARCH)):
        line = lines[cursor]
        text = line.text
        if line.blank or not text:
            continue
        if _BLOCK_END.match(text):
            break
        found = _mode_and_position(text) if (MODE.match(text) or line.upper or cursor == index or _flattened(text)) else None
        if found is not None:
            line_mode, line_position, name = found
            mode = line_mode or mode
            position = line_position or (None if line_mode else position)
            last_block_line = cursor
            if name:
                return _signature(source, lines, index, cursor, name, mode, position)
            continue
        if _SKIP.match(text):
            continue
        wrapped = line.upper and cursor == _next_filled(lines, last_block_line)
        if wrapped and position is not None and (longer := wrapped_position(position, text)) is not None:
            position, last_block_line = longer, cursor
            continue
        if line.upper:
            if _is_capitalized_name(text):  # "NGUYỄN VĂN A" printed in capitals
                return _signature(
                    source, lines, index, cursor, (text, line.start, line.end), mode, position, display=text.title()
                )
            continue
        person = personal_name(text, near=cursor - last_block_line < 3)
        if person:
            return _signature(source, lines, index, cursor, (person, line.start, line.end), mode, position)
    if mode or position:  # the name extracted before its block (a PDF read the cells out of order)
        for before in range(index - 1, max(-1, index - 3), -1):
            line = lines[before]
            person = personal_name(line.text) if not line.blank and not _SKIP.match(line.text) else None
            if person:
                return _signature(source, lines, before, index, (person, line.start, line.end), mode, position)
    return None


def _mode_above(lines: list[Line], index: int) -> str | None:
    """The mode printed on a line of its own over the block's first line ("KT." / "TỔNG CỤC TRƯỞNG PHÓ TỔNG CỤC
    TRƯỞNG Vũ Ngọc Anh"), or None."""
    before = _previous_filled(lines, index)
    alone = LONE_MODE.match(lines[before].text) if before is not None else None
    return MODES[alone.group(1)] if alone else None


def _next_filled(lines: list[Line], index: int) -> int:
    """The index of the first non-blank line after `index`."""
    return next((i for i in range(index + 1, len(lines)) if not lines[i].blank and lines[i].text), len(lines))


def _mode_and_position(text: str) -> tuple[str | None, str | None, tuple[str, int, int] | None] | None:
    """(mode, position, name) of a block line such as "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Thành Sinh" or "TM. CHÍNH PHỦ
    KT."; None if not one."""
    flat = _flattened(text)
    if flat is not None:
        return flat
    capitals = text.strip()
    if not re.fullmatch(r"[A-ZĐÀ-Ỹ ,.\-–/&]+", capitals):
        return None
    read = read_capitals(capitals)
    return None if read is None else (*read, None)


# The start of a name after the capitals of a flattened block, and what may stand between them ("(đã ký)",
# "Đại tướng", "[daky]").
_FAMILY_START = re.compile(r"(?<!\S)(?:" + "|".join(sorted(FAMILY_NAMES, key=len, reverse=True)) + r") (?=[A-ZĐÀ-Ỹ])")
_BETWEEN = re.compile(rf"(?:\s+(?:{SIGNED}|{RANKS}|\[[^\]\n]{{1,12}}\]))*\s*$", re.IGNORECASE)  # "THƯỢNG TƯỚNG" too


@lru_cache(maxsize=4096)
def _flattened(text: str) -> tuple[str | None, str, tuple[str, int, int]] | None:
    """(mode, position, name) of a whole block run onto one line with what stood around it: "TM. CHÍNH PHỦ KT. THỦ
    TƯỚNG PHÓ THỦ TƯỚNG Trần Hồng Hà PHỤ LỤC I (Kèm theo …", "BỘ TRƯỞNG (đã ký) Trịnh Đình Dũng", "Epas: 180408 CHỦ
    TỊCH QUỐC HỘI Vương Đình Huệ"; None unless capitals that name a position stand right before the name.

    >>> _flattened("XÁC THỰC VĂN BẢN HỢP NHẤT CHỦ NHIỆM Bùi Văn Cường [1] Luật số 03/2022/QH15")
    (None, 'CHỦ NHIỆM', ('Bùi Văn Cường', 36, 49))
    """
    for start in _FAMILY_START.finditer(text):
        before = text[max(0, start.start() - 300) : start.start()]
        between = _BETWEEN.search(before)  # matches, if only at the end
        capitals = _capitals_before(before[: between.start() if between else len(before)])
        read = read_capitals(capitals, anywhere=True) if capitals else None
        if read and read[1] and (name := leading_name(text, start.start())):
            return read[0], read[1], (name[0], name[1], name[1] + len(name[0]))
    return None


def _capitals_before(text: str) -> str:
    """The words in capitals `text` ends with, from the first that has a letter ("Epas: 180408 CHỦ TỊCH QUỐC HỘI" ->
    "CHỦ TỊCH QUỐC HỘI"; "- Lưu: VT. KT. BỘ TRƯỞNG" -> "VT. KT. BỘ TRƯỞNG")."""
    words = text.split()
    kept = len(words)
    while kept and all(c.isupper() for c in words[kept - 1] if c.isalpha()):
        kept -= 1
    run = words[kept:]
    while run and not any(c.isalpha() for c in run[0]):
        run.pop(0)
    return " ".join(run)


def _is_capitalized_name(text: str) -> bool:
    """A name in capitals under the position ("NGUYỄN VĂN A"): two to five words, the first a family name."""
    words = text.split()
    return (
        2 <= len(words) <= 5 and words[0].title() in FAMILY_NAMES and not position_line(text) and text.replace(" ", "").isalpha()
    )


def _signature(
    text: str, lines: list[Line], first: int, last: int, name: tuple[str, int, int], mode, position, *, display: str | None = None
) -> Signature:
    """The signature, the name's span found in the raw text of its line (Markdown marks, cells around it)."""
    line = lines[last]
    found = text.find(name[0], line.start, max(line.end, line.start + len(name[0])) + 8)
    if found < 0:
        found = text.find(name[0], lines[first].start, line.end + 200)
    start = found if found >= 0 else line.start
    return Signature(display or name[0], position, mode, lines[first].start, line.end, start, start + len(name[0]))
