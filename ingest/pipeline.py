"""The ingest run: discover files, skip unchanged ones, build documents, commit once, notify indexes.

Atomicity: every change of a run is written in one SQLite transaction, so a crash, a kill or an
error in the store leaves the previous state exactly as it was. A bad *file* is not an error of the
run: it is recorded with a one-line reason and the run goes on. Derived indexes (lexical, graph,
vectors; ingest.derived.DerivedIndex) sync after the commit; a document one of them cannot take in
is an error of the run (named, with its cause, and a non-zero exit), while everything else is kept.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from core.errors import IndexUpdateError, IngestError, one_line
from core.files import filesystem_path, stored_path
from core.settings import Settings
from ingest.build import INGEST_VERSION, build_document, document_id_for, file_hash
from ingest.derived import DerivedIndex, sync_indexes
from ingest.discover import Found, discover
from ingest.manifest import Manifest, load_manifest
from ingest.parsing import ReadDone, ReadJob, read_in_workers
from ingest.store import DocumentStore

STATUSES = ("added", "updated", "moved", "skipped", "removed", "failed")


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one path: a status from STATUSES and, for failures, the reason."""

    path: str
    status: str
    document_id: str | None = None
    reason: str | None = None
    passages: int = 0
    notes: tuple[str, ...] = ()  # warnings for the summary: a page left out for low OCR confidence, …
    ocr_pages: int = 0
    ocr_cached: int = 0
    ocr_seconds: float = 0.0


@dataclass(frozen=True)
class _Pending:
    """A file to build once a worker has read it (ingest/parsing.py)."""

    job: ReadJob
    path: str
    document_id: str
    previous: bool
    manifest: dict[str, Any]


@dataclass
class IngestReport:
    """Everything a run did, for the summary line, the exit code and the indexes' hooks."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    generation: int = 0
    index_errors: list[IndexUpdateError] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def changed_document_ids(self) -> set[str]:
        return {o.document_id for o in self.outcomes if o.status in ("added", "updated") and o.document_id}

    @property
    def removed_document_ids(self) -> set[str]:
        return {o.document_id for o in self.outcomes if o.status == "removed" and o.document_id}

    @property
    def changed(self) -> bool:
        return bool(self.changed_document_ids or self.removed_document_ids or self.count("moved"))

    def summary_line(self) -> str:
        counts = Counter(o.status for o in self.outcomes)
        parts = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("added", "updated", "skipped", "failed", "removed"))
        if counts.get("moved"):
            parts += f", {counts['moved']} moved"
        passages = sum(o.passages for o in self.outcomes if o.status in ("added", "updated"))
        return f"ingest: {parts}; {passages} new passages in {self.seconds:.1f} s{self._ocr_summary()}"

    def _ocr_summary(self) -> str:
        """ "; OCR 4 pages in 9.8 s (2 from the cache), 1 page left out" when anything was OCRed."""
        pages, cached = sum(o.ocr_pages for o in self.outcomes), sum(o.ocr_cached for o in self.outcomes)
        if not pages and not cached:
            return ""
        seconds = sum(o.ocr_seconds for o in self.outcomes)
        text = f"; OCR {pages} page{'s' if pages != 1 else ''} in {seconds:.1f} s"
        text += f" ({cached} from the cache)" if cached else ""
        left_out = sum(1 for o in self.outcomes for note in o.notes if note.startswith("page ") and "left out" in note)
        return text + (f", {left_out} page{'s' if left_out != 1 else ''} left out (low confidence)" if left_out else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": {s: self.count(s) for s in STATUSES},
            "failed": [{"path": o.path, "reason": o.reason} for o in self.failed],
            "notes": [{"path": o.path, "note": note} for o in self.outcomes for note in o.notes],
            "ocr": {
                "pages": sum(o.ocr_pages for o in self.outcomes),
                "cached_pages": sum(o.ocr_cached for o in self.outcomes),
                "seconds": round(sum(o.ocr_seconds for o in self.outcomes), 3),
            },
            "seconds": round(self.seconds, 3),
            "generation": self.generation,
            "index_errors": [{"index": e.index, "reason": e.cause, "documents": e.failures} for e in self.index_errors],
        }


def ingest_paths(
    paths: Sequence[Path],
    *,
    store: DocumentStore,
    settings: Settings,
    prune: bool = False,
    indexes: Sequence[DerivedIndex] = (),
    progress: bool | None = None,
) -> IngestReport:
    """Ingest files and folders into `store`, then sync `indexes`; see the module docstring for the guarantees."""
    with store.writer():
        return _ingest_locked(paths, store=store, settings=settings, prune=prune, indexes=indexes, progress=progress)


def _ingest_locked(
    paths: Sequence[Path],
    *,
    store: DocumentStore,
    settings: Settings,
    prune: bool,
    indexes: Sequence[DerivedIndex],
    progress: bool | None,
) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    found, roots = discover([Path(p) for p in paths])
    with store.transaction():
        run = store.next_run_number()
        known = store.fingerprints()
        manifests_reported: set[Path] = set()
        taken_ids = {doc_id: path for path, (doc_id, _, _) in known.items()}
        seen: set[str] = set()
        manifests: dict[Path, Manifest] = {}
        # One step per file, plus one per page to OCR (added as the readers ask for them).
        bar = tqdm(total=len(found), desc="ingest", unit="step", disable=None if progress is None else not progress)
        slots: list[FileOutcome | _Pending] = []
        for item in found:
            manifest = _manifest_for(item.path, manifests)
            if manifest.problems and manifest.path.parent not in manifests_reported:
                manifests_reported.add(manifest.path.parent)
                slots.append(FileOutcome(stored_path(manifest.path), "failed", reason=one_line("; ".join(manifest.problems))))
            slots.append(_ingest_one(item, len(slots), settings, known, taken_ids, manifest, store))
            bar.update(0 if isinstance(slots[-1], _Pending) else 1)
        jobs = [slot.job for slot in slots if isinstance(slot, _Pending)]
        for done in read_in_workers(jobs, settings, progress=bar):
            pending = slots[done.job.key]
            assert isinstance(pending, _Pending)
            slots[done.job.key] = _build(pending, done, store, settings)
            bar.update(1)
        bar.close()
        for outcome in slots:
            assert isinstance(outcome, FileOutcome)
            seen.add(outcome.path)
            report.outcomes.append(outcome)
            store.log(run, outcome.path, outcome.status, outcome.reason)
        if prune:
            moved = {o.document_id for o in report.outcomes if o.status == "moved"}
            for path, (doc_id, _, _) in known.items():
                if doc_id in moved or path in seen or filesystem_path(path).exists():
                    continue
                if _is_under(filesystem_path(path), roots, paths):
                    store.delete_document(doc_id)
                    report.outcomes.append(FileOutcome(path, "removed", doc_id))
                    store.log(run, path, "removed")
        report.generation = store.bump_generation() if report.changed else store.generation
    report.index_errors = sync_indexes(indexes)
    report.seconds = time.perf_counter() - started
    return report


def _ingest_one(
    item: Found,
    slot: int,
    settings: Settings,
    known: dict[str, tuple[str, str, str]],
    taken_ids: dict[str, str],
    manifest: Manifest,
    store: DocumentStore,
) -> FileOutcome | _Pending:
    """Skip, move or fail a file at once, or say what to build once a worker has read it."""
    path = stored_path(item.path)
    if item.problem:
        return FileOutcome(path, "failed", reason=one_line(item.problem))
    try:
        data = _read_bounded(item.path, settings.max_file_mb)
        digest = file_hash(data)
        previous = known.get(path)
        if previous and previous[1] == digest and previous[2] == INGEST_VERSION:
            return FileOutcome(path, "skipped", previous[0])
        moved_from = _moved_from(digest, known) if previous is None else None
        if moved_from is not None:
            doc_id = known[moved_from][0]
            store.move_document(doc_id, path)
            taken_ids[doc_id] = path
            return FileOutcome(path, "moved", doc_id, reason=f"from {moved_from}")
        doc_id = previous[0] if previous else _unique_id(item.path, taken_ids)
    except IngestError as exc:
        return FileOutcome(path, "failed", reason=one_line(str(exc)))
    except OSError as exc:
        return FileOutcome(path, "failed", reason=one_line(exc.strerror or str(exc)))
    taken_ids[doc_id] = path
    entry = manifest.entries.get(item.path, {})
    return _Pending(ReadJob(slot, item.path, data, digest), path, doc_id, previous is not None, entry)


def _build(pending: _Pending, done: ReadDone, store: DocumentStore, settings: Settings) -> FileOutcome:
    """The document from a worker's reading of the file, stored; or the reason it failed."""
    path = pending.path
    ocr: dict[str, Any] = {"ocr_pages": done.ocr_pages, "ocr_cached": done.ocr_cached, "ocr_seconds": done.ocr_seconds}
    if done.raw is None:
        return FileOutcome(path, "failed", reason=one_line(done.error or "could not be read"), **ocr)
    try:
        document = build_document(
            pending.job.path,
            pending.job.data,
            document_id=pending.document_id,
            manifest=pending.manifest,
            max_words=settings.passage_max_words,
            min_words=settings.passage_min_words,
            raw=done.raw,
        )
    except IngestError as exc:
        return FileOutcome(path, "failed", reason=one_line(str(exc)), **ocr)
    except Exception as exc:  # the text builder choking on malformed input must not stop the run
        return FileOutcome(path, "failed", reason=one_line(f"cannot be parsed ({type(exc).__name__}: {exc})"), **ocr)
    store.put_document(document, ingest_version=INGEST_VERSION)
    notes = tuple(one_line(note) for note in done.raw.notes)
    status = "updated" if pending.previous else "added"
    return FileOutcome(path, status, pending.document_id, passages=len(document.passages), notes=notes, **ocr)


def _read_bounded(path: Path, max_mb: float) -> bytes:
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise IngestError(f"file is {size / 1024 / 1024:.1f} MB, over the {max_mb:g} MB limit (REFORM_MAX_FILE_MB)")
    if not path.is_file():
        raise IngestError("not a regular file")
    return path.read_bytes()


def _moved_from(digest: str, known: dict[str, tuple[str, str, str]]) -> str | None:
    """An indexed path with the same content that no longer exists: the file was moved or renamed."""
    for old_path, (_, old_digest, version) in known.items():
        if old_digest == digest and version == INGEST_VERSION and not filesystem_path(old_path).exists():
            return old_path
    return None


def _unique_id(path: Path, taken_ids: dict[str, str]) -> str:
    base, stored = document_id_for(path), stored_path(path)
    if taken_ids.get(base, stored) == stored:
        return base
    return f"{base}-{file_hash(stored.encode())[:6]}"


def _manifest_for(path: Path, manifests: dict[Path, Manifest]) -> Manifest:
    directory = path.parent
    if directory not in manifests:
        manifests[directory] = load_manifest(directory)
    return manifests[directory]


def _is_under(path: Path, roots: list[Path], given: Sequence[Path]) -> bool:
    """--prune only drops documents from the folders (or exact files) named in this run."""
    if any(path.is_relative_to(root) for root in roots):
        return True
    return any(Path(g).absolute() == path for g in given)
