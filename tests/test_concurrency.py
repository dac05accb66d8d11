"""One writer, many readers: an ingest runs while the server answers, and the server follows it."""

import json
import shutil
import urllib.parse
from pathlib import Path

import pytest

from core.errors import StoreError
from graph.snapshots import KEEP, current, publish
from graph.store import PublishedGraph
from graph.uris import UriMinter
from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from library.indexes import writable_indexes
from tests.conftest import CORPUS, make_settings, run_reform
from web.app import create_app
from web.services import open_services

PLAN = Path(__file__).parent / "data" / "ke_hoach_120_kh_ubnd.txt"

pytestmark = pytest.mark.slow  # real subprocesses and servers


def test_an_ingest_while_serving_reaches_search_lookup_and_sparql(tmp_path, model_dir, embedder):
    settings = make_settings(tmp_path / "data", model=str(model_dir))
    with DocumentStore(settings.database_path) as store, writable_indexes(settings, store) as indexes:
        ingest_paths([CORPUS], store=store, settings=settings, indexes=indexes, progress=False)
    services = open_services(settings, embedder=embedder)
    try:
        client = create_app(settings, services=services).test_client()
        assert client.get("/api/lookup?number=120/KH-UBND").status_code == 404
        shutil.copy(PLAN, tmp_path / "plan.txt")

        # The real command line, in its own process, while this server holds its services open.
        result = run_reform("ingest", str(tmp_path / "plan.txt"), data=settings.data, env={"REFORM_MODEL": str(model_dir)})
        assert result.returncode == 0, result.stderr
        assert "1 added" in result.stdout

        found = json.loads(client.get("/api/lookup?number=120/KH-UBND").data)
        assert found["type"] == "Kế hoạch" and found["date"] == "2023-05-20"
        passage = json.loads(client.get("/api/documents/plan").data)["passages"][-1]
        question = urllib.parse.quote(passage["text"][:400])
        for mode in ("vector", "lexical"):  # the new passages are in both indexes the server reads
            top = json.loads(client.get(f"/api/search?q={question}&mode={mode}&k=1").data)["results"][0]
            assert top["passage_id"] == passage["id"], mode
        query = urllib.parse.quote('ASK { ?d eli:id_local "120/KH-UBND" }')
        answer = client.get(f"/sparql?query={query}", headers={"Accept": "application/sparql-results+json"})
        assert json.loads(answer.data)["boolean"] is True
    finally:
        services.close()


def test_a_second_writer_is_refused_with_a_reason_and_readers_go_on(tmp_path):
    settings = make_settings(tmp_path / "data")
    with DocumentStore(settings.database_path) as store:
        with writable_indexes(settings, store) as indexes:
            ingest_paths([CORPUS], store=store, settings=settings, indexes=indexes, progress=False)
        with store.writer():
            blocked = run_reform("ingest", str(PLAN), data=settings.data)
            lookup = run_reform("lookup", "280/QĐ-UBND", "--json", data=settings.data)
            search = run_reform("search", "PAR INDEX 2022", "--json", data=settings.data)
    assert blocked.returncode == 2
    assert "another process is writing" in blocked.stderr and "Traceback" not in blocked.stderr
    assert lookup.returncode == 0 and json.loads(lookup.stdout)["issuer"]
    assert search.returncode == 0 and json.loads(search.stdout)["results"]
    with DocumentStore(settings.database_path) as store:
        assert len(store.document_summaries()) == 5  # the refused run changed nothing


def test_the_writer_lock_is_reentrant_and_exclusive_between_store_objects(tmp_path):
    path = tmp_path / "data" / "reform.db"
    with DocumentStore(path) as first, DocumentStore(path) as second:
        with first.writer(), first.writer():
            with pytest.raises(StoreError, match="another process is writing"), second.writer():
                pass
            with second.writer_if_free() as writable:
                assert writable is False
        with second.writer_if_free() as writable:
            assert writable is True


def test_published_snapshots_are_pruned_and_a_reader_of_a_pruned_one_still_reads(tmp_path):
    import pyoxigraph

    live = pyoxigraph.Store(str(tmp_path / "graph"))
    root = tmp_path / "graph-snapshots"
    assert current(root) is None
    published = PublishedGraph(root, UriMinter())
    with pytest.raises(StoreError, match="run 'reform ingest'"):
        published.current()

    def add(i: int) -> None:
        node = pyoxigraph.NamedNode(f"http://example.org/{i}")
        live.add(pyoxigraph.Quad(node, node, pyoxigraph.Literal(str(i)), pyoxigraph.NamedNode("http://example.org/g")))

    add(0)
    publish(live, root, "g0")
    first = published.current()
    for i in range(1, KEEP + 2):
        add(i)
        publish(live, root, f"g{i}")
    assert len([p for p in root.iterdir() if p.is_dir()]) == KEEP
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(next(iter(first.query(count)))[0]) == 1  # its checkpoint was deleted; its open files were not
    newest = published.current()
    assert newest is not first and int(next(iter(newest.query(count)))[0]) == KEEP + 2
    assert published.current() is newest  # reopened only when a newer one is published
