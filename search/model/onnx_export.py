"""Export the converted model's query path to ONNX (BERT + mean pooling + L2 normalize), int8.

Queries are embedded one at a time on the request path, so their cost bounds how many searches a
server answers. Measured on 2 cores, one query: sentence-transformers + torch ~14 ms, the fp32 ONNX
export ~6 ms (cosine 1.0), this export with its MatMul weights quantized to int8 per channel
~2.8 ms (min cosine 0.995 to fp32 over the 70 evaluation and benchmark questions; hybrid
evaluation unchanged: R@1 0.86, R@5 0.98, MRR 0.911). Quantizing every op instead (the default)
was faster still but lost a hybrid R@1 question (min cosine 0.98). Passages stay on
sentence-transformers, the reference; the export is checked against it before it is kept.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from core.errors import ReformError
from search.embedder import ONNX_FILE, TOKENIZER_FILE, Embedder, OnnxQueryEncoder

MIN_COSINE = 0.99  # int8 weights; fp32 exports agree to 0.9999


def export_query_encoder(model_dir: Path, sentences: list[str]) -> float:
    """Write model_dir/onnx/query-encoder.onnx; returns the min cosine to sentence-transformers."""
    import torch  # only `reform model install` exports: torch stays out of every other process

    embedder = Embedder(model_dir, use_onnx=False)
    wrapper = pooled_encoder(embedder.model[0].auto_model).eval()
    target = model_dir / ONNX_FILE
    target.parent.mkdir(exist_ok=True)
    full_precision = target.with_suffix(".fp32.onnx")
    example = torch.tensor([[0, 5, 6, 7, 2]])
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's tracer warnings concern code paths e5 never takes
        torch.onnx.export(
            wrapper,
            (example, torch.ones_like(example)),
            str(full_precision),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            opset_version=17,
            dynamo=False,
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"},
            },
        )
    quantize(full_precision, target)
    full_precision.unlink()
    onnx = OnnxQueryEncoder(target, model_dir / TOKENIZER_FILE, embedder.query_prefix)
    reference = embedder.encode_queries(sentences)
    ours = np.stack([onnx.encode(s) for s in sentences])
    cosine = float((reference * ours).sum(axis=1).min())
    if cosine < MIN_COSINE:
        target.unlink()
        raise ReformError(f"ONNX export disagrees with sentence-transformers (min cosine {cosine:.5f})")
    return cosine


def quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantization of the MatMul weights, one scale per output channel."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantizer advises "pre-processing" through the root logger
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"], per_channel=True)
    finally:
        root.setLevel(level)


def pooled_encoder(bert):
    """BERT called with keyword arguments, then e5's mean pooling over all tokens and L2 norm.

    The torch.nn.Module subclass is defined here so that importing this module does not import torch.
    """
    import torch

    class PooledEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    return PooledEncoder()
