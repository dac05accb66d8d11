"""Positions and signing modes as a signature block prints them: "KT. BỘ TRƯỞNG" / "THỨ TRƯỞNG", "TM. CHÍNH PHỦ KT.".

A block's capitals name the body signed for, the head's position and the signer's own ("TM. ỦY BAN NHÂN DÂN / KT.
CHỦ TỊCH / PHÓ CHỦ TỊCH"); flattened texts run them together on one line ("KT.TỔNG KIỂM TOÁN NHÀ NƯỚC PHÓ TỔNG KIỂM
TOÁN NHÀ NƯỚC"). The position recorded is the last one printed, the mode the innermost.
"""

from __future__ import annotations

import re

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
MODES = {
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
_CODES = "|".join(MODES)
# "KT. BỘ TRƯỞNG", and "KT.BỘ TRƯỞNG" typed without the space after the dot.
MODE = re.compile(rf"^({_CODES})(?:\.\s*(?=[A-ZĐÀ-Ỹ])|\.?\s+(?=\S))")
# A mode inside a line of capitals ("TM. CHÍNH PHỦ KT.", "KT.TỔNG KIỂM TOÁN NHÀ NƯỚC"), and one on a line of its own.
MODE_MARK = re.compile(rf"(?:^|(?<=\s))({_CODES})\.")
LONE_MODE = re.compile(rf"^({_CODES})\.$")


def _position_key(text: str) -> str:
    """A position as compared: folded, lower case, without commas ("Phó Chủ tịch, Thường trực")."""
    return fold_diacritics(text).lower().replace(",", "").strip()


_POSITION_WORDS = tuple(sorted((_position_key(p) for p in POSITIONS), key=len, reverse=True))
_POSITION_CAPITALS = {_position_key(p): p.upper() for p in POSITIONS}
_LOST_FIRST_LETTER = {w[1:]: w for w in _POSITION_WORDS if " " in w}
_POSITION_TOKENS = tuple(sorted((tuple(w.split()) for w in _POSITION_WORDS), key=len, reverse=True))


def read_capitals(capitals: str, *, anywhere: bool = False) -> tuple[str | None, str | None] | None:
    """(mode, position) of a block's capitals: the innermost mode ("TM. CHÍNH PHỦ KT." -> "KT."), the last position
    ("KT.TỔNG KIỂM TOÁN NHÀ NƯỚC PHÓ TỔNG KIỂM TOÁN NHÀ NƯỚC" -> "PHÓ TỔNG KIỂM TOÁN NHÀ NƯỚC"); None if neither."""
    mode, marks, leading = None, list(MODE_MARK.finditer(capitals)), MODE.match(capitals)
    if marks:
        mode, capitals = MODES[marks[-1].group(1)], capitals[marks[-1].end() :]
    elif leading:
        mode, capitals = MODES[leading.group(1)], capitals[leading.end() :]
    position = _last_position(capitals, anywhere=anywhere) if capitals.strip() else None
    return None if mode is None and position is None else (mode, position)


def _last_position(capitals: str, *, anywhere: bool = False) -> str | None:
    """The last position in capitals, with what qualifies it: "CHỦ TỊCH PHÓ CHỦ TỊCH" -> "PHÓ CHỦ TỊCH", "BỘ TRƯỞNG
    BỘ TÀI CHÍNH" whole, "CHỦ TỊCH PHÓ CHỦ TỊCH THƯỜNG TRỰC" -> "PHÓ CHỦ TỊCH THƯỜNG TRỰC" (two lines merged).

    A position inside other capitals ("THỦ TỤC GIÁM ĐỐC THẨM") is one only `anywhere` (a name follows); one after
    "CỦA" never is: "… QUYẾT ĐỊNH CỦA CHỦ TỊCH NƯỚC" is a heading.
    """
    words = capitals.split()
    spans = _position_spans([_position_key(word) for word in words])
    if not spans:
        return _restored_position(capitals)
    first, last = spans[-1]
    if first > 0 and _position_key(words[first - 1]) == "cua":
        return None
    if anywhere or first == 0 or last == len(words) or len(spans) > 1:
        return " ".join(words[first:]).strip(" ,")
    return None


def _position_spans(folded: list[str]) -> list[tuple[int, int]]:
    """The [start, end) word spans of the positions named in folded words, the longest at each word, none inside another."""
    spans: list[tuple[int, int]] = []
    for index in range(len(folded)):
        size = next((len(p) for p in _POSITION_TOKENS if tuple(folded[index : index + len(p)]) == p), 0)
        if size and not (spans and spans[-1][1] >= index + size):
            spans.append((index, index + size))
    return spans


def _restored_position(capitals: str) -> str | None:
    """A position whose first letter OCR lost (a stamp or the margin over it: "HỦ TỊCH" for "CHỦ TỊCH"), restored;
    None for anything else. Only a whole line of two or more words is read so: no other capitals fold to that."""
    folded = _position_key(capitals)
    whole = _LOST_FIRST_LETTER.get(folded)
    return _POSITION_CAPITALS[whole] if whole else None


def position_line(text: str) -> bool:
    """A capitalized line that names a position ("PHÓ CHỦ TỊCH", "BỘ TRƯỞNG BỘ TÀI CHÍNH")."""
    if not re.fullmatch(r"[A-ZĐÀ-Ỹ ,.\-–]+", text.strip()) or len(text) > 80:
        return False
    folded = _position_key(text)
    named = any(folded == w or folded.startswith(w + " ") or folded.endswith(" " + w) for w in _POSITION_WORDS)
    return (named and not _HEADING.search(folded)) or _restored_position(text) is not None


# A heading that names whose act it is ("… LỆNH, QUYẾT ĐỊNH CỦA CHỦ TỊCH NƯỚC"), folded: no signature block.
_HEADING = re.compile(r"(?:^| )cua (?:" + "|".join(_POSITION_WORDS) + ")$")


def wrapped_position(position: str, text: str) -> str | None:
    """The position run onto the next line ("CHỦ TỊCH" / "NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"): the two
    lines joined when they name a longer position than the first line alone, else None."""
    joined = f"{position} {text}"
    folded, alone = _position_key(joined), _position_key(position)
    longest = next((w for w in _POSITION_WORDS if folded == w or folded.startswith(w + " ")), None)
    return joined if longest is not None and len(longest) > len(alone) else None
