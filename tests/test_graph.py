"""Knowledge graph on the shipped corpus (+ a formal decision): gold table, identity, indicators, lookup."""

import json
import shutil

import pytest

from core.errors import QueryError
from graph.index import GraphIndex
from graph.store import GraphStore
from graph.uris import UriMinter
from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from tests.conftest import CORPUS, TEST_DATA, make_settings, run_reform

# Every numbered document of the shipped corpus: number -> (type, issuer, date where the text states it).
GOLD = {
    "15-NQ/TW": ("Nghị quyết", "Bộ Chính trị", None),
    "350/KH-UBND": ("Kế hoạch", "Ủy ban nhân dân thành phố Hà Nội", "2022-12-30"),
    "01/2023/TT-VPCP": ("Thông tư", "Văn phòng Chính phủ", None),
    "32/2021/NĐ-CP": ("Nghị định", "Chính phủ", "2021-03-29"),
    "35/2023/UBTVQH15": ("Nghị quyết", "Ủy ban Thường vụ Quốc hội", None),
    "108/2014/NĐ-CP": ("Nghị định", "Chính phủ", None),
    "113/2018/NĐ-CP": ("Nghị định", "Chính phủ", None),
    "143/2020/NĐ-CP": ("Nghị định", "Chính phủ", None),
    "96/KH-UBND": ("Kế hoạch", "Ủy ban nhân dân thành phố Hà Nội", "2023-03-21"),
    "64/KH-UBND": ("Kế hoạch", "Ủy ban nhân dân thành phố Hà Nội", "2023-03-01"),
    "239/KH-UBND": ("Kế hoạch", "Ủy ban nhân dân thành phố Hà Nội", "2023-09-27"),
    "280/QĐ-UBND": ("Quyết định", "Ủy ban nhân dân thành phố Hà Nội", "2023-01-11"),
    "175/BC-UBND": ("Báo cáo", "Ủy ban nhân dân thành phố Hà Nội", None),
    "01-CTr/TU": ("Chương trình", "Thành ủy Hà Nội", None),
    "86-CTr/BCSĐ": ("Chương trình", "Ban Cán sự Đảng Ủy ban nhân dân thành phố Hà Nội", "2023-02-20"),
    "818/QĐ-UBND": ("Quyết định", "Ủy ban nhân dân thành phố Hà Nội", "2023-02-08"),
    "01/KH-UBND": ("Kế hoạch", "Ủy ban nhân dân thành phố Hà Nội", "2023-01-03"),
    "2400/QĐ-UBND": ("Quyết định", "Ủy ban nhân dân thành phố Hà Nội", "2023-04-24"),
    "2189/QĐ-UBND": ("Quyết định", "Ủy ban nhân dân thành phố Hà Nội", "2023-04-13"),
    "155/KH-UBND": ("Kế hoạch", "Ủy ban nhân dân thành phố Hà Nội", "2023-05-31"),
    "231/QĐ-BTC": ("Quyết định", "Bộ Tài chính", "2023-02-22"),
    "189/KH-UBND": ("Kế hoạch", "Ủy ban nhân dân thành phố Hà Nội", "2022-07-06"),
    "19/KH-UBND": ("Kế hoạch", "Ủy ban nhân dân quận Hà Đông", "2023-01-13"),  # a district plan: not the city's
}
DECISION = "1234/QĐ-UBND"


@pytest.fixture(scope="module")
def graph_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("graph-corpus")
    shutil.copytree(CORPUS, folder / "corpus")
    shutil.copy(TEST_DATA / "quyet_dinh_1234_qd_ubnd.txt", folder / "corpus")
    shutil.copy(TEST_DATA / "ke_hoach_120_kh_ubnd.txt", folder / "corpus")
    settings = make_settings(folder / "data")
    store = DocumentStore(settings.database_path).open()
    graph = GraphStore(settings.graph_path, UriMinter())
    index = GraphIndex(store, graph)
    ingest_paths([folder / "corpus"], store=store, settings=settings, indexes=[index], progress=False)
    yield settings, store, graph, index, folder / "corpus"
    graph.close()
    store.close()


def rows(graph, query):
    return [tuple(None if v is None else str(v) for v in row) for row in graph.query(query)]


def test_gold_table_all_found_none_duplicated_none_invented(graph_env):
    _, _, graph, _, _ = graph_env
    found = rows(
        graph,
        """SELECT ?doc ?number ?type ?issuer ?date WHERE {
        ?doc eli:id_local ?number ; eli:type_document/skos:prefLabel ?type ; eli:passed_by/skos:prefLabel ?issuer .
        OPTIONAL { ?doc eli:date_document ?date } } GROUP BY ?doc ?number ?type ?issuer ?date""",
    )
    by_number = {}
    for doc, number, kind, issuer, date in found:
        assert number not in by_number or by_number[number][0] == doc, f"{number} has two nodes"
        by_number[number] = (doc, kind, issuer, date)
    expected = {
        **GOLD,
        DECISION: ("Quyết định", "Ủy ban nhân dân thành phố Hà Nội", "2024-03-15"),
        "61/2018/NĐ-CP": ("Nghị định", "Chính phủ", "2018-04-23"),  # from the decision's "Căn cứ" line
        "45/TTr-SNV": ("Tờ trình", "Sở Nội vụ thành phố Hà Nội", "2024-03-01"),
        "120/KH-UBND": ("Kế hoạch", "Ủy ban nhân dân thành phố Hà Nội", "2023-05-20"),
        "76/NQ-CP": ("Nghị quyết", "Chính phủ", "2021-07-15"),
    }
    assert set(by_number) == set(expected)
    for number, (kind, issuer, date) in expected.items():
        assert by_number[number][1:] == (kind, issuer, date), number


def test_references_without_a_number_join_the_numbered_document(graph_env):
    _, _, graph, _, _ = graph_env
    programmes = rows(graph, 'SELECT DISTINCT ?doc WHERE { ?doc reform:localNumber "1" ; eli:type_document/skos:notation "CTR" }')
    assert len(programmes) == 1  # "Chương trình số 01 của Thành ủy" (001) is 01-CTr/TU (003)
    resolutions_35 = rows(graph, 'SELECT DISTINCT ?doc WHERE { ?doc reform:localNumber "35" }')
    assert len(resolutions_35) == 1  # "Nghị quyết số 35 của Quốc hội" is 35/2023/UBTVQH15
    unnumbered = dict(
        rows(
            graph,
            "SELECT DISTINCT ?label ?date WHERE { ?doc a eli:LegalResource ; skos:prefLabel ?label . FILTER NOT EXISTS { ?doc eli:id_local ?n } OPTIONAL { ?doc eli:date_document ?date } }",
        )
    )
    assert unnumbered["Nghị quyết số 18 của Thành ủy Hà Nội (2022)"] == "2022-12-30"
    assert unnumbered["Nghị quyết số 01 của Chính phủ (2023)"] == "2023-01-06"
    assert "Đề án số 06 của Chính phủ" in unnumbered


def test_indicator_observations_with_values_ranks_and_provenance(graph_env):
    _, store, graph, _, _ = graph_env
    found = rows(
        graph,
        """SELECT DISTINCT ?indicator ?value ?rank ?of ?year ?area WHERE {
        ?o a qb:Observation ; reform:indicator/skos:altLabel ?indicator ; sdmx-dimension:refPeriod ?year ;
           sdmx-dimension:refArea/rdfs:label ?area ; reform:rank ?rank ; reform:rankOutOf ?of ; reform:value ?value .
        FILTER(STR(?indicator) IN ("PAR INDEX", "SIPAS", "PAPI")) }""",
    )
    assert set(found) == {
        ("PAR INDEX", "89.58", "3", "63", "2022", "Hà Nội"),
        ("SIPAS", "80.16", "30", "63", "2022", "Hà Nội"),
        ("PAPI", "43.9", "12", "63", "2022", "Hà Nội"),
    }
    provenance = rows(
        graph,
        """SELECT DISTINCT ?passage ?start ?end ?exact WHERE {
        ?a oa:hasBody <http://127.0.0.1:8000/id/observation/par-index/ha-noi/2022> ; oa:hasTarget ?t .
        ?t oa:hasSource ?passage ; oa:hasSelector ?s . ?s oa:start ?start ; oa:end ?end ; oa:exact ?exact }""",
    )
    assert len(provenance) == 2  # 003 states value and rank; 000 states the rank again
    for passage_uri, start, end, exact in provenance:
        passage = store.get_passage(passage_uri.rsplit("/", 1)[-1])
        assert store.get_document(passage.document_id).text[int(start) : int(end)] == exact


def test_formal_decision_yields_number_date_issuer_signer_bases_and_articles(graph_env):
    _, _, graph, _, _ = graph_env
    decision = "http://127.0.0.1:8000/id/document/ubnd-ha-noi/2024/qd-1234"
    bases = {r[0] for r in rows(graph, f"SELECT DISTINCT ?n WHERE {{ <{decision}> eli:based_on/eli:id_local ?n }}")}
    assert bases == {"61/2018/NĐ-CP", "280/QĐ-UBND"}  # the 280 node is the one the news article created
    assert rows(graph, f"SELECT DISTINCT ?name WHERE {{ <{decision}> reform:signer/foaf:name ?name }}") == [("Nguyễn Văn Hùng",)]
    articles = {r[0] for r in rows(graph, f"SELECT DISTINCT ?l WHERE {{ <{decision}> eli:has_part/rdfs:label ?l }}")}
    assert articles == {"Điều 1", "Điều 2", "Điều 3"}


def test_plan_with_its_tasks_bases_and_what_it_implements(graph_env):
    _, _, graph, _, _ = graph_env
    plan = "http://127.0.0.1:8000/id/document/ubnd-ha-noi/2023/kh-120"
    assert graph.query(f"ASK {{ <{plan}> a reform:Plan }}").askAnswer
    tasks = {r[0] for r in rows(graph, f"SELECT DISTINCT ?label WHERE {{ <{plan}> reform:task/rdfs:label ?label }}")}
    assert len(tasks) == 4 and "Số hóa 100% hồ sơ, kết quả giải quyết thủ tục hành chính tại Bộ phận một cửa các cấp" in tasks
    implemented = rows(graph, f"SELECT DISTINCT ?n WHERE {{ <{plan}> eli:implements/eli:id_local ?n }}")
    assert implemented == [("280/QĐ-UBND",)]
    bases = {r[0] for r in rows(graph, f"SELECT DISTINCT ?n WHERE {{ <{plan}> eli:based_on/eli:id_local ?n }}")}
    assert bases == {"76/NQ-CP", "280/QĐ-UBND"}
    assert rows(graph, f"SELECT DISTINCT ?name WHERE {{ <{plan}> reform:signer/foaf:name ?name }}") == [("Hà Minh Hải",)]


def test_agency_hierarchy_and_people_with_roles(graph_env):
    _, _, graph, _, _ = graph_env
    parents = dict(
        rows(
            graph,
            "SELECT DISTINCT ?child ?parent WHERE { ?c org:subOrganizationOf ?p . ?c skos:prefLabel ?child . ?p skos:prefLabel ?parent }",
        )
    )
    assert parents["Sở Nội vụ thành phố Hà Nội"] == "Ủy ban nhân dân thành phố Hà Nội"
    assert parents["Ủy ban nhân dân quận Hà Đông"] == "Ủy ban nhân dân thành phố Hà Nội"
    assert parents["Ủy ban Thường vụ Quốc hội"] == "Quốc hội"
    people = rows(
        graph,
        "SELECT DISTINCT ?name ?role ?org WHERE { ?m org:member/foaf:name ?name ; org:role ?role ; org:organization/skos:prefLabel ?org }",
    )
    assert ("Nguyễn Đình Hoa", "Phó giám đốc", "Sở Nội vụ thành phố Hà Nội") in people


def test_reingest_replaces_exactly_that_documents_graph(graph_env):
    settings, store, graph, index, corpus = graph_env
    before = {str(g) for g in graph.graphs()}
    target = corpus / "002_13b3cd4834e1fb70.txt"
    original = target.read_text(encoding="utf-8")
    try:
        target.write_text(original.replace("Báo cáo số 175/BC-UBND", "Báo cáo số 176/BC-UBND"), encoding="utf-8")
        ingest_paths([corpus], store=store, settings=settings, progress=False)
        assert index.sync() == 1  # only 002's graph is rendered and replaced
        numbers = {r[0] for r in rows(graph, "SELECT DISTINCT ?n WHERE { ?d eli:id_local ?n }")}
        assert "176/BC-UBND" in numbers and "175/BC-UBND" not in numbers and "280/QĐ-UBND" in numbers
        assert {str(g) for g in graph.graphs()} == before
    finally:
        target.write_text(original, encoding="utf-8")
        ingest_paths([corpus], store=store, settings=settings, indexes=[index], progress=False)


def test_malformed_sparql_is_a_query_error(graph_env):
    with pytest.raises(QueryError):
        graph_env[2].query("SELECT ?x WHERE { ?x ")


@pytest.mark.slow
def test_lookup_cli_accepts_every_spelling_and_prints_the_documented_json(tmp_path):
    data = tmp_path / "data"
    assert run_reform("ingest", str(CORPUS), data=data).returncode == 0
    for spelling in ("280/QĐ-UBND", "280/QD-UBND", "qđ 280", "quyết định 280", "Quyết định số 280/QĐ-UBND"):
        result = run_reform("lookup", spelling, "--json", data=data)
        assert result.returncode == 0, (spelling, result.stderr)
        payload = json.loads(result.stdout)
        assert payload["number"] == "280/QĐ-UBND" and payload["type"] == "Quyết định" and payload["date"] == "2023-01-11"
    assert set(payload) >= {"uri", "number", "type", "issuer", "date", "subject", "signer", "mentions", "related", "candidates"}
    assert payload["issuer"] == "Ủy ban nhân dân thành phố Hà Nội"
    assert payload["mentions"][0]["passage_id"] == "001_162ac573aecaa869-p0001"
    missing = run_reform("lookup", "999/QĐ-UBND", data=data)
    assert missing.returncode == 1 and "not found" in missing.stderr
    sparql = run_reform(
        "sparql", "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a eli:LegalResource }", "--format", "csv", data=data
    )
    assert sparql.stdout.split()[-1] == "26"  # 23 numbered + 3 unnumbered (NQ 18, NQ 01, Đề án 06)
    select_all = run_reform("sparql", "SELECT * WHERE { ?thing eli:id_local ?id } LIMIT 1", "--format", "csv", data=data)
    assert select_all.stdout.splitlines()[0] == "thing,id"  # the order of the query, not alphabetical
    assert payload["mentions"][0]["document_title"].startswith("Hà Nội ưu tiên phát triển chính quyền điện tử")


@pytest.mark.parametrize(
    "path", sorted((__import__("pathlib").Path(__file__).parent.parent / "graph" / "queries").glob("*.rq")), ids=lambda p: p.stem
)
def test_readme_example_queries_run_on_the_shipped_corpus(graph_env, path):
    results = rows(graph_env[2], path.read_text(encoding="utf-8"))
    assert results, f"{path.name} returned nothing"


@pytest.mark.slow
def test_entities_and_export_cli(tmp_path):
    data = tmp_path / "data"
    assert run_reform("ingest", str(CORPUS), data=data).returncode == 0
    stats = run_reform("entities", "--stats", data=data).stdout
    assert "document: 26" in stats and "observation: 3" in stats and "person: 1" in stats
    agencies = run_reform("entities", "--type", "agency", data=data).stdout
    assert "Sở Nội vụ thành phố Hà Nội  <http://127.0.0.1:8000/id/agency/so-noi-vu-ha-noi>" in agencies
    trig = run_reform("export", "--format", "trig", data=data).stdout
    assert trig.count("<http://127.0.0.1:8000/graph/") >= 5  # one named graph per source document
    from rdflib import Graph

    turtle = Graph().parse(data=run_reform("export", "--format", "ttl", data=data).stdout, format="turtle")
    assert len(turtle) > 1000


def test_a_document_whose_graph_is_too_large_is_left_out_of_the_graph_with_the_reason(tmp_path, monkeypatch):
    import graph.index

    monkeypatch.setattr(graph.index, "MAX_DOCUMENT_STATEMENTS", 40)  # every corpus document has more
    settings = make_settings(tmp_path / "data")
    with DocumentStore(settings.database_path) as store, GraphStore(settings.graph_path, UriMinter()) as live:
        report = ingest_paths([CORPUS], store=store, settings=settings, indexes=[GraphIndex(store, live)], progress=False)
        lines = [line for error in report.index_errors for line in error.lines()]
        assert report.count("added") == len(store.document_ids()) and lines
        assert all("statements, over the 40 one document may add" in line for line in lines)
        assert not any(live.has_graph(document_id) for document_id in store.document_ids())


def test_lookup_lists_at_most_max_mentions_and_says_how_many_there_are(graph_env, monkeypatch):
    from graph import lookup

    _, store, graph, _, _ = graph_env
    full = lookup.lookup_number(graph, store, "280/QĐ-UBND")
    assert full is not None and full["mentions_total"] == len(full["mentions"]) >= 2
    monkeypatch.setattr(lookup, "MAX_MENTIONS", 1)  # a document cited 20,000 times printed megabytes
    capped = lookup.lookup_number(graph, store, "280/QĐ-UBND")
    assert capped is not None and capped["mentions"] == full["mentions"][:1]
    assert capped["mentions_total"] == full["mentions_total"]
