"""Ingest workers: a time limit and a memory ceiling per task, crashes reported, the pool goes on."""

from __future__ import annotations

import time

from core.settings import Settings
from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from ingest.workers import WorkerPool
from tests import worker_tasks


def run_all(pool: WorkerPool) -> dict:
    results = {}
    while pool.pending:
        for result in pool.results():
            results[result.key] = result
    return results


def test_pool_reports_timeouts_memory_crashes_and_errors_and_keeps_going():
    with WorkerPool(2, memory_mb=400) as pool:
        pool.submit("slow", worker_tasks.sleep, 30, timeout=1)
        pool.submit("greedy", worker_tasks.allocate, 2048, timeout=20)
        pool.submit("crash", worker_tasks.crash, timeout=20)
        pool.submit("refused", worker_tasks.refuse, timeout=20)
        pool.submit("fine", worker_tasks.double, 21, timeout=20)
        started = time.monotonic()
        results = run_all(pool)
    assert time.monotonic() - started < 15
    assert "took longer than 1 s" in results["slow"].error
    assert "out of memory" in results["greedy"].error
    assert "crashed (SIGSEGV)" in results["crash"].error
    assert results["refused"].error == "a reason over two lines"
    assert results["fine"].value == 42 and results["fine"].error is None


def test_a_file_over_the_time_limit_is_reported_and_the_run_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Cải cách hành chính là nhiệm vụ trọng tâm của Thành phố.\n", encoding="utf-8")
    settings = Settings.from_env({}, data=tmp_path / "data", parse_timeout=0.001)
    with DocumentStore(settings.database_path) as store:
        report = ingest_paths([folder], store=store, settings=settings, progress=False)
    assert report.count("failed") == 1
    assert "took longer than 0.001 s and was stopped (REFORM_PARSE_TIMEOUT)" in report.failed[0].reason
