"""Ingest benchmark: the shipped corpus, the corpus repeated, re-ingest of unchanged files, a law code.

Run: `.venv/bin/python bench/ingest.py` (or `make bench`). Prints one line per figure.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpora import repeated_corpus, synthetic_law  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from ingest.store import DocumentStore  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def timed_ingest(paths: list[Path], data: Path) -> tuple[float, int, int]:
    settings = Settings.from_env({}, data=data)
    with DocumentStore(settings.database_path) as store:
        started = time.perf_counter()
        report = ingest_paths(paths, store=store, settings=settings, progress=False)
        seconds = time.perf_counter() - started
        assert not report.failed, report.failed
        return seconds, len(report.outcomes), store.passage_count()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
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


if __name__ == "__main__":
    main()
