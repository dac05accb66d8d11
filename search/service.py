"""The search service: one object, opened once, that answers every search (CLI, eval, web).

Ranking: lexical (BM25 over a sparse matrix, search.lexical) and vector (FAISS) candidates fused by a weighted sum of normalized
scores (search.hybrid); then
passages of an article the query names ("Điều 5 Quyết định 280/QĐ-UBND") come first, then passages
mentioning a document number the query contains; exact duplicate passages are collapsed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from core.errors import QueryError
from core.settings import Settings
from ingest.document import Document, Passage
from ingest.store import DocumentStore
from search.abbreviations import expand
from search.embedder import Embedder, model_installed
from search.hybrid import normalized, weighted_sum
from search.lexical import LexicalIndex
from search.references import article_reference, number_keys, passage_matches_article, resolve_documents
from search.terms import highlight_spans, query_terms
from search.vectors import VectorIndex
from vntext.normalize import has_vietnamese_diacritics
from vntext.numbers import find_number_references, parse_document_number

MODES = ("hybrid", "lexical", "vector")
MAX_QUERY_CHARS = 1000
MAX_K = 100
CANDIDATES = 100
# Equal weights, not tuned. Hybrid queries typed without Vietnamese marks use the lexical side only:
# e5 ranks them poorly (vector Recall@5 0.17 on that class) while the folded BM25 column does not.
LEXICAL_WEIGHT, VECTOR_WEIGHT = 1.0, 1.0
ARTICLE_TIER, NUMBER_TIER = 20.0, 10.0  # above any fused score (at most 2)
ARTICLE_TYPE = "Bài viết"


@dataclass(frozen=True)
class SearchFilters:
    """Restrict results to a document type (full name), issuer code and/or year."""

    type: str | None = None
    issuer: str | None = None
    year: int | None = None

    def accepts(self, facets: dict[str, Any]) -> bool:
        return (
            (self.type is None or facets["type"] == self.type)
            and (self.issuer is None or (facets["issuer"] or "").upper() == self.issuer.upper())
            and (self.year is None or facets["year"] == self.year)
        )


@dataclass
class SearchResult:
    rank: int
    score: float
    passage: Passage
    document: Document
    highlights: list[tuple[int, int]]
    duplicates: list[str] = field(default_factory=list)
    near_duplicate_of: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": round(self.score, 6),
            "text": self.passage.text,
            "highlights": [list(span) for span in self.highlights],
            "passage_id": self.passage.id,
            "start": self.passage.start,
            "end": self.passage.end,
            "heading": self.passage.heading,
            "path": list(self.passage.path),
            "pages": list(self.passage.pages),
            "duplicates": self.duplicates,
            "near_duplicate_of": self.near_duplicate_of,
            "document": {
                "id": self.document.id,
                "title": self.document.title,
                "date": self.document.date,
                "source": self.document.source,
            },
        }


@dataclass
class SearchResponse:
    query: str
    mode: str
    results: list[SearchResult]
    warnings: list[str] = field(default_factory=list)
    expansions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "mode": self.mode,
            "results": [r.as_dict() for r in self.results],
            "expansions": self.expansions,
            "warnings": self.warnings,
        }


class SearchService:
    """Opens the store, the lexical index and (when the model is installed) the vector index."""

    def __init__(self, settings: Settings, *, store: DocumentStore | None = None, embedder=None, load_model: bool = True) -> None:
        self.settings = settings
        self._owns_store = store is None
        self.store = store or DocumentStore(settings.database_path).open()
        self.lexical = LexicalIndex(self.store)
        self.embedder = embedder if embedder is not None else (_load_embedder(settings) if load_model else None)
        self.vectors = None
        if self.embedder is not None:
            self.vectors = VectorIndex.from_settings(self.store, self.embedder, settings)
        # Searches never write: they follow what the writer committed (see _current_vectors);
        # library.open_search catches the indexes up first when nobody else is writing.
        self._documents: dict[str, Document] = {}
        self._generation = -1

    def close(self) -> None:
        if self._owns_store:
            self.store.close()

    def __enter__(self) -> SearchService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def indexes(self) -> list[LexicalIndex | VectorIndex]:
        """The derived indexes this service reads (for whoever keeps them in step: library.indexes)."""
        return [self.lexical] + ([self.vectors] if self.vectors is not None else [])

    def _current_vectors(self):
        """The vector index as last saved by the writer: reloaded when its file changed on disk."""
        fresh = self.vectors.reloaded()
        if fresh is not None:
            self.vectors = fresh  # one assignment: searches already running keep the index they had
        return self.vectors

    def documents(self) -> dict[str, Document]:
        if self._generation != self.store.generation:
            self._documents = {d.id: d for d in self.store.documents()}
            self._generation = self.store.generation
        return self._documents

    def search(self, query: str, *, k: int = 10, mode: str = "hybrid", filters: SearchFilters | None = None) -> SearchResponse:
        query = (query or "").strip()
        if not query:
            raise QueryError("empty query: type a question or a document number")
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(f"query is {len(query)} characters; the limit is {MAX_QUERY_CHARS}")
        if mode not in MODES:
            raise QueryError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        if not 1 <= k <= MAX_K:
            raise QueryError(f"k must be between 1 and {MAX_K}")
        warnings = []
        if mode != "lexical" and self.vectors is None:
            warnings.append("embedding model not installed: results are lexical only (run 'reform model install')")
            mode = "lexical" if mode == "vector" else mode
        elif mode != "lexical" and (unusable := self._current_vectors().unusable) is not None:
            warnings.append(f"{unusable}; results are lexical only")
            mode = "lexical" if mode == "vector" else mode
        expansions = expand(query, self.lexical.abbreviations())
        terms = query_terms(query, expansions=expansions)
        fused = self._fused_scores(query, expansions, terms, mode)
        self._apply_tiers(query, fused)
        results = self._rank(fused, terms, k, filters or SearchFilters())
        return SearchResponse(query, mode, results, warnings, expansions)

    def _fused_scores(self, query: str, expansions: list[str], terms, mode: str) -> dict[str, float]:
        parts = []
        if mode in ("hybrid", "lexical"):
            hits = self.lexical.search(terms, limit=CANDIDATES)
            parts.append((normalized([(h.passage_id, h.score) for h in hits], floor_at_min=False), LEXICAL_WEIGHT))
        weight = 0.0 if mode == "hybrid" and is_unaccented(query) else VECTOR_WEIGHT
        vectors_usable = self.vectors is not None and self.vectors.unusable is None
        if mode in ("hybrid", "vector") and vectors_usable and self.embedder is not None and weight > 0:
            text = query if not expansions else f"{query} ({'; '.join(expansions)})"
            vector = self.embedder.encode_queries([text])[0]
            hits = self._current_vectors().search(vector, limit=CANDIDATES)
            parts.append((normalized([(h.passage_id, h.score) for h in hits], floor_at_min=True), weight))
        return weighted_sum(parts)

    def _apply_tiers(self, query: str, fused: dict[str, float]) -> None:
        """Named articles first, then passages mentioning a document number from the query."""
        cited = set().union(
            *(self.lexical.passages_mentioning(key) for key in number_keys(query)),
            *(self.lexical.passages_matching(ref) for ref in find_number_references(query)),
        )
        for passage_id in cited:
            fused[passage_id] = fused.get(passage_id, 0.0) + NUMBER_TIER
        reference = article_reference(query)
        if reference is None:
            return
        for document in resolve_documents(reference.document_hint, list(self.documents().values())):
            for passage in self.store.passages(document.id):
                if passage_matches_article(passage, reference):
                    fused[passage.id] = fused.get(passage.id, 0.0) + ARTICLE_TIER

    def _rank(self, fused: dict[str, float], terms, k: int, filters: SearchFilters) -> list[SearchResult]:
        documents = self.documents()
        results: list[SearchResult] = []
        seen_text: dict[str, SearchResult] = {}
        shingles: dict[str, frozenset[int]] = {}
        for passage_id in sorted(fused, key=lambda p: (-fused[p], p)):
            passage = self.store.find_passage(passage_id)
            if passage is None or passage.document_id not in documents:
                continue  # removed by an ingest that the index has not caught up with yet
            document = documents[passage.document_id]
            if not filters.accepts(document_facets(document)):
                continue
            digest = text_digest(passage.text)
            if digest in seen_text:
                seen_text[digest].duplicates.append(passage.id)
                continue
            result = SearchResult(len(results) + 1, fused[passage_id], passage, document, highlight_spans(passage.text, terms))
            shingles[passage.id] = word_shingles(passage.text)
            result.near_duplicate_of = next(
                (r.passage.id for r in results if not shingles[r.passage.id].isdisjoint(shingles[passage.id])), None
            )
            seen_text[digest] = result
            results.append(result)
            if len(results) == k:
                break
        return results


SHINGLE_WORDS = 12


@lru_cache(maxsize=2048)
def text_digest(text: str) -> str:
    """One key for texts that differ only in spacing: exact duplicates are collapsed on it."""
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()


@lru_cache(maxsize=2048)
def word_shingles(text: str, *, run: int = SHINGLE_WORDS) -> frozenset[int]:
    """Runs of `run` consecutive words (hashed). Two passages sharing one repeat a sentence: reports
    repeat whole sentences ("Năm 2023 đã giảm 2.385 biên chế…" stands in two seed articles); the later
    result is kept, since the rest of it may say more, but marked `near_duplicate_of`. Cached per
    text like the highlighting positions: the same passages come back for many queries.

    >>> not word_shingles("a b c d e f g h i j k l m").isdisjoint(word_shingles("x a b c d e f g h i j k l y"))
    True
    """
    words = text.lower().split()
    return frozenset(map(hash, zip(*(words[i:] for i in range(run)), strict=False)))


def is_unaccented(query: str) -> bool:
    """Several lower-case words and not one Vietnamese mark: Vietnamese typed on a plain keyboard.

    >>> is_unaccented("chi so hai long nam 2022"), is_unaccented("chỉ số hài lòng"), is_unaccented("280/QD-UBND")
    (True, False, False)
    """
    words = [w for w in query.split() if w.isalpha() and w.islower()]
    return len(words) >= 2 and not has_vietnamese_diacritics(query)


def document_facets(document: Document) -> dict[str, Any]:
    """type (full Vietnamese name), issuer code and year of a document, where known."""
    number = parse_document_number(document.number) if document.number else None
    year = int(document.date[:4]) if document.date else (number.year if number else None)
    return {
        "type": (number.type_name if number else None) or (ARTICLE_TYPE if document.kind == "article" else None),
        "issuer": number.issuer_code if number else None,
        "year": year,
    }


def _load_embedder(settings: Settings) -> Embedder | None:
    return Embedder(settings.model_dir) if model_installed(settings.model_dir) else None
