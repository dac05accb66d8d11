"""Bytes to text: BOMs, UTF-8, UTF-16, Windows-1258, and refusal of binary or legacy TCVN3/VNI text.

Vietnamese offices still hold files from before Unicode. TCVN3 (ABC) and VNI put Vietnamese letters
on code points that decode "successfully" as Latin-1/Windows-125x but read as garbage ("C¸c quyÕt
®Þnh", "Quyeát ñònh"). Indexing that silently would poison search, so such text is detected and
rejected with an instruction to convert it first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import IngestError, LegacyEncodingError

# TCVN3 puts á à ả ã ạ ă â ê ô ơ đ … on these symbols; Unicode Vietnamese never has them inside a word.
_TCVN3_MARKERS = "¸µ¶·¹¨©ª«¬®§¡¢£¤¥¦»¼½¾Þ×"
# VNI writes a base letter followed by a mark byte; these never occur in Unicode Vietnamese words.
_VNI_MARKERS = "äåëïöøûñÄÅËÏÖØÛÑ"
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
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
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
    except UnicodeDecodeError:
        pass
    try:
        return DecodedText(data.decode("cp1258"), "windows-1258")
    except UnicodeDecodeError:
        raise IngestError("not valid UTF-8, UTF-16 or Windows-1258 text") from None


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
    for name, markers in (("TCVN3 (ABC)", _TCVN3_MARKERS), ("VNI", _VNI_MARKERS)):
        suspicious = sum(1 for w in words if _has_marker_inside_word(w, markers))
        if suspicious >= 3 and suspicious / len(words) >= 0.02:
            raise LegacyEncodingError(
                f"text looks {name}-encoded ({suspicious} of {len(words)} words contain legacy "
                "Vietnamese code points): convert the file to Unicode (e.g. UniKey's converter, "
                "'TCVN3/VNI -> Unicode') and ingest it again"
            )


def _has_marker_inside_word(word: str, markers: str) -> bool:
    return any(c in markers and any(o.isalpha() and o.isascii() for o in word) for c in word)
