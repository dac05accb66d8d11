"""Retrieval evaluation: Recall@1/5/10, MRR@10 and nDCG@10, overall and by question kind, per mode.

Questions are JSON lines `{"id", "q", "any_of": [["substring", …], …], "kind", "split"}` (other keys
are ignored; `split` is "dev" or "heldout" and optional). A passage is relevant when it contains
every substring of at least one group. Every question goes through `SearchService.search`, the
same code path as `reform search` and the web API.

Question sets are small (5 to 50 questions a kind), so every figure comes with its 95% interval:
Wilson's for a recall (a proportion), a seeded percentile bootstrap for MRR (a mean of reciprocal
ranks, which no closed form fits). With 10 questions a recall of 0.8 means anything from 0.49 to 0.94.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import ReformError
from search.service import MODES, SearchService
from vntext.normalize import normalize_text

DEPTH = 10
MAX_QUESTION_FILE_BYTES = 50 * 1024 * 1024
SPLITS = ("dev", "heldout")
Z95 = 1.959964  # two-sided 95% normal quantile
BOOTSTRAP_ROUNDS, BOOTSTRAP_SEED = 2000, 15


@dataclass(frozen=True)
class Question:
    id: str
    q: str
    any_of: list[list[str]]
    kind: str
    split: str | None = None

    def is_hit(self, text: str) -> bool:
        return any(all(normalize_text(s) in text for s in group) for group in self.any_of)


def load_questions(path: Path, *, split: str | None = None) -> list[Question]:
    """Questions of a JSON-lines file, only those of `split` when given ("dev" or "heldout").

    A line that is not a question is an error naming the line.
    """
    path = Path(path)
    if not path.is_file():  # a FIFO or a device (/dev/zero) would block or never end
        raise ReformError(f"{path} is not a regular file")
    if path.stat().st_size > MAX_QUESTION_FILE_BYTES:
        raise ReformError(f"{path} is over {MAX_QUESTION_FILE_BYTES // 1024 // 1024} MB: not a question set")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReformError(f"{path} is not UTF-8 text: expected JSON lines of questions") from None
    questions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            question = Question(str(data["id"]), data["q"], data["any_of"], data.get("kind", "other"), data.get("split"))
            if not isinstance(question.q, str) or not all(isinstance(g, list) and g for g in question.any_of):
                raise TypeError('"q" must be text and "any_of" a list of lists of substrings')
            questions.append(question)
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise ReformError(f"{path}:{number}: not a question line ({exc})") from None
    if not questions:
        raise ReformError(f"{path} has no questions")
    if split is None:
        return questions
    if split not in SPLITS:
        raise ReformError(f"unknown split {split!r}: use one of {', '.join(SPLITS)}")
    chosen = [q for q in questions if q.split == split]
    if not chosen:
        raise ReformError(f'{path} has no questions with "split": "{split}"')
    return chosen


def evaluate(service: SearchService, questions: list[Question], *, modes: tuple[str, ...] = MODES, k: int = 5) -> dict[str, Any]:
    """Metrics per mode; modes the service cannot run (no model: vector) are left out.

    Recall@1/5/10, MRR and nDCG@10 always; recall@k as well for another k (depth max(10, k)).
    """
    depth = max(DEPTH, k)
    passages = service.store.passages()
    relevant = {q.id: sum(1 for p in passages if q.is_hit(p.text)) for q in questions}
    unanswerable = [q.id for q in questions if relevant[q.id] == 0]
    if unanswerable:
        raise ReformError(f"no passage in the index answers questions {', '.join(unanswerable)}: fix their any_of")
    report: dict[str, Any] = {}
    for mode in modes:
        if mode != "lexical" and service.vectors is None:
            continue
        per_question = []
        for question in questions:
            response = service.search(question.q, k=depth, mode=mode)
            hits = [question.is_hit(r.passage.text) for r in response.results]
            per_question.append((question.kind, _scores(hits, relevant[question.id], k)))
        report[mode] = _aggregate(per_question, k)
    return report


def _scores(hits: list[bool], relevant: int, k: int) -> dict[str, float]:
    first = next((i for i, hit in enumerate(hits) if hit), None)
    top = hits[:DEPTH]
    dcg = sum(1 / math.log2(i + 2) for i, hit in enumerate(top) if hit)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(relevant, DEPTH)))
    scores = {f"recall@{n}": float(first is not None and first < n) for n in sorted({1, 5, 10, k})}
    mrr = 1 / (first + 1) if first is not None and first < DEPTH else 0.0
    return {**scores, "mrr": mrr, "ndcg@10": dcg / ideal}


def _aggregate(per_question: list[tuple[str, dict[str, float]]], k: int) -> dict[str, Any]:
    def mean(rows: list[dict[str, float]]) -> dict[str, Any]:
        keys = rows[0].keys()
        recall = [r[f"recall@{k}"] for r in rows]
        intervals = {f"recall@{k}": wilson_interval(sum(recall), len(rows)), "mrr": bootstrap_interval([r["mrr"] for r in rows])}
        return {**{key: round(sum(r[key] for r in rows) / len(rows), 4) for key in keys}, "n": len(rows), "ci95": intervals}

    by_kind: dict[str, list[dict[str, float]]] = defaultdict(list)
    for kind, scores in per_question:
        by_kind[kind].append(scores)
    return {**mean([s for _, s in per_question]), "by_kind": {k: mean(v) for k, v in sorted(by_kind.items())}}


def wilson_interval(successes: float, n: int, *, z: float = Z95) -> list[float]:
    """Wilson score interval of a proportion: sound for small n and for 0/n or n/n, unlike p ± z·se.

    >>> wilson_interval(8, 10)
    [0.4902, 0.9433]
    >>> wilson_interval(10, 10)
    [0.7225, 1.0]
    """
    if n == 0:
        return [0.0, 1.0]
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)]


def bootstrap_interval(values: list[float], *, rounds: int = BOOTSTRAP_ROUNDS, seed: int = BOOTSTRAP_SEED) -> list[float]:
    """95% percentile-bootstrap interval of a mean (seeded: the same figures on every run).

    >>> bootstrap_interval([1.0, 1.0, 1.0])
    [1.0, 1.0]
    """
    import numpy as np

    sample = np.asarray(values, dtype=np.float64)
    if len(sample) == 0:
        return [0.0, 1.0]
    draws = np.random.default_rng(seed).integers(0, len(sample), (rounds, len(sample)))
    means = sample[draws].mean(axis=1)
    return [round(float(np.percentile(means, 2.5)), 4), round(float(np.percentile(means, 97.5)), 4)]


def format_table(report: dict[str, Any]) -> str:
    """A plain-text table: one row per mode (overall) and per mode x kind, with 95% intervals."""
    first = next(iter(report.values()))
    recalls = sorted((c for c in first if c.startswith("recall@")), key=lambda c: int(c.split("@")[1]))
    columns = (*recalls, "mrr", "ndcg@10", "n")
    ranged = list(first["ci95"])
    lines = [f"{'mode':<8} {'kind':<14} " + " ".join(f"{c:>9}" for c in columns) + "".join(f"  {c + ' 95%':>15}" for c in ranged)]
    for mode, metrics in report.items():
        rows = [("all", metrics)] + list(metrics["by_kind"].items())
        for kind, values in rows:
            cells = " ".join(f"{values[c]:>9}" if c == "n" else f"{values[c]:>9.3f}" for c in columns)
            intervals = "".join(f"  {_interval(values['ci95'][c]):>15}" for c in ranged)
            lines.append(f"{mode:<8} {kind:<14} {cells}{intervals}")
    return "\n".join(lines)


def _interval(bounds: list[float]) -> str:
    return f"{bounds[0]:.2f}-{bounds[1]:.2f}"
