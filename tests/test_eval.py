"""The eval harness: metrics on a tiny question set, through the same search path as the CLI."""

import json

import pytest

from core.errors import ReformError
from search.evaluate import evaluate, format_table, load_questions
from tests.conftest import TEST_DATA


def write_questions(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_metrics_on_a_tiny_fixture(tmp_path, search_service):
    questions = load_questions(
        write_questions(
            tmp_path / "q.jsonl",
            [
                {"id": "a", "q": "280/QĐ-UBND", "any_of": [["280/QĐ-UBND"]], "kind": "doc_number"},
                {"id": "b", "q": "Chỉ số SIPAS năm 2022 đạt bao nhiêu?", "any_of": [["80,16%"]], "kind": "fact"},
            ],
        )
    )
    report = evaluate(search_service, questions)
    assert set(report) == {"hybrid", "lexical", "vector"}
    hybrid = report["hybrid"]
    assert set(hybrid) == {"recall@1", "recall@5", "recall@10", "mrr", "ndcg@10", "n", "by_kind"}
    assert hybrid["n"] == 2 and hybrid["recall@1"] == 1.0 and hybrid["mrr"] == 1.0
    assert hybrid["by_kind"]["doc_number"]["n"] == 1
    assert 0 < hybrid["ndcg@10"] <= 1
    table = format_table(report)
    assert table.splitlines()[0].split()[:3] == ["mode", "kind", "recall@1"]
    assert "recall@3" in evaluate(search_service, questions, k=3)["lexical"]


def test_a_question_no_passage_answers_is_reported(tmp_path, search_service):
    questions = load_questions(
        write_questions(
            tmp_path / "q.jsonl", [{"id": "z", "q": "anything", "any_of": [["this text is nowhere"]], "kind": "fact"}]
        )
    )
    with pytest.raises(ReformError, match="no passage in the index answers questions z"):
        evaluate(search_service, questions)


def test_malformed_question_file_names_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "q": "x", "any_of": [["x"]]}\n{not json}\n', encoding="utf-8")
    with pytest.raises(ReformError, match="bad.jsonl:2"):
        load_questions(path)


def test_shipped_question_set_meets_the_bar(search_service):
    questions = load_questions(TEST_DATA / "questions.jsonl")
    assert len(questions) >= 40
    report = evaluate(search_service, questions)
    hybrid, lexical, vector = report["hybrid"], report["lexical"], report["vector"]
    assert hybrid["recall@5"] >= 0.9 and hybrid["mrr"] >= 0.75
    for single in (lexical, vector):
        assert hybrid["mrr"] > single["mrr"] and hybrid["ndcg@10"] > single["ndcg@10"]
        assert hybrid["recall@5"] >= single["recall@5"]
