"""Graph benchmark: load and query ~1M triples on Oxigraph (oxrdflib, pyoxigraph) vs in-memory rdflib.

Run: `.venv/bin/python bench/graph.py [--documents 20000]`. The synthetic graph has the shape
reform-kg writes: documents (number, type, issuer, date, labels), citations between documents, and
source articles whose mentions carry Web Annotation provenance, one named graph per article.
Queries: the 1-hop neighbourhood of a document (both directions) and a lookup by number key.

`--lookup` (or `--lookup-only`) also times `reform lookup` end to end, warm, on real documents: the
legal development set (tests/data/legal/dev) and the shipped corpus ingested into a fresh data
directory, then every number they hold (and the codes by name) looked up three times through
graph.lookup.lookup_number — the JSON `reform lookup --json` and /api/lookup return.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph  # noqa: E402
from oxrdflib import OxigraphStore  # noqa: E402
from rdflib import Dataset  # noqa: E402

from core.settings import Settings  # noqa: E402
from graph.lookup import lookup_number  # noqa: E402
from graph.uris import PREFIXES, UriMinter  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from ingest.store import DocumentStore  # noqa: E402
from library.indexes import published_graph, writable_indexes  # noqa: E402

ELI, OA, SKOS, REFORM = (str(PREFIXES[p]) for p in ("eli", "oa", "skos", "reform"))
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ISSUERS = ["ubnd-ha-noi", "chinh-phu", "bo-noi-vu", "bo-tai-chinh", "ubnd-quan-ha-dong", "thanh-uy-ha-noi"]
TYPES = ["QD", "KH", "BC", "ND", "TT", "NQ"]


def literal(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_nquads(path: Path, documents: int, seed: int = 0) -> tuple[int, list[str], list[str]]:
    """Write the synthetic dataset; returns (quads, document URIs, number keys)."""
    rng = random.Random(seed)
    minter = UriMinter()
    uris, keys, count = [], [], 0
    with open(path, "w", encoding="utf-8") as out:

        def quad(s: str, p: str, o: str, g: str) -> None:
            nonlocal count
            out.write(f"<{s}> <{p}> {o} <{g}> .\n")
            count += 1

        for i in range(documents):
            kind, issuer, year = rng.choice(TYPES), rng.choice(ISSUERS), rng.randint(2015, 2024)
            uri = str(minter.document(issuer, year, kind, str(i)))
            number = f"{i}/{kind}-{issuer.upper()}"
            uris.append(uri)
            keys.append(number)
            graph = str(minter.graph(f"doc{i // 20:05d}"))
            quad(uri, RDF_TYPE, f"<{ELI}LegalResource>", graph)
            quad(uri, f"{ELI}id_local", literal(number), graph)
            quad(uri, f"{REFORM}numberKey", literal(number), graph)
            quad(uri, f"{REFORM}localNumber", literal(str(i)), graph)
            quad(uri, f"{ELI}type_document", f"<{minter.document_type(kind)}>", graph)
            quad(uri, f"{ELI}passed_by", f"<{minter.agency(issuer)}>", graph)
            quad(
                uri,
                f"{ELI}date_document",
                f'"{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"^^<http://www.w3.org/2001/XMLSchema#date>',
                graph,
            )
            quad(uri, f"{SKOS}prefLabel", literal(f"Văn bản {number}") + "@vi", graph)
            quad(uri, f"{ELI}title", literal(f"về cải cách hành chính nội dung {i}") + "@vi", graph)
        for i, uri in enumerate(uris):
            graph = str(minter.graph(f"doc{i // 20:05d}"))
            for target in rng.sample(uris, 8):
                quad(uri, f"{ELI}cites", f"<{target}>", graph)
        for article in range(documents // 2):
            graph, source = str(minter.graph(f"article{article:05d}")), str(minter.source(f"article{article:05d}"))
            for mention in range(8):
                target = rng.choice(uris)
                passage = str(minter.passage(f"article{article:05d}-p{mention:04d}"))
                annotation = str(minter.annotation(f"article{article:05d}-p{mention:04d}", 10, 21, "mention"))
                quad(source, "http://purl.org/dc/terms/references", f"<{target}>", graph)
                quad(annotation, RDF_TYPE, f"<{OA}Annotation>", graph)
                quad(annotation, f"{OA}hasBody", f"<{target}>", graph)
                quad(annotation, f"{OA}hasTarget", f"<{annotation}/target>", graph)
                quad(f"{annotation}/target", f"{OA}hasSource", f"<{passage}>", graph)
                quad(f"{annotation}/target", f"{OA}hasSelector", f"<{annotation}/selector>", graph)
                quad(f"{annotation}/selector", f"{OA}start", '"10"^^<http://www.w3.org/2001/XMLSchema#integer>', graph)
                quad(f"{annotation}/selector", f"{OA}end", '"21"^^<http://www.w3.org/2001/XMLSchema#integer>', graph)
    return count, uris, keys


def neighbourhood(uri: str) -> str:
    return f"SELECT ?p ?o ?dir WHERE {{ {{ <{uri}> ?p ?o BIND('out' AS ?dir) }} UNION {{ ?o ?p <{uri}> BIND('in' AS ?dir) }} }}"


def lookup(key: str) -> str:
    return f'SELECT ?doc ?label WHERE {{ ?doc <{REFORM}numberKey> "{key}" ; <{SKOS}prefLabel> ?label }}'


def timed_queries(run, queries: list[str]) -> tuple[float, float]:
    for query in queries[:5]:
        run(query)
    times = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def lookup_times(rounds: int = 3) -> None:
    """p50/p95 of warm lookups (number and name) on the legal dev set plus the corpus, in ms."""
    root = Path(__file__).resolve().parent.parent
    gold = root / "tests" / "data" / "legal" / "dev" / "gold.jsonl"
    entries = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    files = [(gold.parent / e["file"]).resolve() for e in entries] + [root / "corpus"]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env({}, data=Path(tmp) / "data")
        with DocumentStore(settings.database_path) as store:
            with writable_indexes(settings, store, warn=lambda _: None) as indexes:
                ingest_paths(files, store=store, settings=settings, indexes=indexes, progress=False)
            graph = published_graph(settings, store, warn=lambda _: None).current()
            numbers = [str(r[0]) for r in graph.query("SELECT DISTINCT ?n WHERE { ?d eli:id_local ?n }")]
            names = [f"{e['type']} {e['subject'].lower()}" for e in entries if e["type"] == "Bộ luật"]
            queries = numbers + names
            for query in queries[:10]:
                lookup_number(graph, store, query)  # warm: snapshot open, name index built
            times = []
            for _ in range(rounds):
                for query in queries:
                    started = time.perf_counter()
                    lookup_number(graph, store, query)
                    times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(
        f"lookup (warm, {len(queries)} numbers and names x {rounds}, {len(files) - 1} legal documents + corpus): "
        f"p50 {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, max {times[-1]:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--lookup", action="store_true", help="also time reform lookup on real documents")
    parser.add_argument("--lookup-only", action="store_true", help="only time reform lookup on real documents")
    args = parser.parse_args()
    if args.lookup or args.lookup_only:
        lookup_times()
        if args.lookup_only:
            return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "graph.nq"
        count, uris, keys = write_nquads(data, args.documents)
        print(f"synthetic graph: {count:,} quads, {args.documents:,} documents, {data.stat().st_size / 1e6:.0f} MB N-Quads")
        rng = random.Random(1)
        hop_queries = [neighbourhood(u) for u in rng.sample(uris, args.queries)]
        lookup_queries = [lookup(k) for k in rng.sample(keys, args.queries)]
        results = {}

        started = time.perf_counter()
        native = pyoxigraph.Store(str(work / "pyoxigraph"))
        native.bulk_load(path=str(data), format=pyoxigraph.RdfFormat.N_QUADS)
        native.flush()
        load = time.perf_counter() - started

        def native_run(q):
            return list(native.query(q, use_default_graph_as_union=True))

        results["pyoxigraph (bulk_load, on disk)"] = (
            load,
            *timed_queries(native_run, hop_queries),
            *timed_queries(native_run, lookup_queries),
        )

        started = time.perf_counter()
        store = pyoxigraph.Store(str(work / "oxrdflib"))
        dataset = Dataset(store=OxigraphStore(store=store), default_union=True)
        dataset.parse(str(data), format="ox-nquads")
        load = time.perf_counter() - started

        def ox_run(q):
            return list(dataset.query(q))

        results["oxrdflib (rdflib API, Oxigraph on disk)"] = (
            load,
            *timed_queries(ox_run, hop_queries),
            *timed_queries(ox_run, lookup_queries),
        )

        started = time.perf_counter()
        memory = Dataset(default_union=True)
        memory.parse(str(data), format="nquads")
        load = time.perf_counter() - started

        def memory_run(q):
            return list(memory.query(q))

        few = max(20, args.queries // 10)  # in-memory rdflib is slow enough that fewer queries tell the same
        results["rdflib in memory"] = (
            load,
            *timed_queries(memory_run, hop_queries[:few]),
            *timed_queries(memory_run, lookup_queries[:few]),
        )

    reference = results["rdflib in memory"]
    print(
        f"{'store':<42} {'load s':>8} {'1-hop p50':>10} {'p95':>8} {'lookup p50':>11} {'p95':>8}  (ms; ratio vs rdflib in memory)"
    )
    for name, (load, hop50, hop95, look50, look95) in results.items():
        print(
            f"{name:<42} {load:8.1f} {hop50:10.2f} {hop95:8.2f} {look50:11.2f} {look95:8.2f}  "
            f"load x{reference[0] / load:.1f}, 1-hop x{reference[1] / hop50:.0f}, lookup x{reference[3] / look50:.0f} faster"
        )


if __name__ == "__main__":
    main()
