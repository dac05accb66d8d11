"""The signature block of a formal document: signer's name, position and signing mode (TM., KT., Q., TL., TUQ.).

"TM. CHÍNH PHỦ / KT. THỦ TƯỚNG / PHÓ THỦ TƯỚNG / Vũ Đức Đam": the signer signs for (KT.) the Prime
Minister, on behalf of (TM.) the Government; the mode recorded is the signer's own, the innermost
one (KT.). The block is the first one after the body (annexes carry forms with blocks of their own),
read from logical lines (ingest.lines) so a .docx cell, a Markdown table or PDF columns run together
give the same facts. Traps: an e-signature stamp ("Ký bởi: …", "Người ký: Cổng Thông tin điện tử …")
is not the signer, and a portal banner may stand between the position and the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lines import Line, logical_lines
from vntext.normalize import fold_diacritics

# How positions are written in running text; a signature block prints them in capitals.
POSITIONS = (
    "Chủ tịch Quốc hội",
    "Phó Chủ tịch Quốc hội",
    "Chủ tịch nước",
    "Phó Chủ tịch nước",
    "Thủ tướng Chính phủ",
    "Phó Thủ tướng Chính phủ",
    "Thủ tướng",
    "Phó Thủ tướng",
    "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ",
    "Bộ trưởng",
    "Thứ trưởng",
    "Chủ tịch Hội đồng",
    "Chủ tịch",
    "Phó Chủ tịch",
    "Tổng Bí thư",
    "Thường trực Ban Bí thư",
    "Bí thư",
    "Phó Bí thư",
    "Chủ nhiệm",
    "Phó Chủ nhiệm",
    "Tổng Kiểm toán",
    "Phó Tổng Kiểm toán",
    "Tổng Thanh tra",
    "Phó Tổng Thanh tra",
    "Chánh án",
    "Phó Chánh án",
    "Viện trưởng",
    "Phó Viện trưởng",
    "Thống đốc",
    "Phó Thống đốc",
    "Tổng Giám đốc",
    "Phó Tổng Giám đốc",
    "Giám đốc",
    "Phó Giám đốc",
    "Chánh Văn phòng",
    "Phó Chánh Văn phòng",
    "Chánh Thanh tra",
    "Phó Chánh Thanh tra",
    "Tổng cục trưởng",
    "Phó Tổng cục trưởng",
    "Cục trưởng",
    "Phó Cục trưởng",
    "Vụ trưởng",
    "Phó Vụ trưởng",
    "Trưởng ban",
    "Phó Trưởng ban",
    "Tổng Thư ký",
    "Trưởng phòng",
    "Phó Trưởng phòng",
    "Hiệu trưởng",
)
FAMILY_NAMES = frozenset(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đinh Trịnh Mai Tô Lương Chu Cao Lâm "
    "Vương Tạ Triệu Kiều Quách Thái Trương Đoàn Hà Khúc Lưu Văn Tăng Từ Thân Mạc Lại Kim Âu Giang Nghiêm Quan Tôn Châu La "
    "Hứa Đàm Lò Vi Hầu Lục Mẫn Phùng Doãn Chử Đồng Ninh Khổng Bế Ông Y Tòng Cù Thạch Sơn Lã Đậu Lữ Nông Phó Bạch Đàm "
    "Hoàng Viên Diệp Mông Giáp Ma Lò Quàng Cầm Thào Sùng Vàng Hầu Mã Tống Khương Nhâm Thiều Tạ Ứng Biện Âu Đoàn".split()
)
# "KT. BỘ TRƯỞNG", and "KT.BỘ TRƯỞNG" typed without the space after the dot.
_MODE = re.compile(r"^(TM|T/M|KT|K/T|TL|T/L|TUQ|T/UQ|Q)(?:\.\s*(?=[A-ZĐÀ-Ỹ])|\.?\s+(?=\S))")
_MODES = {
    "TM": "TM.",
    "T/M": "TM.",
    "KT": "KT.",
    "K/T": "KT.",
    "TL": "TL.",
    "T/L": "TL.",
    "TUQ": "TUQ.",
    "T/UQ": "TUQ.",
    "Q": "Q.",
}


def _position_key(text: str) -> str:
    """A position as compared: folded, lower case, without commas ("Phó Chủ tịch, Thường trực")."""
    return fold_diacritics(text).lower().replace(",", "").strip()


_POSITION_WORDS = tuple(sorted((_position_key(p) for p in POSITIONS), key=len, reverse=True))
_POSITION_CAPITALS = {_position_key(p): p.upper() for p in POSITIONS}
_LOST_FIRST_LETTER = {w[1:]: w for w in _POSITION_WORDS if " " in w}
_NAME_WORD = r"[A-ZĐÀ-Ỹ][a-zđà-ỹ]+"
_NAME = re.compile(rf"^({_NAME_WORD}(?:\s{_NAME_WORD}){{1,4}})$")
_TRAILING_NAME = re.compile(rf"(?:^|[.,;:]\s|\s)({_NAME_WORD}(?:\s{_NAME_WORD}){{1,3}})$")
_TRAILING_CAPITALS = re.compile(r"(?:^|\s)((?:[A-ZĐÀ-Ỹ]{1,7}\s?){2,6})$")
_SKIP = re.compile(
    r"^(?:-|\+|•|Nơi nhận|Ký bởi|Người ký|Email|Cơ quan:|Thời gian ký|Trang chủ|http|\[|\(|Đã ký|Lưu|CÔNG BÁO|\d+$|\d+\s+CÔNG BÁO)",
    re.IGNORECASE,
)
_BLOCK_END = re.compile(r"^(?:Phụ lục|PHỤ LỤC|Điều \d|Mẫu|MẪU|Chương [IVX\d]|QUY ĐỊNH|QUY CHẾ|DANH MỤC)")
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
        if not (_MODE.match(line.text) or _position_line(line.text)):
            continue
        block = _block(text, lines, index)
        if block is not None:
            return block
    return _name_marked_signed(text, lines)


def _name_marked_signed(text: str, lines: list[Line]) -> Signature | None:
    """A name over "(Đã ký)" with no position printed: how text collections end a law whose signature block
    they kept only in part ("… thông qua ngày 17 tháng 6 năm 2003." / "Nguyễn Văn An" / "(Đã ký)")."""
    mark = next((i for i in range(len(lines) - 1, 0, -1) if not lines[i].blank and _SIGNED_MARK.match(lines[i].text)), None)
    before = _previous_filled(lines, mark) if mark is not None else None
    person = personal_name(lines[before].text) if before is not None else None
    if person is None or before is None:
        return None
    return _signature(text, lines, before, before, (person, lines[before].start, lines[before].end), None, None)


def _previous_filled(lines: list[Line], index: int) -> int | None:
    return next((i for i in range(index - 1, -1, -1) if not lines[i].blank and lines[i].text), None)


_SIGNED_MARK = re.compile(r"^\(?\s*[Đđ]ã\s+ký\s*\)?$")


def _split(line: Line) -> list[Line]:
    """A line with a trailing capitalized position or a trailing name (two columns run together) in two."""
    if line.blank or _MODE.match(line.text) or line.upper:
        return [line]
    listed = line.text.startswith(("-", "+", "•"))  # a recipient ("- UBND tỉnh Hà Tĩnh") is no signer
    for pattern, check in ((_TRAILING_CAPITALS, _position_line), (_TRAILING_NAME, _is_name)):
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
    mode, position, last_block_line = None, None, index
    for cursor in range(index, min(len(lines), index + BLOCK_SEARCH)):
        line = lines[cursor]
        text = line.text
        if line.blank or not text:
            continue
        if _BLOCK_END.match(text):
            break
        found = _mode_and_position(text) if (_MODE.match(text) or line.upper or cursor == index) else None
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
        if wrapped and position is not None and (longer := _wrapped_position(position, text)) is not None:
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


def _next_filled(lines: list[Line], index: int) -> int:
    """The index of the first non-blank line after `index`."""
    return next((i for i in range(index + 1, len(lines)) if not lines[i].blank and lines[i].text), len(lines))


def _wrapped_position(position: str, text: str) -> str | None:
    """The position run onto the next line ("CHỦ TỊCH" / "NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"): the two
    lines joined when they name a longer position than the first line alone, else None."""
    joined = f"{position} {text}"
    folded, alone = _position_key(joined), _position_key(position)
    longest = next((w for w in _POSITION_WORDS if folded == w or folded.startswith(w + " ")), None)
    return joined if longest is not None and len(longest) > len(alone) else None


def _mode_and_position(text: str) -> tuple[str | None, str | None, tuple[str, int, int] | None] | None:
    """(mode, position, name) of a block line such as "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Thành Sinh"; None if not one."""
    mode = None
    match = _MODE.match(text)
    if match:
        mode = _MODES[match.group(1)]
        text = text[match.end() :]
    name_match = re.search(rf"\s({_NAME_WORD}(?:\s{_NAME_WORD}){{1,4}})$", text)
    name = None
    if name_match and _is_name(name_match.group(1)):
        name = (name_match.group(1), 0, 0)
        text = _RANK_TAIL.sub("", text[: name_match.start()])  # "THỨ TRƯỞNG Thượng tướng Nguyễn Văn Hiền" (one cell)
    capitals = text.strip()
    if capitals and not re.fullmatch(r"[A-ZĐÀ-Ỹ ,.\-–]+", capitals):
        return None
    position = _last_position(capitals)
    if mode is None and position is None:
        return None
    return mode, position, name


def _last_position(capitals: str) -> str | None:
    """The position at the end of capitals: "CHỦ TỊCH PHÓ CHỦ TỊCH" -> "PHÓ CHỦ TỊCH"; "BỘ TRƯỞNG BỘ TÀI CHÍNH" whole."""
    folded = _position_key(capitals)
    for words in _POSITION_WORDS:
        if folded.endswith(words) and (len(folded) == len(words) or folded[-len(words) - 1] == " "):
            return capitals.strip()[len(capitals.strip()) - len(words) :].strip()
    if _position_line(capitals) and _position_start(folded) == 0:
        return capitals.strip()
    return _restored_position(capitals)


def _restored_position(capitals: str) -> str | None:
    """A position whose first letter OCR lost (a stamp or the margin over it: "HỦ TỊCH" for "CHỦ TỊCH"), restored;
    None for anything else. Only a whole line of two or more words is read so: no other capitals fold to that."""
    folded = _position_key(capitals)
    whole = _LOST_FIRST_LETTER.get(folded)
    return _POSITION_CAPITALS[whole] if whole else None


def _position_start(folded: str) -> int | None:
    for words in _POSITION_WORDS:
        if folded == words or folded.startswith(words + " "):
            return 0
    return None


def _position_line(text: str) -> bool:
    """A capitalized line that names a position ("PHÓ CHỦ TỊCH", "BỘ TRƯỞNG BỘ TÀI CHÍNH")."""
    if not re.fullmatch(r"[A-ZĐÀ-Ỹ ,.\-–]+", text.strip()) or len(text) > 80:
        return False
    folded = _position_key(text)
    named = any(folded == w or folded.startswith(w + " ") or folded.endswith(" " + w) for w in _POSITION_WORDS)
    return named or _restored_position(text) is not None


_RANKS = r"(?:(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy)|(?:GS|PGS|TS|ThS|BS|CKII|KS|LS)\.?(?:\s*(?:TS|BS|CKII)\.?)*|Nhà\s+giáo\s+nhân\s+dân)"
_RANK = re.compile(rf"^{_RANKS}\s+")
_RANK_TAIL = re.compile(rf"\s+{_RANKS}\s*$")  # the rank a signer's name follows on the position's line
_AFTER_NAME = re.compile(r"\s*(?:\(.*\)|\[.*\]|đã ký|Đã ký)\s*$")
# What is left of a signing placeholder before the name ("[daky]Phạm Thị Thanh Trà", its tail "y]Phạm …").
_BEFORE_NAME = re.compile(r"^(?:\[[^\]]*\]|[^\s\[\]]{1,6}\])\s*")


def personal_name(text: str, *, near: bool = False) -> str | None:
    """The signer's name on a line, without a rank or degree before it ("Đại tướng Tô Lâm", "PGS.TS. Nguyễn
    Thanh Long") or a note after it ("(đã ký)"); of two names side by side (a joint circular), the first.

    >>> personal_name("Đại tướng Tô Lâm"), personal_name("Nguyễn Văn Hùng Trần Thị Lan"), personal_name("Nơi nhận")
    ('Tô Lâm', 'Nguyễn Văn Hùng', None)
    """
    text = _AFTER_NAME.sub("", _RANK.sub("", _BEFORE_NAME.sub("", text.strip()))).strip()
    if _is_name(text, near=near):
        return text
    words = text.split()
    for cut in range(2, len(words) - 1):  # "Nguyễn Văn Hùng Trần Thị Lan": two signers in one line
        if words[cut] in FAMILY_NAMES and _is_name(" ".join(words[:cut])) and _is_name(" ".join(words[cut:])):
            return " ".join(words[:cut])
    return None


def _is_name(text: str, *, near: bool = False) -> bool:
    """A Vietnamese personal name: two to five capitalized words, the first a family name (any, right under the position)."""
    match = _NAME.match(text.strip())
    if not match:
        return False
    first = text.split()[0]
    return first in FAMILY_NAMES or near


def _is_capitalized_name(text: str) -> bool:
    """A name in capitals under the position ("NGUYỄN VĂN A"): two to five words, the first a family name."""
    words = text.split()
    return (
        2 <= len(words) <= 5 and words[0].title() in FAMILY_NAMES and not _position_line(text) and text.replace(" ", "").isalpha()
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
