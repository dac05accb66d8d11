"""The document store: an embedded SQLite database holding documents, passages and the ingest log.

SQLite is the source of truth. Derived indexes (graph, vectors, lexical) record the store's
`generation` they reflect and catch up from it, so a crash between the store's commit and an
index update is repaired on the next run instead of leaving the two out of step.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from core.errors import NotFoundError, StoreError
from ingest.document import Document, Passage

SCHEMA_VERSION = 1
# What is built from the store beside it: present without a store, they mean the store was lost.
DERIVED_NAMES = ("graph", "graph-snapshots", "lexical", "vectors.npz")
_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    date TEXT,
    source TEXT,
    author TEXT,
    language TEXT NOT NULL,
    kind TEXT NOT NULL,
    number TEXT,
    file_hash TEXT NOT NULL,
    ingest_version TEXT NOT NULL,
    text TEXT NOT NULL,
    metadata TEXT NOT NULL,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
)""",
    """CREATE TABLE IF NOT EXISTS passages (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    heading TEXT,
    path TEXT NOT NULL,
    text TEXT NOT NULL,
    pages TEXT NOT NULL DEFAULT '[]'
)""",
    """CREATE INDEX IF NOT EXISTS passages_by_document ON passages(document_id, seq)""",
    """CREATE TABLE IF NOT EXISTS ingest_log (
    run INTEGER NOT NULL,
    path TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
)""",
    """CREATE TABLE IF NOT EXISTS index_failures (
    index_name TEXT NOT NULL, document_id TEXT NOT NULL, signature TEXT NOT NULL, reason TEXT NOT NULL,
    PRIMARY KEY (index_name, document_id)
)""",
]


class DocumentStore:
    """SQLite-backed storage of documents and passages. Use as a context manager or open()/close()."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self._writer_fd: int | None = None
        self._writer_depth = 0
        self.read_only = False

    def open(self) -> DocumentStore:
        """Open (creating the data directory and tables when missing); a read-only directory is opened read-only.

        Raises StoreError with what to do when the directory is not a folder, the database is not
        one (damaged, or another file), or was written by an incompatible version.
        """
        folder = self.path.parent
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"the data directory {folder} is a file, not a folder: point --data (REFORM_DATA) at a folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the data directory {folder}: {exc.strerror or exc}") from None
        self.read_only = not os.access(folder, os.W_OK) or (self.path.exists() and not os.access(self.path, os.W_OK))
        self._refuse_lost_store()
        try:
            self._db = self._connect()
            version = self.get_meta("schema_version")
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreError(
                f"the database {self.path} cannot be read ({exc}): it is damaged or not a reform-kg database; "
                "run 'reform doctor' for what to do"
            ) from None
        if version is None and not self.read_only:
            self.set_meta("schema_version", str(SCHEMA_VERSION))
        elif version is not None and version != str(SCHEMA_VERSION):
            self.close()
            raise StoreError(
                f"{self.path} has schema version {version}, this reform-kg needs {SCHEMA_VERSION}: delete the data directory and ingest again"
            )
        return self

    def _refuse_lost_store(self) -> None:
        """A missing or empty database beside indexes built from one is damage, not a fresh start.

        Creating an empty store there would show an empty library as if it were the truth, and the
        next catch-up would empty the indexes too: nothing is created or written, the user decides.
        """
        if self.path.is_file() and self.path.stat().st_size > 0:
            return
        derived = sorted(name for name in DERIVED_NAMES if self.path.with_name(name).exists())
        if not derived:
            return
        state = "is empty (0 bytes)" if self.path.is_file() else "is missing"
        raise StoreError(
            f"the document store {self.path} {state}, but {self.path.parent} holds indexes built from one "
            f"({', '.join(derived)}): restore reform.sqlite3 from a backup, or move the data directory aside "
            "and ingest the documents again"
        )

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            # Nothing may be written, not even WAL's shared-memory file: read the file as it is.
            if not self.path.is_file():
                raise StoreError(f"{self.path.parent} is read-only and holds no database yet")
            uri = f"file:{quote(str(self.path))}?mode=ro&immutable=1"
            return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        db = sqlite3.connect(self.path, isolation_level=None, timeout=5.0, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")
        for statement in _SCHEMA:  # not executescript: it commits whatever transaction is open
            db.execute(statement)
        if "pages" not in {row[1] for row in db.execute("PRAGMA table_info(passages)")}:
            # Added after schema 1: old stores get the column (empty) and re-ingest fills it in.
            db.execute("ALTER TABLE passages ADD COLUMN pages TEXT NOT NULL DEFAULT '[]'")
        return db

    def check(self) -> str:
        """SQLite's own consistency check of the database file ("ok" when sound); for `reform doctor`."""
        rows = self.db.execute("PRAGMA quick_check").fetchall()
        return "; ".join(str(row[0]) for row in rows[:5])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> DocumentStore:
        return self.open()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreError("the document store is not open")
        return self._db

    @contextmanager
    def writer(self) -> Iterator[None]:
        """Be the one writer of this data directory (ingest, index catch-up) or fail at once.

        Readers (the web server, query commands) never take it; they read what writers committed
        and published. The lock is an advisory `flock` on `writer.lock` beside the database, released
        by the kernel if the process dies; it is re-entrant within this store object.
        """
        if self._writer_depth == 0:
            if self.read_only:
                raise StoreError(f"{self.path.parent} is read-only: nothing can be ingested or rebuilt there")
            lock = self.path.with_name("writer.lock")
            try:
                fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise StoreError(
                    f"cannot use the lock file {lock} ({exc.strerror or exc}): remove it if it is not a file"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise StoreError(
                    f"another process is writing to {self.path.parent} (a running 'reform ingest'?): try again when it finishes"
                ) from None
            self._writer_fd = fd
        self._writer_depth += 1
        try:
            yield
        finally:
            self._writer_depth -= 1
            if self._writer_depth == 0 and self._writer_fd is not None:
                os.close(self._writer_fd)  # closing the descriptor releases the lock
                self._writer_fd = None

    @contextmanager
    def writer_if_free(self) -> Iterator[bool]:
        """The writer lock when nobody holds it (yields True), else go on without it (yields False)."""
        with ExitStack() as stack:
            try:
                stack.enter_context(self.writer())
            except StoreError:
                yield False
                return
            yield True

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: everything inside commits together or not at all."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"the database is busy ({exc}): is another ingest running?") from None
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- metadata -------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value)
        )

    @property
    def generation(self) -> int:
        """Increases with every committed ingest that changed something."""
        return int(self.get_meta("generation") or 0)

    def bump_generation(self) -> int:
        value = self.generation + 1
        self.set_meta("generation", str(value))
        return value

    # -- writes ---------------------------------------------------------------------------------
    def put_document(self, document: Document, *, ingest_version: str) -> None:
        """Insert or replace a document and all its passages."""
        self.db.execute("DELETE FROM documents WHERE id = ? OR path = ?", (document.id, document.path))
        self.db.execute(
            "INSERT INTO documents(id, path, title, date, source, author, language, kind, number, file_hash, ingest_version, text, metadata) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                document.id,
                document.path,
                document.title,
                document.date,
                document.source,
                document.author,
                document.language,
                document.kind,
                document.number,
                document.file_hash,
                ingest_version,
                document.text,
                json.dumps(dict(document.metadata), ensure_ascii=False),
            ),
        )
        self.db.executemany(
            "INSERT INTO passages(id, document_id, seq, start, end, heading, path, text, pages) VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (
                    p.id,
                    p.document_id,
                    p.seq,
                    p.start,
                    p.end,
                    p.heading,
                    json.dumps(list(p.path), ensure_ascii=False),
                    p.text,
                    json.dumps(list(p.pages)),
                )
                for p in document.passages
            ],
        )

    def delete_document(self, document_id: str) -> None:
        self.db.execute("DELETE FROM documents WHERE id = ?", (document_id,))

    def move_document(self, document_id: str, new_path: str) -> None:
        self.db.execute("UPDATE documents SET path = ? WHERE id = ?", (new_path, document_id))

    def log(self, run: int, path: str, status: str, reason: str | None = None) -> None:
        self.db.execute("INSERT INTO ingest_log(run, path, status, reason) VALUES (?,?,?,?)", (run, path, status, reason))

    def next_run_number(self) -> int:
        row = self.db.execute("SELECT COALESCE(MAX(run), 0) + 1 FROM ingest_log").fetchone()
        return int(row[0])

    # -- reads ----------------------------------------------------------------------------------
    def fingerprints(self) -> dict[str, tuple[str, str, str]]:
        """path -> (document id, file hash, ingest version), for skipping unchanged files."""
        rows = self.db.execute("SELECT path, id, file_hash, ingest_version FROM documents")
        return {path: (doc_id, file_hash, version) for path, doc_id, file_hash, version in rows}

    def document_signatures(self) -> dict[str, str]:
        """document id -> "file hash:ingest version"; changes exactly when the passages may have."""
        rows = self.db.execute("SELECT id, file_hash || ':' || ingest_version FROM documents")
        return dict(rows.fetchall())

    def document_ids(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT id FROM documents")}

    def documents(self, *, with_passages: bool = False) -> list[Document]:
        """Every document, ordered by id."""
        rows = self.db.execute("SELECT * FROM documents ORDER BY id").fetchall()
        return [self._document(row, with_passages) for row in rows]

    def get_document(self, document_id: str, *, with_passages: bool = True) -> Document:
        row = self.db.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no document with id {document_id!r} (see 'reform documents')")
        return self._document(row, with_passages)

    def passages(self, document_id: str | None = None) -> list[Passage]:
        """Passages of one document, or of all documents, in document order."""
        if document_id is None:
            rows = self.db.execute("SELECT * FROM passages ORDER BY document_id, seq")
        else:
            rows = self.db.execute("SELECT * FROM passages WHERE document_id = ? ORDER BY seq", (document_id,))
        return [_passage(row) for row in rows]

    def get_passage(self, passage_id: str) -> Passage:
        passage = self.find_passage(passage_id)
        if passage is None:
            raise NotFoundError(f"no passage with id {passage_id!r}")
        return passage

    def find_passage(self, passage_id: str) -> Passage | None:
        row = self.db.execute("SELECT * FROM passages WHERE id = ?", (passage_id,)).fetchone()
        return None if row is None else _passage(row)

    def passage_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0])

    def document_summaries(self) -> list[dict[str, Any]]:
        """The `reform documents --json` listing, with passage counts, in one query."""
        rows = self.db.execute(
            "SELECT d.id, d.title, d.date, d.source, d.path, COUNT(p.id) FROM documents d "
            "LEFT JOIN passages p ON p.document_id = d.id GROUP BY d.id ORDER BY d.id"
        )
        keys = ("id", "title", "date", "source", "path", "passages")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def _document(self, row: tuple[Any, ...], with_passages: bool) -> Document:
        (doc_id, path, title, date, source, author, language, kind, number, file_hash, _version, text, metadata, _at) = row
        passages = tuple(self.passages(doc_id)) if with_passages else ()
        return Document(
            id=doc_id,
            path=path,
            title=title,
            text=text,
            file_hash=file_hash,
            passages=passages,
            date=date,
            source=source,
            author=author,
            language=language,
            kind=kind,
            number=number,
            metadata=json.loads(metadata),
        )


def _passage(row: tuple[Any, ...]) -> Passage:
    passage_id, document_id, seq, start, end, heading, path, text, *pages = row  # no pages in a read-only old store
    page_numbers = tuple(json.loads(pages[0])) if pages else ()
    return Passage(passage_id, document_id, seq, start, end, text, heading, tuple(json.loads(path)), page_numbers)
