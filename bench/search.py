"""Search benchmark: embedding throughput, index build, query latency, memory, disk, ANN recall.

Run: `.venv/bin/python bench/search.py [--sizes 10000 100000]` (needs `reform model install`).

Collections are built from the shipped corpus: passages are random runs of 2-4 corpus sentences.
Embedding 100k passages would take hours on 2 cores, so 600 passages are embedded for real and
every other passage gets a perturbed copy of one of those vectors (Gaussian noise, renormalized,
cosine ~0.9 to its source), seeded into the embedding cache: the indexes, the hybrid ranker and
the queries then run exactly as in production. Query latency includes embedding the query.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.settings import Settings  # noqa: E402
from ingest.derived import ensure_schema  # noqa: E402
from ingest.document import Document, Passage  # noqa: E402
from ingest.store import DocumentStore  # noqa: E402
from library.indexes import open_search  # noqa: E402
from search.embedder import Embedder  # noqa: E402
from search.vectors import CACHE_SCHEMA as VECTOR_CACHE_SCHEMA  # noqa: E402
from search.vectors import SCHEMA_VERSION as VECTOR_SCHEMA_VERSION  # noqa: E402
from search.vectors import VectorIndex, build_faiss_index, passage_hash  # noqa: E402
from vntext.normalize import normalize_text  # noqa: E402
from vntext.segmentation import sentence_spans  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
QUERIES = [
    "Chỉ số PAR INDEX 2022 của Hà Nội xếp thứ mấy?",
    "tỷ lệ hồ sơ giải quyết đúng hạn",
    "280/QĐ-UBND",
    "chi so hai long SIPAS",
    "Thành phố cắt giảm biên chế bao nhiêu",
    "dịch vụ công trực tuyến mức độ 4",
    "CCHC quận Hà Đông",
    "giải ngân vốn đầu tư công",
    "Nghị định 32/2021/NĐ-CP",
    "chuyển đổi số chính quyền số",
    "phản ánh kiến nghị qua Zalo",
    "thi tuyển chức danh lãnh đạo",
    "bộ phận một cửa hiện đại",
    "Kế hoạch 350/KH-UBND phổ biến giáo dục pháp luật",
    "đơn vị sự nghiệp công lập tự chủ tài chính",
    "Ban Chỉ đạo cải cách hành chính",
    "số hóa hồ sơ thủ tục hành chính",
    "chữ ký số miễn phí",
    "sắp xếp đơn vị hành chính cấp xã",
    "Người dân hài lòng với dịch vụ công thế nào?",
]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def corpus_sentences() -> list[str]:
    sentences = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = normalize_text(path.read_text(encoding="utf-8"))
        sentences += [text[s.start : s.end] for s in sentence_spans(text) if 6 <= len(text[s.start : s.end].split()) <= 80]
    return sentences


def synthetic_passages(sentences: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        start = rng.randrange(len(sentences))
        out.append(" ".join(sentences[start : start + rng.randint(2, 4)]))
    return out


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def build_store(path: Path, texts: list[str]) -> DocumentStore:
    store = DocumentStore(path).open()
    per_doc = 100
    with store.transaction():
        for d in range(0, len(texts), per_doc):
            chunk, doc_id, cursor, passages = texts[d : d + per_doc], f"doc{d // per_doc:05d}", 0, []
            body = "\n\n".join(chunk)
            for seq, text in enumerate(chunk, start=1):
                passages.append(Passage(f"{doc_id}-p{seq:04d}", doc_id, seq, cursor, cursor + len(text), text))
                cursor += len(text) + 2
            store.put_document(
                Document(doc_id, f"/bench/{doc_id}.txt", f"Văn bản {doc_id}", body, doc_id, tuple(passages)),
                ingest_version="bench",
            )
        store.bump_generation()
    return store


def seed_vectors(store: DocumentStore, model_id: str, base: np.ndarray, noise: float, seed: int) -> float:
    """Perturbed copies of real embeddings in the embedding cache; returns mean cosine to the source."""
    rng = np.random.default_rng(seed)
    passages = store.passages()
    sources = rng.integers(0, len(base), len(passages))
    vectors = base[sources] + rng.normal(0, noise, (len(passages), base.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ensure_schema(store, "vectors", VECTOR_SCHEMA_VERSION, VECTOR_CACHE_SCHEMA, ("embeddings",))
    with store.transaction():
        store.db.executemany(
            "INSERT OR REPLACE INTO embeddings VALUES (?,?,?)",
            [(model_id, passage_hash(p), vectors[i].tobytes()) for i, p in enumerate(passages)],
        )
    return float((vectors * base[sources]).sum(axis=1).mean())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--real", type=int, default=600, help="passages embedded for real")
    args = parser.parse_args()
    settings = Settings.from_env()
    embedder = Embedder(settings.model_dir)
    sentences = corpus_sentences()
    print(f"model {embedder.model_id}; {len(sentences)} corpus sentences; torch threads {__import__('torch').get_num_threads()}")

    real_texts = synthetic_passages(sentences, args.real, seed=1)
    started = time.perf_counter()
    base = embedder.encode_passages(real_texts)
    seconds = time.perf_counter() - started
    words = statistics.mean(len(t.split()) for t in real_texts)
    print(
        f"embedding: {len(real_texts)} passages (mean {words:.0f} words) in {seconds:.1f} s = {len(real_texts) / seconds:.1f} passages/s"
    )

    ingest_throughput(embedder, len(real_texts) / seconds)
    for _ in range(3):
        embedder.encode_queries(["khởi động"])
    for size in args.sizes:
        run_size(size, sentences, embedder, base)


def ingest_throughput(embedder: Embedder, embedding_rate: float, copies: int = 3) -> None:
    """`reform ingest` end to end (read, chunk, store, lexical, vectors) on the corpus repeated.

    Every copy's lines are prefixed with its number, so no passage is found in the embedding cache.
    """
    from ingest.pipeline import ingest_paths
    from search.lexical import LexicalIndex

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        for copy in range(copies):
            (folder / f"copy{copy}").mkdir(parents=True)
            for path in sorted(CORPUS.glob("*.txt")):
                lines = path.read_text(encoding="utf-8").splitlines()
                text = "\n".join(f"({copy}) {line}" if line.strip() else line for line in lines)
                (folder / f"copy{copy}" / path.name).write_text(text, encoding="utf-8")
        settings = Settings.from_env({}, data=Path(tmp) / "data")
        with DocumentStore(settings.database_path) as store:
            indexes = [LexicalIndex(store), VectorIndex(store, embedder, settings.vectors_path)]
            started = time.perf_counter()
            ingest_paths([folder], store=store, settings=settings, indexes=indexes, progress=False)
            seconds = time.perf_counter() - started
            passages = store.passage_count()
    print(
        f"ingest end to end: corpus x{copies}, {passages} passages in {seconds:.1f} s = {passages / seconds:.1f} passages/s "
        f"(embedding alone: {embedding_rate:.1f} passages/s)"
    )


def run_size(size: int, sentences: list[str], embedder: Embedder, base: np.ndarray) -> None:
    print(f"\n== {size:,} passages ==")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        settings = Settings.from_env({}, data=data)
        memory_before = rss_mb()
        started = time.perf_counter()
        store = build_store(settings.database_path, synthetic_passages(sentences, size, seed=size))
        cosine = seed_vectors(store, embedder.model_id, base, noise=0.025, seed=size)
        print(
            f"store + cached vectors: {time.perf_counter() - started:.1f} s (synthetic vectors: mean cosine {cosine:.2f} to their real source)"
        )

        started = time.perf_counter()
        service = open_search(settings, store=store, embedder=embedder)  # builds lexical and exact vector indexes
        print(
            f"index build (lexical + {service.vectors.kind} vectors): {time.perf_counter() - started:.1f} s; "
            f"RSS +{rss_mb() - memory_before:.0f} MB; disk: sqlite {settings.database_path.stat().st_size / 1e6:.0f} MB, "
            f"vectors {settings.vectors_path.stat().st_size / 1e6:.0f} MB"
        )
        for mode in ("lexical", "vector", "hybrid"):
            latencies = []
            for round_ in range(3):
                for query in QUERIES:
                    started = time.perf_counter()
                    service.search(query, k=10, mode=mode)
                    if round_:
                        latencies.append((time.perf_counter() - started) * 1000)
            print(
                f"query {mode:<8} p50 {percentile(latencies, 50):6.1f} ms  p95 {percentile(latencies, 95):6.1f} ms  (n={len(latencies)}, end to end through SearchService)"
            )
        compare_ann(store, service.vectors, embedder)
        service.close()
        store.close()


def compare_ann(store: DocumentStore, vectors_index: VectorIndex, embedder: Embedder) -> None:
    """IVF-Flat vs exact over the same (cached) vectors: build time, latency and recall@10."""
    import faiss

    vectors = vectors_index.embed(store.passages())  # all from the embedding cache
    ids = np.arange(len(vectors), dtype=np.int64)
    started = time.perf_counter()
    exact = build_faiss_index(vectors, ann=False, dimension=embedder.dimension)
    exact.add_with_ids(vectors, ids)
    exact_build = time.perf_counter() - started
    started = time.perf_counter()
    ivf = build_faiss_index(vectors, ann=True, dimension=embedder.dimension)
    ivf.add_with_ids(vectors, ids)
    build = time.perf_counter() - started
    queries = embedder.encode_queries(QUERIES * 5)
    queries += np.random.default_rng(7).normal(0, 0.01, queries.shape).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    truth, times = [], []
    for query in queries:
        started = time.perf_counter()
        truth.append(exact.search(query.reshape(1, -1), 10)[1][0])
        times.append((time.perf_counter() - started) * 1000)
    print(f"exact flat: build {exact_build:.2f} s, search p50 {percentile(times, 50):.2f} ms (1 thread)")
    for nprobe in (8, 16, 32, 64):
        faiss.extract_index_ivf(ivf).nprobe = nprobe
        times, recall = [], []
        for row, query in enumerate(queries):
            started = time.perf_counter()
            _, found = ivf.search(query.reshape(1, -1), 10)
            times.append((time.perf_counter() - started) * 1000)
            recall.append(len(set(found[0]) & set(truth[row])) / 10)
        print(
            f"IVF-Flat ({faiss.extract_index_ivf(ivf).nlist} lists, nprobe {nprobe}): build {build:.1f} s, "
            f"search p50 {percentile(times, 50):.2f} ms, recall@10 vs exact {np.mean(recall):.3f}"
        )


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
