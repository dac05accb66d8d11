"""Reading a run's files in worker processes, OCRing the pages that need it, with the OCR cache.

`read_in_workers(jobs, …)` yields each file's `RawText` (or its one-line failure) as soon as it is
ready. A paged file first comes back as the list of pages it needs OCRed; those pages are OCRed in
parallel (one task per page: a progress step, a time limit, a cache entry each) and the file is
read again with the results. Normalizing and chunking stay in the calling process (ingest/build.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from core.settings import Settings
from ingest.ocr import SETTINGS_VERSION, OcrNeeded, OcrPage, PageRequest, ocr_request, tesseract_version
from ingest.ocr_cache import OcrCache
from ingest.paged import OcrInput
from ingest.raw import RawText
from ingest.readers import PAGED_READERS, read_file
from ingest.workers import TaskResult, WorkerPool

IN_FLIGHT_PER_WORKER = 2  # files handed to the pool ahead of time (their bytes are held meanwhile)
OCR_MARGIN_SECONDS = 60.0  # rendering and deskewing a page, on top of tesseract's own time limit


class Progress(Protocol):
    """What a tqdm bar offers and the reader uses: more steps to do, steps done, a note."""

    total: Any

    def update(self, n: int = 1) -> Any: ...

    def refresh(self) -> Any: ...

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> Any: ...


@dataclass(frozen=True)
class ReadJob:
    """One file to read: its bytes (as hashed) and where it is (OCR renders pages from the path)."""

    key: int
    path: Path
    data: bytes
    digest: str


@dataclass
class ReadDone:
    """A file read (or not, with the reason) and what its OCR cost."""

    job: ReadJob
    raw: RawText | None = None
    error: str | None = None
    ocr_pages: int = 0
    ocr_cached: int = 0
    ocr_seconds: float = 0.0


@dataclass
class _State:
    job: ReadJob
    pages: dict[int, OcrPage] = field(default_factory=dict)
    cached: int = 0
    fresh: dict[int, OcrPage] = field(default_factory=dict)
    waiting: int = 0
    errors: list[str] = field(default_factory=list)


def read_task(suffix: str, data: bytes, ocr: OcrInput) -> RawText | list[PageRequest]:
    """In a worker: the file's RawText, or the pages it still needs OCRed."""
    try:
        return read_file(suffix, data, ocr=ocr)
    except OcrNeeded as needed:
        return needed.requests


def ocr_task(path: str, request: PageRequest, timeout: float) -> OcrPage:
    """In a worker: one page OCRed."""
    return ocr_request(path, request, timeout=timeout)


def read_in_workers(jobs: Iterable[ReadJob], settings: Settings, *, progress: Progress | None = None) -> Iterator[ReadDone]:
    """Read every job's file in worker processes (see the module docstring); results in completion order."""
    reader = _Reader(settings, progress)
    with WorkerPool(settings.ingest_workers, memory_mb=settings.parse_memory_mb) as pool:
        queue = iter(jobs)
        exhausted = False
        while True:
            while not exhausted and pool.pending < settings.ingest_workers * IN_FLIGHT_PER_WORKER:
                job = next(queue, None)
                if job is None:
                    exhausted = True
                else:
                    reader.start(pool, job)
            if not pool.pending:
                return
            for result in pool.results():
                yield from reader.finish(pool, result)


class _Reader:
    def __init__(self, settings: Settings, progress: Progress | None) -> None:
        self.settings, self.progress = settings, progress
        self.states: dict[int, _State] = {}
        self._cache: OcrCache | None = None

    @property
    def cache(self) -> OcrCache:
        if self._cache is None:
            self._cache = OcrCache(self.settings.data / "ocr-cache", f"{tesseract_version()}; {SETTINGS_VERSION}")
        return self._cache

    def start(self, pool: WorkerPool, job: ReadJob) -> None:
        state = _State(job)
        if job.path.suffix.lower() in PAGED_READERS:
            state.pages = self.cache.load(job.digest)
            state.cached = len(state.pages)
        self.states[job.key] = state
        self._submit_read(pool, state)

    def _submit_read(self, pool: WorkerPool, state: _State) -> None:
        ocr = OcrInput(dict(state.pages), self.settings.ocr_min_confidence)
        pool.submit(
            ("read", state.job.key, 0), read_task, state.job.path.suffix, state.job.data, ocr, timeout=self.settings.parse_timeout
        )

    def finish(self, pool: WorkerPool, result: TaskResult) -> Iterator[ReadDone]:
        task: tuple[str, int, int] = result.key  # type: ignore[assignment]  # ("read", file key, 0) or ("ocr", file key, page)
        kind, key, page = task
        state = self.states[key]
        if kind == "ocr":
            yield from self._page_done(pool, state, page, result)
        elif result.error is not None:
            yield self._done(state, error=result.error)
        elif isinstance(result.value, list):
            self._ocr(pool, state, result.value)
        else:
            yield self._done(state, raw=result.value)

    def _ocr(self, pool: WorkerPool, state: _State, requests: list[PageRequest]) -> None:
        timeout = self.settings.ocr_page_timeout
        for request in requests:
            pool.submit(
                ("ocr", state.job.key, request.page),
                ocr_task,
                str(state.job.path),
                request,
                timeout,
                timeout=timeout + OCR_MARGIN_SECONDS,
            )
        state.waiting = len(requests)
        if self.progress is not None:
            self.progress.total += len(requests)
            self.progress.refresh()

    def _page_done(self, pool: WorkerPool, state: _State, page: int, result: TaskResult) -> Iterator[ReadDone]:
        state.waiting -= 1
        if result.error is not None:
            state.errors.append(f"OCR of page {page} failed: {result.error}" if "page" not in result.error else result.error)
        else:
            state.fresh[page] = state.pages[page] = result.value
        if self.progress is not None:
            self.progress.update(1)
            self.progress.set_postfix_str(f"OCR {state.job.path.name} p.{page}", refresh=False)
        if state.waiting:
            return
        if state.fresh:
            self.cache.save(state.job.digest, state.fresh)
        if state.errors:
            yield self._done(state, error=min(state.errors))
        else:
            self._submit_read(pool, state)

    def _done(self, state: _State, *, raw: RawText | None = None, error: str | None = None) -> ReadDone:
        del self.states[state.job.key]
        seconds = sum(p.seconds for p in state.fresh.values())
        return ReadDone(state.job, raw, error, ocr_pages=len(state.fresh), ocr_cached=state.cached, ocr_seconds=seconds)
