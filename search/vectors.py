"""Dense passage vectors in FAISS, kept in step with the store, saved atomically as one file.

- Embeddings are cached in the ingest database by (model, text hash): re-ingesting a document only
  embeds passages whose text changed, and switching index type never re-embeds.
- Exact search (inner product on L2-normalized vectors) up to `ann_threshold` passages, IVF-Flat
  beyond it; both support add/remove, so updates are incremental.
- The index file records the model that built it; opening it with another model is refused.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import StoreError
from core.files import file_stamp, write_atomically
from core.settings import Settings
from ingest.derived import ensure_schema
from ingest.document import Passage
from ingest.store import DocumentStore

SCHEMA_VERSION = 1
CACHE_SCHEMA = (
    "CREATE TABLE embeddings (model_id TEXT NOT NULL, text_hash TEXT NOT NULL, vector BLOB NOT NULL, "
    "PRIMARY KEY (model_id, text_hash))",
)


def passage_hash(passage: Passage) -> str:
    """Identity of what is embedded for a passage (its text with heading context)."""
    return hashlib.sha1(embedding_text(passage).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class VectorHit:
    passage_id: str
    score: float


class VectorIndex:
    """FAISS index of passage embeddings with its passage-id mapping."""

    name = "vectors"
    schema_version = SCHEMA_VERSION

    def __init__(self, store: DocumentStore, embedder, path: Path, *, ann_threshold: int = 50_000, nprobe: int = 32) -> None:
        import faiss

        faiss.omp_set_num_threads(1)  # measured: one query is 4x faster on one thread than on two
        self.store, self.embedder, self.path = store, embedder, Path(path)
        self.ann_threshold, self.nprobe = ann_threshold, nprobe
        ensure_schema(store, self.name, SCHEMA_VERSION, CACHE_SCHEMA, ("embeddings",))
        self.index: Any = None  # a FAISS index (flat or IVF); faiss is imported only where it is used
        self.passage_ids: list[str | None] = []  # faiss id -> passage id (None: removed)
        self.hashes: dict[str, str] = {}  # passage id -> text hash
        self.generation = -1
        self.built_with: str | None = None  # the model that built the file on disk
        self.damaged: str | None = None  # why the file on disk could not be read
        self._stamp: tuple[int, int, int] | None = None
        self._load()

    @classmethod
    def from_settings(cls, store: DocumentStore, embedder, settings: Settings) -> VectorIndex:
        """The index where the settings put it, with their ANN threshold and nprobe."""
        return cls(store, embedder, settings.vectors_path, ann_threshold=settings.ann_threshold, nprobe=settings.ann_nprobe)

    # -- persistence ----------------------------------------------------------------------------
    def reloaded(self) -> VectorIndex | None:
        """A new index object loaded from disk if the file changed since this one was loaded, else None.

        For readers (the server): the writer saves the file atomically; a reader swaps in a fresh
        object rather than mutating this one under searches that are using it.
        """
        if file_stamp(self.path) == self._stamp:
            return None
        fresh = copy.copy(self)
        fresh._load()
        return fresh

    def _load(self) -> None:
        self._stamp = file_stamp(self.path)
        if self._stamp is None:
            return
        try:
            self._read()
        except Exception as exc:  # truncated, random bytes, a foreign file: numpy, zipfile and faiss raise many kinds
            # Damaged: unusable until rebuilt from the embeddings in the store (any catch-up or `reform reindex`).
            self.index, self.passage_ids, self.hashes, self.generation = None, [], {}, -1
            self.damaged = f"{type(exc).__name__}: {exc}"

    def _read(self) -> None:
        import faiss

        with np.load(self.path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta["model_id"] != self.embedder.model_id:
                # Built with another model: not searchable; the next sync (or 'reform reindex') rebuilds it.
                self.index, self.passage_ids, self.hashes, self.generation = None, [], {}, -1
                self.built_with = meta["model_id"]
                return
            self.index = faiss.deserialize_index(data["index"])
            self.passage_ids = [p or None for p in data["passage_ids"].tolist()]
            self.hashes = dict(zip(data["hash_keys"].tolist(), data["hash_values"].tolist(), strict=True))
            self.generation = int(meta["generation"])
            self.built_with = meta["model_id"]
        self._set_nprobe()

    def save(self) -> None:
        import faiss

        meta = {
            "model_id": self.embedder.model_id,
            "generation": self.generation,
            "kind": self.kind,
            "dimension": self.embedder.dimension,
        }
        write_atomically(
            self.path,
            lambda tmp: np.savez(
                tmp,
                meta=json.dumps(meta),
                index=faiss.serialize_index(self.index),
                passage_ids=np.array([p or "" for p in self.passage_ids]),
                hash_keys=np.array(list(self.hashes)),
                hash_values=np.array(list(self.hashes.values())),
            ),
        )
        self._stamp, self.built_with, self.damaged = file_stamp(self.path), self.embedder.model_id, None
        # After the file: a crash in between leaves the bookkeeping behind, and the next catch-up finds the file current.
        self.store.set_meta("vectors_state", f"{self.generation}:{self.embedder.model_id}")

    @property
    def kind(self) -> str:
        return "ivf" if self.index is not None and "IVF" in type(self.index).__name__ else "flat"

    @property
    def size(self) -> int:
        return 0 if self.index is None else int(self.index.ntotal)

    # -- updates --------------------------------------------------------------------------------
    @property
    def up_to_date(self) -> bool:
        return self.generation == self.store.generation and self.index is not None

    @staticmethod
    def is_current(store: DocumentStore, model_id: str) -> bool:
        """Whether the saved index reflects the store's generation with this model (bookkeeping only: cheap)."""
        return (
            store.get_meta("schema.vectors") == str(SCHEMA_VERSION)
            and store.get_meta("vectors_state") == f"{store.generation}:{model_id}"
        )

    def rebuild(self, *, show_progress: bool = False) -> int:
        """A new index from every passage (embeddings from the cache where the model already made them),
        saved over the old file in one rename."""
        self.index, self.passage_ids, self.hashes = None, [], {}
        return self.sync(show_progress=show_progress)

    def sync(self, *, show_progress: bool = False) -> int:
        """Embed new/changed passages, remove deleted ones, save; returns passages embedded or removed."""
        if self.up_to_date:
            return 0
        passages = self.store.passages()
        wanted = {p.id: passage_hash(p) for p in passages}
        stale = [pid for pid, h in self.hashes.items() if wanted.get(pid) != h]
        fresh = [p for p in passages if self.hashes.get(p.id) != wanted[p.id]]
        vectors = self.embed(fresh, show_progress=show_progress)
        needs_rebuild = self.index is None or (self.kind == "flat") != (len(wanted) <= self.ann_threshold)
        if needs_rebuild:
            self._rebuild(passages, wanted)
        else:
            self._remove(stale)
            self._add([p.id for p in fresh], vectors, [wanted[p.id] for p in fresh])
        self.generation = self.store.generation
        self.save()
        return len(stale) + len(fresh)

    def embed(self, passages: list[Passage], *, show_progress: bool = False) -> np.ndarray:
        """Vectors for passages, from the cache where possible; new ones are cached."""
        dimension = self.embedder.dimension
        hashes = [passage_hash(p) for p in passages]
        cached = self._cached(hashes)
        missing = [i for i, h in enumerate(hashes) if h not in cached]
        if missing:
            computed = self.embedder.encode_passages([embedding_text(passages[i]) for i in missing], show_progress=show_progress)
            with self.store.transaction():
                self.store.db.executemany(
                    "INSERT OR REPLACE INTO embeddings VALUES (?,?,?)",
                    [(self.embedder.model_id, hashes[i], computed[row].tobytes()) for row, i in enumerate(missing)],
                )
            cached.update({hashes[i]: computed[row] for row, i in enumerate(missing)})
        return np.stack([cached[h] for h in hashes]) if passages else np.zeros((0, dimension), np.float32)

    def _cached(self, hashes: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            rows = self.store.db.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE model_id = ? AND text_hash IN ({','.join('?' * len(chunk))})",
                (self.embedder.model_id, *chunk),
            )
            found.update({h: np.frombuffer(v, np.float32) for h, v in rows})
        return found

    def _rebuild(self, passages: list[Passage], wanted: dict[str, str]) -> None:
        vectors = self.embed(passages)
        self.index = build_faiss_index(vectors, ann=len(passages) > self.ann_threshold, dimension=self.embedder.dimension)
        self.passage_ids = [p.id for p in passages]
        self.hashes = dict(wanted)
        self.index.add_with_ids(vectors, np.arange(len(passages), dtype=np.int64))
        self._set_nprobe()

    def _remove(self, passage_ids: list[str]) -> None:
        if not passage_ids:
            return
        positions = {pid: i for i, pid in enumerate(self.passage_ids) if pid is not None}
        faiss_ids = np.array([positions[p] for p in passage_ids if p in positions], dtype=np.int64)
        self.index.remove_ids(faiss_ids)
        for i in faiss_ids:
            self.passage_ids[int(i)] = None
        for pid in passage_ids:
            self.hashes.pop(pid, None)

    def _add(self, passage_ids: list[str], vectors: np.ndarray, hashes: list[str]) -> None:
        if not passage_ids:
            return
        start = len(self.passage_ids)
        self.index.add_with_ids(vectors, np.arange(start, start + len(passage_ids), dtype=np.int64))
        self.passage_ids.extend(passage_ids)
        self.hashes.update(zip(passage_ids, hashes, strict=True))

    def _set_nprobe(self) -> None:
        if self.kind == "ivf":
            import faiss

            faiss.extract_index_ivf(self.index).nprobe = self.nprobe

    # -- queries --------------------------------------------------------------------------------
    @property
    def unusable(self) -> str | None:
        """Why the index on disk cannot answer (damaged, or built with another model), with what to do; None when it can."""
        if self.damaged is not None:
            return f"the vector index {self.path} is damaged ({self.damaged}): run 'reform reindex'"
        if self.built_with not in (None, self.embedder.model_id):
            return (
                f"the vector index {self.path} was built with model {self.built_with}, not {self.embedder.model_id}: "
                "run 'reform reindex'"
            )
        return None

    def search(self, query_vector: np.ndarray, *, limit: int = 100) -> list[VectorHit]:
        if (unusable := self.unusable) is not None:
            raise StoreError(unusable)
        if self.index is None or self.size == 0:
            return []
        import faiss

        # OpenMP's thread count is per calling thread: the constructor's setting does not reach a
        # server's request threads, where FAISS then ran each query on two OpenMP threads whose
        # spinning took CPU from the other worker process (34 vs 8 us of CPU per query here, and
        # 11% of a loaded worker's samples under py-spy).
        faiss.omp_set_num_threads(1)
        scores, ids = self.index.search(query_vector.reshape(1, -1).astype(np.float32), min(limit, self.size))
        return [
            VectorHit(self.passage_ids[i], float(s))
            for s, i in zip(scores[0], ids[0], strict=True)
            if i >= 0 and self.passage_ids[i] is not None
        ]


def build_faiss_index(vectors: np.ndarray, *, ann: bool, dimension: int):
    """Exact inner-product index, or IVF-Flat (trained on `vectors`) for large collections."""
    import faiss

    if not ann:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
    lists = max(16, int(4 * math.sqrt(len(vectors))))
    quantizer = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIVFFlat(quantizer, dimension, lists, faiss.METRIC_INNER_PRODUCT)
    sample = vectors[np.random.default_rng(0).permutation(len(vectors))[: lists * 64]]
    index.train(sample)
    return index


def embedding_text(passage: Passage) -> str:
    """What is embedded for a passage: its heading gives context the text alone may lack."""
    if passage.heading and passage.heading not in passage.text[:200]:
        return f"{passage.heading}\n{passage.text}"
    return passage.text
