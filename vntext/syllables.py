"""Syllables split by PDF text extraction put back together: "Ngh ị định s ố" -> "Nghị định số".

pypdf breaks a Vietnamese syllable before a vowel drawn as a separate glyph (a vowel with its
marks), so Công báo prints come out as "Căn c ứ Lu ật s ửa đổi". A fragment is rejoined only where
the split is certain: an initial consonant cluster alone ("c", "ngh", "qu") cannot be a word, and a
vowel that cannot open a syllable after the previous vowel ("Lu ật": u + â is the rhyme of
"luật") continues the word. Everything else is left as it is.

Some text layers are shredded worse: a line break at every glyph run ("CHÍNH PH" / "Ủ", "Hà N" /
"ội, ng" / "ày 25 …"), each printed line ending with an empty one. Such a text is recognised by how
often a line ends inside a syllable, and its fragments are put back into their printed lines.
"""

from __future__ import annotations

import re
import unicodedata

_ONSETS = frozenset("b c ch d đ g gh gi h k kh l m n ng ngh nh p ph q qu r s t th tr v x".split())
_VOWEL_BASES = frozenset("aăâeêioôơuưy")
# Two-vowel rhymes whose second vowel carries a shape (ê, â, ô, ơ, ă): split between them, the
# second half is never a word of its own in legal text ("Lu ật", "nghi ện", "thu ế", "Vi ệt").
_RHYME_PAIRS = frozenset(
    {("i", "ê"), ("y", "ê"), ("u", "ô"), ("u", "â"), ("u", "ê"), ("o", "ă"), ("o", "a"), ("o", "e"), ("u", "y")}
)
# Syllables that open with a vowel and stand alone ("do ảnh hưởng", "nơi ở"): never a continuation.
_STANDALONE = frozenset(
    "à á ả ạ ai ải ao áo ác ách án ánh ảnh áp ăn ắt ấy ấp ập âm ấm ẩm ấn ẩn ầm ép êm ếch ích ít ý ô ồ ổ ố ộ "
    "ông ồng ống ổn ơ ở ơi ơn ớt ụ ủ úp ủy ưa ửa ức ứng ước ướt ưu".split()
)
# Two-vowel rhymes a shredded line may be broken inside as well ("Ngư" / "ời", "TRƯ" / "ỞNG").
_LINE_RHYME_PAIRS = _RHYME_PAIRS | {("ư", "ơ")}
SHREDDED_SHARE = 0.08  # of the non-empty lines ending inside a syllable: a shredded text layer
SHREDDED_MIN_SPLITS = 10
_SPLIT = re.compile(r"(?<![^\W\d_])([^\W\d_]{1,4}) (?=([^\W\d_]+))")
# One capital split off a code by the same glyph problem: "N Đ-CP", "Q Đ-TTg".
_SPLIT_CODE = re.compile(r"(?<=/)([A-Z]) (?=Đ[-/A-Z])")


def join_split_syllables(text: str) -> str:
    """Text with the syllables that PDF extraction split rejoined (see the module docstring).

    >>> join_split_syllables("Căn c ứ Ngh ị định s ố 34/2017/N Đ-CP ngày 03 tháng 4 n ăm 2017")
    'Căn cứ Nghị định số 34/2017/NĐ-CP ngày 03 tháng 4 năm 2017'
    >>> join_split_syllables("Lu ật Thu ế giá tr ị gia t ăng, nghi ện ma túy ở Vi ệt Nam")
    'Luật Thuế giá trị gia tăng, nghiện ma túy ở Việt Nam'
    >>> join_split_syllables("đi ở nhà, do ảnh hưởng, mua ống, ho ạt động, B ộ Nội vụ")
    'đi ở nhà, do ảnh hưởng, mua ống, hoạt động, Bộ Nội vụ'
    """
    text = _SPLIT_CODE.sub(r"\1", _unshred(text))
    previous = None
    while previous != text:  # "qu ản lý" then nothing more; a second pass catches chains
        previous = text
        text = _SPLIT.sub(_join, text)
    return text


def _unshred(text: str) -> str:
    """A shredded text layer's fragments glued back into printed lines (empty lines kept: they end them).

    >>> shredded = "CHÍNH PH\\nỦ\\n\\nS\\nố:\\n\\n158\\n/2025/NĐ\\n-\\nCP\\n\\nHà N\\nội, ng\\này 25 tháng 6 năm 2025\\n\\n" * 4
    >>> _unshred(shredded).split("\\n")[:6]
    ['CHÍNH PHỦ', '', 'Số:', '', '158/2025/NĐ-CP', '']
    >>> _unshred(shredded).split("\\n")[6]
    'Hà Nội, ngày 25 tháng 6 năm 2025'
    """
    lines = text.split("\n")
    filled = sum(1 for line in lines if line)
    splits = sum(1 for a, b in zip(lines, lines[1:], strict=False) if a and b and _split_between(a, b))
    if splits < SHREDDED_MIN_SPLITS or splits < SHREDDED_SHARE * filled:
        return text
    out: list[str] = []
    for line in lines:
        if line and out and out[-1]:
            out[-1] = _glue(out[-1], line)
        else:
            out.append(line)
    return "\n".join(out)


def _split_between(before: str, after: str) -> bool:
    """Whether a line break falls inside a syllable: "Căn c" / "ứ Luật", "CHÍNH PH" / "Ủ", "Ngư" / "ời"."""
    head = re.search(r"(?<![^\W\d_])([^\W\d_]{1,4})$", before)
    tail = re.match(r"[^\W\d_]+", after)
    if head is None or tail is None:
        return False
    word, rest = head.group(1), tail.group(0)
    if word.lower() in _ONSETS:  # "q" / "uy định": a consonant cluster alone is never a word
        return _base(rest[0]) in _VOWEL_BASES and (rest[0].islower() or word.isupper())
    if not _marked(rest[0]) or rest[0].isupper() != word.isupper() or rest.lower() in _STANDALONE:
        return False
    return (_base(word[-1]), _base(rest[0])) in _LINE_RHYME_PAIRS and not _toned(word)


def _glue(before: str, after: str) -> str:
    """Two fragments of one printed line: no space inside a syllable or a number ("158" + "/2025/NĐ", "năm 20" + "25").

    >>> _glue("kể từ ngày 15 tháng 12 năm 20", "25."), _glue("ngày", "15")
    ('kể từ ngày 15 tháng 12 năm 2025.', 'ngày 15')
    """
    if _split_between(before, after) or before.endswith(("/", "-")) or after.startswith(("/", "-", ",", ".", ";", ":", ")")):
        return before + after
    if _split_year(before, after):
        return before + after
    return before + " " + after


def _split_year(before: str, after: str) -> bool:
    """Whether a year is broken between two fragments ("năm 20" / "25"): a date's year always has four digits."""
    head = re.search(r"\bn[ăa]m\s+(\d{1,3})$", before, re.IGNORECASE)
    tail = re.match(r"(\d{1,3})(?!\d)", after)
    return head is not None and tail is not None and len(head.group(1)) + len(tail.group(1)) == 4


def _join(match: re.Match[str]) -> str:
    head, tail = match.group(1), match.group(2)
    return head if _continues(head, tail) else match.group(0)


def _continues(head: str, tail: str) -> bool:
    first = _base(tail[0])
    if first not in _VOWEL_BASES or not _marked(tail[0]) or not tail[0].islower():
        return False
    if not (head.islower() or (head[0].isupper() and head[1:].islower()) or len(head) == 1):
        return False  # "BỘ ...", "UBND ...": capitals are words or codes
    if head.lower() in _ONSETS:
        return True
    last = _base(head[-1])
    return (last, first) in _RHYME_PAIRS and not _toned(head) and tail.lower() not in _STANDALONE


def _base(char: str) -> str:
    """The letter without tone marks but with its shape: "ậ" -> "â", "ữ" -> "ư"."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    kept = "".join(c for c in decomposed if c not in "\u0300\u0301\u0303\u0309\u0323")
    return unicodedata.normalize("NFC", kept)[:1]


def _toned(word: str) -> bool:
    return any(c in "\u0300\u0301\u0303\u0309\u0323" for c in unicodedata.normalize("NFD", word))


def _marked(char: str) -> bool:
    """A vowel drawn with a mark (tone or shape): the glyphs extraction splits before."""
    return unicodedata.normalize("NFD", char) != char
