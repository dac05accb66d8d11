"""Bytes to text: BOMs, UTF-8, UTF-16/32, Windows-1258 or -1252, and refusal of binary, legacy TCVN3/VNI
and other-script 8-bit text.

Vietnamese offices still hold files from before Unicode. TCVN3 (ABC) and VNI put Vietnamese letters
on code points that decode "successfully" as Latin-1/Windows-125x but read as garbage ("C¸c quyÕt
®Þnh", "Quyeát ñònh"). Indexing that silently would poison search, so such text is detected and
rejected with an instruction to convert it first. Other 8-bit text is told apart by its words:
Vietnamese in Windows-1258 has ă/ơ/ư/đ or tone marks in many words; Western European text
(Windows-1252: French, English) has words of ASCII letters with an accent here and there; text in
another script (KOI8-R or Windows-1251 Cyrillic, a Chinese code page) decodes to words without any
ASCII letter, and is refused rather than indexed as mojibake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import IngestError, LegacyEncodingError

# TCVN3 puts á à ả ã ạ ă â ê ô ơ đ … on these symbols; Unicode Vietnamese never has them inside a word.
_TCVN3_MARKERS = "¸µ¶·¹¨©ª«¬®§¡¢£¤¥¦»¼½¾Þ×"
# VNI writes a vowel (or ö for ư, ô for ơ) followed by a tone or circumflex byte: "Quyeát", "nöôùc".
# European words have that pair rarely (French "où", "naïf"); Vietnamese in VNI has it in most words.
_VNI_PAIR = re.compile("[aeiouyöôAEIOUYÖÔ][ùøûõïáàåãäÙØÛÕÏÁÀÅÃÄ]")
# Windows-1258 writes most Vietnamese tones as combining marks (bytes that are letters in Windows-1252).
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_LETTERS = re.compile(r"[^\W\d_]+")
_WORD = re.compile(r"\S+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from a file, with the encoding that was used (for the document's metadata)."""

    text: str
    encoding: str


def decode_bytes(data: bytes) -> DecodedText:
    """Decode a text file's bytes, trying BOMs, UTF-8, BOM-less UTF-16, then Windows-1258.

    Raises IngestError for empty or binary data and LegacyEncodingError for TCVN3/VNI text.

    >>> decode_bytes("Quyết định".encode("utf-16")).text
    'Quyết định'
    """
    if not data.strip():
        raise IngestError("empty file: no text to index")
    decoded = _decode_with_bom(data) or _decode_utf16_without_bom(data) or _decode_8bit(data)
    check_not_binary(decoded.text)
    check_not_legacy_vietnamese(decoded.text)
    return decoded


def _decode_with_bom(data: bytes) -> DecodedText | None:
    boms = (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    )
    for bom, codec in boms:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(codec), codec)
            except UnicodeDecodeError as exc:
                raise IngestError(f"file starts with a {codec} byte-order mark but is not valid {codec}: {exc.reason}") from None
    return None


def _decode_utf16_without_bom(data: bytes) -> DecodedText | None:
    """UTF-16 text of mostly Latin letters has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    codec = "utf-16-le" if odd_nuls > 0.3 and even_nuls < 0.05 else "utf-16-be" if even_nuls > 0.3 and odd_nuls < 0.05 else None
    if codec is None:
        return None
    try:
        return DecodedText(data.decode(codec), codec)
    except UnicodeDecodeError:
        return None


def _decode_8bit(data: bytes) -> DecodedText:
    if b"\x00" in data:
        raise IngestError("binary content (NUL bytes): not a text file")
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        _check_not_mixed_utf8(data, exc)
    western = data.decode("cp1252", "replace")
    words = _LETTERS.findall(western[:200_000])
    foreign = sum(1 for word in words if not any(c.isascii() for c in word))
    if words and foreign / len(words) > 0.3:
        raise IngestError(
            f"8-bit text in another script ({foreign} of {len(words)} words have no Latin letter: Cyrillic KOI8-R or "
            "Windows-1251, a Chinese or Greek code page?): save it as UTF-8 and ingest it again"
        )
    check_not_legacy_vietnamese(western)
    try:
        vietnamese = data.decode("cp1258")
    except UnicodeDecodeError:
        vietnamese = ""
    marked = sum(1 for word in _WORD.findall(vietnamese[:200_000]) if not _TONE_MARKS.isdisjoint(word))
    if vietnamese and words and marked / len(words) >= 0.05:
        return DecodedText(vietnamese, "windows-1258")
    try:
        return DecodedText(data.decode("cp1252"), "windows-1252")
    except UnicodeDecodeError:
        raise IngestError("not valid UTF-8, UTF-16, Windows-1258 or Windows-1252 text") from None


def _check_not_mixed_utf8(data: bytes, error: UnicodeDecodeError) -> None:
    """Mostly UTF-8 with some bytes that are not: a damaged file or two encodings pasted together."""
    repaired = data.decode("utf-8", "replace")
    multibyte = sum(1 for c in repaired if ord(c) > 0x7F and c != "\ufffd")
    invalid = repaired.count("\ufffd")
    if multibyte >= 20 and multibyte * 2 >= invalid:
        raise IngestError(
            f"mixes UTF-8 with another encoding ({invalid} invalid bytes, the first at byte "
            f"{error.start}): save the whole file as UTF-8 and ingest it again"
        )


def check_not_binary(text: str) -> None:
    """Reject text with many control characters: it is a binary file that happened to decode."""
    controls = len(_CONTROL.findall(text[:100_000]))
    if controls > max(8, len(text[:100_000]) // 100):
        raise IngestError("binary content (control characters): not a text file")


def check_not_legacy_vietnamese(text: str) -> None:
    """Raise LegacyEncodingError when words look like TCVN3 or VNI bytes read as Latin text.

    >>> check_not_legacy_vietnamese("Quyết định số 280/QĐ-UBND về cải cách hành chính")
    >>> check_not_legacy_vietnamese("C¸c quyÕt ®Þnh vÒ c¶i c¸ch hµnh chÝnh")
    Traceback (most recent call last):
    ...
    core.errors.LegacyEncodingError: text looks TCVN3 (ABC)-encoded ...
    """
    words = _WORD.findall(text[:200_000])
    if not words:
        return
    tcvn3 = sum(1 for w in words if _has_marker_inside_word(w, _TCVN3_MARKERS))
    vni = sum(1 for w in words if _VNI_PAIR.search(w))
    for name, suspicious, share in (("TCVN3 (ABC)", tcvn3, 0.02), ("VNI", vni, 0.2)):
        if suspicious >= 3 and suspicious / len(words) >= share:
            raise LegacyEncodingError(
                f"text looks {name}-encoded ({suspicious} of {len(words)} words contain legacy "
                "Vietnamese code points): convert the file to Unicode (e.g. UniKey's converter, "
                "'TCVN3/VNI -> Unicode') and ingest it again"
            )


def _has_marker_inside_word(word: str, markers: str) -> bool:
    return any(c in markers and any(o.isalpha() and o.isascii() for o in word) for c in word)
