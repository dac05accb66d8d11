"""What every derived index (lexical, vectors, graph) promises, and the bookkeeping they share.

A derived index holds nothing that cannot be rebuilt from the document store. It follows the
store's `generation`: after every committed ingest it syncs; `reform reindex` rebuilds it from
scratch. Its tables live in the store's database under a schema version of their own, so a
reform-kg that changed them rebuilds them instead of misreading old rows.

A document an index cannot take in (an extractor crashing on one odd text) must not stop the index
for every other document, and must not be retried on every run either: the failure is recorded
with the document's signature, reported as an error by the run that hit it, skipped by later syncs
while the document is unchanged, and listed by `reform doctor`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

from core.errors import IndexUpdateError, StoreError
from ingest.store import DocumentStore


@runtime_checkable
class DerivedIndex(Protocol):
    """An index derived from the document store."""

    name: str
    schema_version: int

    @property
    def up_to_date(self) -> bool:
        """True when the index reflects the store's current generation."""
        ...

    def sync(self) -> int:
        """Bring the index to the store's generation; returns how many documents (or passages) it touched.

        Raises IndexUpdateError listing the documents it could not take in (the others are done).
        """
        ...

    def rebuild(self) -> int:
        """Recompute everything from the store, replacing the old index in one step (readers see old or new)."""
        ...


class FailureLog:
    """The documents one index could not take in: new ones from this sync, old ones still unchanged.

    Use `guard(document_id)` around each document's work, `is_skipped` to pass over documents that
    failed before with the same signature, `save` inside the index's transaction, and
    `raise_if_new` after it commits, so the other documents are kept whatever happened.
    """

    def __init__(self, store: DocumentStore, index: str, signatures: dict[str, str]) -> None:
        self.store, self.index, self.signatures = store, index, signatures
        rows = store.db.execute("SELECT document_id, signature, reason FROM index_failures WHERE index_name = ?", (index,))
        # Failures of documents that have not changed since are kept (and skipped); the rest are retried.
        self.old = {doc_id: reason for doc_id, signature, reason in rows if signatures.get(doc_id) == signature}
        self.new: dict[str, str] = {}

    def is_skipped(self, document_id: str) -> bool:
        return document_id in self.old

    @contextmanager
    def guard(self, document_id: str) -> Iterator[None]:
        """Record an exception raised while indexing `document_id` instead of letting it stop the sync."""
        try:
            yield
        except (KeyboardInterrupt, SystemExit, StoreError):
            raise
        except Exception as exc:  # an extractor or tokenizer choking on one text
            self.new[document_id] = f"{type(exc).__name__}: {exc}"

    def save(self) -> None:
        """Write the log (inside the index's transaction)."""
        self.store.db.execute("DELETE FROM index_failures WHERE index_name = ?", (self.index,))
        self.store.db.executemany(
            "INSERT INTO index_failures(index_name, document_id, signature, reason) VALUES (?,?,?,?)",
            [(self.index, d, self.signatures.get(d, ""), reason) for d, reason in {**self.old, **self.new}.items()],
        )

    def raise_if_new(self) -> None:
        if self.new:
            first, reason = next(iter(self.new.items()))
            raise IndexUpdateError(self.index, first, reason, failures=self.new)


def ensure_schema(store: DocumentStore, owner: str, version: int, statements: Sequence[str], tables: Sequence[str]) -> bool:
    """Create `owner`'s tables under `version`; tables of another version are dropped and created anew.

    Returns True when the tables were (re)created, so the caller rebuilds its content. Runs every
    statement in one transaction: sqlite3's executescript would commit any open one silently.
    """
    key = f"schema.{owner}"
    if store.get_meta(key) == str(version):
        return False
    with store.writer_if_free() as writable, store.transaction():
        if not writable:
            raise StoreError(
                f"the {owner} index in {store.path.parent} was built by another version of reform-kg and "
                "another process is writing: run 'reform reindex' when it has finished"
            )
        if store.get_meta(key) == str(version):  # another process did it meanwhile
            return False
        for table in tables:
            store.db.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in statements:
            store.db.execute(statement)
        store.set_meta(key, str(version))
        store.db.execute("DELETE FROM index_failures WHERE index_name = ?", (owner,))
    return True


def all_failures(store: DocumentStore) -> list[tuple[str, str, str]]:
    """(index, document id, reason) of every document some index skipped, for `reform doctor`."""
    rows = store.db.execute("SELECT index_name, document_id, reason FROM index_failures ORDER BY index_name, document_id")
    return [tuple(row) for row in rows]


def sync_indexes(indexes: Sequence[DerivedIndex]) -> list[IndexUpdateError]:
    """Sync every index; one index failing does not keep the others from their update.

    Whatever goes wrong becomes an IndexUpdateError naming the index (and the document, where one
    is to blame) and its cause, for the caller to report loudly.
    """
    errors: list[IndexUpdateError] = []
    for index in indexes:
        try:
            index.sync()
        except IndexUpdateError as exc:
            errors.append(exc)
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # a bug or a resource failure: still named, with its cause
            errors.append(IndexUpdateError(index.name, None, f"{type(exc).__name__}: {exc}"))
    return errors
