"""The derived indexes of a data directory: schema versions, loud index failures, `reform reindex`."""

import json
import shutil

import pytest

from core.errors import ConfigError
from core.settings import SETTINGS, Settings
from graph.index import GraphIndex
from graph.lookup import lookup_number
from ingest.derived import DerivedIndex, all_failures, ensure_schema
from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from library.indexes import indexes_current, open_search, published_graph, writable_indexes
from library.reindex import rebuild_all
from search.lexical import LexicalIndex
from tests.conftest import CORPUS, make_settings, run_reform


@pytest.fixture
def ingested(tmp_path):
    """The shipped corpus ingested with every index but the vectors (no model in this data directory)."""
    settings = make_settings(tmp_path / "data")
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    with DocumentStore(settings.database_path) as store:
        with writable_indexes(settings, store, warn=lambda _: None) as indexes:
            report = ingest_paths([corpus], store=store, settings=settings, indexes=indexes, progress=False)
        assert not report.failed and not report.index_errors
        yield settings, store, corpus


def answers(settings: Settings, store: DocumentStore) -> tuple:
    """What a user sees: lexical results for two questions and a lookup."""
    with open_search(settings, store=store, load_model=False) as service:
        searches = tuple(
            tuple(r.passage.id for r in service.search(q, k=5, mode="lexical").results)
            for q in ("Chỉ số PAR INDEX 2022 của Hà Nội", "thủ tục hành chính trực tuyến")
        )
    graph = published_graph(settings, store).current()
    found = lookup_number(graph, store, "280/QĐ-UBND")
    return searches, (found["uri"], found["date"], len(found["mentions"]), len(found["related"]))


def test_every_index_declares_the_derived_index_interface(ingested):
    settings, store, _ = ingested
    with writable_indexes(settings, store, warn=lambda _: None) as indexes:
        assert {i.name for i in indexes} == {"lexical", "graph"}
        for index in indexes:
            assert isinstance(index, DerivedIndex) and index.schema_version >= 1 and index.up_to_date


def test_reindex_rebuilds_and_answers_stay_the_same(ingested):
    settings, store, _ = ingested
    before = answers(settings, store)
    published_before = published_graph(settings, store).path
    outcome = rebuild_all(settings, store, progress=False, warn=lambda _: None)
    assert not outcome.errors and [name for name, _, _ in outcome.rebuilt] == ["lexical", "graph"]
    assert published_graph(settings, store).path != published_before  # a new graph was published
    assert answers(settings, store) == before


def test_a_schema_version_change_rebuilds_the_index(ingested):
    settings, store, _ = ingested
    store.set_meta("schema.lexical", "0")  # as if an older reform-kg had built these tables
    assert not LexicalIndex.is_current(store) and not indexes_current(settings, store)
    with open_search(settings, store=store, load_model=False) as service:
        results = service.search("PAR INDEX 2022", k=3, mode="lexical").results
    assert results and store.get_meta("schema.lexical") == str(LexicalIndex.schema_version)
    assert indexes_current(settings, store)


def test_schema_tables_are_created_in_one_transaction_and_never_commit_an_open_one(store):
    store.db.execute("CREATE TABLE probe (x)")
    created = ensure_schema(store, "probe-index", 2, ["CREATE TABLE probe_rows (x)"], ["probe_rows"])
    assert created and not ensure_schema(store, "probe-index", 2, ["CREATE TABLE probe_rows (x)"], ["probe_rows"])
    with pytest.raises(Exception, match="boom"), store.transaction():
        store.db.execute("INSERT INTO probe VALUES (1)")
        raise RuntimeError("boom")
    assert store.db.execute("SELECT COUNT(*) FROM probe").fetchone()[0] == 0


def test_a_document_the_graph_cannot_take_in_is_an_error_and_the_rest_is_kept(ingested, monkeypatch):
    settings, store, corpus = ingested
    import graph.index

    real_extract = graph.index.extract

    def broken_for_one(document):
        if "Báo cáo số 175" in document.title:
            raise KeyError("boom in the extractor")
        return real_extract(document)

    monkeypatch.setattr(graph.index, "extract", broken_for_one)
    (corpus / "plan.txt").write_text("KẾ HOẠCH\nSố: 77/KH-UBND\nCải cách hành chính năm 2025.\n", encoding="utf-8")
    for path in corpus.glob("002_*.txt"):
        path.write_text(path.read_text(encoding="utf-8") + "\nThêm một dòng.\n", encoding="utf-8")
    with writable_indexes(settings, store, warn=lambda _: None) as indexes:
        report = ingest_paths([corpus], store=store, settings=settings, indexes=indexes, progress=False)
    [error] = report.index_errors
    assert error.index == "graph" and "002_13b3cd4834e1fb70" in error.failures and "boom in the extractor" in str(error)
    assert report.as_dict()["index_errors"][0]["documents"] == error.failures
    graph = published_graph(settings, store).current()
    assert lookup_number(graph, store, "77/KH-UBND") is not None  # the other new document is in the graph
    assert [f[:2] for f in all_failures(store)] == [("graph", "002_13b3cd4834e1fb70")]
    with writable_indexes(settings, store, warn=lambda _: None) as indexes:  # not retried while unchanged
        assert ingest_paths([corpus], store=store, settings=settings, indexes=indexes, progress=False).index_errors == []
        assert all(isinstance(i, DerivedIndex) and i.up_to_date for i in indexes if isinstance(i, GraphIndex))


@pytest.mark.slow
def test_reindex_cli_and_a_failed_index_exit_code(tmp_path):
    data = tmp_path / "data"
    assert run_reform("ingest", str(CORPUS), data=data).returncode == 0
    result = run_reform("reindex", "--no-progress", data=data)
    assert result.returncode == 0, result.stderr
    assert "reindex: lexical:" in result.stdout and "reindex: graph:" in result.stdout
    assert "Traceback" not in result.stderr
    lookup = run_reform("lookup", "280/QĐ-UBND", "--json", data=data)
    assert json.loads(lookup.stdout)["number"] == "280/QĐ-UBND"


def test_settings_are_declared_once_and_unknown_ones_fail_loudly():
    assert {s.name for s in SETTINGS} == set(Settings.__dataclass_fields__)
    assert Settings.from_env({"REFORM_SPARQL_TIMEOUT": "3"}).sparql_timeout == 3.0
    with pytest.raises(ConfigError, match="REFORM_SPARQL_TIMOUT: no such setting"):
        Settings.from_env({"REFORM_SPARQL_TIMOUT": "30"})
    with pytest.raises(ConfigError, match="REFORM_ANN_NPROBE='-1' is not valid"):
        Settings.from_env({"REFORM_ANN_NPROBE": "-1"})
