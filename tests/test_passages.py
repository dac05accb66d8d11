"""Passages: exact offsets, retrieval-sized, sections respected, legal structure followed."""

import re

import pytest

from bench.corpora import synthetic_law
from ingest.build import build_document
from tests.conftest import SEED_FILES, TEST_DATA

MAX_WORDS, MIN_WORDS = 200, 40


def build(path, data=None):
    return build_document(
        path,
        data if data is not None else path.read_bytes(),
        document_id="doc",
        manifest={},
        max_words=MAX_WORDS,
        min_words=MIN_WORDS,
    )


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_passage_offsets_round_trip_on_every_seed(path):
    document = build(path)
    assert document.passages
    for passage in document.passages:
        assert document.text[passage.start : passage.end] == passage.text
    starts = [p.start for p in document.passages]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(document.passages, document.passages[1:], strict=False))


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_passages_are_retrieval_sized(path):
    words = [p.word_count for p in build(path).passages]
    assert max(words) <= MAX_WORDS + MIN_WORDS
    # a short passage is only allowed when it is a whole section or the whole document
    assert sum(1 for w in words if w < MIN_WORDS) <= 1


def test_passages_carry_their_heading_trail():
    document = build(next(p for p in SEED_FILES if p.name.startswith("003")))
    paths = {p.path for p in document.passages}
    assert ("I. Kết quả công tác cải cách hành chính của thành phố Hà Nội 6 tháng đầu năm 2023.", "2. Cải cách thể chế") in paths
    indicator = next(p for p in document.passages if "89,58%" in p.text)
    assert indicator.heading == "1. Một số hoạt động, chỉ đạo điều hành nổi bật của Thành phố"


def test_every_passage_covers_the_whole_text_but_headings():
    document = build(next(p for p in SEED_FILES if p.name.startswith("000")))
    covered = "".join(document.text[p.start : p.end] for p in document.passages)
    assert len(covered.split()) >= 0.97 * len(document.text.split())


def test_formal_decision_is_chunked_by_article():
    document = build(TEST_DATA / "quyet_dinh_1234_qd_ubnd.txt")
    assert document.kind == "legal"
    assert (document.number, document.date) == ("1234/QĐ-UBND", "2024-03-15")
    assert document.title.startswith("Quyết định về việc ban hành Quy chế phối hợp")
    assert [p.path for p in document.passages] == [("Phần mở đầu",), ("Điều 1",), ("Điều 2",), ("Điều 3",), ("Nơi nhận",)]
    assert document.passages[0].text.count("Căn cứ") == 3


def test_formal_plan_keeps_header_sections_and_recipients_apart():
    document = build(TEST_DATA / "ke_hoach_120_kh_ubnd.txt")
    assert (document.kind, document.number, document.date) == ("formal", "120/KH-UBND", "2023-05-20")
    assert (
        document.title
        == "Kế hoạch triển khai thực hiện Quyết định số 280/QĐ-UBND về Kế hoạch cải cách hành chính nhà nước năm 2023"
    )
    paths = [p.path for p in document.passages]
    assert paths[0] == ("Phần mở đầu",) and paths[-1] == ("Nơi nhận",)
    assert ("II. NHIỆM VỤ, GIẢI PHÁP", "2. Xây dựng chính quyền số") in paths
    assert document.passages[0].text.count("Căn cứ") == 2


def test_law_code_passages_never_span_two_articles_and_split_at_clauses():
    text = synthetic_law(chapters=12, articles_per_chapter=15, clauses=4, clause_words=80)
    document = build(TEST_DATA / "law.txt", text.encode())
    articles = [p for p in document.passages if p.path and p.path[-1].startswith(("Điều", "khoản"))]
    assert len({p.path[1] for p in articles}) == 180
    for passage in document.passages:
        assert len(re.findall(r"(?m)^Điều \d+\.", passage.text)) <= 1
        assert passage.word_count <= MAX_WORDS + MIN_WORDS
    article_169 = [p for p in document.passages if "Điều 169" in p.path]
    assert article_169[0].path[0] == "Chương 12"
    assert {p.path[-1] for p in article_169} == {"khoản 1-2", "khoản 3-4"}
    assert article_169[0].text.startswith("Điều 169. Nội dung điều 169")
