"""Ingest benchmark: the shipped corpus, re-ingest, a law code, and end-to-end throughput against today's code.

Run: `.venv/bin/python bench/ingest.py [--baseline /tmp/old [--baseline-model DIR]] [--laws N] [--rounds 2]`
(or `make bench`). Prints one line per figure.

Throughput (needs the model: `reform model install`, or REFORM_MODEL): `reform ingest` of real laws
(tests/data/laws, the N smallest) into a fresh data directory, then the first search, which is
when the library is searchable: the code before this benchmark's changes rebuilt the whole BM25
matrix there. The same run times the code of another checkout (`--baseline`, e.g. a `git worktree
add /tmp/head HEAD`) on the same files and model, alternating old and new `--rounds` times, since
the machine's load moves between runs. Then one more small file is added to each library:
the cost of an ingest into a library that already exists (the old code rebuilt the matrix from
every passage; the new one writes a segment of the new passages).
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpora import repeated_corpus, synthetic_law  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from ingest.store import DocumentStore  # noqa: E402

CORPUS = ROOT / "corpus"
LAWS = ROOT / "tests" / "data" / "laws"
EXTRA = "Điều 1. Phạm vi\n\nThành phố thí điểm trợ lý ảo giải đáp thủ tục hành chính cho người cao tuổi.\n"


def timed_ingest(paths: list[Path], data: Path) -> tuple[float, int, int]:
    settings = Settings.from_env({}, data=data)
    with DocumentStore(settings.database_path) as store:
        started = time.perf_counter()
        report = ingest_paths(paths, store=store, settings=settings, progress=False)
        seconds = time.perf_counter() - started
        assert not report.failed, report.failed
        return seconds, len(report.outcomes), store.passage_count()


def store_figures(work: Path) -> None:
    from vntext.segmentation import sentence_spans

    sentence_spans("Khởi động. Xong.")  # load underthesea once, outside the timings
    seconds, files, passages = timed_ingest([CORPUS], work / "d1")
    print(f"shipped corpus: {files} files, {passages} passages in {seconds:.2f} s")
    seconds, files, _ = timed_ingest([CORPUS], work / "d1")
    print(f"re-ingest unchanged: {files} files skipped in {seconds:.3f} s")
    count = repeated_corpus(CORPUS, work / "repeated", 40)
    seconds, files, passages = timed_ingest([work / "repeated"], work / "d2")
    print(
        f"corpus x40: {count} files, {passages} passages in {seconds:.2f} s "
        f"({files / seconds:.0f} files/s, {passages / seconds:.0f} passages/s)"
    )
    law = work / "law" / "bo-luat.txt"
    law.parent.mkdir()
    law.write_text(synthetic_law(chapters=17, articles_per_chapter=13, clauses=5, clause_words=110), encoding="utf-8")
    size_kb = law.stat().st_size / 1024
    seconds, _, passages = timed_ingest([law], work / "d3")
    print(f"law code: {size_kb:.0f} KB, 221 articles, {passages} passages in {seconds:.2f} s ({size_kb / seconds:.0f} KB/s)")


def reform(code: Path, data: Path, model: Path | None, *args: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) that `reform --data DATA ARGS…` of the checkout at `code` takes.

    A fresh process, as staff run it. CPU seconds (user + system of the process and its children)
    are the figure other work on a shared machine disturbs least: wall time counts the cores it took.
    """
    env = {**os.environ, "PYTHONPATH": str(code)}
    if model is not None:
        env["REFORM_MODEL"] = str(model)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "reform.cli", "--data", str(data), *args], cwd=code, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{code}: reform {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()[-800:]}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def until_searchable(code: Path, data: Path, model: Path | None, files: list[Path]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of `reform ingest` then a first search, one checkout, fresh or existing data directory."""
    ingest = reform(code, data, model, "ingest", *map(str, files), "--no-progress")
    search = reform(code, data, model, "search", "tuổi nghỉ hưu của người lao động", "--k", "3", "--json")
    return ingest[0] + search[0], ingest[1] + search[1]


def stored_passages(database: Path) -> int:
    """Passages in a data directory, read with plain sqlite: the other checkout's schema may not be this one's."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return int(db.execute("SELECT count(*) FROM passages").fetchone()[0])


def throughput(checkouts: dict[str, tuple[Path, Path | None]], laws: int, rounds: int, work: Path) -> None:
    """Each checkout ingests the same laws into a fresh data directory, alternating, `rounds` times."""
    files = sorted(LAWS.glob("*.txt"), key=lambda p: p.stat().st_size)[:laws]
    extra = work / "extra.txt"
    extra.write_text(EXTRA, encoding="utf-8")
    rates: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
    for round_ in range(rounds):
        for name, (code, model) in checkouts.items():
            data = work / f"{name}-{round_}"
            wall, cpu = until_searchable(code, data, model, files)
            more, _ = until_searchable(code, data, model, [extra])
            passages = stored_passages(data / "reform.sqlite3") - 1
            rates[name].append((passages / wall, passages / cpu))
            print(
                f"round {round_ + 1} {name:>5}: {len(files)} laws, {passages} passages: ingest + first search {wall:.1f} s "
                f"= {passages / wall:.1f} passages/s ({cpu:.1f} CPU-s, {passages / cpu:.1f} passages/CPU-s); "
                f"one more file then search {more:.1f} s",
                flush=True,
            )
    wall_rate = {name: statistics.median(w for w, _ in rows) for name, rows in rates.items()}
    cpu_rate = {name: statistics.median(c for _, c in rows) for name, rows in rates.items()}
    print(
        f"end to end (reform ingest + first search, median of {rounds}): today {wall_rate['today']:.1f} passages/s, "
        f"new {wall_rate['new']:.1f} passages/s: {wall_rate['new'] / wall_rate['today']:.2f}x; per CPU-second "
        f"today {cpu_rate['today']:.1f}, new {cpu_rate['new']:.1f}: {cpu_rate['new'] / cpu_rate['today']:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--baseline", type=Path, help="a checkout of the code to compare with (e.g. git worktree add /tmp/head HEAD)"
    )
    parser.add_argument(
        "--baseline-model", type=Path, help="REFORM_MODEL for the baseline (default: REFORM_MODEL, as for the new code)"
    )
    parser.add_argument("--laws", type=int, default=4, help="how many of tests/data/laws, smallest first")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--skip-store", action="store_true", help="only the throughput comparison")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_store:
            store_figures(Path(tmp))
        if args.baseline:
            model = Path(os.environ["REFORM_MODEL"]) if os.environ.get("REFORM_MODEL") else None
            checkouts = {"today": (args.baseline.resolve(), args.baseline_model or model), "new": (ROOT, model)}
            throughput(checkouts, args.laws, args.rounds, Path(tmp))


if __name__ == "__main__":
    main()
