"""The SPARQL endpoint survives any query: checks read the grammar's tokens, FROM restricts the dataset,
deep nesting and runaway memory are stopped, a dead worker is replaced; `reform sparql` refuses the same."""

import json
import shutil
import time
import urllib.parse

import pytest

from graph.sparql import QueryRefused, check_query
from tests.conftest import CORPUS, make_settings, run_reform, web_client

LOCAL = "http://127.0.0.1:8000/graph/"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sparql")
    shutil.copytree(CORPUS, folder / "corpus")
    settings = make_settings(folder / "data", sparql_timeout=3.0, sparql_max_memory_mb=300)
    with web_client(folder / "corpus", settings, load_model=False) as client:
        yield client


def ask(client, query: str, **headers):
    return client.get("/sparql?query=" + urllib.parse.quote(query), headers={**JSON, **headers})


def count(client, query: str) -> int:
    response = ask(client, query)
    assert response.status_code == 200, response.data
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o } .SERVICE <http://example.org/> { ?a ?b ?c }",
        "SELECT * WHERE { ?s ?p ?o .SERVICE<http://example.org/>{ ?a ?b ?c } }",
        "SELECT * WHERE { OPTIONAL { SERVICE silent <http://e/> { ?s ?p ?o } } }",
        "SELECT * WHERE { ?s a <http://x#y> . \\u0053ERVICE <http://e/> {} }",
        "PREFIX e: <http://example.org/> SELECT * FROM e:g WHERE { ?s ?p ?o }",
        "SELECT * FROM rdf:type WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }",
    ],
)
def test_every_spelling_of_service_update_and_foreign_from_is_refused(query):
    with pytest.raises(QueryRefused):
        check_query(query, max_chars=20_000, local_graph_prefix=LOCAL)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE { ?service <http://x/p> 'SERVICE' } # SERVICE <http://e/>",
        "SELECT * WHERE { ?s <http://x/SERVICE> ?o . ?s e:delete ?d }",
        'SELECT * WHERE { ?s ?p "INSERT DATA"@vi }',
    ],
)
def test_the_words_inside_names_strings_and_comments_are_not_keywords(query):
    check_query(query, max_chars=20_000, local_graph_prefix=LOCAL)


def test_from_a_documents_graph_restricts_the_dataset(client):
    everything = count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    one = f"<{LOCAL}001_162ac573aecaa869>"
    restricted = count(client, f"SELECT (COUNT(*) AS ?n) FROM {one} WHERE {{ ?s ?p ?o }}")
    in_graph = count(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {one} {{ ?s ?p ?o }} }}")
    assert 0 < restricted == in_graph < everything


def test_three_thousand_nested_braces_are_refused_and_the_endpoint_answers_next(client):
    response = ask(client, "SELECT * WHERE " + "{" * 3000 + "}" * 3000)
    assert response.status_code == 400 and "nests" in json.loads(response.data)["error"]
    for _ in range(5):
        assert json.loads(ask(client, "ASK { ?s ?p ?o }").data)["boolean"] is True


def test_a_query_over_its_memory_limit_is_stopped_and_the_worker_replaced(client):
    cross = "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z } ORDER BY ?a ?b ?c"
    started = time.monotonic()
    response = ask(client, cross)
    assert response.status_code in (400, 503) and time.monotonic() - started < 10
    assert json.loads(ask(client, "ASK { ?s ?p ?o }").data)["boolean"] is True


def test_a_dead_worker_is_replaced_before_the_next_query(client):
    runner = client.application.extensions["reform"].sparql
    for process, _ in list(runner._free):
        process.kill()
        process.join(2)
    assert json.loads(ask(client, "ASK { ?s ?p ?o }").data)["boolean"] is True


def test_any_media_type_gets_sparql_results_and_405_says_what_is_allowed(client):
    response = ask(client, "ASK { ?s ?p ?o }", Accept="*/*")
    assert response.status_code == 200 and response.content_type.startswith("application/sparql-results+json")
    wrong = client.put("/sparql")
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"] and "POST" in wrong.headers["Allow"]
    assert wrong.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.slow
def test_reform_sparql_refuses_what_the_endpoint_refuses_and_reads_query_files_safely(tmp_path):
    data = tmp_path / "data"
    assert run_reform("ingest", str(CORPUS), data=data).returncode == 0
    service = run_reform("sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", data=data)
    assert service.returncode == 2 and "SERVICE" in service.stderr and "Traceback" not in service.stderr
    binary = tmp_path / "binary.rq"
    binary.write_bytes(b"\x00\xff\xfe" * 100)
    for argument in (f"@{tmp_path / 'missing.rq'}", f"@{tmp_path}", f"@{binary}", "@/dev/zero"):
        result = run_reform("sparql", argument, data=data, timeout=60)
        assert result.returncode == 2 and "Traceback" not in result.stderr, (argument, result.stderr)
    deep = run_reform("sparql", "ASK " + "{" * 3000 + "}" * 3000, data=data)
    assert deep.returncode == 2 and "nests" in deep.stderr
    table = run_reform("sparql", "SELECT ?n WHERE { ?d eli:id_local ?n } ORDER BY ?n LIMIT 2", data=data)
    assert table.returncode == 0 and table.stdout.splitlines()[0] == "n"
