"""Vietnamese personal names as a signature block prints them, and where such a name ends.

A signer's name is two to five capitalized syllables, the first a family name ("Trần Hồng Hà"), often
after a rank or degree ("Đại tướng Tô Lâm", "PGS.TS. Nguyễn Thanh Long") or a signing note ("(Đã ký)").
Flattened texts run the name into what follows it ("Trần Hồng Hà PHỤ LỤC I (Kèm theo …",
"Bùi Văn Cường [1] Luật số 03/2022/QH15 …", "Nguyễn Hữu Chí Mẫu Quyết định số 01/QĐ-HĐ"): `leading_name`
reads a name up to the point where something else starts.
"""

from __future__ import annotations

import re

FAMILY_NAMES = frozenset(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đinh Trịnh Mai Tô Lương Chu Cao Lâm "
    "Vương Tạ Triệu Kiều Quách Thái Trương Đoàn Hà Khúc Lưu Văn Tăng Từ Thân Mạc Lại Kim Âu Giang Nghiêm Quan Tôn Châu La "
    "Hứa Đàm Lò Vi Hầu Lục Mẫn Phùng Doãn Chử Đồng Ninh Khổng Bế Ông Y Tòng Cù Thạch Sơn Lã Đậu Lữ Nông Phó Bạch "
    "Viên Diệp Mông Giáp Ma Quàng Cầm Thào Sùng Vàng Mã Tống Khương Nhâm Thiều Ứng Biện".split()
)
NAME_WORD = r"[A-ZĐÀ-Ỹ][a-zđà-ỹ]+"
_NAME = re.compile(rf"^({NAME_WORD}(?:\s{NAME_WORD}){{1,4}})$")
RANKS = (
    r"(?:(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy)|(?:GS|PGS|TS|ThS|BS|CKII|KS|LS)\.?(?:\s*(?:TS|BS|CKII)\.?)*"
    r"|Nhà\s+giáo\s+nhân\s+dân)"
)
# "(Đã ký)", "(đã ký)", "Đã kí", "Đã ký:", "ĐÃ KÝ": the copy's note that the original was signed.
SIGNED = r"(?i:\(?[ \t]*đã[ \t]+k[ýí][ \t]*\)?:?)"
_RANK = re.compile(rf"^{RANKS}\s+")
_AFTER_NAME = re.compile(r"\s*(?:\(.*\)|\[.*\]|đã ký|Đã ký)\s*$")
# What is left of a signing placeholder or note before the name ("[daky]Phạm Thị Thanh Trà", its tail "y]Phạm …",
# "Đã ký: Nguyễn Sinh Hùng").
_BEFORE_NAME = re.compile(rf"^(?:\[[^\]]*\]|[^\s\[\]]{{1,6}}\]|{SIGNED})\s*")
# What a name is never followed by inside the name: the start of an annex, a form, a heading or a cited act.
_NEXT_ITEM = re.compile(
    r"(?:Phụ lục|Mẫu|Chương|Điều|Mục|Phần|Luật|Bộ luật|Nghị (?:định|quyết)|Thông (?:tư|báo|tin)|Quyết định"
    r"|Danh (?:mục|sách)|Kèm theo|Ban hành|Biểu|Ghi chú|Nơi nhận|Hướng dẫn|Căn cứ|Quy (?:định|chế|trình|hoạch)"
    r"|Kế hoạch|Chương trình|Đề án|Thủ tục|Tên)(?![^\W\d_])"
)
# Capitalized pairs with a family name first that name a place ("Khung tham chiếu chung Châu Âu"), not a person.
_PLACES = frozenset({"Châu Âu", "Châu Á", "Châu Phi", "Châu Mỹ", "Châu Đốc", "Hà Nội", "Hà Giang", "Hà Tĩnh", "Hà Nam"})
_LETTERS = re.compile(r"[^\W\d_]+")
_GAP = re.compile(r"[ \t]+")
_LEADING = re.compile(rf"[ \t]*(?:(?:{SIGNED}|{RANKS}(?![^\W\d_])|\[[^\]\n]{{1,12}}\])[ \t]*)*")


def personal_name(text: str, *, near: bool = False) -> str | None:
    """The signer's name on a line, without a rank or degree before it ("Đại tướng Tô Lâm", "PGS.TS. Nguyễn
    Thanh Long") or a note after it ("(đã ký)"); of two names side by side (a joint circular), the first.

    >>> personal_name("Đại tướng Tô Lâm"), personal_name("Nguyễn Văn Hùng Trần Thị Lan"), personal_name("Nơi nhận")
    ('Tô Lâm', 'Nguyễn Văn Hùng', None)
    >>> personal_name("Đã ký: Nguyễn Sinh Hùng")
    'Nguyễn Sinh Hùng'
    """
    text = _AFTER_NAME.sub("", _RANK.sub("", _BEFORE_NAME.sub("", text.strip()))).strip()
    if is_name(text, near=near):
        return text
    words = text.split()
    for cut in range(2, len(words) - 1):  # "Nguyễn Văn Hùng Trần Thị Lan": two signers in one line
        if words[cut] in FAMILY_NAMES and is_name(" ".join(words[:cut])) and is_name(" ".join(words[cut:])):
            return " ".join(words[:cut])
    return None


def is_name(text: str, *, near: bool = False) -> bool:
    """A Vietnamese personal name: two to five capitalized words, the first a family name (any, right under the position)."""
    match = _NAME.match(text.strip())
    if not match:
        return False
    first = text.split()[0]
    return (first in FAMILY_NAMES or near) and match.group(1) not in _PLACES


def leading_name(text: str, start: int = 0) -> tuple[str, int] | None:
    """The personal name text[start:] opens with (after a signing note or a rank), cut where the next item starts,
    and its offset; None if no name opens it.

    >>> leading_name("(Đã ký) Trịnh Đình Dũng")
    ('Trịnh Đình Dũng', 8)
    >>> [leading_name(t)[0] for t in ("Trần Hồng Hà PHỤ LỤC I (Kèm theo", "Lê Minh Khái Phụ lục", "Bùi Văn Cường [1] Luật số",
    ...     "Nguyễn Hữu Chí Mẫu Quyết định số 01", "Nguyễn Hạnh Phúc 1 Luật hải quan", "Nguyễn Văn Hùng Trần Thị Lan")]
    ['Trần Hồng Hà', 'Lê Minh Khái', 'Bùi Văn Cường', 'Nguyễn Hữu Chí', 'Nguyễn Hạnh Phúc', 'Nguyễn Văn Hùng']
    >>> leading_name("Châu Âu (CEFR)"), leading_name("Văn phòng Chính phủ")
    (None, None)
    """
    leading = _LEADING.match(text, start)  # matches, if only the empty string
    words = _name_words(text, leading.end() if leading else start)
    for count in range(len(words), 1, -1):
        name = " ".join(word.group() for word in words[:count])
        if _ends_name(text[words[count - 1].end() :]) and is_name(name):
            return name, words[0].start()
    return None


def _name_words(text: str, cursor: int) -> list[re.Match[str]]:
    """Up to five capitalized words from `cursor`, one space apart, cut before the start of an annex or a cited act."""
    words: list[re.Match[str]] = []
    while len(words) < 5:
        word = _LETTERS.match(text, cursor)
        if word is None or not (word.group()[0].isupper() and word.group()[1:].islower()) or _NEXT_ITEM.match(text, cursor):
            break
        words.append(word)
        gap = _GAP.match(text, word.end())
        if gap is None:
            break
        cursor = gap.end()
    return words


def _ends_name(rest: str) -> bool:
    """Whether a name may end before `rest`: at the end of the line, before a mark, a digit, a heading in capitals,
    an annex or a cited act ("Phụ lục", "Luật số"), a second name, or a phrase ("Mẫu số")."""
    line = rest.lstrip(" \t").split("\n", 1)[0]
    if not line or not line[0].isalpha():
        return True
    words = line.split(maxsplit=2)
    head, following = words[0], words[1] if len(words) > 1 else ""
    return bool(
        (head.isupper() and len(head) > 1)
        or _NEXT_ITEM.match(line)
        or (head in FAMILY_NAMES and following[:1].isupper())
        or (head[0].isupper() and following[:1].islower())
    )
