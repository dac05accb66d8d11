"""Legal facts read from a scan against the same pages' text layer: what OCR costs the number, date, signer, bases.

    .venv/bin/python bench/ocr_facts.py [--keep DIR] [--only NAME ...] [--seeds N]

For each development PDF below (odd years; never a held-out file) it takes the first two pages and the
last (header, căn cứ, signature block), writes them as a text PDF and as a 150 dpi greyscale image-only
scan made the way tests/data/formats/build_fixtures.py makes its scans (tilt, grey paper, blur, noise),
ingests each into its own data directory with the real CLI (`reform --data DIR ingest FILE`), asks
`reform lookup NUMBER --json` for the gold number, and prints per-field agreement of scan with text,
and how many of the document numbers and written dates of the text the scan reads digit for digit
(with the ones only one side has: a misread digit shows as a pair). `--seeds N` scans each document
N times with other noise. The text version is the reference, not the gold: the question is what the
scan loses.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import io
import json
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "legal" / "dev"
REFORM = [sys.executable, "-m", "reform.cli"]  # this checkout's code (cwd=ROOT), as bench/legal_gold.py runs it

# Text-layer PDFs of the development set, odd years only.
DOCS = (
    "qd-28-2021-qd-ttg.pdf",
    "tt-03-2021-tt-bnv.pdf",
    "tt-18-2021-tt-bnnptnt.pdf",
    "tt-01-2023-tt-bkhdt.pdf",
    "nq-175-nq-cp-2023.pdf",
    "nq-78-2025-ubtvqh15.pdf",
    "nd-105-2021-nd-cp-hoatieu.pdf",
    "tt-10-2021-tt-nhnn-congbao.pdf",
    "luat-73-2021-qh14-phong-chong-ma-tuy-congbao.pdf",
    "vbhn-4246-2021-bldtbxh-congbao.pdf",
    "vbhn-1676-2023-bldtbxh-congbao.pdf",
    # Added to see digit misreads: many "Căn cứ" lines citing documents by number and date.
    "qd-2858-2025-ubnd-ha-noi.pdf",
    "tt-107-2025-tt-btc-congbao.pdf",
    "tt-147-2025-tt-btc-congbao.pdf",
    "tt-95-2025-tt-btc-congbao.pdf",
    "tt-17-2023-tt-bldtbxh-congbao.pdf",
    "tt-81-2025-tt-bca-congbao.pdf",
    "qd-04-2025-qd-ubnd-ha-noi-bai-bo-qd-21-2012.pdf",
    "nd-233-2025-nd-cp-congbao.pdf",
    "nd-212-2025-nd-cp-congbao.pdf",
    "vbhn-466-2025-bldtbxh-congbao.pdf",
    "tt-116-2025-tt-btc-congbao.pdf",
    "tt-36-2021-tt-bldtbxh-congbao.pdf",
)
FIELDS = ("number", "type", "issuer", "date", "signer", "signer_position", "effective_date")


def _fixture_builder():
    """tests/data/formats/build_fixtures.py as a module: its scan simulation is the one the fixtures used."""
    path = ROOT / "tests" / "data" / "formats" / "build_fixtures.py"
    spec = importlib.util.spec_from_file_location("build_fixtures", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_pair(source: Path, out: Path, seed: int) -> tuple[Path, Path]:
    """The text PDF of pages 1, 2 and last of `source`, and its image-only scan."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(source)
    writer = PdfWriter()
    for index in sorted({0, min(1, len(reader.pages) - 1), len(reader.pages) - 1}):
        writer.add_page(reader.pages[index])
    text_pdf = out / f"{source.stem}.pdf"  # the same for every seed
    with text_pdf.open("wb") as handle:
        writer.write(handle)
    fixtures = _fixture_builder()
    rng = random.Random(seed)
    ctypes.CDLL(None).srand(seed)  # Pillow's effect_noise draws from C rand(): the same noise whatever ran before
    with tempfile.TemporaryDirectory() as work:
        pages = fixtures.raster(text_pdf, Path(work))
        jpgs = [fixtures.jpeg_bytes(fixtures.scan_noise(page, rng)) for page in pages]
    scan_pdf = out / f"{source.stem}-scan{seed}.pdf"
    scan_pdf.write_bytes(_image_pdf(jpgs))
    return text_pdf, scan_pdf


def _image_pdf(jpgs: list[bytes]) -> bytes:
    """An image-only PDF of JPEG pages: img2pdf (as the fixtures) when installed, else Pillow (re-encodes)."""
    try:
        import img2pdf
    except ImportError:
        from PIL import Image

        images = [Image.open(io.BytesIO(j)) for j in jpgs]
        buffer = io.BytesIO()
        images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=150.0, quality=72)
        return buffer.getvalue()
    return img2pdf.convert(jpgs)


def facts(pdf: Path, data: Path, number: str) -> dict | None:
    """The lookup object of `number` after ingesting `pdf` alone into `data` (None when nothing answers)."""
    subprocess.run(
        [*REFORM, "--data", str(data), "ingest", str(pdf), "--no-progress"], capture_output=True, cwd=ROOT, check=False
    )
    found = _lookup(data, number)
    if found is None or not found.get("found", True):
        suggestions = (found or {}).get("did_you_mean") or []
        found = _lookup(data, suggestions[0]) if suggestions else None
    return found if found and found.get("found", True) else None


def _lookup(data: Path, query: str) -> dict | None:
    done = subprocess.run(
        [*REFORM, "--data", str(data), "lookup", query, "--json"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return None


def citations(data: Path) -> Counter[str]:
    """The document numbers and written dates in the text ingested into `data` (what OCR must read digit for digit)."""
    sys.path.insert(0, str(ROOT))
    from core.settings import Settings
    from ingest.store import DocumentStore
    from vntext.dates import find_dates
    from vntext.numbers import find_document_numbers

    settings = Settings.from_env({}, data=data)
    found: Counter[str] = Counter()
    if not settings.database_path.exists():
        return found
    with DocumentStore(settings.database_path) as store:
        for document in store.documents(with_passages=True):
            text = " ".join(document.text.split())
            found.update(n.canonical for _, _, n in find_document_numbers(text))
            found.update(f"date {d.iso}" for d in find_dates(text))
    return found


def bases(found: dict | None) -> set[str]:
    """The documents a lookup says this one is based on, by URI."""
    return {r["uri"] for r in (found or {}).get("related", []) if r["relation"] == "based_on"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="Keep the PDFs and data directories here.")
    parser.add_argument("--only", nargs="*", help="Only these development files.")
    parser.add_argument("--seeds", type=int, default=1, help="Scans of each document with this many noise seeds.")
    args = parser.parse_args()
    gold = {}
    for line in (DEV / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            gold[Path(record["file"]).name] = record
    work = args.keep or Path(tempfile.mkdtemp(prefix="ocr-facts-"))
    work.mkdir(parents=True, exist_ok=True)
    agree = dict.fromkeys(FIELDS, 0)
    kept = lost = extra = 0
    cited_kept = cited_total = 0
    names = [n for n in DOCS if not args.only or n in args.only]
    runs = 0
    for name in names:
        number = gold[name]["number"]
        text: dict | None = None
        for repeat in range(args.seeds):
            seed = DOCS.index(name) + 100 * repeat  # the same scan of a document whichever documents run
            text_pdf, scan_pdf = make_pair(DEV / "docs" / name, work, seed)
            text_data, scan_data = work / f"{text_pdf.stem}-text-data", work / f"{scan_pdf.stem}-data"
            text = facts(text_pdf, text_data, number) if repeat == 0 else text
            scan = facts(scan_pdf, scan_data, number)
            runs += 1
            differing = []
            for field in FIELDS:
                same = (text or {}).get(field) == (scan or {}).get(field)
                agree[field] += same
                if not same:
                    differing.append(f"{field}: {(text or {}).get(field)!r} ≠ {(scan or {}).get(field)!r}")
            want, got = bases(text), bases(scan)
            kept, lost, extra = kept + len(want & got), lost + len(want - got), extra + len(got - want)
            read, written = citations(text_data), citations(scan_data)
            cited_kept += sum((read & written).values())
            cited_total += sum(read.values())
            print(
                f"{name} (seed {seed}): bases {len(want & got)}/{len(want)} kept, {len(got - want)} extra; "
                f"numbers and dates {sum((read & written).values())}/{sum(read.values())} read alike"
            )
            for line in differing:
                print(f"    {line}")
            for uri in sorted(want - got):
                print(f"    lost basis {uri}")
            for uri in sorted(got - want):
                print(f"    extra basis {uri}")
            misread, instead = sorted((read - written).elements()), sorted((written - read).elements())
            if misread or instead:
                print(f"    text only: {', '.join(misread) or '-'}\n    scan only: {', '.join(instead) or '-'}")
    print(f"\n{len(names)} documents (pages 1, 2 and last) × {args.seeds} seed(s), scan vs text layer:")
    for field in FIELDS:
        print(f"  {field:16} {agree[field]}/{runs}")
    print(f"  {'bases':16} {kept}/{kept + lost} kept, {extra} extra")
    print(f"  {'numbers, dates':16} {cited_kept}/{cited_total} read alike")
    print(f"work files: {work}")


if __name__ == "__main__":
    main()
