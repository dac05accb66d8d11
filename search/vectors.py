"""Dense passage vectors in FAISS, kept in step with the store, saved atomically as one file.

- What is embedded is the passage under its titles (search.sections: the law's chapter and article
  titles, a report's headings), so a clause far down an article still says what the article is about.
- Embeddings are cached in the ingest database by (model, text hash): re-ingesting a document only
  embeds passages whose text changed, and switching index type never re-embeds. They are written
  in chunks as they are made, so an interrupted run keeps what it embedded.
- A sync reads only the documents whose signature changed (the index records each document's).
- Exact search (inner product on L2-normalized vectors) up to `ann_threshold` passages, approximate
  beyond it (search.ann: IVF-Flat, then IVF-PQ past `ann_compress_threshold`); updates are
  incremental (kinds that cannot remove ids skip removed passages until a rebuild).
- The index file records the model that built it; opening it with another model is refused.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from core.errors import StoreError
from core.files import file_stamp, write_atomically
from core.settings import Settings
from ingest.derived import ensure_schema
from ingest.document import Document, Passage, document_id_of
from ingest.store import DocumentStore
from search import ann
from search.sections import passage_titles, titled_text

SCHEMA_VERSION = 1
CACHE_SCHEMA = (
    "CREATE TABLE embeddings (model_id TEXT NOT NULL, text_hash TEXT NOT NULL, vector BLOB NOT NULL, "
    "PRIMARY KEY (model_id, text_hash))",
)


CACHE_CHUNK = 256  # passages embedded, then written to the cache, at a time


def text_hash(text: str) -> str:
    """The cache key of an embedded text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class VectorHit:
    passage_id: str
    score: float


class VectorIndex:
    """FAISS index of passage embeddings with its passage-id mapping."""

    name = "vectors"
    schema_version = SCHEMA_VERSION

    def __init__(
        self,
        store: DocumentStore,
        embedder,
        path: Path,
        *,
        ann_threshold: int = 50_000,
        nprobe: int = 256,
        policy: ann.AnnPolicy | None = None,
        progress: bool | None = False,
        titles: bool = True,
    ) -> None:
        import faiss

        faiss.omp_set_num_threads(1)  # measured: one query is 4x faster on one thread than on two
        self.store, self.embedder, self.path = store, embedder, Path(path)
        self.policy = policy or ann.AnnPolicy(exact_up_to=ann_threshold, nprobe=nprobe)
        self.progress, self.titles = progress, titles
        ensure_schema(store, self.name, SCHEMA_VERSION, CACHE_SCHEMA, ("embeddings",))
        self.index: Any = None  # a FAISS index (search.ann); faiss is imported only where it is used
        self.passage_ids: list[str | None] = []  # faiss id -> passage id (None: removed)
        self.hashes: dict[str, str] = {}  # passage id -> text hash
        self.documents: dict[str, str] = {}  # document id -> signature the index reflects
        self.generation = -1
        self.built_with: str | None = None  # the model that built the file on disk
        self.damaged: str | None = None  # why the file on disk could not be read
        self._stamp: tuple[int, int, int] | None = None
        self._load()

    @classmethod
    def from_settings(cls, store: DocumentStore, embedder, settings: Settings, *, progress: bool | None = False) -> VectorIndex:
        """The index where the settings put it, with their index-kind thresholds and search depth."""
        policy = ann.AnnPolicy(
            exact_up_to=settings.ann_threshold,
            compress_from=settings.ann_compress_threshold,
            compressed_kind=settings.ann_compressed_kind,
            nprobe=settings.ann_nprobe,
        )
        return cls(store, embedder, settings.vectors_path, policy=policy, progress=progress)

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
            self._forget()
            self.damaged = f"{type(exc).__name__}: {exc}"

    def _forget(self) -> None:
        self.index, self.passage_ids, self.hashes, self.documents, self.generation = None, [], {}, {}, -1

    def _read(self) -> None:
        import faiss

        with np.load(self.path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta["model_id"] != self.embedder.model_id:
                # Built with another model: not searchable; the next sync (or 'reform reindex') rebuilds it.
                self._forget()
                self.built_with = meta["model_id"]
                return
            self.index = faiss.deserialize_index(data["index"])
            self.passage_ids = [p or None for p in data["passage_ids"].tolist()]
            self.hashes = dict(zip(data["hash_keys"].tolist(), data["hash_values"].tolist(), strict=True))
            # Files from before per-document syncs have no signatures: the next sync compares every document.
            keys, values = (data["document_keys"], data["document_values"]) if "document_keys" in data else ([], [])
            self.documents = dict(zip(np.asarray(keys).tolist(), np.asarray(values).tolist(), strict=True))
            self.generation = int(meta["generation"])
            self.built_with = meta["model_id"]
        ann.tune(self.index, self.kind, nprobe=self.policy.nprobe)

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
                document_keys=np.array(list(self.documents)),
                document_values=np.array(list(self.documents.values())),
            ),
        )
        self._stamp, self.built_with, self.damaged = file_stamp(self.path), self.embedder.model_id, None
        # After the file: a crash in between leaves the bookkeeping behind, and the next catch-up finds the file current.
        self.store.set_meta("vectors_state", f"{self.generation}:{self.embedder.model_id}")

    @property
    def kind(self) -> str:
        return "flat" if self.index is None else ann.kind_of(self.index)

    @property
    def size(self) -> int:
        """Passages the index answers for (removed ones still in a graph index not counted)."""
        return len(self.hashes) if self.index is not None else 0

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

    def rebuild(self) -> int:
        """A new index from every passage (embeddings from the cache where the model already made them),
        saved over the old file in one rename."""
        self._forget()
        return self.sync()

    def sync(self) -> int:
        """Embed new/changed passages, remove deleted ones, save; returns passages embedded or removed.

        Only documents whose signature differs from the one the index recorded are read.
        """
        if self.up_to_date:
            return 0
        current = self.store.document_signatures()
        changed = [d for d, signature in current.items() if self.documents.get(d) != signature]
        gone = {d for d in self.documents if d not in current} | set(changed)
        wanted: dict[str, str] = {}
        fresh: list[tuple[str, str]] = []  # (passage id, embedded text) to add
        for document_id in changed:
            for passage_id, text in self.embedded_texts(self.store.get_document(document_id)):
                wanted[passage_id] = text_hash(text)
                if self.hashes.get(passage_id) != wanted[passage_id]:
                    fresh.append((passage_id, text))
        stale = [pid for pid in self.hashes if document_id_of(pid) in gone and wanted.get(pid) != self.hashes[pid]]
        vectors = self.embed([text for _, text in fresh])
        self._remove(stale)
        if (
            self.index is None
            or self.kind != self.policy.kind_for(len(self.hashes) + len(fresh))
            or self._tombstones() > 0.1 * self.size
        ):
            self._rebuild(fresh, vectors)
        else:
            self._add([pid for pid, _ in fresh], vectors, [text_hash(text) for _, text in fresh])
        self.documents = dict(current)
        self.generation = self.store.generation
        self.save()
        return len(stale) + len(fresh)

    def embedded_texts(self, document: Document) -> list[tuple[str, str]]:
        """(passage id, what is embedded for it) for every passage of a document."""
        titles = passage_titles(document) if self.titles else {}
        return [(p.id, embedding_text(p, titles.get(p.id))) for p in document.passages]

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors for texts, from the cache where possible; new ones are embedded and cached chunk by chunk."""
        hashes = [text_hash(t) for t in texts]
        cached = self._cached(hashes)
        missing = [i for i, h in enumerate(hashes) if h not in cached]
        with tqdm(total=len(missing), desc="embed", unit=" passages", disable=self._quiet(missing)) as bar:
            for start in range(0, len(missing), CACHE_CHUNK):
                chunk = missing[start : start + CACHE_CHUNK]
                computed = self.embedder.encode_passages([texts[i] for i in chunk], progress=bar.update)
                rows = [(self.embedder.model_id, hashes[i], computed[row].tobytes()) for row, i in enumerate(chunk)]
                with self.store.transaction():
                    self.store.db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?,?,?)", rows)
                cached.update({hashes[i]: computed[row] for row, i in enumerate(chunk)})
        return np.stack([cached[h] for h in hashes]) if texts else np.zeros((0, self.embedder.dimension), np.float32)

    def _quiet(self, missing: list[int]) -> bool | None:
        """tqdm's `disable`: None shows the bar on a terminal only."""
        return True if not missing else (None if self.progress is None else not self.progress)

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

    def _rebuild(self, fresh: list[tuple[str, str]], vectors: np.ndarray) -> None:
        """A new index of the kind the collection's size calls for, from the kept and the fresh passages."""
        kept = [(pid, h) for pid, h in self.hashes.items()]
        kept_vectors = self._cached([h for _, h in kept])
        every = np.concatenate([np.stack([kept_vectors[h] for _, h in kept]), vectors]) if kept else vectors
        self.passage_ids = [*(pid for pid, _ in kept), *(pid for pid, _ in fresh)]
        self.hashes = dict(kept) | {pid: text_hash(text) for pid, text in fresh}
        kind = self.policy.kind_for(len(self.passage_ids))
        self.index = ann.build_index(every, kind, dimension=self.embedder.dimension)
        self.index.add_with_ids(np.ascontiguousarray(every, np.float32), np.arange(len(self.passage_ids), dtype=np.int64))
        ann.tune(self.index, kind, nprobe=self.policy.nprobe)

    def _remove(self, passage_ids: list[str]) -> None:
        if not passage_ids:
            return
        positions = {pid: i for i, pid in enumerate(self.passage_ids) if pid is not None}
        faiss_ids = np.array([positions[p] for p in passage_ids if p in positions], dtype=np.int64)
        if self.index is not None and ann.removes_in_place(self.kind):
            self.index.remove_ids(faiss_ids)
        for i in faiss_ids:
            self.passage_ids[int(i)] = None  # elsewhere a tombstone: skipped by search, dropped by the next rebuild
        for pid in passage_ids:
            self.hashes.pop(pid, None)

    def _tombstones(self) -> int:
        """Removed passages still in an index that cannot remove them (searched past, then rebuilt away)."""
        return 0 if self.index is None or ann.removes_in_place(self.kind) else len(self.passage_ids) - len(self.hashes)

    def _add(self, passage_ids: list[str], vectors: np.ndarray, hashes: list[str]) -> None:
        if not passage_ids:
            return
        start = len(self.passage_ids)
        self.index.add_with_ids(vectors, np.arange(start, start + len(passage_ids), dtype=np.int64))
        self.passage_ids.extend(passage_ids)
        self.hashes.update(zip(passage_ids, hashes, strict=True))

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
        depth = min(limit + self._tombstones(), int(self.index.ntotal))
        scores, ids = self.index.search(query_vector.reshape(1, -1).astype(np.float32), max(1, depth))
        hits = [
            VectorHit(self.passage_ids[i], float(s))
            for s, i in zip(scores[0], ids[0], strict=True)
            if i >= 0 and self.passage_ids[i] is not None
        ]
        return hits[:limit]


def embedding_text(passage: Passage, titles: tuple[str, ...] | None = None) -> str:
    """What is embedded for a passage: its titles (or, without them, its heading) give context the text alone may lack."""
    if titles is not None:
        return titled_text(passage, titles)
    if passage.heading and passage.heading not in passage.text[:200]:
        return f"{passage.heading}\n{passage.text}"
    return passage.text
