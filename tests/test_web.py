"""The web app through Flask's test client: UI, JSON API, SPARQL protocol, negotiation, safety."""

import json
import shutil
import urllib.parse

import pytest

from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from tests.conftest import CORPUS, make_settings
from web.app import create_app
from web.services import open_services

HEAVY = "SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def client(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("web")
    shutil.copytree(CORPUS, folder / "corpus")
    (folder / "corpus" / "xss.html").write_text(
        "<html><body><article><h1>Thông báo thử</h1><p>Nội dung có thẻ &lt;script&gt;alert('xss')&lt;/script&gt; "
        "trong văn bản về cải cách hành chính của Ủy ban nhân dân.</p></article></body></html>",
        encoding="utf-8",
    )
    settings = make_settings(folder / "data", sparql_timeout=2.0, sparql_max_rows=3)
    with DocumentStore(settings.database_path) as store:
        ingest_paths([folder / "corpus"], store=store, settings=settings, progress=False)
    services = open_services(settings, embedder=embedder)
    app = create_app(settings, services=services)
    yield app.test_client()
    services.close()


def get_json(client, url, **kwargs):
    response = client.get(url, **kwargs)
    return response, json.loads(response.data)


def test_search_page_answers_a_vietnamese_question_with_highlights_and_an_indicator_card(client):
    response = client.get("/?q=" + urllib.parse.quote("Chỉ số PAR INDEX 2022 của Hà Nội xếp thứ mấy?"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'lang="vi"' in page
    assert "indicator-card" in page and "89.58%" in page and "3/63" in page
    assert "<mark>PARINDEX</mark>" in page  # "PAR INDEX" in the query is the one word the text writes
    assert "Tìm kiếm" in page and "Cơ quan ban hành" in page


def test_number_query_shows_the_document_card_first(client):
    page = client.get("/?q=280/QD-UBND").get_data(as_text=True)
    assert page.index("document-card") < page.index('class="results"')
    assert "Quyết định 280/QĐ-UBND" in page and "2023-01-11" in page


def test_empty_and_unmatched_queries_get_helpful_messages(client):
    assert "Gõ câu hỏi" in client.get("/").get_data(as_text=True)
    page = client.get("/?q=xyzzyqwv&mode=lexical&type=Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh").get_data(as_text=True)
    assert "Không tìm thấy" in page


def test_a_pasted_paragraph_is_searched_by_its_beginning_and_the_page_says_so(client):
    paragraph = "Chỉ số PAR INDEX 2022 của Hà Nội xếp thứ mấy? " * 30  # 1,380 characters
    page = client.get("/", query_string={"q": paragraph}).get_data(as_text=True)
    assert "chỉ 1.000 ký tự đầu được dùng để tìm kiếm" in page
    assert "indicator-card" in page  # still answered
    assert "chỉ 1.000 ký tự đầu" not in client.get("/", query_string={"q": paragraph[:1000]}).get_data(as_text=True)


def test_document_text_and_queries_are_escaped(client):
    page = client.get("/?q=" + urllib.parse.quote("<img src=x onerror=alert(1)> nội dung có thẻ")).get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Thông báo thử" in page  # the document holding a <script> text is among the results
    assert "<script>alert" not in page
    assert "&lt;script&gt;<mark>alert</mark>(&#39;xss&#39;)&lt;/script&gt;" in page  # escaped, highlight included


def test_security_headers_and_no_write_routes(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.post("/api/search?q=x").status_code == 405
    assert client.delete("/api/documents/001_162ac573aecaa869").status_code == 405


@pytest.mark.parametrize(
    "path", ["/documents/..%2F..%2Fetc%2Fpasswd", "/api/documents/..%2Freform.sqlite3", "/static/..%2F..%2Fapp.py"]
)
def test_no_path_traversal(client, path):
    assert client.get(path).status_code == 404


def test_api_search_has_the_documented_shape_and_limits(client):
    response, data = get_json(client, "/api/search?q=280/QD-UBND&k=3")
    assert response.status_code == 200 and len(data["results"]) == 3
    assert data["answers"][0]["kind"] == "document" and data["answers"][0]["label"] == "Quyết định 280/QĐ-UBND"
    assert set(data["results"][0]) >= {"rank", "score", "text", "highlights", "passage_id", "start", "end", "document"}
    for bad in ("k=1000", "k=abc", "q=" + "x" * 1001, "q=", "year=99999&q=x"):
        response, error = get_json(client, f"/api/search?{bad}" + ("&q=x" if "q=" not in bad else ""))
        assert response.status_code == 400 and error["status"] == 400 and error["error"]


def test_api_lookup_documents_entities_and_openapi(client):
    response, data = get_json(client, "/api/lookup?number=" + urllib.parse.quote("quyết định số 280"))
    assert response.status_code == 200 and data["number"] == "280/QĐ-UBND" and data["mentions"]
    response, data = get_json(client, "/api/lookup?number=999/QĐ-UBND")
    assert response.status_code == 404 and "not found" in data["error"]
    response, data = get_json(client, "/api/documents")
    assert response.status_code == 200 and len(data) == 6
    response, data = get_json(client, "/api/documents/001_162ac573aecaa869")
    assert data["passages"] and data["text"][data["passages"][0]["start"] : data["passages"][0]["end"]]
    response, data = get_json(client, "/api/entities/agency/so-noi-vu-ha-noi")
    assert data["label"] == "Sở Nội vụ thành phố Hà Nội" and data["kind"] == "agency"
    response, data = get_json(client, "/api/openapi.json")
    assert data["openapi"].startswith("3.") and "/api/search" in data["paths"]
    assert "GET /api/search" in client.get("/api/docs").get_data(as_text=True)


def test_entity_pages_negotiate_content(client):
    path = "/id/document/ubnd-ha-noi/2023/qd-280"
    html = client.get(path, headers={"Accept": "text/html"})
    assert html.status_code == 200 and "Cơ quan ban hành" in html.get_data(as_text=True)
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.content_type.startswith("text/turtle") and b"eli:id_local" in turtle.data
    assert client.get(path, headers={"Accept": "application/ld+json"}).content_type.startswith("application/ld+json")
    assert client.get(path + "?format=nt").content_type.startswith("application/n-triples")
    assert client.get("/id/document/nowhere/0/qd-0", headers={"Accept": "text/html"}).status_code == 404


def test_entity_page_speaks_vietnamese_about_properties_and_mentions(client):
    page = client.get("/id/document/ubnd-ha-noi/2023/qd-280", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Cơ quan ban hành <code>eli:passed_by</code>" in page  # the standard name stays beside it
    # a mention is introduced by the title of the article it is in, not by a passage id
    assert ">Hà Nội ưu tiên phát triển chính quyền điện tử" in page
    related = get_json(client, "/api/lookup?number=280/QĐ-UBND")[1]["related"]
    issuer = [item for item in related if item["label"] == "Ủy ban nhân dân thành phố Hà Nội"]
    assert [item["relation"] for item in issuer] == ["issued_by"]  # not again as "mentioned with"


def test_document_page_lists_what_it_mentions_linked(client):
    page = client.get("/documents/003_0446401b9c9ac84a", headers={"Accept": "text/html"}).get_data(as_text=True)
    mentioned = page[page.index("Văn bản này nhắc đến") : page.index('<section class="passage"')]
    assert '<a href="/id/document/ubnd-ha-noi/2023/qd-818">Quyết định 818/QĐ-UBND</a>' in mentioned
    assert '<a href="/id/agency/ubnd-ha-noi">Ủy ban nhân dân thành phố Hà Nội</a> · 15 lần' in mentioned  # most first
    assert "Chỉ số cải cách hành chính (PAR INDEX) — Hà Nội, 2022" in mentioned
    first = mentioned[mentioned.index("Quyết định 818/QĐ-UBND") :]
    anchor = first[first.index('href="#') + 7 : first.index('">xem đoạn văn')]
    assert f'id="{anchor}"' in page and "818/QĐ-UBND" in page[page.index(f'id="{anchor}"') :][:3000]


def test_a_plan_is_shown_as_the_document_it_is(client):
    # Kế hoạch documents are typed reform:Plan and eli:LegalResource; their page was a plain property table
    page = client.get("/id/document/ubnd-ha-noi/2023/kh-155", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<dt>Số hiệu</dt><dd>155/KH-UBND</dd>" in page and "Các đoạn văn nhắc đến" in page


def test_agency_page_shows_its_parent_children_documents_and_people(client):
    page = client.get("/id/agency/ubnd-ha-noi", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Đơn vị trực thuộc" in page and ">Sở Nội vụ thành phố Hà Nội</a>" in page
    documents = page[page.index("Văn bản ban hành") :]
    assert documents.index("Kế hoạch 239/KH-UBND") < documents.index("Quyết định 280/QĐ-UBND")  # newest first
    assert "Quyết định 280/QĐ-UBND</a> · 2023-01-11" in documents
    department = client.get("/id/agency/so-noi-vu-ha-noi", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert ">Ủy ban nhân dân thành phố Hà Nội</a>" in department[: department.index("Đơn vị trực thuộc")]  # its parent
    assert ">Nguyễn Đình Hoa</a> — Phó giám đốc" in department
    person = client.get("/id/person/nguyen-dinh-hoa", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Nguyễn Đình Hoa — Phó giám đốc, Sở Nội vụ thành phố Hà Nội" in person  # the membership, named


def test_every_property_in_the_graph_has_a_vietnamese_name(client):
    from web.property_labels import PROPERTY_LABELS

    graph = client.application.extensions["reform"].graph  # the endpoint caps rows at 3 in these tests
    properties = {str(row[0]) for row in graph.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")}
    assert len(properties) > 30 and properties <= set(PROPERTY_LABELS), properties - set(PROPERTY_LABELS)


def test_indicator_page_has_a_table_and_a_chart(client):
    page = client.get("/id/indicator/par-index", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<svg" in page and "2022: 89.58" in page and "3/63" in page


QUERY = "SELECT ?n WHERE { ?d eli:id_local ?n } ORDER BY ?n"


def test_sparql_protocol_get_post_and_formats(client):
    response = client.get(
        "/sparql?query=" + urllib.parse.quote("SELECT DISTINCT ?t WHERE { ?d a ?t } LIMIT 2"),
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200 and response.content_type.startswith("application/sparql-results+json")
    assert len(json.loads(response.data)["results"]["bindings"]) == 2
    form = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+json"})
    assert json.loads(form.data)["boolean"] is True
    direct = client.post(
        "/sparql",
        data="SELECT ?s WHERE { ?s a eli:LegalResource } LIMIT 1",
        content_type="application/sparql-query",
        headers={"Accept": "text/csv"},
    )
    assert direct.content_type.startswith("text/csv") and direct.data.startswith(b"s\r\n")
    select_all = client.get(
        "/sparql?query=" + urllib.parse.quote("SELECT * WHERE { ?subject ?predicate ?object } LIMIT 1"),
        headers={"Accept": "application/sparql-results+json"},
    )
    assert json.loads(select_all.data)["head"]["vars"] == ["subject", "predicate", "object"]  # not alphabetical
    for accept, start in (("application/sparql-results+xml", b"<?xml"), ("text/tab-separated-values", b"?s")):
        body = client.get(
            "/sparql?query=" + urllib.parse.quote("SELECT ?s WHERE { ?s a eli:LegalResource } LIMIT 1"),
            headers={"Accept": accept},
        ).data
        assert body.startswith(start)
    construct = "CONSTRUCT { ?d eli:id_local ?n } WHERE { ?d eli:id_local ?n } LIMIT 2"
    for accept in ("text/turtle", "application/n-triples", "application/ld+json"):
        response = client.get("/sparql?query=" + urllib.parse.quote(construct), headers={"Accept": accept})
        assert response.status_code == 200 and response.content_type.startswith(accept)


def test_sparql_result_cap_is_explicit(client):
    response = client.get("/sparql?query=" + urllib.parse.quote(QUERY), headers={"Accept": "application/sparql-results+json"})
    data = json.loads(response.data)
    assert response.headers["X-Reform-Truncated"] == "true" and data["truncated"] is True
    assert len(data["results"]["bindings"]) == 3


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("INSERT DATA { <http://a> <http://b> <http://c> }", 403, "read-only"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403, "SERVICE"),
        # a "#" inside an IRI earlier on the line once read as a comment and hid the SERVICE after it
        ("SELECT * WHERE { ?s a <http://x.org/o#C> . SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403, "SERVICE"),
        ("SELECT * WHERE { SERVICE<http://example.org/sparql>{ ?s ?p ?o } }", 403, "SERVICE"),  # no space
        ("SELECT * WHERE { service silent ?endpoint { ?s ?p ?o } }", 403, "SERVICE"),
        ("SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403, "SERVICE"),  # escaped
        ("SELECT * FROM <http://example.org/data> WHERE { ?s ?p ?o }", 403, "outside this store"),
        ("SELECT ?x WHERE { ?x ", 400, "SPARQL"),
        ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 20_001, 413, "limit"),
    ],
)
def test_sparql_refusals_and_errors(client, query, status, message):
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == status and message in json.loads(response.data)["error"]


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?service WHERE { ?service ?p "SERVICE <http://example.org/>" } LIMIT 1',  # a variable, a string
        "SELECT * WHERE { ?s a <http://example.org/SERVICE> } # SERVICE <http://example.org/>",  # an IRI, a comment
    ],
)
def test_sparql_mentions_of_service_that_are_not_federation_run(client, query):
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data


def test_sparql_workers_cannot_reach_the_network(client):
    # behind the query check: Oxigraph answers SERVICE over HTTP, the worker process has no network
    import http.server
    import threading

    from core.errors import QueryError
    from graph.sparql import CheckedQuery
    from web.sparql_runner import SparqlRunner

    requests: list[str] = []

    class Endpoint(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            requests.append(self.path)
            self.send_response(500)
            self.end_headers()

        def log_message(self, *args):
            pass

    endpoint = http.server.HTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=endpoint.serve_forever, daemon=True).start()
    published = client.application.extensions["reform"].published
    runner = SparqlRunner(lambda: published.path, timeout=10, max_rows=10, workers=1)
    try:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{endpoint.server_address[1]}/sparql> {{ ?s ?p ?o }} }}"
        with pytest.raises(QueryError, match="unreachable"):
            runner.run(CheckedQuery(query), "json", "turtle")  # straight to the worker, past the check
        assert requests == []
        assert runner.run(CheckedQuery("ASK { ?s ?p ?o }"), "json", "turtle").rows == 1  # the store is still read
    finally:
        runner.close()
        endpoint.shutdown()


def test_sparql_update_parameter_is_refused(client):
    assert client.post("/sparql", data={"update": "CLEAR ALL"}).status_code == 403


def test_sparql_timeout_really_stops_a_long_query(client):
    import time

    started = time.monotonic()
    response = client.get("/sparql?query=" + urllib.parse.quote(HEAVY), headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 503 and "stopped after 2 s" in json.loads(response.data)["error"]
    assert response.headers["Retry-After"] == "5"
    assert time.monotonic() - started < 10
    after = client.get(
        "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"), headers={"Accept": "application/sparql-results+json"}
    )
    assert after.status_code == 200  # the killed worker was replaced


def test_sparql_queries_beyond_the_workers_are_refused_at_once(client):
    # slow queries must not queue and hold the server's request threads, which searches need
    import threading
    import time

    from graph.sparql import CheckedQuery
    from web.sparql_runner import QueryTimeout, SparqlRunner, WorkersBusy

    published = client.application.extensions["reform"].published
    runner = SparqlRunner(lambda: published.path, timeout=3, max_rows=10, workers=1)
    outcome: list[str] = []

    def heavy_query() -> None:
        try:
            runner.run(CheckedQuery(HEAVY), "json", "turtle")
            outcome.append("answered")
        except QueryTimeout:
            outcome.append("stopped")

    try:
        heavy = threading.Thread(target=heavy_query)
        heavy.start()
        time.sleep(0.3)
        started = time.monotonic()
        with pytest.raises(WorkersBusy, match="busy"):
            runner.run(CheckedQuery("ASK { ?s ?p ?o }"), "json", "turtle")
        assert time.monotonic() - started < 0.5
        heavy.join()
        assert outcome == ["stopped"]
        assert runner.run(CheckedQuery("ASK { ?s ?p ?o }"), "json", "turtle").rows == 1  # the stopped worker was replaced
    finally:
        runner.close()


def test_sparql_query_page_with_examples_and_html_results(client):
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Truy vấn mẫu" in page and 'class="example"' in page
    result = client.post(
        "/sparql", data={"query": "SELECT DISTINCT ?d WHERE { ?d a eli:LegalResource } LIMIT 2", "format": "html"}
    )
    html = result.get_data(as_text=True)
    assert result.status_code == 200 and "results-table" in html and 'href="/id/document/' in html


@pytest.mark.parametrize(
    "path",
    [
        "/api/entities/x%3E%20%3Fp%20%3Fo%20%7D%20UNION%20%7B%20%3Fs%20%3Fp2%20%3Fo2",  # x> ?p ?o } UNION { ?s ?p2 ?o2
        "/id/agency/a%22b",
        "/id/agency/..%2F..%2Fgraph",
    ],
)
def test_entity_paths_cannot_inject_sparql(client, path):
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404 and "SPARQL" not in response.get_data(as_text=True)
