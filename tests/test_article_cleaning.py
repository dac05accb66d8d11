"""Seed articles: site boilerplate gone from text and passages, source/author/date lifted into metadata."""

import pytest

from ingest.build import build_document
from tests.conftest import SEED_FILES

BOILERPLATE = ("Viết bình luận", "Xem thêm tin tức", "leftcenterrightdel", "Nguồn:", "Tin, ảnh:")


def build_without_manifest(prefix):
    path = next(p for p in SEED_FILES if p.name.startswith(prefix))
    return build_document(path, path.read_bytes(), document_id=prefix, manifest={}, max_words=200, min_words=40)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_boilerplate_is_stripped_from_text_and_passages(prefix):
    document = build_without_manifest(prefix)
    for marker in BOILERPLATE:
        assert marker not in document.text
        assert all(marker not in p.text for p in document.passages)


def test_source_line_becomes_metadata():
    assert build_without_manifest("002").source == "Cổng giao tiếp điện tử Hà Nội"


def test_author_line_and_photo_caption_become_metadata():
    document = build_without_manifest("004")
    assert document.author == "NGUYỄN VŨ"
    assert document.metadata["captions"] == ["Phó giám đốc Sở Nội vụ Hà Nội Nguyễn Đình Hoa phát biểu tại hội nghị."]


def test_banner_title_and_date_line_are_lifted_from_the_top():
    document = build_without_manifest("001")
    assert (
        document.title
        == "Hà Nội ưu tiên phát triển chính quyền điện tử, chính quyền số, hướng đến nền hành chính phục vụ, chuyên nghiệp, hiện đại"
    )
    assert document.date == "2023-04-07"
    assert document.text.startswith("Ngày 11 tháng 1 năm 2023, Ủy ban nhân dân thành phố Hà Nội ban hành")


def test_article_without_a_stated_date_gets_none_not_a_guess():
    assert build_without_manifest("002").date is None
    assert build_without_manifest("002").language == "vi"


def test_manifest_metadata_is_applied(seed_store):
    rows = {row["id"]: row for row in seed_store.document_summaries()}
    assert rows["002_13b3cd4834e1fb70"]["source"] == "Cổng giao tiếp điện tử Hà Nội"
    assert rows["001_162ac573aecaa869"]["date"] == "2023-04-07"
    assert all(row["title"] for row in rows.values())
    assert seed_store.get_document("000_2629a73e2fef3182").metadata["topic"]
