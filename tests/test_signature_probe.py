"""Signature blocks flattened onto one line, as an unlabelled probe found them (tests/data/legal/probe, SOURCES.md).

A probe of real files (LuatVietNam .doc files read by antiword, thuvienphapluat crawls, a scanned law) listed the
documents whose signer came out empty or wrong. Their blocks are run onto one line with what stood around them: a
table row ("Nơi nhận: … | BỘ TRƯỞNG (đã ký) Trịnh Đình Dũng"), an annex title or footnotes glued after the name,
a rank between the position and the name, two positions merged. Each class has a test on the real text it was found
on, and so do the two wrong signers: a name taken from an annex, a heading read as a block.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.legal_facts import legal_facts
from ingest.signature import Signature, parse_signature
from tests.test_legal import text_of

PROBE = Path(__file__).parent / "data" / "legal" / "probe"


def signer_of(name: str) -> tuple[str, str | None, str | None]:
    """(name, position, mode) of the first block in a probe file (an excerpt: no header), its name's span checked."""
    text = text_of(PROBE / name)
    signature = parse_signature(text)
    assert signature is not None
    return checked(text, signature)


def checked(text: str, signature: Signature) -> tuple[str, str | None, str | None]:
    assert text[signature.name_start : signature.name_end] == signature.name
    return signature.name, signature.position, signature.mode


def test_a_signature_table_row_read_as_one_line_with_the_recipients():
    """antiword gives the row as "Nơi nhận: - Như Điều 3; - Lưu: VT, TCCB (2b). | BỘ TRƯỞNG (đã ký) Trịnh Đình Dũng"."""
    text = text_of(PROBE / "qd-108-2014-qd-bxd-doc-signature-row.doc")
    signer = legal_facts(text)["signer"]
    assert (signer["name"], signer["position"], signer["mode"]) == ("Trịnh Đình Dũng", "BỘ TRƯỞNG", None)
    assert text[signer["name_start"] : signer["name_end"]] == "Trịnh Đình Dũng"


def test_a_military_rank_between_the_position_and_the_name_is_not_part_of_the_name():
    """ "… - Lưu: VT, V19, C61(C64). | BỘ TRƯỞNG Đại tướng Trần Đại Quang", a form's title on the next line."""
    assert signer_of("tt-04-2014-tt-bca-doc-text-end.txt") == ("Trần Đại Quang", "BỘ TRƯỞNG", None)


@pytest.mark.parametrize(
    ("name", "signer"),
    [
        ("ct-13-2010-ct-ktnn-doc-merged-positions.doc", ("Lê Minh Khái", "PHÓ TỔNG KIỂM TOÁN NHÀ NƯỚC", "KT.")),
        ("qd-3783-2010-qd-ubnd-hcm-doc-merged-positions.doc", ("Nguyễn Thành Tài", "PHÓ CHỦ TỊCH THƯỜNG TRỰC", "KT.")),
    ],
)
def test_the_position_of_two_merged_lines_is_the_deputys(name, signer):
    """ "KT.TỔNG KIỂM TOÁN NHÀ NƯỚC PHÓ TỔNG KIỂM TOÁN NHÀ NƯỚC Lê Minh Khái": the head's position, then the deputy's,
    who signs; the same with a qualifier after the deputy's ("PHÓ CHỦ TỊCH THƯỜNG TRỰC")."""
    found = legal_facts(text_of(PROBE / name))["signer"]
    assert (found["name"], found["position"], found["mode"]) == signer


def test_a_long_position_signing_by_delegation():
    """ "TL. BỘ TRƯỞNG VỤ TRƯỞNG VỤ KHCN&MT Nguyễn Trung Hòa": the director signs for the minister (TL.)."""
    text = text_of(PROBE / "cv-329-2010-bxd-khcn-doc-tl-position.doc")
    signer = legal_facts(text)["signer"]
    assert (signer["name"], signer["position"], signer["mode"]) == ("Nguyễn Trung Hòa", "VỤ TRƯỞNG VỤ KHCN&MT", "TL.")


def test_an_annex_title_glued_after_the_name():
    """A crawled page: "TM. CHÍNH PHỦ KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG Trần Hồng Hà PHỤ LỤC I (Kèm theo …" on one line."""
    assert signer_of("nd-71-2024-nd-cp-crawl-end.txt") == ("Trần Hồng Hà", "PHÓ THỦ TƯỚNG", "KT.")


@pytest.mark.parametrize(
    ("name", "signer"),
    [
        ("nd-103-2024-nd-cp-crawl-end.txt", ("Trần Hồng Hà", "PHÓ THỦ TƯỚNG", "KT.")),  # "TM. CHÍNH PHỦ KT." / "THỦ …"
        ("cv-778-2017-tchq-gsql-crawl-end.txt", ("Vũ Ngọc Anh", "PHÓ TỔNG CỤC TRƯỞNG", "KT.")),  # "KT." / "TỔNG …"
    ],
)
def test_a_deputys_mode_printed_on_the_line_above(name, signer):
    """The deputy signs for the head (KT.), the mode the signer's own whatever the body it is on behalf of (TM.): the
    "KT." that ends the line above, or stands alone there, is the mode of the position under it."""
    assert signer_of(name) == signer


def test_footnotes_glued_after_a_consolidated_texts_authentication():
    """ "XÁC THỰC VĂN BẢN HỢP NHẤT CHỦ NHIỆM Bùi Văn Cường [1] Luật số 03/2022/QH15 sửa đổi …" on one line."""
    assert signer_of("vbhn-07-2022-vpqh-crawl-end.txt") == ("Bùi Văn Cường", "CHỦ NHIỆM", None)


def test_a_portal_record_number_before_the_position():
    """ "Epas: 180408 CHỦ TỊCH QUỐC HỘI Vương Đình Huệ" under the adoption line of a law."""
    assert signer_of("luat-26-2023-qh15-can-cuoc-crawl-end.txt") == ("Vương Đình Huệ", "CHỦ TỊCH QUỐC HỘI", None)


def test_a_name_and_its_signing_note_on_one_line_with_no_position():
    """A crawled resolution ends "… thông qua ngày 26 tháng 11 năm 2003." / "Nguyễn Văn An (Đã ký)"."""
    text = text_of(PROBE / "nq-23-2003-qh11-crawl.txt")
    signer = legal_facts(text)["signer"]
    assert (signer["name"], signer["position"], signer["mode"]) == ("Nguyễn Văn An", None, None)


def test_no_signer_is_read_from_the_annex_after_a_block_whose_name_follows_a_signing_note():
    """ "KT. BỘ TRƯỞNG THỨ TRƯỞNG (Đã ký) Nguyễn Vinh Hiển", then an annex (its own header, "Khung tham chiếu chung
    Châu Âu" ending a line): the signer is the block's, and a continent is no one's name."""
    text = text_of(PROBE / "tt-01-2014-tt-bgddt-doc-text-end.txt")
    assert signer_of("tt-01-2014-tt-bgddt-doc-text-end.txt") == ("Nguyễn Vinh Hiển", "THỨ TRƯỞNG", "KT.")
    annex = text.index("KHUNG NĂNG LỰC NGOẠI NGỮ")
    assert parse_signature(text[:annex].replace("Nguyễn Vinh Hiển", "") + text[annex:]) is None


def test_a_heading_that_names_whose_acts_a_chapter_rules_is_no_signature_block():
    """A scanned law's chapter heading "… NGHỊ QUYẾT CỦA ỦY BAN / THƯỜNG VỤ QUỐC HỘI, LỆNH, QUYÉT ĐỊNH CỦA CHỦ TỊCH NƯỚC",
    an article later "… với Đoàn Chủ" / "tịch Ủy ban …": no block, no signer; the law's own block is at its end."""
    heading = text_of(PROBE / "luat-80-2015-qh13-ocr-chuong-v.txt")
    assert parse_signature(heading) is None
    law = heading + "\n" + text_of(PROBE / "luat-80-2015-qh13-ocr-end.txt")
    signature = parse_signature(law)
    assert signature is not None and checked(law, signature) == ("Nguyễn Sinh Hùng", "CHỦ TỊCH QUỐC HỘI", None)
