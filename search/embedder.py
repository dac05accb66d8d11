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


class OnnxQueryEncoder:
    """One query at a time through onnxruntime: the exported BERT + mean pooling + normalize."""

    def __init__(self, path: Path, tokenizer, prefix: str, *, threads: int = 1) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        # One thread, no spinning: a short query gains nothing from a second thread, and under load
        # (several server processes and threads) idle pool threads spinning for work burn the cores.
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer, self.prefix = tokenizer, prefix

    def encode(self, text: str) -> np.ndarray:
        ids = self.tokenizer(self.prefix + normalize_text(text).strip(), truncation=True, max_length=512)["input_ids"]
        input_ids = np.array([ids], dtype=np.int64)
        return self.session.run(None, {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids)})[0][0]


class Embedder:
    """A local sentence-transformers model with e5's query/passage prompts, loaded once.

    Queries go through the model's ONNX export when `reform model install` made one (3x faster,
    same vectors); passages always through sentence-transformers.
    """

    def __init__(self, model_dir: Path, *, threads: int | None = None, batch_size: int = 32, use_onnx: bool = True) -> None:
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
        self.query_prefix = prompts.get(QUERY_PROMPT, "")
        self.onnx = self._onnx_encoder() if use_onnx else None

    def _onnx_encoder(self) -> OnnxQueryEncoder | None:
        from search.model.onnx_export import ONNX_FILE

        path = self.model_dir / ONNX_FILE
        if not path.is_file():
            return None
        try:
            return OnnxQueryEncoder(path, self.model.tokenizer, self.query_prefix)
        except ImportError:
            return None

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if self.onnx is not None:
            return (
                np.stack([self.onnx.encode(t) for t in texts]).astype(np.float32)
                if texts
                else np.zeros((0, self.dimension), np.float32)
            )
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
