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
        return f"ingest: {parts}; {passages} new passages in {self.seconds:.1f} s"

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": {s: self.count(s) for s in STATUSES},
            "failed": [{"path": o.path, "reason": o.reason} for o in self.failed],
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
        for item in tqdm(found, desc="ingest", unit="file", disable=None if progress is None else not progress):
            manifest = _manifest_for(item.path, manifests)
            if manifest.problems and manifest.path.parent not in manifests_reported:
                manifests_reported.add(manifest.path.parent)
                problems = FileOutcome(stored_path(manifest.path), "failed", reason=one_line("; ".join(manifest.problems)))
                report.outcomes.append(problems)
                store.log(run, problems.path, problems.status, problems.reason)
            outcome = _ingest_one(item, store, settings, known, taken_ids, manifest)
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
    store: DocumentStore,
    settings: Settings,
    known: dict[str, tuple[str, str, str]],
    taken_ids: dict[str, str],
    manifest: Manifest,
) -> FileOutcome:
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
        document = build_document(
            item.path,
            data,
            document_id=doc_id,
            manifest=manifest.entries.get(item.path, {}),
            max_words=settings.passage_max_words,
            min_words=settings.passage_min_words,
        )
    except IngestError as exc:
        return FileOutcome(path, "failed", reason=one_line(str(exc)))
    except OSError as exc:
        return FileOutcome(path, "failed", reason=one_line(exc.strerror or str(exc)))
    except Exception as exc:  # a reader library choking on malformed input must not stop the run
        return FileOutcome(path, "failed", reason=one_line(f"cannot be parsed ({type(exc).__name__}: {exc})"))
    store.put_document(document, ingest_version=INGEST_VERSION)
    taken_ids[doc_id] = path
    return FileOutcome(path, "updated" if previous else "added", doc_id, passages=len(document.passages))


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
