"""Vector search at a million passages: which FAISS index kind, by build time, memory, latency and recall@10.

Run: `REFORM_MODEL=DIR .venv/bin/python bench/ann.py --library DATA [--size 1000000] [--kinds ivf ivfpq hnsw]`,
where DATA is a library whose passages are embedded with that model (e.g. `reform --data DATA ingest
corpus tests/data/laws`): its embedding cache gives the real vectors. Needs ~6 GB of memory at 1M.

Embedding a million passages would take most of a day here, so the collection is synthetic but made
of real vectors, as bench/search.py makes its own: each passage vector is the normalized mean of
three real passage vectors of the library plus a little noise. The queries are real: every question
of tests/data (seed, law and everyday wording), embedded by the model as `reform search` embeds them.

For each kind the index is built as `reform` builds it (search.ann.build_index, every core), written
to a file, then searched in a fresh process, as a server would: RSS once the model and the index are
loaded, and per query the time to embed it and fetch the candidates the hybrid ranker takes
(search.service.CANDIDATES). Recall@10 is against exact search over the same vectors, at several
search depths (nprobe for the IVF kinds, efSearch for HNSW). Latency is given as wall time and as
the CPU time of the query's thread: on a machine other work shares, the second is what the index costs.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.settings import Settings  # noqa: E402
from search import ann  # noqa: E402
from search.embedder import Embedder  # noqa: E402
from search.service import CANDIDATES  # noqa: E402

QUESTION_FILES = [
    ROOT / "tests" / "data" / "questions.jsonl",
    ROOT / "tests" / "data" / "questions" / "law_questions.jsonl",
    ROOT / "tests" / "data" / "questions" / "everyday_questions.jsonl",
]
NOISE = 0.01  # as bench/search.py
DEPTHS = {"ivf": (32, 64, 128, 256), "ivfpq": (32, 64, 128, 256), "hnsw": (96, 192, 384, 768)}
CHUNK = 100_000


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def questions() -> list[str]:
    """Every question text of the evaluation sets: what people ask, not synthetic strings."""
    texts = []
    for path in QUESTION_FILES:
        texts += [json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def library_vectors(data: Path, model_id: str) -> np.ndarray:
    """The passage vectors a library's embedding cache holds for this model."""
    database = Settings.from_env({}, data=data).database_path
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT vector FROM embeddings WHERE model_id = ?", (model_id,)).fetchall()
    if not rows:
        raise SystemExit(f"no vectors of {model_id} in {database}: ingest a library with this model first")
    return np.stack([np.frombuffer(v, np.float32) for (v,) in rows])


def synthetic(real: np.ndarray, size: int, seed: int) -> np.ndarray:
    """`size` normalized means of three random real vectors, plus noise."""
    rng = np.random.default_rng(seed)
    out = np.empty((size, real.shape[1]), np.float32)
    for start in range(0, size, CHUNK):
        count = min(CHUNK, size - start)
        picks = rng.integers(0, len(real), (count, 3))
        block = real[picks].mean(axis=1) + rng.normal(0, NOISE, (count, real.shape[1])).astype(np.float32)
        out[start : start + count] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def exact_top(queries: np.ndarray, vectors: np.ndarray, k: int = 10) -> np.ndarray:
    """Ids of the k nearest vectors of each query by inner product, exactly (in chunks, to bound memory)."""
    best_scores = np.full((len(queries), k), -np.inf, np.float32)
    best_ids = np.zeros((len(queries), k), np.int64)
    for start in range(0, len(vectors), CHUNK):
        scores = queries @ vectors[start : start + CHUNK].T
        top = np.argpartition(-scores, k, axis=1)[:, :k]
        scores = np.concatenate([best_scores, np.take_along_axis(scores, top, axis=1)], axis=1)
        ids = np.concatenate([best_ids, top + start], axis=1)
        keep = np.argsort(-scores, axis=1)[:, :k]
        best_scores, best_ids = np.take_along_axis(scores, keep, axis=1), np.take_along_axis(ids, keep, axis=1)
    return best_ids


def probe(index_file: Path, kind: str, model_dir: Path, depths: tuple[int, ...]) -> None:
    """In a fresh process: load the model and the index as a server would, then time each query end to end."""
    import faiss

    faiss.omp_set_num_threads(1)  # as search.vectors: one query, one thread
    started_mb = rss_mb()
    embedder = Embedder(model_dir)
    started = time.perf_counter()
    index: Any = faiss.read_index(str(index_file))
    load = time.perf_counter() - started
    report: dict[str, Any] = {"rss_start_mb": round(started_mb), "load_s": round(load, 1), "rss_open_mb": round(rss_mb())}
    texts = questions()
    embedder.encode_queries(texts[:3])  # warm-up
    for depth in depths:
        if kind == "hnsw":
            graph: Any = faiss.downcast_index(index.index)
            graph.hnsw.efSearch = depth
        else:
            ann.tune(index, kind, nprobe=depth)
        latencies, cpu, found = [], [], []
        for text in texts:
            started, started_cpu = time.perf_counter(), time.thread_time()
            vector = embedder.encode_queries([text])[0]
            _, ids = index.search(vector.reshape(1, -1), CANDIDATES)
            latencies.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            found.append(ids[0][:10].tolist())
        report[str(depth)] = {
            "p50": float(np.percentile(latencies, 50)),
            "p95": float(np.percentile(latencies, 95)),
            "cpu_p95": float(np.percentile(cpu, 95)),
            "found": found,
        }
    report["rss_mb"], report["rss_peak_mb"] = round(rss_mb()), round(rss_mb("VmHWM"))
    print(json.dumps(report))


def measure(kind: str, vectors: np.ndarray, truth: np.ndarray, model_dir: Path, work: Path, depths: tuple[int, ...]) -> None:
    import faiss

    faiss.omp_set_num_threads(os.cpu_count() or 1)  # an index build uses every core
    started = time.perf_counter()
    index = ann.build_index(vectors, kind, dimension=vectors.shape[1])
    index.add_with_ids(vectors, np.arange(len(vectors), dtype=np.int64))
    build = time.perf_counter() - started
    path = work / f"{kind}.faiss"
    faiss.write_index(index, str(path))
    del index
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--probe",
            str(path),
            "--kind",
            kind,
            "--model",
            str(model_dir),
            "--depths",
            *map(str, depths),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"probe of {kind} failed: {result.stderr[-1500:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    size_mb = path.stat().st_size / 1e6
    path.unlink()
    print(
        f"{kind:<6} build {build:7.1f} s, file {size_mb:6.0f} MB; search process RSS {report['rss_open_mb']} MB open "
        f"(model alone {report['rss_start_mb']} MB before; index read in {report['load_s']} s), peak {report['rss_peak_mb']} MB",
        flush=True,
    )
    label = "efSearch" if kind == "hnsw" else "nprobe"
    for depth in depths:
        row = report[str(depth)]
        recall = np.mean([len(set(f) & set(t.tolist())) / 10 for f, t in zip(row["found"], truth, strict=True)])
        print(
            f"  {label} {depth:>3}: query embedded + {CANDIDATES} candidates p50 {row['p50']:5.1f} ms, p95 {row['p95']:5.1f} ms "
            f"(CPU p95 {row['cpu_p95']:5.1f} ms); "
            f"recall@10 vs exact {recall:.3f} (n={len(truth)})",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", type=Path, help="a data directory whose passages are embedded with the model")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--kinds", nargs="+", default=["ivf", "ivfpq", "hnsw"], choices=ann.KINDS[1:])
    parser.add_argument("--work", type=Path, help="where the index files go (default: a temporary directory)")
    parser.add_argument("--depths", type=int, nargs="+", help="search depths to try (default: nprobe 32-256, efSearch 96-768)")
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe(args.probe, args.kind, args.model, tuple(args.depths))
        return
    if args.library is None:
        parser.error("--library DATA is required")
    model_dir = Settings.from_env().model_dir
    embedder = Embedder(model_dir)
    real = library_vectors(args.library, embedder.model_id)
    started = time.perf_counter()
    vectors = synthetic(real, args.size, seed=1)
    queries = embedder.encode_queries(questions())
    truth = exact_top(queries, vectors)
    print(
        f"model {embedder.model_id}; {args.size:,} vectors from {len(real):,} real passage vectors; {len(queries)} real "
        f"questions, exact top 10 in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    del embedder
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        for kind in args.kinds:
            measure(kind, vectors, truth, model_dir, Path(tmp), tuple(args.depths or DEPTHS[kind]))


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
