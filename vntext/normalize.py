"""Vietnamese text normalization: the one place that decides how text is written and compared.

Everything that stores, indexes or matches text calls these functions, so that "hoà" and "hòa",
"Uỷ" and "Ủy", precomposed and decomposed input are the same string everywhere.

Tone-mark convention: the *classic* placement used by Vietnamese state documents ("hòa", "khỏe",
"Ủy ban", "thủy"), where an open syllable ending in oa/oe/uy carries the mark on its first vowel.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining tone marks (dấu thanh): huyền, sắc, ngã, hỏi, nặng.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Windows-1258 and some keyboards write these look-alikes for the same tones.
_TONE_ALIASES = {"\u0340": "\u0300", "\u0341": "\u0301", "\u0342": "\u0303"}
_VOWELS = frozenset("aăâeêioôơuưy")
_SHAPED_VOWELS = frozenset("ăâêôơư")
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
_OUTSIDE_LATIN = re.compile("[^\x00-\u024f\u1e00-\u1eff]")
_COMBINING_MARKS = re.compile("[\u0300-\u036f]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# A combining mark with no letter to sit on (start of text, after a space or a digit): debris of PDF
# and OCR extraction that would otherwise survive every comparison as a stray character.
_ORPHAN_MARKS = re.compile(r"(?:(?<=^)|(?<=[^\w\u0300-\u036f])|(?<=[\d_]))[\u0300-\u036f]+")
_HORIZONTAL_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
# Letters fonts converted from TCVN3/VNI print for Đ/đ: Icelandic eth (Ð ð) and African D (Ɖ); and for Ư/ư
# the Latin letter OI (Ƣ ƣ), which PDF fonts of office documents map ư to ("BỘ CÔNG THƢƠNG", "hƣớng dẫn").
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "\u0189": "\u0110", "\u01a2": "\u01af", "\u01a3": "\u01b0"})


def normalize_text(text: str) -> str:
    """Return `text` in the canonical form stored and indexed by reform-kg.

    NFC, classic tone-mark placement, no invisible characters and no combining mark without a
    letter under it, `\\n` line ends, single spaces, no trailing spaces, at most one blank line in a
    row, no leading/trailing blank lines.

    >>> normalize_text("Uỷ ban  nhân dân\\r\\n\\r\\n\\r\\nhoà nhập")
    'Ủy ban nhân dân\\n\\nhòa nhập'
    >>> normalize_text("Quye\\u0302\\u0301t đi\\u0323nh") == "Quyết định"
    True
    >>> normalize_text("QUYẾT ÐỊNH 15/2020/NÐ-CP")  # Ð (eth) printed for Đ by converted fonts
    'QUYẾT ĐỊNH 15/2020/NĐ-CP'
    >>> normalize_text("BỘ CÔNG THƢƠNG, hƣớng dẫn")  # Ƣ ƣ (Latin OI) printed for Ư ư by PDF fonts
    'BỘ CÔNG THƯƠNG, hướng dẫn'
    >>> normalize_text("Thông tư số 06/2022/TT-B\\u0422\\u0421")  # Cyrillic Т and С typed into a code
    'Thông tư số 06/2022/TT-BTC'
    >>> normalize_text("Căn c\\u04ed Lu\\u04b1t; Tr\\u04abn S\\u04fb Thanh")  # a font's Vietnamese letters in Cyrillic
    'Căn cứ Luật; Trần Sỹ Thanh'
    >>> normalize_text("SắC LệNH CủA CHủ TịCH CộNG HOà; Uỷ ban")  # TCVN3 capitals typed in an upper-case font, converted
    'SẮC LỆNH CỦA CHỦ TỊCH CỘNG HÒA; Ủy ban'
    >>> normalize_text("\\u0300 số 5\\u0301")
    'số 5'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text).translate(_LOOKALIKES)
    if _CYRILLIC.search(text):  # rare: the word-by-word pass only then
        text = _TOKEN.sub(_latin_lookalikes, text)
    text = unicodedata.normalize("NFC", _ORPHAN_MARKS.sub("", unicodedata.normalize("NFD", text)))
    text = normalize_tone_marks(_CAPS_FONT_WORD.sub(lambda m: m.group(0).upper(), text))  # "HOà" before "Hòa"
    lines = [_HORIZONTAL_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _MANY_BLANK_LINES.sub("\n\n", text).strip("\n")


# Capitals of a TCVN3 document came from an upper-case font (.VnTimeH) that draws lower-case codes as capitals;
# converted to Unicode, a heading reads "SắC LệNH CủA CHủ TịCH". A word with two capitals, a lower-case accented
# letter and no lower-case ASCII letter is such a heading ("Uỷ", "Văn", "ĐảngX" are not).
_VIETNAMESE_LOWER = "àáâãèéêìíòóôõùúýăđĩũơư" + "".join(chr(c) for c in range(0x1EA1, 0x1EFA, 2))
_VIETNAMESE_UPPER = "A-Z" + _VIETNAMESE_LOWER.upper()
_CAPS_FONT_WORD = re.compile(
    rf"(?<!\w)(?=[{_VIETNAMESE_UPPER}]*[{_VIETNAMESE_LOWER}])(?=(?:[{_VIETNAMESE_LOWER}]*[{_VIETNAMESE_UPPER}]){{2}})"
    rf"[{_VIETNAMESE_UPPER}{_VIETNAMESE_LOWER}]+(?!\w)"
)

# Cyrillic letters that look Latin, typed into a Latin word by mistake ("06/2022/TT-BТС" with Cyrillic Т and С in
# a Công báo text): only in a word that also has ASCII letters, so Cyrillic words stay as they are.
_CYRILLIC_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТХаеорсухІіЈјЅѕ",
    "ABEKMHOPCTXaeopcyxIiJjSs",
)
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_TOKEN = re.compile(r"[^\s/]+")  # linear: a pattern searching for the Cyrillic letter inside a word backtracks


# A PDF font seen on signed provincial decisions (Hà Nội, 2024) maps Vietnamese precomposed letters to Cyrillic code
# points a fixed distance below them: "Căn cӭ" for "Căn cứ", "hiӋu" for "hiệu", "Trҫn" for "Trần". Ạ…ự (U+1EA0–U+1EF1)
# sit at U+04A4–U+04F5 and Ỷ ỷ Ỹ ỹ at U+04F8–U+04FB (read off 22 letters of one 9-page document); Ỳ ỳ Ỵ ỵ were not
# seen, so their places stay unmapped. Only in a word that also has Latin letters, like the look-alikes.
_FONT_SHIFTED_VIETNAMESE = str.maketrans(
    {chr(code): chr(code + 0x19FC) for code in range(0x04A4, 0x04F6)}
    | {chr(code): chr(code + 0x19FE) for code in range(0x04F8, 0x04FC)}
)
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def _latin_lookalikes(match: re.Match[str]) -> str:
    word = match.group(0)
    if _CYRILLIC.search(word) and _LATIN_LETTER.search(word):
        return word.translate(_CYRILLIC_LOOKALIKES).translate(_FONT_SHIFTED_VIETNAMESE)
    return word


def normalize_tone_marks(text: str) -> str:
    """NFC-normalize `text` and put every syllable's tone mark where the classic convention wants it.

    >>> normalize_tone_marks("hoà thuỷ khoẻ hoàn toàn")
    'hòa thủy khỏe hoàn toàn'
    """
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text
    return _WORD.sub(lambda m: _place_tone(m.group(0)), text)


@lru_cache(maxsize=65536)
def _place_tone(word: str) -> str:
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    tones = [_TONE_ALIASES.get(c, c) for c in decomposed if _TONE_ALIASES.get(c, c) in TONE_MARKS]
    if len(tones) != 1:
        return unicodedata.normalize("NFC", word)
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if _TONE_ALIASES.get(c, c) not in TONE_MARKS))
    position = _tone_position(bare.lower())
    if position is None:
        return unicodedata.normalize("NFC", word)
    marked = bare[: position + 1] + tones[0] + bare[position + 1 :]
    return unicodedata.normalize("NFC", marked)


def _tone_position(syllable: str) -> int | None:
    """Index of the vowel that carries the tone in a lower-case, toneless syllable (None: not one)."""
    start = next((i for i, c in enumerate(syllable) if c in _VOWELS), None)
    if start is None:
        return None
    # "qu" and "gi" are consonants when another vowel follows: quá, già (but gì, gìn).
    if syllable[start - 1 : start + 1] in ("qu", "gi") and syllable[start + 1 : start + 2] in _VOWELS:
        start += 1
    end = start
    while end < len(syllable) and syllable[end] in _VOWELS:
        end += 1
    if any(c in _VOWELS for c in syllable[end:]):
        return None  # two vowel groups: not a single Vietnamese syllable
    cluster = syllable[start:end]
    shaped = [i for i, c in enumerate(cluster) if c in _SHAPED_VOWELS]
    if shaped:
        return start + shaped[-1]  # ươ -> ơ, uyê -> ê, ưu -> ư
    if len(cluster) == 1:
        return start
    if end < len(syllable):
        return end - 1  # closed syllable: hoàn, tuấn, huỳnh
    if len(cluster) == 3:
        return start + 1  # oai, oay, uyu: ngoài, khuỷu
    return start  # open two-vowel syllable, classic style: hòa, thủy, của, mía


def fold_diacritics(text: str) -> str:
    """Lower-case `text` and strip Vietnamese diacritics, one character for one character.

    Length-preserving on NFC input, so an offset into the folded text is an offset into the
    original: highlights found on folded text map back exactly.

    >>> fold_diacritics("Ủy ban nhân dân Đống Đa")
    'uy ban nhan dan dong da'
    """
    if text.isascii():
        return text.lower()
    if not _OUTSIDE_LATIN.search(text):
        # The whole text at C speed (highlighting folds every result): in the Latin blocks every
        # character decomposes into one base letter plus marks in U+0300–U+036F, so this equals the
        # per-character fold below.
        return _COMBINING_MARKS.sub("", unicodedata.normalize("NFD", text)).lower().replace("đ", "d")
    return "".join(_fold_char(c) for c in text)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    if char.isascii():
        return char.lower()
    base = unicodedata.normalize("NFD", char)[0]
    lowered = base.lower()
    return lowered if len(lowered) == 1 else char


def has_vietnamese_diacritics(text: str) -> bool:
    """True when folding would change `text` beyond case: it carries Vietnamese marks or đ."""
    return fold_diacritics(text) != text.lower()
