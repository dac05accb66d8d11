"""Is a text layer Vietnamese at all? The share of its words that are Vietnamese syllables.

Some PDFs carry a text layer that is not the page's words: a font whose glyphs map to the wrong code points
("6Ӣ CÔNG 7+ѬѪ1* ĈӝF OұS" for "SỞ CÔNG THƯƠNG Độc lập"), legacy TCVN3/VNI bytes, or the output of an OCR
engine run without Vietnamese ("Cdn c* Ludt X} l! vi phqm hdnh chinh"). Such a page reads cleanly from its
image, so the PDF reader OCRs it instead of indexing the garbage. The test is spelling, not a dictionary: a
Vietnamese syllable is an onset, one to three vowels and an optional final consonant, with at most one tone.
"""

from __future__ import annotations

import re
import unicodedata

_TONES = "\u0300\u0301\u0303\u0309\u0323"
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
_RHYME = r"[aăâeêioôơuưy]{1,3}(?:ch|ng|nh|[cmnpt])?"
_SYLLABLE = re.compile(rf"^{_ONSET}{_RHYME}$")
_WORD = re.compile(r"[^\s\d.,;:!?()\[\]{}\"'“”‘’/\\\-–—…_*+=<>|%&@#$^~`]+")
_MIN_WORDS = 40  # fewer judged words than this (a stamp, a page number) say nothing about a page


def is_syllable(word: str) -> bool:
    """A word spelled as one Vietnamese syllable (case and tone aside); "Nghị" and "chinh" are, "Ludt" is not.

    >>> [is_syllable(w) for w in ("Nghị", "định", "chinh", "Ludt", "phqm", "ĈӝF", "TRƯỞNG", "ngoằn")]
    [True, True, True, False, False, False, True, True]
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(c in _TONES for c in decomposed) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return bool(_SYLLABLE.match(bare))


def vietnamese_share(text: str) -> tuple[float, int]:
    """(share of Vietnamese syllables, words judged) over the words of `text` that hold a lower-case letter:
    words in capitals are codes and headings ("UBND", "QĐ-TTg") no spelling test should judge."""
    words = [w for w in _WORD.findall(text) if any(c.islower() for c in w)]
    if not words:
        return 1.0, 0
    return sum(map(is_syllable, words)) / len(words), len(words)


def unreadable(text: str, *, floor: float = 0.6) -> bool:
    """True when a page's text is long enough to judge and under `floor` of its words are Vietnamese syllables.

    >>> unreadable("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015; " * 5)
    False
    >>> unreadable("Cdn c* Ludt X} l! vi phqm hdnh chinh 2012 (duoc sua diji, bd sung ndm 2020); " * 5)
    True
    """
    share, words = vietnamese_share(text)
    return words >= _MIN_WORDS and share < floor
