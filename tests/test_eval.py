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
    assert set(hybrid) == {"recall@1", "recall@5", "recall@10", "mrr", "ndcg@10", "n", "by_kind", "ci95"}
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


def test_split_keeps_only_the_questions_of_that_split(tmp_path):
    rows = [
        {"id": "a", "q": "x", "any_of": [["x"]], "kind": "fact", "split": "dev"},
        {"id": "b", "q": "y", "any_of": [["y"]], "kind": "fact", "split": "heldout", "law": "ignored"},
        {"id": "c", "q": "z", "any_of": [["z"]], "kind": "fact"},
    ]
    path = write_questions(tmp_path / "q.jsonl", rows)
    assert [q.id for q in load_questions(path, split="dev")] == ["a"]
    assert [q.id for q in load_questions(path, split="heldout")] == ["b"]
    assert len(load_questions(path)) == 3
    with pytest.raises(ReformError, match='no questions with "split": "dev"'):
        load_questions(write_questions(tmp_path / "h.jsonl", rows[1:]), split="dev")


def test_every_figure_comes_with_its_interval(search_service):
    questions = load_questions(TEST_DATA / "questions.jsonl")
    hybrid = evaluate(search_service, questions, modes=("hybrid",))["hybrid"]
    low, high = hybrid["ci95"]["recall@5"]
    assert low <= hybrid["recall@5"] <= high and high - low < 0.2  # 50 questions
    for kind, values in hybrid["by_kind"].items():
        low, high = values["ci95"]["mrr"]
        assert low <= values["mrr"] <= high, kind
    assert "recall@5 95%" in format_table({"hybrid": hybrid}).splitlines()[0]


def test_wilson_interval_is_honest_about_small_sets():
    from search.evaluate import bootstrap_interval, wilson_interval

    assert wilson_interval(5, 10) == [0.2366, 0.7634]  # 5 of 10 in the top 5: anything from a quarter to three quarters
    assert wilson_interval(0, 6)[0] == 0.0 and wilson_interval(6, 6)[1] == 1.0
    assert bootstrap_interval([1.0, 0.5, 0.0, 1.0]) == bootstrap_interval([1.0, 0.5, 0.0, 1.0])  # seeded
