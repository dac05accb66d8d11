"""The web app through Flask's test client: UI, JSON API, SPARQL protocol, negotiation, safety."""

import json
import re
import shutil
import urllib.parse

import pytest

from tests.conftest import CORPUS, TEST_DATA, make_settings, web_client

LAW = TEST_DATA / "web" / "luat-76-2015-qh13-to-chuc-chinh-phu.txt"
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
    shutil.copy(LAW, folder / "corpus")  # chapters and articles for the document page's table of contents
    settings = make_settings(folder / "data", sparql_timeout=2.0, sparql_max_rows=3)
    with web_client(folder / "corpus", settings, embedder=embedder) as client:
        yield client


def get_json(client, url, **kwargs):
    response = client.get(url, **kwargs)
    return response, json.loads(response.data)


def test_search_page_answers_a_vietnamese_question_with_highlights_and_an_indicator_card(client):
    response = client.get("/?q=" + urllib.parse.quote("Chỉ số PAR INDEX 2022 của Hà Nội xếp thứ mấy?"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'lang="vi"' in page
    assert "indicator-card" in page and "89,58%" in page and "3/63" in page  # a decimal comma, as the source writes
    assert "PARINDEX</mark>" in page  # "PAR INDEX" in the query is the one word the text writes
    assert page.count("<h1") == 1 and "Tìm kiếm" in page


def test_number_query_shows_the_document_card_first(client):
    page = client.get("/?q=280/QD-UBND").get_data(as_text=True)
    assert page.index("document-card") < page.index('class="results"')
    assert "Quyết định 280/QĐ-UBND" in page and "11/01/2023" in page and "2023-01-11" not in page


def test_empty_and_unmatched_queries_get_helpful_messages(client):
    home = client.get("/").get_data(as_text=True)
    assert "Hỏi bằng tiếng Việt" in home and 'for="q"' in home and home.count("<h1") == 1
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
    assert response.status_code == 200 and len(data) == 7
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
    anchor = first[first.index('href="#') + 7 : first.index('" aria-label="xem đoạn văn nhắc đến Quyết định 818/QĐ-UBND"')]
    assert f'id="{anchor}"' in page and "818/QĐ-UBND" in page[page.index(f'id="{anchor}"') :][:3000]
    assert 'href="#">' not in page and ">#</a>" not in page  # no link read out as "#"


def test_a_plan_is_shown_as_the_document_it_is(client):
    # Kế hoạch documents are typed reform:Plan and eli:LegalResource; their page was a plain property table
    page = client.get("/id/document/ubnd-ha-noi/2023/kh-155", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert re.search(r"<dt>Số hiệu</dt>\s*<dd>\s*155/KH-UBND\s*</dd>", page) and "Nơi nhắc đến văn bản này" in page


def test_agency_page_shows_its_parent_children_documents_and_people(client):
    page = client.get("/id/agency/ubnd-ha-noi", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Đơn vị trực thuộc" in page and ">Sở Nội vụ thành phố Hà Nội</a>" in page
    documents = page[page.index("Văn bản ban hành") :]
    assert documents.index("Kế hoạch 239/KH-UBND") < documents.index("Quyết định 280/QĐ-UBND")  # newest first
    assert 'Quyết định 280/QĐ-UBND</a> <span class="muted">· 11/01/2023</span>' in documents
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


def test_indicator_page_is_an_indicator_with_its_figures_not_a_concept(client):
    page = client.get("/id/indicator/par-index", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<p class="crumbs">Chỉ số</p>' in page and "Khái niệm" not in page
    assert ">89,58%</a>" in page and "3/63" in page and "đoạn văn nguồn" in page
    visible = page[: page.index('id="du-lieu-ky-thuat"')]
    assert "http://127.0.0.1:8000/id/" not in visible  # IRIs only in the technical section
    assert "<svg" not in page  # one figure: a table, no one-point chart


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


def test_closing_the_sparql_runner_reaps_its_workers(client):
    # `reform sparql` exits right after close(): a killed worker not waited for outlived it
    from graph.sparql import CheckedQuery
    from web.sparql_runner import SparqlRunner

    published = client.application.extensions["reform"].published
    runner = SparqlRunner(lambda: published.path, timeout=10, max_rows=10, workers=2)
    processes = [process for process, _ in runner._free]
    assert runner.run(CheckedQuery("ASK { ?s ?p ?o }"), "json", "turtle").rows == 1
    runner.close()
    assert all(process.exitcode is not None for process in processes)


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
    assert "Truy vấn mẫu" in page and '<label for="query"' in page
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


def html(client, url: str) -> str:
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_search_results_are_grouped_by_document_with_a_count_and_dates(client):
    page = html(client, "/?q=" + urllib.parse.quote("kết quả cải cách hành chính năm 2023"))
    titles = re.findall(r'<h2 class="result-title"><a href="/documents/([^"?]+)', page)
    assert titles and len(titles) == len(set(titles))  # one entry per document
    assert re.search(r"Tìm thấy <strong>\d+ văn bản</strong>", page)
    assert "Thêm " in page and " đoạn trong văn bản này" in page  # the other passages, folded
    assert "không rõ ngày" not in page and not re.search(r"\b20\d\d-\d\d-\d\d\b", page)


def test_search_highlights_phrases_not_lone_common_syllables(client):
    page = html(client, "/?q=" + urllib.parse.quote("thông tin cải cách hành chính"))
    marks = re.findall(r"<mark>(.*?)</mark>", page)
    assert "cải cách hành chính" in {m.lower() for m in marks}
    assert not {"thông", "Thông", "chính", "số"} & set(marks)  # no lone syllable of a longer word


def test_search_facets_come_from_the_documents_and_filter(client):
    page = html(client, "/?q=" + urllib.parse.quote("cải cách hành chính"))
    facets = page[page.index('class="facets"') : page.index('class="results-column"')]
    assert "Loại văn bản" in facets and "Năm" in facets
    types = dict(re.findall(r'type=[^"]*">([^<]+) <span class="count">(\d+)</span>', facets))
    total = int(re.search(r"Tìm thấy <strong>(\d+) văn bản", page).group(1))
    assert types and sum(map(int, types.values())) == total  # every document counted under one type
    link = re.search(r'href="(/\?q=[^"]*type=[^"]*)"', facets).group(1).replace("&amp;", "&")
    chosen = html(client, link)
    assert 'aria-current="true"' in chosen and "Bỏ tất cả bộ lọc" in chosen


def test_a_number_not_in_the_library_is_said_so_with_the_closest_numbers(client):
    page = html(client, "/?q=" + urllib.parse.quote("QĐ 281/QĐ-UBND"))
    banner = page[page.index("Không tìm thấy văn bản số 281/QĐ-UBND") :]
    suggestions = re.findall(r'<li><a href="/id/document/[^"]+">([^<]+)</a></li>', banner[: banner.index("</section>")])
    assert suggestions[0] == "Quyết định 280/QĐ-UBND" and "Chương trình 01-CTr/TU" not in suggestions
    assert "Không tìm thấy văn bản số" not in html(client, "/?q=" + urllib.parse.quote("280/QĐ-UBND"))


def test_document_page_has_a_table_of_contents_and_an_anchor_per_article(client):
    page = html(client, "/documents/luat-76-2015-qh13-to-chuc-chinh-phu")
    toc = page[page.index('id="toc-title"') : page.index('id="toan-van"')]
    assert '<a href="#chuong-i">Chương I. NHỮNG QUY ĐỊNH CHUNG</a>' in toc
    assert '<a href="#dieu-5">Điều 5. Nguyên tắc tổ chức và hoạt động của Chính phủ</a>' in toc
    articles = re.findall(r'<h\d class="article" id="(dieu-\d+)">', page)
    assert len(articles) == len(set(articles)) == 50  # Điều 1 … Điều 50
    assert 'id="chuong-vii"' in page and "Số đoạn" not in page
    assert page.count("Chương II > Điều 6") == 0  # no heading trail repeated before every passage


def test_document_page_marks_the_query_words_on_arrival(client):
    page = html(client, "/documents/luat-76-2015-qh13-to-chuc-chinh-phu?q=" + urllib.parse.quote("nhiệm kỳ của Chính phủ"))
    assert "<mark>Nhiệm kỳ</mark>" in page or "<mark>Nhiệm kỳ của Chính phủ</mark>" in page
    assert "Bỏ tô sáng" in page


def test_document_entity_page_shows_every_fact_and_the_machine_view_folded(client):
    page = html(client, "/id/document/ubnd-ha-noi/2023/qd-280")
    facts = page[page.index('<dl class="facts" id="thuoc-tinh">') : page.index("</dl>")]
    labels = re.findall(r"<dt>([^<]+)</dt>", facts)
    assert (
        labels[:8] == ["Số hiệu", "Loại văn bản", "Cơ quan ban hành", "Người ký", "Ngày ban hành", "Ngày hiệu lực"] + labels[6:8]
    )
    assert {"Tình trạng hiệu lực", "Trích yếu"} <= set(labels) and "chưa có dữ liệu" in facts and "11/01/2023" in facts
    assert 'id="luoc-do"' in page and "Lược đồ" in page and "Cơ quan được nhắc cùng" not in page
    assert '<details class="technical" id="du-lieu-ky-thuat">' in page and "reform:numberKey" in page
    visible = page[: page.index('id="du-lieu-ky-thuat"')]
    assert "reform:numberKey" not in visible and "http://127.0.0.1:8000/id/" not in visible
    for calque in ("Được nhắc đến bởi", "Quan hệ xung quanh", "Khái niệm"):
        assert calque not in page


def test_passage_and_source_pages_link_to_their_document(client):
    passage = html(client, "/id/passage/001_162ac573aecaa869-p0001")
    assert (
        'href="/documents/001_162ac573aecaa869#001_162ac573aecaa869-p0001"' in passage and "Ngày 11 tháng 1 năm 2023" in passage
    )
    source = html(client, "/id/source/001_162ac573aecaa869")
    assert 'href="/documents/001_162ac573aecaa869">Đọc toàn văn</a>' in source


def test_documents_list_links_every_document(client):
    page = html(client, "/documents")
    assert page.count('<h2><a href="/documents/') == 7 and "Văn bản trong kho (7)" in page


def test_api_docs_render_every_endpoint_with_its_parameters_and_responses(client):
    from web.openapi import OPENAPI

    page = html(client, "/api/docs")
    assert "built-in method" not in page and "&lt;bound method" not in page  # item.get was dict.get once
    for path, item in OPENAPI["paths"].items():
        for method, operation in item.items():
            section = page[page.index(f"<code>{method.upper()} {path}</code></h2>") :]
            section = section[: section.index("</section>")]
            assert operation["summary"] in section.replace("&#39;", "'"), path
            for parameter in operation["parameters"]:
                assert f"<code>{parameter['name']}</code>" in section, (path, parameter["name"])
            for status in operation["responses"]:
                assert f"<td>{status}</td>" in section, (path, status)


def test_static_files_have_hashed_names_gzip_and_a_long_cache(client):
    page = html(client, "/")
    css = re.search(r'href="(/static/style\.[0-9a-f]{10}\.css)"', page).group(1)
    response = client.get(css, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert "max-age=31536000" in response.headers["Cache-Control"] and "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Type"].startswith("text/css") and response.headers["Vary"] == "Accept-Encoding"
    again = client.get(css, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/favicon.ico").headers["Content-Type"].startswith("image/svg+xml")
    assert '<link rel="icon"' in page and "style=" not in page and "<script>" not in page  # nothing inline (CSP)
    assert client.get("/static/style.0000000000.css").status_code == 404


def test_html_errors_are_vietnamese_pages(client):
    response = client.get("/documents/khong-co", headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "Không tìm thấy trang" in page and "no document" not in page
    assert client.get("/documents/khong-co", headers={"Accept": "application/json"}).is_json  # machines keep JSON


def test_sparql_page_runs_a_query_by_get_with_labels_downloads_and_vietnamese_columns(client):
    query = 'SELECT DISTINCT ?doc ?date WHERE { ?doc eli:id_local "280/QĐ-UBND" ; eli:date_document ?date }'
    page = html(client, "/sparql?query=" + urllib.parse.quote(query))
    assert "Văn bản <code>?doc</code>" in page and "Ngày <code>?date</code>" in page
    assert '<a href="/id/document/ubnd-ha-noi/2023/qd-280">Quyết định 280/QĐ-UBND</a>' in page and "11/01/2023" in page
    csv = re.search(r'href="([^"]*format=csv[^"]*)"', page).group(1).replace("&amp;", "&")
    download = client.get(csv)
    assert download.content_type.startswith("text/csv") and "attachment" in download.headers["Content-Disposition"]
    examples = re.findall(r'<li><a href="(/sparql\?query=[^"]+)">', page)
    assert len(examples) >= 5 and all(
        client.get(e.replace("&amp;", "&"), headers={"Accept": "text/html"}).status_code == 200 for e in examples
    )


def test_sparql_page_shows_errors_inline_and_keeps_the_query(client):
    broken = "SELECT ?x WHERE { ?x eli:id_local "
    response = client.get("/sparql?query=" + urllib.parse.quote(broken), headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Truy vấn có lỗi cú pháp" in page and 'role="alert"' in page
    assert "SELECT ?x WHERE { ?x eli:id_local </textarea>" in page  # the query is still in the editor
    refused = client.get("/sparql?query=" + urllib.parse.quote("CLEAR ALL"), headers={"Accept": "text/html"})
    assert refused.status_code == 403 and "Truy vấn không được phép" in refused.get_data(as_text=True)


def test_a_pdf_passage_says_its_page_and_links_the_original_opened_there(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(TEST_DATA / "legal" / "dev" / "docs" / "qd-28-2021-qd-ttg.pdf", folder)
    with web_client(folder, make_settings(tmp_path / "data"), load_model=False) as pdf_client:
        page = html(pdf_client, "/?q=" + urllib.parse.quote("hỗ trợ người lao động từ Quỹ bảo hiểm thất nghiệp"))
        where = re.search(r'<p class="where">(.*?)</p>', page).group(1)
        link = re.search(r'<a href="(/documents/([^/]+)/file#page=(\d+))" class="page-link">trang (\d+)', where)
        assert link and link.group(3) == link.group(4)
        original = pdf_client.get(link.group(1).split("#")[0])
        assert original.status_code == 200 and original.mimetype == "application/pdf"
        full_text = html(pdf_client, f"/documents/{link.group(2)}")
        marks = re.findall(r'<p class="page-mark"><a href="[^"]+#page=(\d+)">trang \d+', full_text)
        assert marks[0] == "1" and len(marks) >= 2 and marks == sorted(marks, key=int)
