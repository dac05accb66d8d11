"""`reform reindex`: every derived index rebuilt from the document store, each replaced in one step."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tqdm import tqdm

from core.errors import IndexUpdateError
from core.settings import Settings
from ingest.store import DocumentStore
from library.indexes import Warn, writable_indexes


@dataclass
class ReindexOutcome:
    """What each index rebuilt (name, documents or passages, seconds) and what it could not take in."""

    rebuilt: list[tuple[str, int, float]] = field(default_factory=list)
    errors: list[IndexUpdateError] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"reindex: {name}: {count} rebuilt in {seconds:.1f} s" for name, count, seconds in self.rebuilt]


def rebuild_all(settings: Settings, store: DocumentStore, *, progress: bool | None = None, warn: Warn) -> ReindexOutcome:
    """Rebuild lexical, graph and (with the model installed) vector indexes, under the writer lock.

    Each index builds its new content beside the old and swaps it in at the end (one transaction,
    one file rename, one graph publication), so readers keep answering from the old index
    meanwhile and a crash leaves the old one in place.
    """
    outcome = ReindexOutcome()
    with writable_indexes(settings, store, warn=warn, rebuild=True, progress=progress) as indexes:
        for index in tqdm(indexes, desc="reindex", unit="index", disable=None if progress is None else not progress):
            started = time.perf_counter()
            try:
                count = index.rebuild()
            except IndexUpdateError as exc:
                outcome.errors.append(exc)
                continue
            outcome.rebuilt.append((index.name, count, time.perf_counter() - started))
    return outcome
