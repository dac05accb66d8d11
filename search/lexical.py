"""Lexical index: token streams in the ingest database, BM25 over segments of postings beside it.

Per passage, the exact and the diacritic-folded token streams (search.terms) of the passage under
its titles (search.sections) are stored in SQLite and updated per document in a transaction;
document numbers cited and abbreviations defined are recorded alongside. Each sync writes the
postings of the documents it (re)indexed as one new segment (search.bm25) in `lexical/` next to
the database and records which rows of which segment hold each document; rows of a replaced or
removed document are simply no longer listed, so they stop counting at once. An ingest therefore
costs what its own documents cost, however large the library (the whole matrix used to be rebuilt
after every ingest: 2.5 s at 5k passages, minutes at a million). Small segments are merged as
they accumulate (`segments_to_merge`), so a library keeps a few segments of geometric sizes.

Why not FTS5's bm25(): an OR query over common Vietnamese syllables scored every matching row,
150-540 ms at 100k passages (bench/search.py); the postings answer in milliseconds.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.derived import FailureLog, ensure_schema
from ingest.store import DocumentStore
from search.abbreviations import BUILT_IN, harvest
from search.bm25 import BM25Index, Segment
from search.sections import passage_titles, titled_text
from search.terms import QueryTerms, index_fields
from vntext.numbers import NumberReference, find_document_numbers, parse_document_number

SCHEMA_VERSION = 2
_TABLES = ("lexical_tokens", "lexical_documents", "lexical_segments", "passage_numbers", "abbreviations")
_SCHEMA = (
    "CREATE TABLE lexical_tokens (passage_id TEXT PRIMARY KEY, document_id TEXT NOT NULL, exact TEXT NOT NULL, folded TEXT NOT NULL)",
    "CREATE INDEX lexical_tokens_by_document ON lexical_tokens(document_id)",
    "CREATE TABLE lexical_documents (document_id TEXT PRIMARY KEY, signature TEXT NOT NULL, "
    "segment TEXT NOT NULL, first_row INTEGER NOT NULL, rows INTEGER NOT NULL)",
    "CREATE TABLE lexical_segments (name TEXT PRIMARY KEY, rows INTEGER NOT NULL)",
    "CREATE TABLE passage_numbers (passage_id TEXT NOT NULL, document_id TEXT NOT NULL, number_key TEXT NOT NULL)",
    "CREATE INDEX passage_numbers_by_key ON passage_numbers(number_key)",
    "CREATE TABLE abbreviations (abbreviation TEXT NOT NULL, long_form TEXT NOT NULL, document_id TEXT, "
    "PRIMARY KEY (abbreviation, long_form, document_id))",
)
MAX_QUERY_TERMS = 64
SEGMENT_ROWS = 100_000  # passages per segment written in one go (bounds the writer's memory)
MAX_MERGED_ROWS = 400_000  # no merge makes a segment larger than this
MERGE_FACTOR = 4  # a segment is merged into the newer ones once they hold at least a quarter of its rows
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LexicalHit:
    passage_id: str
    score: float


@dataclass(frozen=True)
class SegmentInfo:
    """A segment as the tables list it: name, rows written, rows still live."""

    name: str
    rows: int
    live: int


class LexicalIndex:
    """Token streams and BM25 over the store's passages; `sync` brings it to the store's generation."""

    name = "lexical"
    schema_version = SCHEMA_VERSION

    def __init__(self, store: DocumentStore, segments_dir: Path | None = None, *, titles: bool = True) -> None:
        self.store, self.titles = store, titles
        self.segments_dir = Path(segments_dir) if segments_dir else store.path.with_name("lexical")
        self._index: BM25Index | None = None
        self._index_build = -1
        self._loaded: dict[str, Segment] = {}
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
        """Counts committed updates of the tables and segments: readers reload when it moves."""
        return int(self.store.get_meta("lexical_build") or 0)

    # -- writing (under the store's writer lock) -------------------------------------------------
    def sync(self) -> int:
        """Re-index documents whose signature changed, drop removed ones; returns documents touched.

        A document that cannot be tokenized is skipped and reported (IndexUpdateError) after the others commit.
        """
        if not self._segments_readable():
            return self.rebuild()
        if self.up_to_date:
            return 0
        current = self.store.document_signatures()
        indexed = dict(self.store.db.execute("SELECT document_id, signature FROM lexical_documents").fetchall())
        touched = self._update(current, indexed)
        self.merge()
        return touched

    def rebuild(self) -> int:
        """Re-tokenize every document in one transaction (readers see the old tables until it commits)."""
        touched = self._update(self.store.document_signatures(), {}, drop_all=True)
        self.merge()
        return touched

    def _update(self, current: dict[str, str], indexed: dict[str, str], *, drop_all: bool = False) -> int:
        failures = FailureLog(self.store, self.name, current)
        stale = [d for d in indexed if current.get(d) != indexed[d]]
        fresh = [d for d in current if indexed.get(d) != current[d] and not failures.is_skipped(d)]
        build = self.build + 1
        with self.store.transaction():
            if drop_all:
                for table in _TABLES:
                    self.store.db.execute(f"DELETE FROM {table}")
            for document_id in stale:
                self._drop(document_id)
            self._add(fresh, current, failures, build)
            failures.save()
            self.store.set_meta("lexical_generation", str(self.store.generation))
            self.store.set_meta("lexical_build", str(build))
        self._remove_unlisted()
        failures.raise_if_new()
        return len(set(stale) | set(fresh))

    def _drop(self, document_id: str) -> None:
        for table in ("lexical_tokens", "passage_numbers", "abbreviations", "lexical_documents"):
            self.store.db.execute(f"DELETE FROM {table} WHERE document_id = ?", (document_id,))

    def _add(self, fresh: list[str], signatures: dict[str, str], failures: FailureLog, build: int) -> None:
        """Tokenize the documents and write their postings as segments of about SEGMENT_ROWS passages."""
        chunk: list[tuple[str, list[tuple[str, str, str]]]] = []
        rows_in_chunk = part = 0
        for document_id in fresh:
            rows = self._tokenized(document_id, failures)
            if rows is None:
                continue
            chunk.append((document_id, rows))
            rows_in_chunk += len(rows)
            if rows_in_chunk >= SEGMENT_ROWS:
                self._write_segment(f"s{build:08d}-{part:03d}", chunk, signatures)
                chunk, rows_in_chunk, part = [], 0, part + 1
        if chunk:
            self._write_segment(f"s{build:08d}-{part:03d}", chunk, signatures)

    def _tokenized(self, document_id: str, failures: FailureLog) -> list[tuple[str, str, str]] | None:
        """Token rows of a document, its numbers and abbreviations inserted; None (and a failure) if it cannot be."""
        with failures.guard(document_id):
            document = self.store.get_document(document_id)
            titles = passage_titles(document) if self.titles else {}
            rows, numbers = [], []
            for passage in document.passages:
                exact, folded = index_fields(titled_text(passage, titles.get(passage.id, ())))
                rows.append((passage.id, exact, folded))
                keys = {number.key for _, _, number in find_document_numbers(passage.text)}
                numbers += [(passage.id, document_id, key) for key in keys]
            found = set(harvest(p.text for p in document.passages))
            db = self.store.db
            db.executemany("INSERT INTO lexical_tokens VALUES (?,?,?,?)", [(p, document_id, e, f) for p, e, f in rows])
            db.executemany("INSERT INTO passage_numbers VALUES (?,?,?)", numbers)
            db.executemany("INSERT OR IGNORE INTO abbreviations VALUES (?,?,?)", [(a, f, document_id) for a, f in found])
            return rows
        return None

    def _write_segment(
        self, name: str, documents: list[tuple[str, list[tuple[str, str, str]]]], signatures: dict[str, str]
    ) -> None:
        """The documents' postings as a new segment file, and the tables' record of where their rows are."""
        segment = Segment.build(row for _, rows in documents for row in rows)
        segment.save(self.segments_dir / name)
        first = 0
        for document_id, rows in documents:
            self.store.db.execute(
                "INSERT INTO lexical_documents VALUES (?,?,?,?,?)", (document_id, signatures[document_id], name, first, len(rows))
            )
            first += len(rows)
        self.store.db.execute("INSERT INTO lexical_segments VALUES (?,?)", (name, segment.size))

    def merge(self, *, everything: bool = False) -> int:
        """Merge the newest segments while they are small next to the one before (see segments_to_merge),
        or all of them; returns the segments merged away. Readers switch over at the commit."""
        infos = self.segment_infos()
        chosen = [i.name for i in infos] if everything else segments_to_merge(infos)
        if len(chosen) < 2 and not (len(chosen) == 1 and everything and infos[0].live < infos[0].rows):
            return 0
        build = self.build + 1
        merged_name = f"s{build:08d}-all"  # names sort oldest first: the merged tail stays the newest
        layout = self._layout()
        parts, moves, first = [], [], 0
        for name in chosen:
            segment = Segment.load(self.segments_dir / name)
            live = np.zeros(segment.size, bool)
            for document_id, start, rows in layout.get(name, []):
                live[start : start + rows] = True
                moves.append((merged_name, first, document_id))
                first += rows
            parts.append((segment, live))
        merged = Segment.merged(parts)
        merged.save(self.segments_dir / merged_name)
        with self.store.transaction():
            self.store.db.executemany("UPDATE lexical_documents SET segment = ?, first_row = ? WHERE document_id = ?", moves)
            self.store.db.executemany("DELETE FROM lexical_segments WHERE name = ?", [(n,) for n in chosen])
            self.store.db.execute("INSERT INTO lexical_segments VALUES (?,?)", (merged_name, merged.size))
            self.store.set_meta("lexical_build", str(build))
        self._remove_unlisted()
        return len(chosen)

    def segment_infos(self) -> list[SegmentInfo]:
        """The listed segments, oldest first, with their live rows."""
        rows = self.store.db.execute(
            "SELECT s.name, s.rows, COALESCE(SUM(d.rows), 0) FROM lexical_segments s "
            "LEFT JOIN lexical_documents d ON d.segment = s.name GROUP BY s.name ORDER BY s.name"
        )
        return [SegmentInfo(name, total, live) for name, total, live in rows]

    def _layout(self) -> dict[str, list[tuple[str, int, int]]]:
        """Per segment, its documents' (id, first row, rows) in row order."""
        layout: dict[str, list[tuple[str, int, int]]] = {}
        for segment, document_id, first, rows in self.store.db.execute(
            "SELECT segment, document_id, first_row, rows FROM lexical_documents ORDER BY segment, first_row"
        ):
            layout.setdefault(segment, []).append((document_id, first, rows))
        return layout

    def _segments_readable(self) -> bool:
        """Every listed segment opens (a lost or damaged segment file makes the writer rebuild)."""
        try:
            for info in self.segment_infos():
                Segment.load(self.segments_dir / info.name)
        except Exception as exc:  # missing, truncated, random bytes: numpy raises many kinds
            log.warning("lexical segments in %s are damaged (%s); rebuilding them", self.segments_dir, exc)
            return False
        return True

    def _remove_unlisted(self) -> None:
        """Segment files no table lists any more (merged away, or left by a run that failed before its commit)."""
        if not self.segments_dir.is_dir():
            return
        listed = {info.name for info in self.segment_infos()}
        for path in self.segments_dir.iterdir():
            if path.name not in listed:
                shutil.rmtree(path, ignore_errors=True)
        self.store.path.with_name("lexical.npz").unlink(missing_ok=True)  # the single-matrix cache of schema 1

    # -- reading ---------------------------------------------------------------------------------
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
        return [LexicalHit(pid, score) for pid, score in self.index().search(query, limit=limit)]

    def index(self) -> BM25Index:
        """The BM25 view of what the writer last committed: segments mapped from disk, dead rows masked.

        One statement reads the build label, the segments and the documents' rows, so they agree.
        A segment that cannot be read (damaged, or merged away and deleted between that read and
        the opening) is retried once, then the whole index is built in memory from the token table.
        """
        for _attempt in range(2):
            build, layout = self._snapshot()
            if self._index is not None and build == self._index_build:
                return self._index
            try:
                segments = {name: self._segment(name) for name in layout}
            except (FileNotFoundError, ValueError, OSError):
                continue
            live = []
            for size, documents in layout.values():
                mask = np.zeros(size, bool)
                for first, rows in documents:
                    mask[first : first + rows] = True
                live.append(mask)
            self._index, self._index_build = BM25Index(list(segments.values()), live), build
            self._loaded = segments
            return self._index
        log.warning("lexical segments in %s cannot be read; searching an index built in memory", self.segments_dir)
        tokens = self.store.db.execute("SELECT passage_id, exact, folded FROM lexical_tokens ORDER BY passage_id")
        segment = Segment.build(tokens)
        self._index, self._index_build = BM25Index([segment], [np.ones(segment.size, bool)]), build
        return self._index

    def _snapshot(self) -> tuple[int, dict[str, tuple[int, list[tuple[int, int]]]]]:
        rows = self.store.db.execute(
            "SELECT (SELECT value FROM meta WHERE key = 'lexical_build'), s.name, s.rows, d.first_row, d.rows "
            "FROM lexical_segments s LEFT JOIN lexical_documents d ON d.segment = s.name ORDER BY s.name"
        ).fetchall()
        build = int(rows[0][0] or 0) if rows else self.build
        layout: dict[str, tuple[int, list[tuple[int, int]]]] = {}
        for _, name, size, first, count in rows:
            documents = layout.setdefault(name, (size, []))[1]
            if first is not None:
                documents.append((first, count))
        return build, layout

    def _segment(self, name: str) -> Segment:
        if name not in self._loaded:
            return Segment.load(self.segments_dir / name)
        return self._loaded[name]

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


def segments_to_merge(segments: list[SegmentInfo]) -> list[str]:
    """The newest segments to merge into one: the tail absorbs the segment before it while that one
    holds at most MERGE_FACTOR times the tail's live rows (and the result stays under MAX_MERGED_ROWS).
    Sizes stay geometric, so a library of N passages has O(log N) segments and each row is rewritten
    O(log N) times; a segment more than half dead is rewritten with the tail.

    >>> infos = lambda *sizes: [SegmentInfo(f"s{i}", n, n) for i, n in enumerate(sizes)]
    >>> segments_to_merge(infos(1000, 100)), segments_to_merge(infos(1000, 50, 50)), segments_to_merge(infos(1000, 200, 100))
    ([], ['s1', 's2'], ['s0', 's1', 's2'])
    """
    chosen: list[SegmentInfo] = []
    total = 0
    for info in reversed(segments):
        half_dead = info.live * 2 < info.rows
        if chosen and not half_dead and (info.live > MERGE_FACTOR * total or total + info.live > MAX_MERGED_ROWS):
            break
        chosen.append(info)
        total += info.live
    return [info.name for info in reversed(chosen)] if len(chosen) > 1 else []


def query_index_terms(terms: QueryTerms) -> list[str]:
    """Query terms in the index's vocabulary: e:exact, f:folded, p:folded pair."""
    exact = sorted(terms.exact)[:MAX_QUERY_TERMS]
    folded = sorted(terms.folded)[:MAX_QUERY_TERMS]
    pairs = [" ".join(p) for p in sorted(terms.phrases) if len(p) == 2][:MAX_QUERY_TERMS]
    return [f"e:{t}" for t in exact] + [f"f:{t}" for t in folded] + [f"p:{p}" for p in pairs]
