"""BM25 as a sparse matrix: weights precomputed per (passage, term), a query sums a few columns.

Terms come in three kinds, each with its own field weight: exact tokens ("e:hà"), diacritic-folded
tokens ("f:ha") and folded adjacent pairs ("p:ha noi", which rank compound words and names above
scattered syllables). Scoring a query costs O(postings of its terms) in numpy, a few milliseconds
at 100k passages, where SQLite FTS5's bm25() over an OR query scored every matching row
(measured 150-540 ms at 100k passages).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

K1, B = 1.2, 0.75
FIELD_WEIGHTS = {"e": 1.0, "f": 0.6, "p": 0.6}


def passage_terms(exact: str, folded: str) -> list[str]:
    """All index terms of a passage from its exact and folded token streams."""
    exact_tokens, folded_tokens = exact.split(), folded.split()
    pairs = [f"p:{a} {b}" for a, b in zip(folded_tokens, folded_tokens[1:], strict=False)]
    return [f"e:{t}" for t in exact_tokens] + [f"f:{t}" for t in folded_tokens] + pairs


@dataclass
class BM25Matrix:
    """Passage ids (rows), vocabulary (term -> column) and the CSC matrix of BM25 weights."""

    passage_ids: list[str]
    vocabulary: dict[str, int]
    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, str]]) -> BM25Matrix:
        """From (passage id, exact stream, folded stream) rows."""
        passage_ids: list[str] = []
        vocabulary: dict[str, int] = {}
        row_index: list[int] = []
        col_index: list[int] = []
        counts: list[int] = []
        lengths: list[int] = []
        for row, (passage_id, exact, folded) in enumerate(rows):
            passage_ids.append(passage_id)
            terms = passage_terms(exact, folded)
            lengths.append(max(1, len(exact.split())))
            tally: dict[int, int] = {}
            for term in terms:
                column = vocabulary.setdefault(term, len(vocabulary))
                tally[column] = tally.get(column, 0) + 1
            row_index += [row] * len(tally)
            col_index += tally.keys()
            counts += tally.values()
        return cls._weighted(
            passage_ids,
            vocabulary,
            np.array(row_index, np.int64),
            np.array(col_index, np.int64),
            np.array(counts, np.float32),
            np.array(lengths, np.float32),
        )

    @classmethod
    def _weighted(cls, passage_ids, vocabulary, rows, cols, tf, lengths) -> BM25Matrix:
        from scipy.sparse import csc_matrix

        n = max(1, len(passage_ids))
        df = np.bincount(cols, minlength=len(vocabulary)).astype(np.float32)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        norm = K1 * (1 - B + B * lengths / max(1e-9, float(lengths.mean()) if len(lengths) else 1.0))
        field = np.array([FIELD_WEIGHTS[t[0]] for t in vocabulary], np.float32) if vocabulary else np.zeros(0, np.float32)
        weights = (idf[cols] * field[cols] * tf * (K1 + 1) / (tf + norm[rows])).astype(np.float32)
        matrix = csc_matrix((weights, (rows, cols)), shape=(len(passage_ids), len(vocabulary)))
        matrix.sum_duplicates()
        return cls(passage_ids, vocabulary, matrix.indptr, matrix.indices, matrix.data)

    def search(self, terms: Iterable[str], *, limit: int) -> list[tuple[str, float]]:
        """Best passages for the query terms (kind-prefixed, as in passage_terms), best first."""
        scores = np.zeros(len(self.passage_ids), np.float32)
        matched = False
        for term in set(terms):
            column = self.vocabulary.get(term)
            if column is None:
                continue
            start, end = self.indptr[column], self.indptr[column + 1]
            scores[self.indices[start:end]] += self.weights[start:end]
            matched = True
        if not matched:
            return []
        candidates = np.flatnonzero(scores)
        if len(candidates) > limit:
            candidates = candidates[np.argpartition(-scores[candidates], limit)[:limit]]
        order = candidates[np.lexsort((candidates, -scores[candidates]))]
        return [(self.passage_ids[i], float(scores[i])) for i in order]

    def save(self, path, *, label: int) -> None:
        terms = np.array(list(self.vocabulary), dtype=object).astype(str)
        np.savez(
            path,
            passage_ids=np.array(self.passage_ids, dtype=str),
            terms=terms,
            indptr=self.indptr,
            indices=self.indices,
            weights=self.weights,
            generation=np.array(label),  # what the matrix was built from (LexicalIndex.build)
        )

    @classmethod
    def load(cls, path) -> tuple[BM25Matrix, int]:
        with np.load(path, allow_pickle=False) as data:
            vocabulary = {t: i for i, t in enumerate(data["terms"].tolist())}
            matrix = cls(data["passage_ids"].tolist(), vocabulary, data["indptr"], data["indices"], data["weights"])
            return matrix, int(data["generation"])
