"""Search benchmark at 10k to 1M passages: index build, query latency, memory of the search process, ANN recall.

Run: `REFORM_MODEL=… .venv/bin/python bench/search.py [--sizes 10000 100000 1000000] [--kinds ivf ivfpq hnsw]`
(needs `reform model install`; the 1M run takes about an hour and ~20 GB of disk in the temporary directory).

Collections are built from real text: units of one or two consecutive sentences of the shipped
corpus and the ten laws in tests/data/laws are embedded for real (`--real` of them), and each
synthetic passage strings three random units together. Embedding a million passages would take
most of a day here, so a passage's vector is the normalized mean of its units' vectors plus a little
noise, seeded into the embedding cache; how close that comes to the real embedding of the passage
text is measured on a sample and printed. From there the indexes, the hybrid ranker and the queries
run exactly as in production: `reform`'s own index build (lexical segments, the vector index of the
kind the settings give that size), and query latency includes embedding the query.

Memory and latency are measured in a fresh process that opens the data directory as a server
would (`--probe DATA`), so nothing the builder allocated is counted. The approximate index kinds
are compared against exact search on the same vectors: build time, size, latency and recall@10.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.settings import Settings  # noqa: E402
from ingest.derived import ensure_schema  # noqa: E402
from ingest.document import Document, Passage  # noqa: E402
from ingest.store import DocumentStore  # noqa: E402
from search import ann  # noqa: E402
from search.embedder import Embedder  # noqa: E402
from search.vectors import CACHE_SCHEMA as VECTOR_CACHE_SCHEMA  # noqa: E402
from search.vectors import SCHEMA_VERSION as VECTOR_SCHEMA_VERSION  # noqa: E402
from search.vectors import embedding_text, text_hash  # noqa: E402
from vntext.normalize import normalize_text  # noqa: E402
from vntext.segmentation import sentence_spans  # noqa: E402

SOURCES = [ROOT / "corpus", ROOT / "tests" / "data" / "laws"]
QUERIES = [
    "Chỉ số PAR INDEX 2022 của Hà Nội xếp thứ mấy?",
    "tỷ lệ hồ sơ giải quyết đúng hạn",
    "280/QĐ-UBND",
    "chi so hai long SIPAS",
    "dịch vụ công trực tuyến mức độ 4",
    "CCHC quận Hà Đông",
    "Nghị định 32/2021/NĐ-CP",
    "chuyển đổi số chính quyền số",
    "đơn vị sự nghiệp công lập tự chủ tài chính",
    "số hóa hồ sơ thủ tục hành chính",
    "Người lao động bao nhiêu tuổi thì được nghỉ hưu?",
    "thời hiệu khởi kiện tranh chấp hợp đồng",
    "điều kiện chuyển nhượng quyền sử dụng đất",
    "Thuê trọ bao lâu thì phải đăng ký tạm trú?",
    "mức hưởng chế độ thai sản khi sinh con",
    "tài sản chung của vợ chồng khi ly hôn",
    "thoi han tam giam bi can",
    "Hàng thừa kế thứ nhất gồm những ai?",
    "trách nhiệm bồi thường thiệt hại do người chưa thành niên gây ra",
    "đăng ký tàu biển Việt Nam",
]
PER_DOCUMENT = 100
NOISE = 0.01


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def text_units(limit: int, seed: int) -> list[str]:
    """Runs of one or two consecutive sentences (6-80 words) from the corpus and the laws."""
    sentences = []
    for folder in SOURCES:
        for path in sorted(folder.glob("*.txt")):
            text = normalize_text(path.read_text(encoding="utf-8"))
            sentences += [text[s.start : s.end] for s in sentence_spans(text) if 6 <= len(text[s.start : s.end].split()) <= 80]
    rng = random.Random(seed)
    units = []
    for _ in range(limit):
        start = rng.randrange(len(sentences) - 1)
        units.append(" ".join(sentences[start : start + rng.randint(1, 2)]))
    return units


class Collection:
    """Synthetic passages of three real units each, with vectors made from the units' real embeddings."""

    def __init__(self, units: list[str], vectors: np.ndarray, seed: int) -> None:
        self.units, self.vectors, self.rng = units, vectors, np.random.default_rng(seed)

    def sample(self, count: int) -> tuple[list[str], np.ndarray]:
        picks = self.rng.integers(0, len(self.units), (count, 3))
        texts = [" ".join(self.units[i] for i in row) for row in picks]
        vectors = self.vectors[picks].mean(axis=1) + self.rng.normal(0, NOISE, (count, self.vectors.shape[1])).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return texts, vectors.astype(np.float32)


def build_store(path: Path, collection: Collection, size: int, model_id: str) -> float:
    """A store of `size` passages in documents of PER_DOCUMENT, their vectors seeded into the cache; returns seconds."""
    started = time.perf_counter()
    store = DocumentStore(path).open()
    ensure_schema(store, "vectors", VECTOR_SCHEMA_VERSION, VECTOR_CACHE_SCHEMA, ("embeddings",))
    for first in range(0, size, 10_000):
        texts, vectors = collection.sample(min(10_000, size - first))
        with store.transaction():
            rows = []
            for d in range(0, len(texts), PER_DOCUMENT):
                doc_id, cursor, passages = f"doc{(first + d) // PER_DOCUMENT:06d}", 0, []
                chunk = texts[d : d + PER_DOCUMENT]
                for seq, text in enumerate(chunk, start=1):
                    passages.append(Passage(f"{doc_id}-p{seq:04d}", doc_id, seq, cursor, cursor + len(text), text))
                    cursor += len(text) + 2
                    rows.append((model_id, text_hash(embedding_text(passages[-1], ())), vectors[d + seq - 1].tobytes()))
                document = Document(
                    doc_id, f"/bench/{doc_id}.txt", f"Văn bản {doc_id}", "\n\n".join(chunk), doc_id, tuple(passages)
                )
                store.put_document(document, ingest_version="bench")
            store.db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?,?,?)", rows)
    with store.transaction():
        store.bump_generation()
    store.close()
    return time.perf_counter() - started


def build_indexes(settings: Settings, embedder: Embedder) -> dict[str, Any]:
    """reform's own index build (what `reform ingest` does after storing): lexical, then vectors."""
    from search.lexical import LexicalIndex
    from search.vectors import VectorIndex

    figures: dict[str, Any] = {}
    with DocumentStore(settings.database_path) as store:
        started = time.perf_counter()
        LexicalIndex(store).sync()
        figures["lexical"] = time.perf_counter() - started
        started = time.perf_counter()
        vectors = VectorIndex.from_settings(store, embedder, settings)
        vectors.sync()
        figures["vectors"] = time.perf_counter() - started
        figures["kind"] = vectors.kind
    return figures


def probe(data: Path, rounds: int) -> None:
    """In a fresh process: open the data directory as a server would, run the queries, report latency and memory."""
    from library.indexes import open_search

    settings = Settings.from_env(data=data)
    before = rss_mb()
    service = open_search(settings)
    loaded = rss_mb()
    report: dict[str, object] = {"rss_start_mb": round(before), "rss_open_mb": round(loaded)}
    for mode in ("lexical", "vector", "hybrid"):
        latencies = []
        for round_ in range(rounds + 1):
            for query in QUERIES:
                started = time.perf_counter()
                service.search(query, k=10, mode=mode)
                if round_:
                    latencies.append((time.perf_counter() - started) * 1000)
        report[mode] = [round(percentile(latencies, 50), 1), round(percentile(latencies, 95), 1), len(latencies)]
    kind = service.vectors.kind if service.vectors is not None else "none"
    report["rss_mb"], report["rss_peak_mb"], report["kind"] = round(rss_mb()), round(rss_mb("VmHWM")), kind
    print(json.dumps(report))


def run_probe(data: Path, rounds: int) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--probe", str(data), "--rounds", str(rounds)], capture_output=True, text=True, env=os.environ
    )
    if result.returncode != 0:
        raise SystemExit(f"probe failed: {result.stderr[-1500:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def compare_ann(settings: Settings, embedder: Embedder, kinds: list[str]) -> None:
    """Each approximate kind against exact search on the same (cached) vectors: build, size, latency, recall@10."""
    import faiss

    faiss.omp_set_num_threads(os.cpu_count() or 1)  # builds use every core; searches below one thread, as a server
    with DocumentStore(settings.database_path) as store:
        rows = store.db.execute("SELECT vector FROM embeddings WHERE model_id = ?", (embedder.model_id,))
        vectors = np.stack([np.frombuffer(v, np.float32) for (v,) in rows])
    queries = embedder.encode_queries(QUERIES * 5)
    queries += np.random.default_rng(7).normal(0, 0.02, queries.shape).astype(np.float32)  # 100 distinct queries
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    truth = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    ids = np.arange(len(vectors), dtype=np.int64)
    for kind in kinds:
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        started = time.perf_counter()
        index = ann.build_index(vectors, kind, dimension=vectors.shape[1])
        index.add_with_ids(vectors, ids)
        build = time.perf_counter() - started
        size_mb = len(faiss.serialize_index(index)) / 1e6
        faiss.omp_set_num_threads(1)
        for depth in (16, 32, 64) if kind != "hnsw" else (48, 96, 192):
            if kind == "hnsw":
                graph: Any = faiss.downcast_index(index.index)
                graph.hnsw.efSearch = depth
            else:
                ann.tune(index, kind, nprobe=depth)
            times, recall = [], []
            for row, query in enumerate(queries):
                started = time.perf_counter()
                _, found = index.search(query.reshape(1, -1), 10)
                times.append((time.perf_counter() - started) * 1000)
                recall.append(len(set(found[0].tolist()) & set(truth[row].tolist())) / 10)
            label = "efSearch" if kind == "hnsw" else "nprobe"
            print(
                f"  {kind:<6} {label} {depth:>3}: build {build:7.1f} s, {size_mb:7.0f} MB, search p50 {percentile(times, 50):6.2f} "
                f"p95 {percentile(times, 95):6.2f} ms, recall@10 vs exact {np.mean(recall):.3f}",
                flush=True,
            )
        del index


def run_size(size: int, collection: Collection, embedder: Embedder, kinds: list[str], rounds: int, work: Path) -> None:
    print(f"\n== {size:,} passages ==", flush=True)
    data = work / f"data-{size}"
    settings = Settings.from_env(data=data)
    seconds = build_store(settings.database_path, collection, size, embedder.model_id)
    print(f"store + cached vectors: {seconds:.1f} s", flush=True)
    figures = build_indexes(settings, embedder)
    disk = {p.name: p.stat().st_size / 1e6 for p in data.iterdir() if p.is_file()}
    lexical_mb = sum(f.stat().st_size for f in (data / "lexical").rglob("*") if f.is_file()) / 1e6
    print(
        f"index build: lexical {figures['lexical']:.1f} s, vectors ({figures['kind']}) {figures['vectors']:.1f} s; disk: sqlite "
        f"{disk.get('reform.sqlite3', 0):.0f} MB, lexical segments {lexical_mb:.0f} MB, vectors {disk.get('vectors.npz', 0):.0f} MB",
        flush=True,
    )
    report = run_probe(data, rounds)
    print(
        f"search process ({report['kind']} vectors): RSS {report['rss_start_mb']} MB at start, {report['rss_open_mb']} MB open, "
        f"{report['rss_mb']} MB after the queries (peak {report['rss_peak_mb']} MB)",
        flush=True,
    )
    for mode in ("lexical", "vector", "hybrid"):
        p50, p95, n = report[mode]
        print(f"query {mode:<8} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  (n={n}, end to end through SearchService)", flush=True)
    if size > 50_000 and kinds:
        compare_ann(settings, embedder, kinds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--real", type=int, default=3000, help="text units embedded for real")
    parser.add_argument(
        "--kinds", nargs="*", default=["ivf", "ivfpq", "hnsw"], help="approximate kinds compared with exact search"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the queries (after one warm-up round)")
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help="keep the data directories here instead of a temporary directory")
    args = parser.parse_args()
    if args.probe:
        probe(args.probe, args.rounds)
        return
    embedder = Embedder(Settings.from_env().model_dir)
    started = time.perf_counter()
    units = text_units(args.real, seed=1)
    vectors = embedder.encode_passages(units)
    seconds = time.perf_counter() - started
    print(
        f"model {embedder.model_id}; {len(units)} text units embedded in {seconds:.0f} s ({len(units) / seconds:.1f}/s)",
        flush=True,
    )
    collection = Collection(units, vectors, seed=2)
    check_texts, check_vectors = collection.sample(200)
    real = embedder.encode_passages(check_texts)
    cosine = (real * check_vectors).sum(axis=1)
    print(
        f"synthetic vectors vs the real embedding of their text: mean cosine {cosine.mean():.3f} (min {cosine.min():.3f})",
        flush=True,
    )
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        for size in args.sizes:
            run_size(size, collection, embedder, args.kinds, args.rounds, Path(tmp))


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
