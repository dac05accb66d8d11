"""Ingest benchmark: the shipped corpus, re-ingest, a law code, and end-to-end throughput against today's code.

Run: `.venv/bin/python bench/ingest.py [--baseline /tmp/head] [--laws N] [--rounds 2]` (or `make bench`).
Prints one line per figure.

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
import statistics
import subprocess
import sys
import tempfile
import time
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


def reform(code: Path, data: Path, *args: str) -> float:
    """Seconds that `reform --data DATA ARGS…` of the checkout at `code` takes (a fresh process, as staff run it)."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "reform.cli", "--data", str(data), *args], cwd=code, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{code}: reform {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()[-800:]}")
    return seconds


def until_searchable(code: Path, data: Path, files: list[Path]) -> tuple[float, float]:
    """(ingest seconds, first-search seconds) of one checkout on a fresh or existing data directory."""
    ingest = reform(code, data, "ingest", *map(str, files), "--no-progress")
    search = reform(code, data, "search", "tuổi nghỉ hưu của người lao động", "--k", "3", "--json")
    return ingest, search


def throughput(baseline: Path, laws: int, rounds: int, work: Path) -> None:
    files = sorted(LAWS.glob("*.txt"), key=lambda p: p.stat().st_size)[:laws]
    extra = work / "extra.txt"
    extra.write_text(EXTRA, encoding="utf-8")
    passages = 0
    timings: dict[str, list[tuple[float, float, float]]] = {"today": [], "new": []}
    for round_ in range(rounds):
        for name, code in (("today", baseline), ("new", ROOT)):
            data = work / f"{name}-{round_}"
            ingest, search = until_searchable(code, data, files)
            more, more_search = until_searchable(code, data, [extra])
            timings[name].append((ingest, search, more + more_search))
            with DocumentStore(Settings.from_env({}, data=data).database_path) as store:
                passages = store.passage_count() - 1
            print(
                f"round {round_ + 1} {name:>5}: {len(files)} laws, {passages} passages: ingest {ingest:.1f} s + first search "
                f"{search:.1f} s = {passages / (ingest + search):.1f} passages/s; one more file then search {more + more_search:.1f} s",
                flush=True,
            )
    rate = {name: statistics.median(passages / (i + s) for i, s, _ in rows) for name, rows in timings.items()}
    print(
        f"end to end (reform ingest + first search, median of {rounds}): today {rate['today']:.1f} passages/s, "
        f"new {rate['new']:.1f} passages/s: {rate['new'] / rate['today']:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--baseline", type=Path, help="a checkout of the code to compare with (e.g. git worktree add /tmp/head HEAD)"
    )
    parser.add_argument("--laws", type=int, default=4, help="how many of tests/data/laws, smallest first")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--skip-store", action="store_true", help="only the throughput comparison")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_store:
            store_figures(Path(tmp))
        if args.baseline:
            throughput(args.baseline.resolve(), args.laws, args.rounds, Path(tmp))


if __name__ == "__main__":
    main()
