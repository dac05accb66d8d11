"""FAISS index types for passage vectors, and which one a collection of a given size gets.

- `flat`: exact inner product, every vector scanned. Up to `ann_threshold` passages.
- `ivf`: IVF-Flat, 4·√n lists, `nprobe` of them scanned; vectors kept whole (1.5 KB a passage).
- `ivfpq`: IVF with product-quantized codes (48 bytes a passage), the best 4·k candidates re-ranked
  on 8-bit scalar-quantized copies (384 bytes): a quarter of IVF-Flat's memory.
- `hnsw`: a navigable small-world graph over whole vectors (no removal: removed passages are
  skipped until the next rebuild).

Which kinds and where they switch (settings `ann_threshold`, `ann_compress_threshold`,
`ann_compressed_kind`, `ann_nprobe`) was measured by bench/ann.py at 1M passages (README): IVF-Flat
keeps every vector whole and still fits (2.2 GB resident with the model), and its recall@10 rises
with nprobe (0.65 at 32, 0.88 at 256, 21 ms CPU p95 with the query embedded); IVF-PQ, a quarter of
the memory, stalled at 0.53-0.60 whatever the nprobe, because its 8-bit re-ranking cannot order
near-ties. HNSW (M 32) at efSearch 3,072 reached 0.980 in 47.5 ms CPU p95 (2.5 GB resident; 0.913 at
768, 0.949 at 1,536), the only kind that met recall@10 >= 0.95 within 50 ms at 1M. IVF-Flat holds
0.955 at 100k; so collections from 500,000 passages get HNSW (`ann_compress_threshold`, named for
the compressed kinds it can also select).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

KINDS = ("flat", "ivf", "ivfpq", "hnsw")
PQ_BYTES = 48  # sub-quantizers of 8 bits: 384 dimensions in 48 codes of 8 dimensions
REFINE_FACTOR = 4  # ivfpq re-ranks this many times k candidates
HNSW_NEIGHBOURS, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 3072  # efSearch measured at 1M (bench/ann.py)
TRAINING_PER_LIST = 64


@dataclass(frozen=True)
class AnnPolicy:
    """Which index kind a collection of `count` vectors gets, and how deep approximate ones search."""

    exact_up_to: int = 50_000
    compress_from: int = 500_000
    compressed_kind: str = "hnsw"
    nprobe: int = 256

    def kind_for(self, count: int) -> str:
        """The kind for a collection of `count` vectors.

        >>> [AnnPolicy().kind_for(n) for n in (10, 100_000, 1_000_000, 3_000_000)]
        ['flat', 'ivf', 'hnsw', 'hnsw']
        """
        if count <= self.exact_up_to:
            return "flat"
        return self.compressed_kind if count >= self.compress_from else "ivf"


def build_index(vectors: np.ndarray, kind: str, *, dimension: int, seed: int = 0) -> Any:
    """An empty index of `kind`, trained on `vectors` where the kind needs training; ids are added by the caller."""
    import faiss

    if kind == "flat":
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
    if kind == "hnsw":
        graph = faiss.IndexHNSWFlat(dimension, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        return faiss.IndexIDMap2(graph)
    lists = max(1, min(len(vectors), max(16, int(4 * math.sqrt(len(vectors))))))  # training needs a point per list
    quantizer = faiss.IndexFlatIP(dimension)
    index: Any
    if kind == "ivf":
        index = faiss.IndexIVFFlat(quantizer, dimension, lists, faiss.METRIC_INNER_PRODUCT)
    elif kind == "ivfpq":
        # 8-bit codes need 256 training points per sub-quantizer; a small collection gets fewer bits.
        bits = max(1, min(8, int(math.log2(max(2, len(vectors))))))
        coarse = faiss.IndexIVFPQ(quantizer, dimension, lists, PQ_BYTES, bits, faiss.METRIC_INNER_PRODUCT)
        refined = faiss.IndexRefine(
            coarse, faiss.IndexScalarQuantizer(dimension, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
        )
        refined.k_factor = REFINE_FACTOR
        index = faiss.IndexIDMap2(refined)
    else:
        raise ValueError(f"unknown index kind {kind!r}: one of {', '.join(KINDS)}")
    sample = vectors[np.random.default_rng(seed).permutation(len(vectors))[: max(lists * TRAINING_PER_LIST, 10_000)]]
    index.train(np.ascontiguousarray(sample, np.float32))
    return index


def kind_of(index: Any) -> str:
    """The kind of a (deserialized) index."""
    import faiss

    inner = faiss.downcast_index(index.index) if isinstance(index, faiss.IndexIDMap) else index
    if isinstance(inner, faiss.IndexRefine):
        return "ivfpq"
    if isinstance(inner, faiss.IndexHNSW):
        return "hnsw"
    if isinstance(inner, faiss.IndexIVF):
        return "ivf"
    return "flat"


def removes_in_place(kind: str) -> bool:
    """Whether FAISS removes ids from this kind (the others leave tombstones until a rebuild)."""
    return kind in ("flat", "ivf")


def tune(index: Any, kind: str, *, nprobe: int) -> None:
    """Search depth of an approximate index (FAISS does not save it with the index)."""
    import faiss

    if kind in ("ivf", "ivfpq"):
        faiss.extract_index_ivf(index).nprobe = nprobe
    elif kind == "hnsw":
        graph: Any = faiss.downcast_index(index.index)
        graph.hnsw.efSearch = HNSW_EF_SEARCH
