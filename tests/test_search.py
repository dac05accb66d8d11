"""Hybrid search behaviour with the real model: numbers, folding, abbreviations, articles, updates."""

import json
import shutil

import pytest

from bench.corpora import synthetic_law
from core.errors import QueryError, ReformError
from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from library.indexes import open_search
from search.lexical import LexicalIndex
from search.service import SearchFilters
from search.terms import highlight_spans, query_terms
from search.vectors import VectorIndex
from tests.conftest import CORPUS, SEED_FILES, TEST_DATA, make_settings, run_reform


@pytest.mark.parametrize("query", ["280/QĐ-UBND", "280/QD-UBND", "280 /QĐ-UBND", "QĐ 280", "quyết định số 280"])
def test_number_queries_put_passages_citing_that_document_first(search_service, query):
    top = search_service.search(query, k=3).results[0]
    assert "280/QĐ-UBND" in top.passage.text


def test_number_query_ranks_every_citing_passage_above_the_rest(search_service):
    results = search_service.search("01-CTr/TU", k=10).results
    citing = [r.rank for r in results if "01-CTr/TU" in r.passage.text]
    assert citing == list(range(1, len(citing) + 1)) and len(citing) >= 2


def test_query_without_diacritics_finds_accented_text(search_service):
    top = search_service.search("chi so hai long SIPAS nam 2022", k=3).results[0]
    assert "80,16%" in top.passage.text


def test_abbreviations_expand_both_ways_and_are_harvested_from_documents(search_service):
    assert "cải cách hành chính" in search_service.search("CCHC quận Hà Đông", k=1).expansions
    assert "PBGDPL" in search_service.search("phổ biến giáo dục pháp luật", k=1).expansions
    assert search_service.lexical.abbreviations()["HTTT"] == "hệ thống thông tin"  # defined in 003, not built in


def test_paraphrase_found_by_the_vector_side(search_service):
    question = "Người dân hài lòng đến mức nào với sự phục vụ của bộ máy hành chính thủ đô?"
    vector = search_service.search(question, k=5, mode="vector").results
    assert any("80,16%" in r.passage.text for r in vector)


def test_highlights_are_character_spans_of_query_terms(search_service):
    result = search_service.search("Chỉ số SIPAS năm 2022", k=1).results[0]
    marked = [result.passage.text[s:e] for s, e in result.highlights]
    assert "SIPAS" in " ".join(marked)
    assert all(0 <= s < e <= len(result.passage.text) for s, e in result.highlights)


@pytest.mark.parametrize(
    ("query", "marked"),
    [
        ("số", ["số"]),
        ("so", ["số", "so"]),  # typed without marks: every accented spelling
        ("280/QD-UBND", ["280/QĐ-UBND"]),
        ("89,58%", ["89,58%"]),
        ("số liệu so", ["số liệu so"]),  # adjacent matches merge into one span
        ("Quyết định", ["Quyết định"]),
    ],
)
def test_one_passage_is_highlighted_for_each_query_on_its_own(query, marked):
    # token positions are cached per text: the same passage must still answer each query differently
    text = "Quyết định 280/QĐ-UBND: số liệu so với năm 2022, đạt 89,58%."
    assert [text[s:e] for s, e in highlight_spans(text, query_terms(query))] == marked


def test_result_json_has_the_documented_shape(search_service):
    data = search_service.search("PAR INDEX 2022", k=2).as_dict()
    assert set(data) >= {"query", "results"}
    result = data["results"][0]
    assert set(result) >= {"rank", "score", "text", "highlights", "passage_id", "start", "end", "document"}
    assert set(result["document"]) == {"id", "title", "date", "source"}
    document = search_service.store.get_document(result["document"]["id"])
    assert document.text[result["start"] : result["end"]] == result["text"]


def test_filters_by_year_and_type(search_service):
    dated = search_service.search("chính quyền số", k=10, filters=SearchFilters(year=2023)).results
    assert dated and {r.document.id for r in dated} == {"001_162ac573aecaa869"}
    assert search_service.search("chính quyền số", k=10, filters=SearchFilters(type="Quyết định")).results == []


@pytest.mark.parametrize(("query", "message"), [("   ", "empty query"), ("x" * 1001, "limit is 1000"), ("ok", "k must be")])
def test_bad_queries_get_clear_errors(search_service, query, message):
    with pytest.raises(QueryError, match=message):
        search_service.search(query, k=0 if query == "ok" else 10)


def test_without_a_model_search_is_lexical_and_says_so(seed_settings, seed_store):
    service = open_search(seed_settings, store=seed_store, load_model=False)
    response = service.search("Chỉ số SIPAS", k=3, mode="hybrid")
    assert response.results and "lexical only" in response.warnings[0]


@pytest.fixture(scope="module")
def legal_service(tmp_path_factory):
    """Two laws that both have an Article 169, and a decision: the document must be resolved too.

    Lexical only: resolving articles does not depend on the vector side, and embedding two law
    codes would cost half a minute of every test run.
    """
    folder = tmp_path_factory.mktemp("legal")
    (folder / "bo-luat-lao-dong.txt").write_text(synthetic_law(12, 15, 4, 80), encoding="utf-8")
    other = synthetic_law(12, 15, 4, 80, kind="LUẬT", name="ĐẤT ĐAI", number="31/2024/QH15")
    (folder / "luat-dat-dai.txt").write_text(other, encoding="utf-8")
    shutil.copy(TEST_DATA / "quyet_dinh_1234_qd_ubnd.txt", folder)
    settings = make_settings(folder / "data")
    store = DocumentStore(settings.database_path).open()
    ingest_paths([folder], store=store, settings=settings, progress=False)
    service = open_search(settings, store=store, load_model=False)
    yield service
    service.close()
    store.close()


def test_article_query_returns_that_article_of_the_named_law_first(legal_service):
    results = legal_service.search("Điều 169 Bộ luật Lao động", k=5).results
    assert results[0].document.title == "Bộ luật Lao động"
    assert "Điều 169" in results[0].passage.path
    assert results[0].passage.path[-1] == "khoản 1-2"


def test_clause_query_returns_the_passage_holding_that_clause(legal_service):
    top = legal_service.search("khoản 3 Điều 169 Luật Đất đai", k=3).results[0]
    assert top.document.title == "Luật Đất đai" and top.passage.path[-2:] == ("Điều 169", "khoản 3-4")


def test_article_of_a_decision_by_its_number(legal_service):
    top = legal_service.search("khoản 2 Điều 2 Quyết định 1234/QĐ-UBND", k=3).results[0]
    assert top.passage.path == ("Điều 2",) and "Sở Thông tin và Truyền thông" in top.passage.text


def test_reingest_updates_lexical_and_vector_indexes_incrementally(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = make_settings(tmp_path / "data")
    with DocumentStore(settings.database_path) as store:
        lexical, vectors = LexicalIndex(store), VectorIndex(store, embedder, settings.vectors_path)
        ingest_paths([corpus], store=store, settings=settings, indexes=[lexical, vectors], progress=False)
        size = vectors.size
        changed = corpus / SEED_FILES[2].name
        changed.write_text(
            changed.read_text(encoding="utf-8")
            + "\nThành phố thí điểm trợ lý ảo giải đáp thủ tục hành chính cho người cao tuổi.\n",
            encoding="utf-8",
        )
        ingest_paths([corpus], store=store, settings=settings, indexes=[lexical, vectors], progress=False)
        changed_passages = [p for p in store.passages() if "trợ lý ảo" in p.text]
        assert len(changed_passages) == 1 and changed_passages[0].id in vectors.hashes  # embedded, whether joined or new
        assert vectors.size == len(store.passages()) and vectors.size in (size, size + 1)
        service = open_search(settings, store=store, embedder=embedder)
        assert "trợ lý ảo" in service.search("trợ lý ảo cho người cao tuổi", k=1).results[0].passage.text
        (corpus / SEED_FILES[0].name).unlink()
        ingest_paths([corpus], store=store, settings=settings, prune=True, indexes=[lexical, vectors], progress=False)
        ids = {r.document.id for r in service.search("PARINDEX năm 2022 xếp thứ 3/63", k=20).results}
        assert SEED_FILES[0].stem not in ids
        assert vectors.size == len(store.passages())
        reopened = VectorIndex(store, embedder, settings.vectors_path)
        assert reopened.size == vectors.size and reopened.up_to_date


def test_only_changed_passages_are_embedded_again(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = make_settings(tmp_path / "data")
    with DocumentStore(settings.database_path) as store:
        vectors = VectorIndex(store, embedder, settings.vectors_path)
        ingest_paths([corpus], store=store, settings=settings, indexes=[vectors], progress=False)
        changed = corpus / SEED_FILES[4].name
        changed.write_text(changed.read_text(encoding="utf-8").replace("1.922 thủ tục", "1.923 thủ tục"), encoding="utf-8")
        calls = []
        original = embedder.encode_passages
        embedder.encode_passages = lambda texts, **kw: calls.append(len(texts)) or original(texts, **kw)
        try:
            ingest_paths([corpus], store=store, settings=settings, indexes=[vectors], progress=False)
        finally:
            del embedder.encode_passages
        assert calls == [1]


def test_index_built_with_another_model_is_refused_until_rebuilt(tmp_path, embedder, seed_store):
    path = tmp_path / "vectors.npz"
    VectorIndex(seed_store, embedder, path).sync()
    original = embedder.model_id
    embedder.model_id = "another-model@000000000000"
    try:
        other = VectorIndex(seed_store, embedder, path)
        assert not other.up_to_date
        with pytest.raises(ReformError, match="was built with model .* run 'reform reindex'"):
            other.search(embedder.encode_queries(["cải cách hành chính"])[0])
        other.rebuild()
        assert VectorIndex(seed_store, embedder, path).built_with == "another-model@000000000000"
    finally:
        embedder.model_id = original


def test_approximate_index_past_the_threshold(tmp_path, embedder, seed_store):
    exact = VectorIndex(seed_store, embedder, tmp_path / "exact.npz")
    approximate = VectorIndex(seed_store, embedder, tmp_path / "ivf.npz", ann_threshold=10, nprobe=64)
    exact.sync(), approximate.sync()
    assert (exact.kind, approximate.kind) == ("flat", "ivf")
    query = embedder.encode_queries(["Chỉ số hài lòng SIPAS"])[0]
    top_exact = [h.passage_id for h in exact.search(query, limit=10)]
    top_approx = [h.passage_id for h in approximate.search(query, limit=10)]
    assert len(set(top_exact) & set(top_approx)) >= 9


def test_search_cli_json(tmp_path, model_dir, search_service, seed_settings):
    data = tmp_path / "data"
    shutil.copytree(seed_settings.data, data)  # its embedding cache is filled: no re-embedding here
    env = {"REFORM_MODEL": str(model_dir)}
    ingest = run_reform("ingest", str(CORPUS), data=data, env=env)
    assert ingest.returncode == 0 and "5 skipped" in ingest.stdout, ingest.stderr
    result = run_reform("search", "280/QD-UBND", "--k", "3", "--json", data=data, env=env)
    payload = json.loads(result.stdout)
    assert payload["query"] == "280/QD-UBND" and len(payload["results"]) == 3
    assert "280/QĐ-UBND" in payload["results"][0]["text"]
    plain = run_reform("search", "chỉ số hài lòng", data=data, env=env)
    assert "1. " in plain.stdout and "[" in plain.stdout


def test_repeated_sentence_in_two_reports_is_marked_near_duplicate(search_service):
    results = search_service.search("giảm 2.385 biên chế viên chức năm 2023", k=4).results
    first, second = results[0], results[1]
    assert "2.385 biên chế" in first.passage.text and "2.385 biên chế" in second.passage.text
    assert first.document.id != second.document.id
    assert second.near_duplicate_of == first.passage.id and first.near_duplicate_of is None


def test_vector_search_runs_faiss_on_one_thread_in_any_request_thread(search_service):
    # OpenMP's thread count is per calling thread: a server's request threads would otherwise run
    # each query on every core, the idle OpenMP threads spinning against the other server process
    import threading

    import faiss

    seen: list[int] = []

    def request_thread() -> None:
        search_service.search("dịch vụ công trực tuyến", k=3, mode="vector")
        seen.append(faiss.omp_get_max_threads())

    thread = threading.Thread(target=request_thread)
    thread.start()
    thread.join()
    assert seen == [1]


# -- the lexical index in segments -----------------------------------------------------------------


def _rows(count: int, offset: int = 0) -> list[tuple[str, str, str]]:
    """Token rows of made-up passages: topics repeat so that terms have varied frequencies."""
    from vntext.normalize import fold_diacritics

    words = "tuổi nghỉ hưu lao động đất đai thừa kế hợp đồng tạm trú bảo hiểm xã hội".split()
    rows = []
    for i in range(offset, offset + count):
        exact = " ".join(words[(i * k) % len(words)] for k in range(1, 4 + i % 9))
        rows.append((f"d{i // 10:03d}-p{i:04d}", exact, fold_diacritics(exact)))
    return rows


def test_segments_score_like_one_index_over_the_live_passages():
    import numpy as np

    from search.bm25 import BM25Index, Segment

    rows = _rows(120)
    parts = [Segment.build(rows[:50]), Segment.build(rows[50:90]), Segment.build(rows[90:])]
    live = [np.ones(s.size, bool) for s in parts]
    live[0][10:20] = False  # a replaced document: its rows no longer count, df and lengths included
    segmented = BM25Index(parts, live)
    alone = Segment.build(rows[:10] + rows[20:])
    single = BM25Index([alone], [np.ones(alone.size, bool)])
    merged = Segment.merged(list(zip(parts, live, strict=True)))
    for query in (["e:tuổi", "f:nghi", "p:nghi huu"], ["e:đất", "e:bảo", "p:bao hiem"], ["e:none"]):
        expected = single.search(query, limit=30)
        assert segmented.search(query, limit=30) == expected
        assert BM25Index([merged], [np.ones(merged.size, bool)]).search(query, limit=30) == expected
    assert segmented.document_frequency("e:tuổi") == single.document_frequency("e:tuổi") > 0


def test_an_ingest_adds_a_segment_and_a_changed_document_stops_matching_its_old_text(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = make_settings(tmp_path / "data")
    with DocumentStore(settings.database_path) as store:
        lexical = LexicalIndex(store)
        ingest_paths([corpus], store=store, settings=settings, indexes=[lexical], progress=False)
        (corpus / "moi.txt").write_text(
            "Thành phố thí điểm trợ lý ảo giải đáp thủ tục hành chính cho người cao tuổi.", encoding="utf-8"
        )
        ingest_paths([corpus], store=store, settings=settings, indexes=[lexical], progress=False)
        assert [s.live for s in lexical.segment_infos()] == [len(store.passages()) - 1, 1]  # added, not rebuilt
        top = store.get_passage(lexical.search(query_terms("trợ lý ảo người cao tuổi"), limit=1)[0].passage_id)
        assert "trợ lý ảo" in top.text
        (corpus / "moi.txt").write_text("Thành phố mở thêm điểm tiếp nhận hồ sơ vào thứ bảy.", encoding="utf-8")
        ingest_paths([corpus], store=store, settings=settings, indexes=[lexical], progress=False)
        assert all(
            "trợ lý ảo" not in store.get_passage(h.passage_id).text for h in lexical.search(query_terms("trợ lý ảo"), limit=50)
        )
        before = lexical.search(query_terms("cải cách hành chính Hà Nội"), limit=20)
        assert lexical.merge(everything=True) >= 2 and len(lexical.segment_infos()) == 1
        assert LexicalIndex(store).search(query_terms("cải cách hành chính Hà Nội"), limit=20) == before


def test_a_lost_segment_is_searched_from_the_token_table_and_rebuilt_by_the_next_writer(tmp_path):
    settings = make_settings(tmp_path / "data")
    with DocumentStore(settings.database_path) as store:
        lexical = LexicalIndex(store)
        ingest_paths([CORPUS], store=store, settings=settings, indexes=[lexical], progress=False)
        expected = lexical.search(query_terms("chỉ số hài lòng SIPAS"), limit=10)
        for segment in lexical.segments_dir.iterdir():
            shutil.rmtree(segment)
        assert LexicalIndex(store).search(query_terms("chỉ số hài lòng SIPAS"), limit=10) == expected
        writer = LexicalIndex(store)
        writer.sync()
        assert all((writer.segments_dir / s.name).is_dir() for s in writer.segment_infos())


def test_law_passages_are_indexed_under_their_chapter_and_article_titles(legal_service):
    from search.sections import passage_titles

    law = next(d for d in legal_service.store.documents(with_passages=True) if d.title == "Bộ luật Lao động")
    titles = passage_titles(law)
    clause = next(p for p in law.passages if p.path[-2:] == ("Điều 169", "khoản 3-4"))
    assert titles[clause.id] == ("Quy định nhóm 12", "Nội dung điều 169")
    top = legal_service.search("nội dung điều 169 quy định nhóm 12", k=10, mode="lexical").results
    assert clause.id in [r.passage.id for r in top]  # the clause itself never says it


def test_a_passage_vector_does_not_depend_on_its_batch(embedder, seed_store):
    import numpy as np

    texts = [p.text for p in seed_store.passages()[:9]]
    alone = np.stack([embedder.encode_passages([t])[0] for t in texts[:3]])
    together = embedder.encode_passages(texts[::-1])[::-1][:3]
    assert embedder.passage_onnx is not None  # the int8 export, which scales activations per input
    assert np.array_equal(alone, together)


def test_vector_kinds_follow_the_collection_size(tmp_path, embedder, seed_store):
    from search.ann import AnnPolicy

    size = len(seed_store.passages())
    for kind in ("ivfpq", "hnsw"):
        index = VectorIndex(seed_store, embedder, tmp_path / f"{kind}.npz", policy=AnnPolicy(10, 20, kind, nprobe=64))
        index.sync()
        assert index.kind == kind and index.size == size
        reopened = VectorIndex(seed_store, embedder, tmp_path / f"{kind}.npz", policy=AnnPolicy(10, 20, kind, nprobe=64))
        query = embedder.encode_queries(["Chỉ số hài lòng SIPAS"])[0]
        assert [h.passage_id for h in reopened.search(query, limit=5)] == [h.passage_id for h in index.search(query, limit=5)]
