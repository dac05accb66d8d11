"""`reform model adapt`: fine-tune the installed model on pairs the library gives for free, on CPU.

A law names each article ("Điều 169. Tuổi nghỉ hưu") and explains its own terms ("Nơi tạm trú là nơi
công dân sinh sống …"): (article title, the article's text without its title) and (term, what the
law says it means) are question-like and answer-like texts that belong together, written by the
law's authors rather than by us. The model learns from them with in-batch negatives (each
question against every other answer in its batch, InfoNCE), its word embeddings and lower layers
frozen (the vocabulary stays as multilingual-e5 learnt it; on 2 cores one epoch over the ten laws'
3,300 pairs takes about half an hour).

The adapted model is a new version: its weights digest changes its identity, so the vector index
refuses it until `reform reindex` re-embeds the library (search.vectors). It is exported and
checked like an installed model (search.model.onnx_export).
"""

from __future__ import annotations

import json
import math
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from core.errors import ReformError
from ingest.document import Document
from ingest.store import DocumentStore
from search.definitions import definitions
from search.embedder import PASSAGE_PROMPT, QUERY_PROMPT, Embedder, model_prompts
from search.model.install import INSTALL_MANIFEST, VERIFICATION_SENTENCES, replace_model, sha256_of
from search.model.onnx_export import export_encoder
from search.sections import passage_titles

QUERY_TOKENS, PASSAGE_TOKENS = 48, 128  # titles are short; an article's first 128 tokens say what it rules
BATCH, LEARNING_RATE, SCALE, WARMUP = 32, 2e-5, 20.0, 0.1
FROZEN_LAYERS = 4  # of 12: the lower layers (and the word embeddings) keep what multilingual-e5 learnt


@dataclass(frozen=True)
class Pair:
    """A question-like text and the passage-like text it belongs with."""

    query: str
    passage: str
    source: str  # "title" or "definition"


@dataclass(frozen=True)
class Adaptation:
    """What one run of `adapt` did."""

    pairs: int
    steps: int
    seconds: float
    first_loss: float
    last_loss: float


def library_pairs(store: DocumentStore, *, seed: int = 15) -> list[Pair]:
    """One (title, text) pair per titled article, with one of its passages at random, and every definition."""
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for document in store.documents(with_passages=True):
        pairs += _article_pairs(document, rng)
        pairs += [Pair(d.term, d.meaning, "definition") for d in definitions(document)]
    return pairs


def _article_pairs(document: Document, rng: random.Random) -> list[Pair]:
    if document.kind != "legal":
        return []
    titles = passage_titles(document)
    articles: dict[tuple[str, ...], list[str]] = {}
    named: dict[tuple[str, ...], str] = {}
    for passage in document.passages:
        article = tuple(e for e in passage.path if not e.casefold().startswith(("khoản", "điểm")))
        if not article or not article[-1].startswith("Điều") or not titles.get(passage.id):
            continue
        named[article] = titles[passage.id][-1]
        body = passage.text.split("\n", 1)[1] if passage.text.startswith(article[-1]) and "\n" in passage.text else passage.text
        if len(body.split()) >= 8:
            articles.setdefault(article, []).append(body.strip())
    return [Pair(named[a], rng.choice(bodies), "title") for a, bodies in articles.items()]


def batches(pairs: list[Pair], size: int, rng: random.Random) -> Iterator[list[Pair]]:
    """Shuffled batches in which no question appears twice (two laws both have "Hiệu lực thi hành":
    in one batch, each would be the other's negative)."""
    pending = list(pairs)
    rng.shuffle(pending)
    while pending:
        batch: list[Pair] = []
        seen: set[str] = set()
        rest: list[Pair] = []
        for pair in pending:
            key = pair.query.casefold()
            if len(batch) < size and key not in seen:
                batch.append(pair)
                seen.add(key)
            else:
                rest.append(pair)
        pending = rest
        if len(batch) > 1:
            yield batch


def adapt(
    model_dir: Path, pairs: list[Pair], target: Path, *, epochs: int = 1, seed: int = 15, log: Callable[[str], None] = print
) -> Adaptation:
    """Fine-tune the sentence-transformers model in `model_dir` on `pairs`; save it to `target`."""
    import torch  # only this command trains: torch stays out of every other process

    torch.manual_seed(seed)
    model = Embedder(model_dir, use_onnx=False).model
    prompts = model_prompts(model_dir)
    bert = model[0].auto_model
    for module in [bert.embeddings, *bert.encoder.layer[:FROZEN_LAYERS]]:
        for parameter in module.parameters():
            parameter.requires_grad = False
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=LEARNING_RATE, weight_decay=0.01)
    rng = random.Random(seed)
    plan = [b for _ in range(epochs) for b in batches(pairs, BATCH, rng)]
    warmup = max(1, int(WARMUP * len(plan)))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (len(plan) - step) / (len(plan) - warmup + 1)))
    )
    model.train()
    started, losses = time.perf_counter(), []
    for step, batch in enumerate(plan):
        queries = _embed(model, [prompts.get(QUERY_PROMPT, "") + p.query for p in batch], QUERY_TOKENS)
        passages = _embed(model, [prompts.get(PASSAGE_PROMPT, "") + p.passage for p in batch], PASSAGE_TOKENS)
        scores = SCALE * queries @ passages.T
        loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(batch)))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        if step % 10 == 0 or step == len(plan) - 1:
            elapsed = time.perf_counter() - started
            left = elapsed / (step + 1) * (len(plan) - step - 1)
            log(f"adapt: step {step + 1}/{len(plan)}, loss {_mean(losses[-10:]):.3f}, {elapsed:.0f} s, ~{left:.0f} s left")
    model.eval()
    model.save(str(target))
    first, last = _mean(losses[: max(1, len(losses) // 10)]), _mean(losses[-max(1, len(losses) // 10) :])
    return Adaptation(len(pairs), len(plan), round(time.perf_counter() - started, 1), round(first, 4), round(last, 4))


def _embed(model, texts: list[str], max_tokens: int):
    tokenizer = model.tokenizer
    features = tokenizer(texts, padding=True, truncation=True, max_length=max_tokens, return_tensors="pt")
    return model({"input_ids": features["input_ids"], "attention_mask": features["attention_mask"]})["sentence_embedding"]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def record(target: Path, base_manifest: dict, adaptation: Adaptation, pairs: list[Pair], weights_sha256: str) -> None:
    """The adapted model's reform-model.json: a new version, and what it was adapted from and on."""
    sources = {s: sum(1 for p in pairs if p.source == s) for s in ("title", "definition")}
    manifest = {
        **base_manifest,
        "weights_sha256": weights_sha256,
        "adapted": {
            "from": f"{base_manifest['name']}@{base_manifest['weights_sha256'][:12]}",
            "pairs": sources,
            "steps": adaptation.steps,
            "seconds": adaptation.seconds,
            "loss": [adaptation.first_loss, adaptation.last_loss],
        },
    }
    (target / "reform-model.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def adapt_installed(model_dir: Path, store: DocumentStore, *, epochs: int = 1, log: Callable[[str], None] = print) -> Adaptation:
    """Adapt the installed model to the library in `store`, export and check it, and put it in place.

    Built beside the installed model and swapped in when verified, like `reform model install`.
    """
    manifest_path = Path(model_dir) / INSTALL_MANIFEST
    if not manifest_path.is_file():
        raise ReformError(f"no installed model at {model_dir}: run 'reform model install' first")
    pairs = library_pairs(store)
    if len(pairs) < 2 * BATCH:
        raise ReformError(
            f"the library gives only {len(pairs)} training pairs (article titles, definitions): ingest some laws first"
        )
    log(f"adapt: {len(pairs)} pairs from the library's article titles and definitions")
    with tempfile.TemporaryDirectory(prefix="reform-adapt-", dir=Path(model_dir).parent) as tmp:
        staged = Path(tmp) / "model"
        adaptation = adapt(Path(model_dir), pairs, staged, epochs=epochs, log=log)
        for name in ("tokenizer.json", "tokenizer_config.json"):  # the converted tokenizer, byte for byte
            shutil.copyfile(Path(model_dir) / name, staged / name)
        log("adapt: exporting the encoder to ONNX (int8)")
        cosine = export_encoder(staged, VERIFICATION_SENTENCES)
        base = json.loads(manifest_path.read_text(encoding="utf-8"))
        base["onnx_encoder"] = {**base.get("onnx_encoder", {}), "min_cosine_to_sentence_transformers": round(cosine, 6)}
        record(staged, base, adaptation, pairs, sha256_of(staged / "model.safetensors"))
        replace_model(staged, Path(model_dir))
    return adaptation
