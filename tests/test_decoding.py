"""Encodings: UTF-8 (BOM or not), UTF-16, Windows-1258 accepted; binary and TCVN3/VNI refused clearly."""

import unicodedata

import pytest

from core.errors import IngestError, LegacyEncodingError
from ingest.decoding import decode_bytes
from vntext.normalize import TONE_MARKS, normalize_text

SAMPLE = "Ủy ban nhân dân thành phố Hà Nội ban hành Quyết định số 280/QĐ-UBND về cải cách hành chính."


def to_windows_1258(text: str) -> bytes:
    """Windows-1258 stores base letters (with â, ê, ơ…) plus a separate combining tone mark."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = [c for c in parts if c in TONE_MARKS]
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out.append(base + "".join(tones))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("utf-16"), "utf-16"),
        (SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (SAMPLE.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_unicode_encodings_decode_to_the_same_text(data, encoding):
    decoded = decode_bytes(data)
    assert decoded.encoding == encoding
    assert normalize_text(decoded.text) == SAMPLE


def test_windows_1258_decodes_and_normalizes_to_the_same_text():
    data = to_windows_1258(SAMPLE)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    decoded = decode_bytes(data)
    assert decoded.encoding == "windows-1258"
    assert normalize_text(decoded.text) == SAMPLE


def test_tcvn3_text_is_rejected_with_a_conversion_hint():
    tcvn3 = "C¸c quyÕt ®Þnh vÒ c¶i c¸ch hµnh chÝnh cña Uû ban nh©n d©n thµnh phè Hµ Néi".encode("latin-1")
    with pytest.raises(LegacyEncodingError, match="TCVN3.*convert the file to Unicode"):
        decode_bytes(tcvn3)


def test_vni_text_is_rejected_with_a_conversion_hint():
    vni = "Quyeát ñònh soá 280 veà caûi caùch haønh chính cuûa UÛy ban nhaân daân".encode("cp1252")
    with pytest.raises(LegacyEncodingError, match="VNI"):
        decode_bytes(vni)


def test_empty_and_binary_data_are_refused():
    with pytest.raises(IngestError, match="empty"):
        decode_bytes(b"  \n\n ")
    with pytest.raises(IngestError, match="binary"):
        decode_bytes(bytes(range(256)) * 40)


FRENCH = (
    "La réforme administrative avance : où en est la modernisation des services publics ? Les préfectures "
    "numérisent leurs démarches, l'État investit, et les citoyens jugent la qualité de l'accueil. Noël approche, "
    "les guichets restent ouverts là où la demande est forte, même pour le naïf qui n'est pas sûr de lui."
)


@pytest.mark.parametrize(
    "text",
    [
        FRENCH,
        "Die Verwaltungsreform ist schön und wichtig für die Bürger. Öffentliche Ämter müssen übersichtlicher werden.",
        "La reforma administrativa de España avanza este año; el señor ministro añadió que la niña tendrá acceso.",
    ],
    ids=["french", "german", "spanish"],
)
def test_western_european_cp1252_text_is_accepted_not_taken_for_vni(text):
    decoded = decode_bytes(text.encode("cp1252"))
    assert decoded.encoding == "windows-1252"
    assert decoded.text == text


@pytest.mark.parametrize("codec", ["koi8_r", "cp1251"])
def test_cyrillic_8bit_text_is_refused_not_indexed_as_mojibake(codec):
    russian = "Административная реформа в городе Ханой: упрощение процедур, электронное правительство. " * 3
    with pytest.raises(IngestError, match="8-bit text in another script.*save it as UTF-8"):
        decode_bytes(russian.encode(codec))


def test_utf8_with_a_pasted_windows_1258_part_is_refused_with_where():
    data = (SAMPLE * 3).encode("utf-8") + to_windows_1258(SAMPLE)
    with pytest.raises(IngestError, match=r"mixes UTF-8 with another encoding \(\d+ invalid bytes, the first at byte \d+\)"):
        decode_bytes(data)


def test_utf32_with_bom_is_decoded():
    assert decode_bytes(SAMPLE.encode("utf-32")).text == SAMPLE
