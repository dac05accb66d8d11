"""BM25 lexical index: SQLite FTS5 tables inside the ingest database.

Why FTS5 and not a separate BM25 library: the index lives in the same file as the passages, is
updated incrementally per document in SQLite transactions, needs no extra process or memory copy,
and answers in about a millisecond at the corpus sizes of a reform office. Two columns hold the
exact and the diacritic-folded token streams (see search.terms); phrases ("cải cách") match as
FTS5 phrase queries, so compound words rank higher than scattered syllables.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.numbers import NumberReference, find_document_numbers, parse_document_number
from ingest.store import DocumentStore
from search.abbreviations import BUILT_IN, harvest
from search.terms import QueryTerms, index_fields

_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS lexical USING fts5(
    passage_id UNINDEXED, document_id UNINDEXED, exact, folded,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);
CREATE TABLE IF NOT EXISTS lexical_documents (document_id TEXT PRIMARY KEY, signature TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS passage_numbers (passage_id TEXT NOT NULL, document_id TEXT NOT NULL, number_key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS passage_numbers_by_key ON passage_numbers(number_key);
CREATE TABLE IF NOT EXISTS abbreviations (abbreviation TEXT NOT NULL, long_form TEXT NOT NULL, document_id TEXT,
                                          PRIMARY KEY (abbreviation, long_form, document_id));
"""
EXACT_WEIGHT, FOLDED_WEIGHT = 1.0, 0.6
MAX_QUERY_TERMS = 64


@dataclass(frozen=True)
class LexicalHit:
    passage_id: str
    score: float


class LexicalIndex:
    """FTS5 index over the store's passages; `sync` brings it up to the store's generation."""

    name = "lexical"

    def __init__(self, store: DocumentStore) -> None:
        self.store = store
        store.db.executescript(_SCHEMA)

    def after_ingest(self, store: DocumentStore, report: object) -> None:
        self.sync()

    @property
    def up_to_date(self) -> bool:
        return self.store.get_meta("lexical_generation") == str(self.store.generation)

    def sync(self) -> int:
        """Re-index documents whose signature changed, drop removed ones; returns documents touched."""
        if self.up_to_date:
            return 0
        db = self.store.db
        current = self.store.document_signatures()
        indexed = dict(db.execute("SELECT document_id, signature FROM lexical_documents").fetchall())
        stale = [d for d in indexed if current.get(d) != indexed[d]]
        fresh = [d for d in current if indexed.get(d) != current[d]]
        with self.store.transaction():
            for document_id in stale:
                self._drop(document_id)
            for document_id in fresh:
                self._add(document_id, current[document_id])
            self.store.set_meta("lexical_generation", str(self.store.generation))
        return len(set(stale) | set(fresh))

    def _drop(self, document_id: str) -> None:
        for table in ("lexical", "passage_numbers", "abbreviations", "lexical_documents"):
            self.store.db.execute(f"DELETE FROM {table} WHERE document_id = ?", (document_id,))

    def _add(self, document_id: str, signature: str) -> None:
        db = self.store.db
        passages = self.store.passages(document_id)
        rows, numbers = [], []
        for passage in passages:
            exact, folded = index_fields(passage.text)
            rows.append((passage.id, document_id, exact, folded))
            keys = {number.key for _, _, number in find_document_numbers(passage.text)}
            numbers += [(passage.id, document_id, key) for key in keys]
        db.executemany("INSERT INTO lexical(passage_id, document_id, exact, folded) VALUES (?,?,?,?)", rows)
        db.executemany("INSERT INTO passage_numbers VALUES (?,?,?)", numbers)
        found = set(harvest(p.text for p in passages))
        db.executemany("INSERT OR IGNORE INTO abbreviations VALUES (?,?,?)", [(a, f, document_id) for a, f in found])
        db.execute("INSERT INTO lexical_documents VALUES (?,?)", (document_id, signature))

    def abbreviations(self) -> dict[str, str]:
        """The built-in dictionary plus every definition harvested from the documents."""
        dictionary = dict(BUILT_IN)
        for abbreviation, long_form in self.store.db.execute("SELECT DISTINCT abbreviation, long_form FROM abbreviations"):
            dictionary.setdefault(abbreviation, long_form)
        return dictionary

    def search(self, terms: QueryTerms, *, limit: int = 100) -> list[LexicalHit]:
        """BM25 (FTS5) over exact and folded columns; best first."""
        expression = match_expression(terms)
        if not expression:
            return []
        rows = self.store.db.execute(
            "SELECT passage_id, -bm25(lexical, 0, 0, ?, ?) AS score FROM lexical WHERE lexical MATCH ? ORDER BY score DESC LIMIT ?",
            (EXACT_WEIGHT, FOLDED_WEIGHT, expression, limit),
        )
        return [LexicalHit(passage_id, float(score)) for passage_id, score in rows]

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


def match_expression(terms: QueryTerms) -> str:
    """An FTS5 MATCH string: any exact term OR any folded term or phrase (every term quoted)."""
    exact = sorted(terms.exact)[:MAX_QUERY_TERMS]
    folded = sorted(terms.folded)[:MAX_QUERY_TERMS] + [" ".join(p) for p in sorted(terms.phrases)[:MAX_QUERY_TERMS]]
    parts = []
    if exact:
        parts.append("exact : (" + " OR ".join(_quote(t) for t in exact) + ")")
    if folded:
        parts.append("folded : (" + " OR ".join(_quote(t) for t in folded) + ")")
    return " OR ".join(parts)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'
