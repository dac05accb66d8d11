"""One decision in every format an office keeps: do .doc, .docx, .odt, .rtf and a scan give the facts of the .txt?

    .venv/bin/python bench/format_parity.py [--fixture dev|heldout] [--question TEXT] [--keep DIR]

The fixtures are tests/data/formats (README there): a real decision as plain text, exported to
Word 97 .doc, .docx (header as a two-column table), .odt, .rtf, and printed as a 150 dpi greyscale
image-only scan. Each format is ingested with the real CLI into its own data directory together with
the shipped corpus (so that search has other documents to choose from), then

- `reform lookup NUMBER --json` gives number, date, signer and the legal bases (căn cứ), compared
  with what the .txt gives (the reference is the plain text, not a gold: the question is what the
  format costs);
- `reform search QUESTION --json` (hybrid when REFORM_MODEL names an installed model, else lexical)
  must rank a passage of the decision in the top 3;
- ingesting the scan a second time must OCR nothing (the OCR cache, by file hash).

Only `--fixture heldout` measures the bar (issue #13); run it once, after the work, never to tune.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ROOT / "tests" / "data" / "formats"
REFORM = [sys.executable, "-m", "reform.cli"]
FIXTURES = {
    "dev": ("dev-qd-6154-ubnd-hanoi-2011", "6154/QĐ-UBND", "chế độ điều dưỡng luân phiên cho người có công ở Hà Nội"),
    "heldout": ("heldout-qd-986-ubnd-tuyenquang-2024", "986/QĐ-UBND", "lịch năm học 2024-2025 của các trường ở Tuyên Quang"),
}
SUFFIXES = (".txt", ".docx", ".doc", ".odt", ".rtf", "-scan.pdf")


def reform(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*REFORM, "--data", str(data), *args], capture_output=True, text=True, cwd=ROOT, env=os.environ)


def facts(lookup: dict[str, Any]) -> dict[str, Any]:
    """The facts compared across formats: number, date, signer and the set of legal bases."""
    bases = sorted(
        {
            item.get("number") or item.get("label") or ""
            for item in lookup.get("related", [])
            if item.get("relation") == "based_on"
        }
    )
    return {"number": lookup.get("number"), "date": lookup.get("date"), "signer": lookup.get("signer"), "bases": bases}


def measure(name: str, number: str, question: str, suffix: str, work: Path) -> dict[str, Any]:
    folder, data = work / f"in{suffix}", work / f"data{suffix}"
    shutil.copytree(ROOT / "corpus", folder)
    source = FORMATS / f"{name}{suffix}"
    shutil.copy(source, folder / source.name)
    ingest = reform(data, "ingest", str(folder), "--no-progress")
    if ingest.returncode != 0:
        return {"error": (ingest.stderr or ingest.stdout).strip().splitlines()[-1:]}
    looked = reform(data, "lookup", number, "--json")
    if looked.returncode != 0:
        return {"error": looked.stderr.strip()}
    lookup = json.loads(looked.stdout)
    got = facts(lookup)
    hits = json.loads(reform(data, "search", question, "--k", "3", "--json").stdout or "{}").get("results", [])
    got["top3"] = any(hit["document"]["id"] == lookup.get("document_id") for hit in hits)
    if suffix.endswith(".pdf"):
        again = reform(data, "ingest", str(folder), "--no-progress")
        got["second_ingest"] = again.stdout.strip().splitlines()[-1] if again.stdout.strip() else again.stderr.strip()
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixture", choices=sorted(FIXTURES), default="dev")
    parser.add_argument("--question", help="A question about the decision's content (default: the fixture's own).")
    parser.add_argument("--keep", type=Path, help="Keep the data directories here.")
    args = parser.parse_args()
    name, number, question = FIXTURES[args.fixture]
    question = args.question or question
    work = args.keep or Path(tempfile.mkdtemp(prefix="format-parity-"))
    work.mkdir(parents=True, exist_ok=True)
    results = {suffix: measure(name, number, question, suffix, work) for suffix in SUFFIXES}
    reference = results[".txt"]
    print(f"{name}: lookup {number}; question {question!r}")
    for suffix, got in results.items():
        if "error" in got:
            print(f"{suffix:10} ERROR {got['error']}")
            continue
        same = [key for key in ("number", "date", "signer") if got[key] == reference[key]]
        kept = len(set(got["bases"]) & set(reference["bases"]))
        line = (
            f"{suffix:10} same as .txt: {', '.join(same) or 'nothing'}; bases {kept}/{len(reference['bases'])}"
            f"{' (+' + str(len(set(got['bases']) - set(reference['bases']))) + ' other)' if set(got['bases']) - set(reference['bases']) else ''}"
            f"; question in top 3: {'yes' if got['top3'] else 'NO'}"
        )
        if "second_ingest" in got:
            line += f"; second ingest: {got['second_ingest']}"
        print(line)
    print(f"reference (.txt): {json.dumps({k: reference[k] for k in ('number', 'date', 'signer', 'bases')}, ensure_ascii=False)}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
