"""Text embeddings through sentence-transformers: the one place that loads and calls the model.

Inputs are NFC-normalized and stripped first: decomposed Vietnamese loses its tone marks in the
tokenizer, and transformers 5 tokenizes a trailing space differently from e5.c.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from ingest.normalize import normalize_text
from reform.errors import ReformError

QUERY_PROMPT, PASSAGE_PROMPT = "query", "passage"


def quiet_transformers() -> None:
    """transformers' own progress bars and load reports are noise in a CLI and in server logs."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()


class Embedder:
    """A local sentence-transformers model with e5's query/passage prompts, loaded once."""

    def __init__(self, model_dir: Path, *, threads: int | None = None, batch_size: int = 32) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        self.model_dir = Path(model_dir)
        if not (self.model_dir / "modules.json").is_file():
            raise ReformError(f"no sentence-transformers model in {self.model_dir}: run 'reform model install'")
        if threads:
            torch.set_num_threads(threads)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub: the model is local
        quiet_transformers()
        self.model = SentenceTransformer(
            str(self.model_dir), device="cpu", local_files_only=True, model_kwargs={"dtype": torch.float32}
        )
        self.batch_size = batch_size
        self.dimension = int(self.model.get_embedding_dimension())
        self.model_id = model_identity(self.model_dir)
        prompts = self.model.prompts or {}
        self._query_prompt = QUERY_PROMPT if QUERY_PROMPT in prompts else None
        self._passage_prompt = PASSAGE_PROMPT if PASSAGE_PROMPT in prompts else None

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt)

    def encode_passages(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        return self._encode(texts, self._passage_prompt, show_progress=show_progress)

    def token_ids(self, text: str) -> list[int]:
        return list(self.model.tokenizer(normalize_text(text).strip())["input_ids"])

    def _encode(self, texts: list[str], prompt_name: str | None, *, show_progress: bool = False) -> np.ndarray:
        cleaned = [normalize_text(t).strip() for t in texts]
        vectors = self.model.encode(
            cleaned,
            prompt_name=prompt_name,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def model_identity(model_dir: Path) -> str:
    """Name and content digest of a model directory, recorded by indexes to refuse mixing models."""
    manifest = Path(model_dir) / "reform-model.json"
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        return f"{data['name']}@{data['weights_sha256'][:12]}"
    digest = hashlib.sha256()
    for path in sorted(Path(model_dir).rglob("*")):
        if path.is_file() and path.suffix in (".json", ".safetensors", ".bin"):
            stat = path.stat()
            digest.update(f"{path.relative_to(model_dir)}:{stat.st_size}".encode())
    return f"{Path(model_dir).name}@{digest.hexdigest()[:12]}"
