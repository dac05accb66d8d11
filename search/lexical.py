"""Lexical index: token streams in the ingest database, BM25 scoring from a sparse matrix.

Per passage, the exact and the diacritic-folded token streams (search.terms) are stored in SQLite
and updated per document in a transaction; document numbers cited and abbreviations defined are
recorded alongside. The BM25 weights (search.bm25) are rebuilt from those streams when the store's
generation changes and cached next to the database, so a server starts without re-tokenizing.
Why not FTS5's bm25(): an OR query over common Vietnamese syllables scored every matching row,
150-540 ms at 100k passages (bench/search.py); the sparse matrix answers in milliseconds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from core.files import write_atomically
from ingest.derived import FailureLog, ensure_schema
from ingest.store import DocumentStore
from search.abbreviations import BUILT_IN, harvest
from search.bm25 import BM25Matrix
from search.terms import QueryTerms, index_fields
from vntext.numbers import NumberReference, find_document_numbers, parse_document_number

SCHEMA_VERSION = 1
_TABLES = ("lexical_tokens", "lexical_documents", "passage_numbers", "abbreviations")
_SCHEMA = (
    "CREATE TABLE lexical_tokens (passage_id TEXT PRIMARY KEY, document_id TEXT NOT NULL, exact TEXT NOT NULL, folded TEXT NOT NULL)",
    "CREATE INDEX lexical_tokens_by_document ON lexical_tokens(document_id)",
    "CREATE TABLE lexical_documents (document_id TEXT PRIMARY KEY, signature TEXT NOT NULL)",
    "CREATE TABLE passage_numbers (passage_id TEXT NOT NULL, document_id TEXT NOT NULL, number_key TEXT NOT NULL)",
    "CREATE INDEX passage_numbers_by_key ON passage_numbers(number_key)",
    "CREATE TABLE abbreviations (abbreviation TEXT NOT NULL, long_form TEXT NOT NULL, document_id TEXT, "
    "PRIMARY KEY (abbreviation, long_form, document_id))",
)
MAX_QUERY_TERMS = 64
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LexicalHit:
    passage_id: str
    score: float


class LexicalIndex:
    """Token streams and BM25 over the store's passages; `sync` brings it to the store's generation."""

    name = "lexical"
    schema_version = SCHEMA_VERSION

    def __init__(self, store: DocumentStore, cache_path: Path | None = None) -> None:
        self.store = store
        self.cache_path = Path(cache_path) if cache_path else store.path.with_name("lexical.npz")
        self._matrix: BM25Matrix | None = None
        self._matrix_generation = -1
        self._abbreviations: tuple[int, dict[str, str]] = (-1, {})
        if ensure_schema(store, self.name, SCHEMA_VERSION, _SCHEMA, _TABLES):
            store.set_meta("lexical_generation", "-1")

    @property
    def up_to_date(self) -> bool:
        return self.is_current(self.store)

    @staticmethod
    def is_current(store: DocumentStore) -> bool:
        """Whether the index reflects the store's generation, read from the bookkeeping alone (cheap)."""
        return store.get_meta("schema.lexical") == str(SCHEMA_VERSION) and store.get_meta("lexical_generation") == str(
            store.generation
        )

    @property
    def build(self) -> int:
        """Counts committed updates of the token tables: what the cached BM25 matrix is labelled with."""
        return int(self.store.get_meta("lexical_build") or 0)

    @property
    def indexed_generation(self) -> int:
        """The store generation the token tables reflect (-1: never indexed)."""
        return int(self.store.get_meta("lexical_generation") or -1)

    def sync(self) -> int:
        """Re-index documents whose signature changed, drop removed ones; returns documents touched.

        A document that cannot be tokenized is skipped and reported (IndexUpdateError) after the others commit.
        """
        if self.up_to_date:
            return 0
        current = self.store.document_signatures()
        indexed = dict(self.store.db.execute("SELECT document_id, signature FROM lexical_documents").fetchall())
        return self._update(current, indexed)

    def rebuild(self) -> int:
        """Re-tokenize every document in one transaction (readers see the old tables until it commits)."""
        return self._update(self.store.document_signatures(), {}, drop_all=True)

    def _update(self, current: dict[str, str], indexed: dict[str, str], *, drop_all: bool = False) -> int:
        failures = FailureLog(self.store, self.name, current)
        stale = [d for d in indexed if current.get(d) != indexed[d]]
        fresh = [d for d in current if indexed.get(d) != current[d] and not failures.is_skipped(d)]
        with self.store.transaction():
            if drop_all:
                for table in _TABLES:
                    self.store.db.execute(f"DELETE FROM {table}")
            for document_id in stale:
                self._drop(document_id)
            for document_id in fresh:
                with failures.guard(document_id):
                    self._add(document_id, current[document_id])
            failures.save()
            self.store.set_meta("lexical_generation", str(self.store.generation))
            self.store.set_meta("lexical_build", str(self.build + 1))
        failures.raise_if_new()
        return len(set(stale) | set(fresh))

    def _drop(self, document_id: str) -> None:
        for table in ("lexical_tokens", "passage_numbers", "abbreviations", "lexical_documents"):
            self.store.db.execute(f"DELETE FROM {table} WHERE document_id = ?", (document_id,))

    def _add(self, document_id: str, signature: str) -> None:
        """Tokenize first, then insert: a document that fails half-way leaves no rows behind."""
        passages = self.store.passages(document_id)
        rows, numbers = [], []
        for passage in passages:
            exact, folded = index_fields(passage.text)
            rows.append((passage.id, document_id, exact, folded))
            keys = {number.key for _, _, number in find_document_numbers(passage.text)}
            numbers += [(passage.id, document_id, key) for key in keys]
        found = set(harvest(p.text for p in passages))
        db = self.store.db
        db.executemany("INSERT INTO lexical_tokens(passage_id, document_id, exact, folded) VALUES (?,?,?,?)", rows)
        db.executemany("INSERT INTO passage_numbers VALUES (?,?,?)", numbers)
        db.executemany("INSERT OR IGNORE INTO abbreviations VALUES (?,?,?)", [(a, f, document_id) for a, f in found])
        db.execute("INSERT INTO lexical_documents VALUES (?,?)", (document_id, signature))

    def abbreviations(self) -> dict[str, str]:
        """The built-in dictionary plus every definition harvested from the documents (cached per build)."""
        generation = self.build
        if self._abbreviations[0] != generation:
            dictionary = dict(BUILT_IN)
            for abbreviation, long_form in self.store.db.execute("SELECT DISTINCT abbreviation, long_form FROM abbreviations"):
                dictionary.setdefault(abbreviation, long_form)
            self._abbreviations = (generation, dictionary)
        return self._abbreviations[1]

    def search(self, terms: QueryTerms, *, limit: int = 100) -> list[LexicalHit]:
        """BM25 over exact tokens, folded tokens and folded token pairs; best first."""
        query = query_index_terms(terms)
        if not query:
            return []
        return [LexicalHit(pid, score) for pid, score in self.matrix().search(query, limit=limit)]

    def matrix(self) -> BM25Matrix:
        """The BM25 matrix of the committed token tables: in memory, from the disk cache, or rebuilt.

        Reads only what `sync` (the writer's job) committed; the build label is read before the
        rows, so rows are never older than their label (a newer commit in between is rebuilt next time).
        """
        generation = self.build
        if self._matrix is not None and self._matrix_generation == generation:
            return self._matrix
        cached = self._cached_matrix(generation)
        if cached is not None:
            self._matrix, self._matrix_generation = cached, generation
            return cached
        rows = self.store.db.execute("SELECT passage_id, exact, folded FROM lexical_tokens ORDER BY passage_id")
        matrix = BM25Matrix.build(rows)
        try:
            write_atomically(self.cache_path, lambda tmp: matrix.save(tmp, label=generation))
        except OSError as exc:  # a read-only data directory: the matrix still serves from memory
            log.warning("lexical index cache not saved (%s): it is rebuilt in memory on each start", exc)
        self._matrix, self._matrix_generation = matrix, generation
        return matrix

    def _cached_matrix(self, generation: int) -> BM25Matrix | None:
        """The cached matrix when it is of this build; a damaged cache file is only a cache: rebuilt."""
        if not self.cache_path.is_file():
            return None
        try:
            matrix, cached_generation = BM25Matrix.load(self.cache_path)
        except Exception as exc:  # truncated, random bytes, another format: numpy and zipfile raise many kinds
            log.warning("lexical index cache %s is damaged (%s: %s); rebuilding it", self.cache_path, type(exc).__name__, exc)
            return None
        return matrix if cached_generation == generation else None

    def passages_mentioning(self, number_key: str) -> set[str]:
        """Passages that cite exactly this document number (by its folded key)."""
        rows = self.store.db.execute("SELECT passage_id FROM passage_numbers WHERE number_key = ?", (number_key,))
        return {row[0] for row in rows}

    def passages_matching(self, reference: NumberReference) -> set[str]:
        """Passages citing any number that a loose reference ("QĐ 280") can mean."""
        rows = self.store.db.execute(
            "SELECT passage_id, number_key FROM passage_numbers WHERE number_key LIKE ? OR number_key LIKE ?",
            (f"{reference.number}/%", f"{reference.number}-%"),
        )
        return {pid for pid, key in rows if (parsed := parse_document_number(key)) and reference.matches(parsed)}


def query_index_terms(terms: QueryTerms) -> list[str]:
    """Query terms in the matrix's vocabulary: e:exact, f:folded, p:folded pair."""
    exact = sorted(terms.exact)[:MAX_QUERY_TERMS]
    folded = sorted(terms.folded)[:MAX_QUERY_TERMS]
    pairs = [" ".join(p) for p in sorted(terms.phrases) if len(p) == 2][:MAX_QUERY_TERMS]
    return [f"e:{t}" for t in exact] + [f"f:{t}" for t in folded] + [f"p:{p}" for p in pairs]
