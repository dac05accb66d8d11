"""Retrieval evaluation: Recall@1/5/10, MRR@10 and nDCG@10, overall and by question kind, per mode.

Questions are JSON lines `{"id", "q", "any_of": [["substring", …], …], "kind"}`. A passage is
relevant when it contains every substring of at least one group. Every question goes through
`SearchService.search`, the same code path as `reform search` and the web API.
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


@dataclass(frozen=True)
class Question:
    id: str
    q: str
    any_of: list[list[str]]
    kind: str

    def is_hit(self, text: str) -> bool:
        return any(all(normalize_text(s) in text for s in group) for group in self.any_of)


def load_questions(path: Path) -> list[Question]:
    """Questions of a JSON-lines file; a line that is not a question is an error naming the line."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReformError(f"{path} is not UTF-8 text: expected JSON lines of questions") from None
    questions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            question = Question(str(data["id"]), data["q"], data["any_of"], data.get("kind", "other"))
            if not isinstance(question.q, str) or not all(isinstance(g, list) and g for g in question.any_of):
                raise TypeError('"q" must be text and "any_of" a list of lists of substrings')
            questions.append(question)
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise ReformError(f"{path}:{number}: not a question line ({exc})") from None
    if not questions:
        raise ReformError(f"{path} has no questions")
    return questions


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
        report[mode] = _aggregate(per_question)
    return report


def _scores(hits: list[bool], relevant: int, k: int) -> dict[str, float]:
    first = next((i for i, hit in enumerate(hits) if hit), None)
    top = hits[:DEPTH]
    dcg = sum(1 / math.log2(i + 2) for i, hit in enumerate(top) if hit)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(relevant, DEPTH)))
    scores = {f"recall@{n}": float(first is not None and first < n) for n in sorted({1, 5, 10, k})}
    mrr = 1 / (first + 1) if first is not None and first < DEPTH else 0.0
    return {**scores, "mrr": mrr, "ndcg@10": dcg / ideal}


def _aggregate(per_question: list[tuple[str, dict[str, float]]]) -> dict[str, Any]:
    def mean(rows: list[dict[str, float]]) -> dict[str, Any]:
        keys = rows[0].keys()
        return {**{k: round(sum(r[k] for r in rows) / len(rows), 4) for k in keys}, "n": len(rows)}

    by_kind: dict[str, list[dict[str, float]]] = defaultdict(list)
    for kind, scores in per_question:
        by_kind[kind].append(scores)
    return {**mean([s for _, s in per_question]), "by_kind": {k: mean(v) for k, v in sorted(by_kind.items())}}


def format_table(report: dict[str, Any]) -> str:
    """A plain-text table: one row per mode (overall) and per mode x kind."""
    first = next(iter(report.values()))
    recalls = sorted((c for c in first if c.startswith("recall@")), key=lambda c: int(c.split("@")[1]))
    columns = (*recalls, "mrr", "ndcg@10", "n")
    lines = [f"{'mode':<8} {'kind':<14} " + " ".join(f"{c:>9}" for c in columns)]
    for mode, metrics in report.items():
        rows = [("all", metrics)] + list(metrics["by_kind"].items())
        for kind, values in rows:
            cells = " ".join(f"{values[c]:>9}" if c == "n" else f"{values[c]:>9.3f}" for c in columns)
            lines.append(f"{mode:<8} {kind:<14} {cells}")
    return "\n".join(lines)
