"""Text embeddings through sentence-transformers: the one place that loads and calls the model.

Inputs are NFC-normalized and stripped first: decomposed Vietnamese loses its tone marks in the
tokenizer, and transformers 5 tokenizes a trailing space differently from e5.c.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from core.errors import ReformError
from vntext.normalize import normalize_text

QUERY_PROMPT, PASSAGE_PROMPT = "query", "passage"
TOKENIZER_FILE = "tokenizer.json"
ONNX_FILE = Path("onnx") / "query-encoder.onnx"  # queries only: what `reform model install` exported before ENCODER_FILE
ENCODER_FILE = Path("onnx") / "encoder.onnx"  # queries and passages, int8, fused (search.model.onnx_export)
MAX_TOKENS = 512


def quiet_transformers() -> None:
    """transformers' own progress bars and load reports are noise in a CLI and in server logs."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()


class OnnxEncoder:
    """The exported BERT + mean pooling + normalize (search.model.onnx_export), through onnxruntime.

    Tokenizes with the `tokenizers` library straight from the model's tokenizer.json (the same
    ids as transformers' tokenizer, checked at install and in tests) so that a server answering
    queries never imports torch or transformers.

    Every text runs on its own, unpadded: the export's int8 activations are scaled over the whole
    input, so in a batch a text's vector would depend on its neighbours (and padding). Alone, the
    same text always gives the same vector, bit for bit. `encode_many` keeps the cores busy with
    one single-threaded run per worker thread instead (onnxruntime releases the GIL while it runs).
    """

    def __init__(self, path: Path, tokenizer_file: Path, prefix: str, *, threads: int = 1, workers: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        # One thread per run, no spinning: a short text gains nothing from a second thread, and under
        # load (several server processes and threads) idle pool threads spinning for work burn the cores.
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.path, self.prefix, self.workers = path, prefix, workers
        width = self.session.get_outputs()[0].shape[-1]
        self.dimension = width if isinstance(width, int) else None

    def sharing(self, prefix: str, *, workers: int) -> OnnxEncoder:
        """This encoder with another prompt and pool size, on the same session: one copy of the weights in memory."""
        other = copy.copy(self)
        other.prefix, other.workers = prefix, workers
        return other

    def token_ids(self, text: str) -> list[int]:
        return self.tokenizer.encode(self.prefix + normalize_text(text).strip()).ids

    def encode(self, text: str) -> np.ndarray:
        return self._run(self.token_ids(text))

    def _run(self, ids: list[int]) -> np.ndarray:
        input_ids = np.array([ids], dtype=np.int64)
        return self.session.run(None, {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids)})[0][0]

    def encode_many(self, texts: list[str], *, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors of many texts (rows in the order given), each computed alone; `progress(n)` as they come."""
        from concurrent.futures import ThreadPoolExecutor

        encoded = [e.ids for e in self.tokenizer.encode_batch([self.prefix + normalize_text(t).strip() for t in texts])]
        vectors = np.zeros((len(texts), self.dimension or 0), np.float32)
        longest_first = sorted(range(len(texts)), key=lambda i: -len(encoded[i]))  # the pool ends evenly
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for row, vector in zip(longest_first, pool.map(lambda i: self._run(encoded[i]), longest_first), strict=True):
                vectors[row] = vector
                if progress is not None:
                    progress(1)
        return vectors


def model_installed(model_dir: Path) -> bool:
    """Whether a sentence-transformers model directory is there (what `reform model install` makes)."""
    return (Path(model_dir) / "modules.json").is_file()


class Embedder:
    """A local sentence-transformers model with e5's query/passage prompts.

    Queries go through the model's int8 ONNX export when `reform model install` made one (5x
    faster, cosine 0.995 to fp32); passages through its passage export (search.model.onnx_export,
    bucketed batches), loaded on first use only, or else through sentence-transformers, which
    (with torch, ~1 GB resident) is loaded on first use only too: a server whose indexes are
    current loads neither.
    """

    def __init__(self, model_dir: Path, *, threads: int | None = None, batch_size: int = 32, use_onnx: bool = True) -> None:
        self.model_dir = Path(model_dir)
        if not model_installed(self.model_dir):
            raise ReformError(f"no sentence-transformers model in {self.model_dir}: run 'reform model install'")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub: the model is local
        self.threads, self.batch_size = threads, batch_size
        self._model = None
        self._passage_onnx: OnnxEncoder | None = None
        self._loading = threading.Lock()
        try:
            self.model_id = model_identity(self.model_dir)
            prompts = model_prompts(self.model_dir)
            self._query_prompt = QUERY_PROMPT if QUERY_PROMPT in prompts else None
            self._passage_prompt = PASSAGE_PROMPT if PASSAGE_PROMPT in prompts else None
            self.query_prefix = prompts.get(QUERY_PROMPT, "")
            self.use_onnx = use_onnx
            query_file = ENCODER_FILE if (self.model_dir / ENCODER_FILE).is_file() else ONNX_FILE
            self.onnx = self._onnx_encoder(query_file, self.query_prefix) if use_onnx else None
            known = self.onnx.dimension if self.onnx is not None else None
            self.dimension = known if known is not None else int(self.model.get_embedding_dimension())
        except Exception as exc:  # garbage JSON, a truncated ONNX file, missing weights: many libraries, many kinds
            raise ReformError(
                f"the embedding model in {self.model_dir} cannot be loaded ({type(exc).__name__}: {exc}): "
                "run 'reform model install --force'"
            ) from None

    @property
    def model(self):
        """The sentence-transformers model, loaded on first use (once, whichever thread asks)."""
        if self._model is None:
            with self._loading:
                if self._model is None:
                    self._model = _load_sentence_transformer(self.model_dir, self.threads)
        return self._model

    @property
    def passage_onnx(self) -> OnnxEncoder | None:
        """The encoder export for passages (one run per core at a time), loaded on first use."""
        if self._passage_onnx is None and self.use_onnx and (self.model_dir / ENCODER_FILE).is_file():
            with self._loading:
                if self._passage_onnx is None:
                    prefix = model_prompts(self.model_dir).get(PASSAGE_PROMPT, "")
                    workers = self.threads or os.cpu_count() or 1
                    if self.onnx is not None and self.onnx.path == self.model_dir / ENCODER_FILE:
                        self._passage_onnx = self.onnx.sharing(prefix, workers=workers)  # loading it again costs 2.6 s and 400 MB
                    else:
                        self._passage_onnx = self._onnx_encoder(ENCODER_FILE, prefix, workers=workers)
        return self._passage_onnx

    def _onnx_encoder(self, file: Path, prefix: str, **options) -> OnnxEncoder | None:
        path, tokenizer_file = self.model_dir / file, self.model_dir / TOKENIZER_FILE
        if not (path.is_file() and tokenizer_file.is_file()):
            return None
        try:
            return OnnxEncoder(path, tokenizer_file, prefix, **options)
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

    def encode_passages(self, texts: list[str], *, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Passage vectors, rows in the order given; `progress(n)` as each batch of n is done."""
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        if self.passage_onnx is not None:
            return self.passage_onnx.encode_many(texts, progress=progress)
        parts = []
        for start in range(0, len(texts), 8 * self.batch_size):
            parts.append(self._encode(texts[start : start + 8 * self.batch_size], self._passage_prompt))
            if progress is not None:
                progress(len(parts[-1]))
        return np.concatenate(parts)

    def token_ids(self, text: str) -> list[int]:
        return list(self.model.tokenizer(normalize_text(text).strip())["input_ids"])

    def _encode(self, texts: list[str], prompt_name: str | None) -> np.ndarray:
        cleaned = [normalize_text(t).strip() for t in texts]
        vectors = self.model.encode(
            cleaned,
            prompt_name=prompt_name,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def _load_sentence_transformer(model_dir: Path, threads: int | None):
    import torch
    from sentence_transformers import SentenceTransformer

    if threads:
        torch.set_num_threads(threads)
    quiet_transformers()
    return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True, model_kwargs={"dtype": torch.float32})


def model_prompts(model_dir: Path) -> dict[str, str]:
    """The prompts sentence-transformers would read from the model's configuration."""
    config = Path(model_dir) / "config_sentence_transformers.json"
    if not config.is_file():
        return {}
    return dict(json.loads(config.read_text(encoding="utf-8")).get("prompts") or {})


def model_identity(model_dir: Path) -> str:
    """Name and content digest of a model directory, recorded by indexes to refuse mixing models."""
    manifest = Path(model_dir) / "reform-model.json"
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        # Passages embedded by the int8 export are not those sentence-transformers would make: another identity.
        encoder = "+int8" if "onnx_encoder" in data else ""
        return f"{data['name']}@{data['weights_sha256'][:12]}{encoder}"
    digest = hashlib.sha256()
    for path in sorted(Path(model_dir).rglob("*")):
        if path.is_file() and path.suffix in (".json", ".safetensors", ".bin"):
            stat = path.stat()
            digest.update(f"{path.relative_to(model_dir)}:{stat.st_size}".encode())
    return f"{Path(model_dir).name}@{digest.hexdigest()[:12]}"
