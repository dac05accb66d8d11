"""Legal-document gold: ingest a gold set with the real CLI, look every document up, score the facts.

Run: `.venv/bin/python bench/legal_gold.py [--gold tests/data/legal/dev/gold.jsonl] [--summary] [--json] [--pdftotext]`.

Each line of gold.jsonl names a file (relative to the gold file) and the facts read from it by hand:
number, type, issuer, date, subject, signer (name, position, signing mode), effective date, the
documents on its "Căn cứ" lines (bases) and those it amends, replaces or repeals. The files are
ingested into a fresh data directory (`reform --data TMP ingest FILES --no-progress`; lexical and
graph only, the embedding model is not needed), then each entry is looked up as staff would
(`reform lookup NUMBER --json`; a document whose number is blank in the text by its type and
subject; codes and laws also by name) and every field is compared with the gold.

`--summary` prints counts per field only (never a per-document line): the only mode to use on a
held-out set.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from ingest.build import document_id_for  # noqa: E402
from reform.cli import cli  # noqa: E402
from vntext.normalize import fold_diacritics, normalize_text  # noqa: E402
from vntext.numbers import parse_document_number  # noqa: E402

DEFAULT_GOLD = ROOT / "tests" / "data" / "legal" / "dev" / "gold.jsonl"
FIELDS = (
    "found",
    "type",
    "issuer",
    "date",
    "subject",
    "signer",
    "signer_position",
    "signing_mode",
    "effective_date",
    "basis",
    "found_by_name",
)
RELATIONS = ("amends", "replaces", "repeals")
EXTRA = ("bases_recall", "proposed_by", "guides") + tuple(f"{r}_recall" for r in RELATIONS) + ("unscorable",)


@dataclass
class Score:
    """Correct / applicable counts per field, over a gold set."""

    correct: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, ok: bool | None, weight: int = 1, hits: int | None = None) -> None:
        if ok is None and hits is None:
            return
        self.total[name] = self.total.get(name, 0) + weight
        self.correct[name] = self.correct.get(name, 0) + (int(bool(ok)) if hits is None else hits)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {
            name: {"correct": self.correct[name], "total": total, "ratio": round(self.correct[name] / total, 3)}
            for name in (*FIELDS, *EXTRA)
            if (total := self.total.get(name))
        }


def fold(text: str | None) -> str:
    """Comparison form: NFC, no marks, lower case, words only ("Chủ tịch Quốc hội" -> "chu tich quoc hoi")."""
    return " ".join(re.findall(r"\w+", fold_diacritics(normalize_text(text or "")).lower()))


def number_key(text: str | None) -> str | None:
    parsed = parse_document_number(text or "")
    return parsed.key if parsed else None


def words(text: str | None) -> set[str]:
    """The words of a name, "năm 2005" read as the year alone."""
    return set(fold(re.sub(r"(?i)\bnăm\s+(\d{4})", r"\1", text or "")).split())


def load_gold(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ingest(files: list[Path], data: Path, *, quiet: bool = False) -> int:
    """The real CLI in a subprocess, as staff run it; returns how many files failed (their names are
    never printed with `quiet`: the held-out set is seen in aggregate only)."""
    command = [sys.executable, "-m", "reform.cli", "--data", str(data), "ingest", *map(str, files), "--no-progress"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode not in (0, 1):
        raise SystemExit(f"ingest failed (exit {result.returncode})" + ("" if quiet else f": {result.stderr.strip()}"))
    return result.stderr.count("failed: ")


def lookup(data: Path, query: str) -> dict[str, Any] | None:
    """`reform lookup QUERY --json` (the click command itself, in this process: no start-up per query)."""
    result = CliRunner().invoke(cli, ["--data", str(data), "lookup", query, "--json"])
    if result.exit_code != 0:
        return None
    payload = json.loads(result.stdout)
    return payload if payload.get("uri") else None


def queries_for(entry: dict[str, Any]) -> tuple[str | None, str | None]:
    """(number query, name query) for an entry; a blank number is looked up by type and subject."""
    kind, subject = (options(entry.get("type")) or [""])[0], (options(entry.get("subject")) or [""])[0]
    by_number = entry.get("number") or (f"{kind} {subject}".strip() if subject else None)
    by_name = None
    if kind in ("Bộ luật", "Luật") and subject:
        name = f"{kind} {subject.lower()}"
        year = (options(entry.get("date")) or [""])[0][:4]
        by_name = name if kind == "Bộ luật" or not year else f"{name} {year}"
    return by_number, by_name


def is_the_document(result: dict[str, Any] | None, entry: dict[str, Any], document_id: str) -> bool:
    if not result:
        return False
    if entry.get("number"):
        return number_key(result.get("number")) == number_key(entry["number"])
    return result.get("document_id") == document_id


def related(result: dict[str, Any], relation: str) -> list[dict[str, Any]]:
    return [item for item in result.get("related", []) if item.get("relation") == relation]


def matches_reference(item: dict[str, Any], wanted: str | dict[str, Any]) -> bool:
    """A related document is the one gold names: same number key, else same type, name and date."""
    if isinstance(wanted, str):
        key = number_key(wanted)
        if key:
            return number_key(item.get("number")) == key
        return bool(words(wanted)) and words(wanted) <= words(f"{item.get('label')} {item.get('title')} {item.get('date')}")
    if wanted.get("number"):
        return number_key(item.get("number")) == number_key(wanted["number"])
    if wanted.get("date") and item.get("date") != wanted["date"]:
        return False
    name = words(f"{wanted.get('type')} {wanted.get('name')}")
    have = words(f"{item.get('label')} {item.get('title')}")
    return bool(name) and name <= have


def options(value: Any) -> list[str]:
    """The acceptable gold values of a field: one string, or a list (a joint document's issuers or signers)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def one_of(got: Any, gold: Any, compare=fold) -> bool:
    """Whether what lookup gave is the gold value, or one of them; null matches null."""
    wanted = options(gold)
    return compare(got) in {compare(w) for w in wanted} if wanted else got in (None, "")


def score_entry(entry: dict[str, Any], result: dict[str, Any] | None, by_name: dict[str, Any] | None) -> dict[str, Any]:
    """Per-field outcome of one entry: True/False, None when the gold says nothing to compare."""
    got = result or {}
    same = lambda value: str(value or "")  # noqa: E731 -- dates and modes compare as written
    outcome: dict[str, Any] = {"found": bool(result)}
    outcome["type"] = one_of(got.get("type"), entry.get("type"))
    outcome["issuer"] = one_of(got.get("issuer"), entry.get("issuer"))
    outcome["date"] = one_of(got.get("date"), entry.get("date"), same)
    outcome["subject"] = one_of(got.get("subject"), entry.get("subject")) if options(entry.get("subject")) else None
    signed = bool(options(entry.get("signer")))
    outcome["signer"] = one_of(got.get("signer"), entry.get("signer"), lambda v: normalize_text(v or "")) if signed else None
    outcome["signer_position"] = one_of(got.get("signer_position"), entry.get("signer_position")) if signed else None
    outcome["signing_mode"] = one_of(got.get("signing_mode"), entry.get("signing_mode"), same) if signed else None
    effective = entry.get("effective_date")
    outcome["effective_date"] = one_of(got.get("effective_date"), effective, same) if options(effective) else None
    bases = entry.get("bases") or []
    found_bases = [b for b in bases if any(matches_reference(item, b) for item in related(got, "based_on"))]
    outcome["basis"] = bool(found_bases) if bases else None
    outcome["bases_recall"] = (len(found_bases), len(bases)) if bases else None
    for relation in RELATIONS:
        wanted = entry.get(relation) or []
        hits = [w for w in wanted if any(matches_reference(item, w) for item in related(got, relation))]
        outcome[f"{relation}_recall"] = (len(hits), len(wanted)) if wanted else None
    proposers = options(entry.get("proposed_by"))
    outcome["proposed_by"] = (
        any(fold(p) in fold(item.get("label")) for p in proposers for item in related(got, "proposed_by")) if proposers else None
    )
    guides = entry.get("guides") or []
    outcome["guides"] = (
        all(any(matches_reference(item, g) for item in related(got, "guides")) for g in guides) if guides else None
    )
    outcome["found_by_name"] = by_name
    return outcome


def run_gold(
    gold_path: Path, data: Path | None = None, *, quiet: bool = False
) -> tuple[Score, list[tuple[dict[str, Any], dict[str, Any]]]]:
    """Ingest the gold set's files into `data` (a fresh temporary directory by default) and score every entry."""
    entries = load_gold(gold_path)
    files = [(gold_path.parent / e["file"]).resolve() for e in entries]
    with tempfile.TemporaryDirectory(prefix="legal-gold-") as tmp:
        data = data or Path(tmp) / "data"
        failed = ingest(files, data, quiet=quiet)
        if failed:
            print(f"{failed} file(s) failed to ingest", file=sys.stderr)
        score, rows = Score(), []
        for entry, path in zip(entries, files, strict=True):
            document_id = document_id_for(path)
            number_query, name_query = queries_for(entry)
            result = lookup(data, number_query) if number_query else None
            found = is_the_document(result, entry, document_id)
            named = is_the_document(lookup(data, name_query), entry, document_id) if name_query else None
            try:
                outcome = score_entry(entry, result if found else None, named)
            except (TypeError, AttributeError, KeyError, ValueError):  # a gold line of another shape: counted, not fatal
                score.add("unscorable", False)
                continue
            if number_query is None:
                outcome = {"found": None}  # neither number nor subject in the text: nothing to look up by
            for name, value in outcome.items():
                if isinstance(value, tuple):
                    score.add(name, None, weight=value[1], hits=value[0])
                else:
                    score.add(name, value)
            rows.append((entry, {"query": number_query, "result": result if found else None, **outcome}))
        return score, rows


def print_rows(rows: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    for entry, outcome in rows:
        wrong = [n for n in FIELDS if outcome.get(n) is False]
        print(f"{'ok ' if not wrong else 'ERR'} {Path(entry['file']).name}: {', '.join(wrong) or 'all right'}")
        got = outcome.get("result") or {}
        for name in wrong:
            if name in ("found", "basis", "found_by_name"):
                continue
            print(f"      {name}: got {got.get(name)!r}, gold {entry.get(name)!r}")


def print_summary(score: Score) -> None:
    for name, counts in score.as_dict().items():
        print(f"{name:<18} {counts['correct']:>4} / {counts['total']:<4} {counts['ratio']:.1%}")


def layout_variant(gold_path: Path, folder: Path) -> Path:
    """A gold file over `folder` holding, for each text-layer PDF of the set (scans left out: their
    text is OCR's, not poppler's), its `pdftotext -layout` text with the same gold facts.

    Documents that came as PDFs also reach offices as text someone extracted: two header columns side
    by side on one line, runs of spaces, words whose spaces the text layer lost."""
    lines = []
    for entry in load_gold(gold_path):
        source = gold_path.parent / entry["file"]
        if source.suffix.lower() != ".pdf" or "scan" in source.name:
            continue
        target = folder / (source.stem + ".layout.txt")
        subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(source), str(target)], check=True, capture_output=True)
        lines.append(json.dumps({**entry, "file": target.name}, ensure_ascii=False))
    variant = folder / "gold.jsonl"
    variant.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return variant


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="gold.jsonl (files are relative to it)")
    parser.add_argument("--summary", action="store_true", help="aggregate counts only, no per-document lines")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--pdftotext",
        action="store_true",
        help="score the set's text-layer PDFs as `pdftotext -layout` extracts them (the text offices paste from PDFs)",
    )
    args = parser.parse_args()
    if args.pdftotext:
        with tempfile.TemporaryDirectory(prefix="legal-gold-layout-") as tmp:
            score, rows = run_gold(layout_variant(args.gold.resolve(), Path(tmp)), quiet=args.summary)
    else:
        score, rows = run_gold(args.gold.resolve(), quiet=args.summary)
    if args.json:
        payload: dict[str, Any] = {"gold": str(args.gold), "documents": len(rows), "fields": score.as_dict()}
        if not args.summary:
            payload["entries"] = [{"file": e["file"], **{k: v for k, v in o.items() if k != "result"}} for e, o in rows]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not args.summary:
        print_rows(rows)
    print(f"{len(rows)} documents ({args.gold})")
    print_summary(score)


if __name__ == "__main__":
    main()
