"""OCR benchmark: pages per minute on N workers (default 2) and character accuracy against the plain text.

    .venv/bin/python bench/ocr.py [--workers 2] [--copies 2]

Reads the development fixture scans (tests/data/formats: a 2-page 150 dpi PDF and the same pages
as a 2-page G4 TIFF), `--copies` times each, through the ingest workers with an empty OCR cache,
and prints the figures the README quotes. Never reads the held-out fixtures.
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.settings import Settings  # noqa: E402
from ingest.build import file_hash  # noqa: E402
from ingest.pages import normalize_pages  # noqa: E402
from ingest.parsing import ReadJob, read_in_workers  # noqa: E402
from vntext.normalize import normalize_text  # noqa: E402

FORMATS = ROOT / "tests" / "data" / "formats"
DEV = "dev-qd-6154-ubnd-hanoi-2011"


def character_accuracy(ocr: str, truth: str) -> float:
    """1 - (characters inserted, deleted or replaced) / characters of the truth, whitespace collapsed."""
    a, b = (re.sub(r"\s+", " ", normalize_text(t)).strip() for t in (truth, ocr))
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    errors = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")
    return 1 - errors / len(a)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--copies", type=int, default=2)
    args = parser.parse_args()
    truth = (FORMATS / f"{DEV}.txt").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as scratch:
        jobs: list[ReadJob] = []
        for copy in range(args.copies):
            for suffix in ("-scan.pdf", ".tif"):
                path = Path(scratch) / f"{DEV}-{copy}{suffix}"
                shutil.copy(FORMATS / f"{DEV}{suffix}", path)
                data = path.read_bytes() + b"\n" * copy  # a different hash per copy: no cache hits
                path.write_bytes(data)
                jobs.append(ReadJob(len(jobs), path, data, file_hash(data)))
        settings = Settings.from_env({}, data=Path(scratch) / "data", ingest_workers=args.workers)
        started = time.perf_counter()
        done = list(read_in_workers(jobs, settings))
        wall = time.perf_counter() - started
    failed = [d.error for d in done if d.raw is None]
    if failed:
        sys.exit(f"OCR failed: {failed[0]}")
    pages = sum(d.ocr_pages for d in done)
    work = sum(d.ocr_seconds for d in done)
    print(
        f"OCR: {pages} pages in {wall:.1f} s on {args.workers} workers = {pages / wall * 60:.1f} pages/min ({work / pages:.1f} s of work a page)"
    )
    for kind in ("-scan.pdf", ".tif"):
        raw = next(d.raw for d in done if d.job.path.name.endswith(kind) and d.raw)
        text, _ = normalize_pages(raw.pages or ())
        confidences = [p["confidence"] for p in (raw.ocr or {}).get("pages", [])]
        print(
            f"  {kind[1:]:9} character accuracy {character_accuracy(text, truth) * 100:.2f}%, mean word confidence {confidences}"
        )


if __name__ == "__main__":
    main()
