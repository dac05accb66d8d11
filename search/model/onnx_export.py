"""Export the converted model to ONNX for queries and passages: BERT + mean pooling + L2 normalize, int8.

One file serves both: queries one at a time on the request path (their cost bounds how many
searches a server answers), passages at ingest (their cost bounds how fast a library is indexed).
The export runs BERT's eager attention, which onnxruntime's transformer optimizer fuses (embedding
+ LayerNorm, Attention, bias + GELU, skip + LayerNorm), then quantizes its MatMul and Attention
weights to int8 per channel, activations dynamically. Measured on 2 cores, one passage of ~150
tokens per run: sentence-transformers + torch 10 passages per CPU-second, the fp32 export 15, the
fused int8 export 36 (min cosine 0.995 to fp32); one query ~14 ms through torch, ~2.5 ms here.

Dynamic quantization scales activations over the whole input tensor, so a text's vector would
depend on what else is in its batch: each text runs on its own (search.embedder.OnnxEncoder),
which costs nothing on this CPU (batches of 25 padded texts were no faster per passage). Static
quantization, calibrated on 64 law passages (min/max of each activation), kept batching free of
that trap but fell to cosine 0.954 to fp32: BERT's outlier activations need a range the 8 bits
then spend on values that never occur.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from core.errors import ReformError
from search.embedder import ENCODER_FILE, PASSAGE_PROMPT, QUERY_PROMPT, TOKENIZER_FILE, Embedder, OnnxEncoder, model_prompts

MIN_COSINE = 0.99  # int8 weights and activations; fp32 exports agree to 0.9999
HEADS, HIDDEN = 12, 384  # multilingual-e5-small


def export_encoder(model_dir: Path, sentences: list[str]) -> float:
    """Write model_dir/onnx/encoder.onnx; returns the min cosine to sentence-transformers (queries and passages)."""
    import torch  # only `reform model install` exports: torch stays out of every other process

    embedder = Embedder(model_dir, use_onnx=False)
    bert = embedder.model[0].auto_model
    bert.config._attn_implementation = "eager"  # the attention pattern onnxruntime's optimizer fuses
    wrapper = pooled_encoder(bert).eval()
    target = model_dir / ENCODER_FILE
    target.parent.mkdir(exist_ok=True)
    full_precision, fused = target.with_suffix(".fp32.onnx"), target.with_suffix(".fused.onnx")
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
    try:
        fuse(full_precision, fused)
        quantize(fused, target)
    finally:
        full_precision.unlink(missing_ok=True)
        fused.unlink(missing_ok=True)
    cosine = min(_agreement(embedder, target, QUERY_PROMPT, sentences), _agreement(embedder, target, PASSAGE_PROMPT, sentences))
    if cosine < MIN_COSINE:
        target.unlink()
        raise ReformError(f"ONNX export disagrees with sentence-transformers (min cosine {cosine:.5f})")
    return cosine


def _agreement(embedder: Embedder, path: Path, prompt: str, sentences: list[str]) -> float:
    onnx = OnnxEncoder(path, embedder.model_dir / TOKENIZER_FILE, model_prompts(embedder.model_dir).get(prompt, ""))
    reference = embedder.encode_queries(sentences) if prompt == QUERY_PROMPT else embedder.encode_passages(sentences)
    ours = np.stack([onnx.encode(s) for s in sentences])
    return float((reference * ours).sum(axis=1).min())


def fuse(source: Path, target: Path) -> None:
    """onnxruntime's BERT fusions, done once here instead of at every session start."""
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions

    model = optimizer.optimize_model(
        str(source),
        model_type="bert",
        num_heads=HEADS,
        hidden_size=HIDDEN,
        optimization_options=FusionOptions("bert"),
        opt_level=0,
    )
    model.save_model_to_file(str(target))


def quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantization of the MatMul and Attention weights, one scale per output channel."""
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantizer advises "pre-processing" through the root logger
    try:
        quantize_dynamic(
            str(source),
            str(target),
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Attention"],
            per_channel=True,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # the fused ops' outputs have no inferred type
        )
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
