"""OCR of one page, offline, in Vietnamese: render, deskew, tesseract (text and word confidences in one run).

Why tesseract directly rather than ocrmypdf (measured on the fixture scans, README "What ingest
does"): we need text, not a searchable PDF, and per page — a time limit, a confidence, a progress
step and a cache entry for each page, pages of one file spread over the cores. ocrmypdf gives the
text of a whole file at once (confidences only through its temporary hOCR files) and took 2.9 s a
page with --deskew; this takes about 2 s a page for the same or better character accuracy.

Each page: rendered at 300 dpi (PDF: poppler's pdftoppm; image: Pillow, upscaled when scanned at
less — measured 94.9% vs 94.4% character accuracy on the 150 dpi TIFF), deskewed by the angle whose
row and column ink profiles are sharpest (±5°), then read by tesseract `-l vie --psm 1`: automatic
layout with orientation detection, so pages scanned sideways or upside down are read too. The
words of document numbers and dates that it was unsure of are read again from the image, one by
one, and take what most readings agree on (ingest.ocr_digits).
"""

from __future__ import annotations

import csv
import functools
import io
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from core.errors import IngestError
from ingest.ocr_digits import OcrWord, reread_citation_digits

LANGUAGE = "vie"
DPI = 300
MAX_PIXELS = 60_000_000  # a page rendered or upscaled past this is read at a lower resolution
MIN_SIDE = 200  # pixels: smaller images cannot hold a readable line of text
MAX_SKEW = 5.0  # degrees
REVIEW_MEAN = 90.0  # a page below this mean word confidence, or with more than REVIEW_LOW_SHARE of
REVIEW_LOW_SHARE = 0.08  # its words under 80, is flagged for review (measured on degraded copies)
NOISE_CONFIDENCE = 50.0  # a line re-read with a lower mean word confidence is noise (text reads over 80)
# Part of the OCR cache key: change it when this recipe changes.
SETTINGS_VERSION = "vie psm1 300dpi deskew columns citation-digits v5"
INSTALL_HINT = "install tesseract-ocr-vie and poppler-utils ('make system', or apt-get install tesseract-ocr-vie poppler-utils)"


class OcrNeeded(Exception):
    """Raised by a reader: these pages have no text layer and no OCR result yet (not an error of the file)."""

    def __init__(self, requests: list[PageRequest]) -> None:
        super().__init__(f"{len(requests)} page(s) need OCR")
        self.requests = requests


@dataclass(frozen=True)
class PageRequest:
    """One page to OCR: a PDF page (with its size in points, to bound the rendering) or an image frame."""

    source: str  # "pdf" or "image"
    page: int  # 1-based
    width_pt: float = 0.0
    height_pt: float = 0.0


@dataclass(frozen=True)
class OcrPage:
    """What tesseract read on one page, with its confidence (mean word confidence, 0-100)."""

    page: int
    text: str
    confidence: float
    low_share: float  # share of words read with confidence under 80
    words: int
    seconds: float
    blank: bool = False

    @property
    def review(self) -> bool:
        return not self.blank and (self.confidence < REVIEW_MEAN or self.low_share > REVIEW_LOW_SHARE)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> OcrPage:
        return cls(**{k: value[k] for k in ("page", "text", "confidence", "low_share", "words", "seconds", "blank")})

    def summary(self) -> dict[str, Any]:
        """The page's entry in the document's metadata (`metadata.ocr.pages`)."""
        return {
            "page": self.page,
            "confidence": round(self.confidence, 1),
            "low_confidence_words": round(self.low_share, 3),
            "words": self.words,
            "blank": self.blank,
            "review": self.review,
        }


def tesseract_version() -> str:
    """ "tesseract 5.3.0", or "" when tesseract is not installed (the OCR cache key includes it)."""
    try:
        result = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (result.stdout or result.stderr).split("\n", 1)[0].strip()


@functools.cache
def installed_languages() -> frozenset[str]:
    """The models tesseract has ("vie", "eng", "osd"), asked once per process."""
    try:
        result = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(line.strip() for line in result.stdout.splitlines()[1:] if line.strip())


def ocr_request(path: str, request: PageRequest, *, timeout: float) -> OcrPage:
    """OCR one page of the file at `path` (runs in an ingest worker process)."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reform-ocr-") as scratch:
        if request.source == "pdf":
            image = _render_pdf_page(path, request, Path(scratch), timeout=timeout)
        else:
            image = _image_frame(path, request.page)
        return _recognize(image, request.page, Path(scratch), timeout=timeout, started=started)


def _render_pdf_page(path: str, request: PageRequest, scratch: Path, *, timeout: float):
    from PIL import Image  # lazy: Pillow is only needed when a page is OCRed

    area = max(request.width_pt, 1.0) * max(request.height_pt, 1.0) / 72 / 72
    dpi = max(30, min(DPI, int((MAX_PIXELS / area) ** 0.5)))
    out = scratch / "page"
    command = [
        "pdftoppm",
        "-r",
        str(dpi),
        "-gray",
        "-f",
        str(request.page),
        "-l",
        str(request.page),
        "-singlefile",
        path,
        str(out),
    ]
    _run(command, timeout=timeout, what=f"rendering page {request.page}")
    rendered = out.with_suffix(".pgm")
    if not rendered.exists():
        raise IngestError(f"PDF page {request.page} could not be rendered for OCR")
    image = Image.open(rendered)
    image.load()
    image.info["dpi"] = (dpi, dpi)
    return image


def _image_frame(path: str, frame: int):
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(path)
        image.seek(frame - 1)
        dpi = _dpi(image)
        grey = image.convert("L")
    except (UnidentifiedImageError, OSError, EOFError, ValueError, Image.DecompressionBombError) as exc:
        raise IngestError(f"image cannot be read (page {frame}): {exc}") from None
    scale = min(DPI / dpi, (MAX_PIXELS / max(grey.width * grey.height, 1)) ** 0.5) if dpi < 250 else 1.0
    if scale > 1.05:
        grey = grey.resize((int(grey.width * scale), int(grey.height * scale)), Image.Resampling.LANCZOS)
        dpi = int(dpi * scale)
    grey.info["dpi"] = (dpi, dpi)
    return grey


def _dpi(image) -> float:
    """The image's resolution, or one guessed from its width as an A4 page (8.27 in) when it has none."""
    stated = image.info.get("dpi")
    if stated and stated[0] and 50 <= float(stated[0]) <= 1200:
        return float(stated[0])
    return max(70.0, min(600.0, image.width / 8.27))


def _recognize(image, page: int, scratch: Path, *, timeout: float, started: float) -> OcrPage:
    import numpy as np
    from PIL import Image

    dpi = int(image.info.get("dpi", (DPI, DPI))[0])
    pixels = np.asarray(image)
    if (pixels < 128).mean() < 0.0005:  # no ink: a blank page (or the back of a sheet)
        return OcrPage(page, "", 0.0, 0.0, 0, time.perf_counter() - started, blank=True)
    angle = skew_angle(pixels)
    if abs(angle) >= 0.1:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    source = scratch / "deskewed.pgm"
    image.save(source)
    base = scratch / "ocr"
    command = ["tesseract", str(source), str(base), "-l", LANGUAGE, "--psm", "1", "--dpi", str(dpi), "tsv"]
    _run(command, timeout=timeout, what=f"OCR of page {page}", env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    tsv = base.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace")
    confidence, low_share, words = word_confidences(tsv)

    def read_crop(left: int, top: int, bottom: int) -> list[_Row]:
        crop = scratch / "column.pgm"
        image.crop((left, max(0, top), image.width, min(image.height, bottom))).save(crop)
        command = ["tesseract", str(crop), str(scratch / "column"), "-l", LANGUAGE, "--psm", "6", "--dpi", str(dpi), "tsv"]
        _run(command, timeout=timeout, what=f"OCR of page {page}", env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        shifted = (scratch / "column.tsv").read_text(encoding="utf-8", errors="replace")
        return [
            (
                p,
                [
                    [OcrWord(w.left + left, w.top + top, w.right + left, w.bottom + top, w.confidence, w.text) for w in s]
                    for s in segments
                ],
            )
            for p, segments in ((p, split_columns(ws)) for p, ws in tsv_lines(shifted))
        ]

    rows = reread_weak_column([(p, split_columns(ws)) for p, ws in tsv_lines(tsv)], read_crop)
    rows = reread_citation_digits(rows, image, lambda crops, lang: read_words(crops, lang, scratch, dpi=dpi, timeout=timeout))
    return OcrPage(page, clean_ocr_text(_rows_text(rows)), confidence, low_share, words, time.perf_counter() - started)


def read_words(images: list[Any], language: str, scratch: Path, *, dpi: int, timeout: float) -> list[str]:
    """The text tesseract reads on each image as one line (`--psm 7`), all images in one run.

    Nothing ("" for each image) when the model of `language` is not installed: the English model
    comes with Debian's tesseract-ocr, but a tesseract built without it still reads the page.
    """
    if language not in installed_languages():
        return ["" for _ in images]
    paths = []
    for n, word in enumerate(images):
        paths.append(scratch / f"word{n}.png")
        word.save(paths[-1])
    listing = scratch / "words.txt"
    listing.write_text("".join(f"{path}\n" for path in paths), encoding="utf-8")
    command = ["tesseract", str(listing), str(scratch / "words"), "-l", language, "--psm", "7", "--dpi", str(dpi), "tsv"]
    _run(command, timeout=timeout, what="OCR of a page's numbers and dates", env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    read: list[list[str]] = [[] for _ in images]
    tsv = (scratch / "words.tsv").read_text(encoding="utf-8", errors="replace")
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") == "5" and text and 1 <= int(row["page_num"]) <= len(read):
            read[int(row["page_num"]) - 1].append(text)
    return [clean_ocr_text("".join(words)) for words in read]


def skew_angle(pixels, *, max_degrees: float = MAX_SKEW) -> float:
    """Degrees to rotate the page (counter-clockwise) so its text lines are level.

    The angle whose row and column profiles of ink are sharpest (largest sum of squares): text
    lines, table rules and margins all line up at the right angle. Coarse 0.5° steps, then 0.05°.
    """
    import numpy as np

    step = max(1, int(max(pixels.shape) / 1200))
    ys, xs = np.nonzero(pixels[::step, ::step] < 128)
    if len(xs) < 500:
        return 0.0
    if len(xs) > 150_000:
        keep = np.random.default_rng(0).choice(len(xs), 150_000, replace=False)
        ys, xs = ys[keep], xs[keep]
    xs, ys = xs - xs.mean(), ys - ys.mean()

    def sharpness(degrees: float) -> float:
        theta = np.deg2rad(degrees)
        rows = ys * np.cos(theta) - xs * np.sin(theta)
        columns = xs * np.cos(theta) + ys * np.sin(theta)
        return float(sum((np.bincount((p - p.min()).astype(np.int64)).astype(np.float64) ** 2).sum() for p in (rows, columns)))

    coarse = max(np.arange(-max_degrees, max_degrees + 1e-9, 0.5), key=sharpness)
    return round(float(max(np.arange(coarse - 0.5, coarse + 0.5 + 1e-9, 0.05), key=sharpness)), 2)


def word_confidences(tsv: str) -> tuple[float, float, int]:
    """(mean word confidence, share of words under 80, words) from tesseract's TSV output."""
    confidences = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") == "5" and (row.get("text") or "").strip():
            try:
                confidences.append(float(row.get("conf") or -1))
            except ValueError:
                continue
    confidences = [c for c in confidences if c >= 0]
    if not confidences:
        return 0.0, 0.0, 0
    return sum(confidences) / len(confidences), sum(1 for c in confidences if c < 80) / len(confidences), len(confidences)


def clean_ocr_text(text: str) -> str:
    """Tesseract's typographic stand-ins back to what documents write: the fraction slash in "25⁄2010".

    >>> clean_ocr_text("Thông tư số 25⁄2010/TTLT và 17/⁄2006")
    'Thông tư số 25/2010/TTLT và 17/2006'
    """
    return text.replace("/\u2044", "/").replace("\u2044", "/").replace("\f", "\n")


def _run(command: list[str], *, timeout: float, what: str, env: dict[str, str] | None = None) -> None:
    if shutil.which(command[0]) is None:
        raise IngestError(f"OCR needs {command[0]}: {INSTALL_HINT}")
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise IngestError(f"{what} took longer than {timeout:g} s (REFORM_OCR_PAGE_TIMEOUT)") from None
    if result.returncode != 0:
        message = " ".join(result.stderr.decode("utf-8", "replace").split())[-300:]
        if "Failed loading language" in message or "vie.traineddata" in message:
            raise IngestError(f"OCR needs tesseract's Vietnamese data: {INSTALL_HINT}")
        raise IngestError(f"{what} failed ({command[0]} exit status {result.returncode}: {message or 'no message'})")


def tsv_lines(tsv: str) -> list[tuple[tuple[int, int], list[OcrWord]]]:
    """Tesseract's words grouped by line ((block, paragraph), words left to right), in reading order."""
    lines: dict[tuple[int, int, int], list[OcrWord]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        try:
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            left, top, width, height = (int(row[k]) for k in ("left", "top", "width", "height"))
            confidence = float(row.get("conf") or -1)
        except (KeyError, TypeError, ValueError):
            continue
        lines.setdefault(key, []).append(OcrWord(left, top, left + width, top + height, confidence, text))
    return [((key[0], key[1]), sorted(words, key=lambda w: w.left)) for key, words in lines.items()]


def split_columns(words: list[OcrWord]) -> list[list[OcrWord]]:
    """A line's words cut where the gap is wider than three line heights (two columns side by side)."""
    heights = sorted(w.bottom - w.top for w in words)
    gap = 3 * heights[len(heights) // 2]
    segments = [[words[0]]]
    for before, word in zip(words, words[1:], strict=False):
        if word.left - before.right > gap:
            segments.append([])
        segments[-1].append(word)
    return segments


def tsv_text(tsv: str) -> str:
    """Page text from tesseract's TSV: lines in reading order, paragraphs apart, columns kept apart.

    Tesseract reads a two-column block (the issuer and the national motto, "Nơi nhận" and the
    signature) as single lines; where two words of a line are more than three line heights apart
    the line is written "left | right", as every reader writes a table row, so the parsers of the
    header and the signature see the two columns apart.
    """
    return _rows_text([(paragraph, split_columns(words)) for paragraph, words in tsv_lines(tsv)])


_Row = tuple[tuple[int, int], list[list[OcrWord]]]


def _rows_text(rows: list[_Row]) -> str:
    out: list[str] = []
    previous: tuple[int, int] | None = None
    for paragraph, segments in rows:
        if previous is not None and previous != paragraph:
            out.append("")
        previous = paragraph
        out.append(" | ".join(" ".join(w.text for w in segment) for segment in segments if segment))
    return "\n".join(out)


def _mean_confidence(words: list[OcrWord]) -> float:
    return sum(w.confidence for w in words) / len(words)


def reread_weak_column(rows: list[_Row], read_crop) -> list[_Row]:
    """Rows whose right column was misread (tesseract mixed it into the left column's lines) read again.

    The signature block ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH" beside the "Nơi nhận" list) is printed in
    another size and line spacing than the list beside it; read as part of the list's lines it comes
    out as noise. The right column of those rows is cropped and read as a block of its own
    (`read_crop(left, top, bottom)` returns rows in page coordinates), and its lines are put back
    beside the list lines at their height; a re-read line of near-zero confidence (the crop held
    only paper grain or a stamp) is dropped, not put back.
    """
    weak = [i for i, (_, segments) in enumerate(rows) if any(_misread_column(s) for s in segments[1:])]
    if not weak:
        return rows
    x0 = min(s[0].left for i in weak for s in rows[i][1][1:] if s) - 20
    first, last = weak[0], weak[-1]
    while first > 0 and _apart_at(rows[first - 1][1], x0):
        first -= 1
    while last + 1 < len(rows) and _apart_at(rows[last + 1][1], x0):
        last += 1
    region = rows[first : last + 1]
    # The column starts at its leftmost text, read well or not: a crop from a speck's edge would cut
    # through a name centred under its title ("ọc Tuần" for "Nguyễn Ngọc Tuấn").
    column = min((s[0].left for _, segments in region for s in segments[1:] if s), default=x0 + 20) - 20
    if column < x0 and all(_apart_at(segments, column) for _, segments in region):
        x0 = column
    top = min(w.top for _, segments in region for s in segments for w in s) - 10
    bottom = max(w.bottom for _, segments in region for s in segments for w in s) + 10
    replacement: list[_Row] = [(paragraph, [[w for s in segments for w in s if w.right < x0]]) for paragraph, segments in region]
    for _, crop_segments in read_crop(x0, top, bottom):
        words = [w for s in crop_segments for w in s]
        if _mean_confidence(words) < NOISE_CONFIDENCE:
            continue  # paper grain or a stamp's texture read as letters, not a column of text
        middle = (min(w.top for w in words) + max(w.bottom for w in words)) / 2
        nearest = min(range(len(region)), key=lambda i: abs(_middle(region[i][1]) - middle))
        replacement[nearest][1].append(words)
    return rows[:first] + replacement + rows[last + 1 :]


def _misread_column(segment: list[OcrWord]) -> bool:
    """A right-hand segment read with low confidence that holds text: a letter or digit at least.

    A lone speck read as ":" or "_" beside a line is no column: cropping the blank paper right of it
    and reading that as a block gives lines of noise (measured on the bench/ocr_facts.py scans).
    """
    return bool(segment) and _mean_confidence(segment) < 70 and any(c.isalnum() for w in segment for c in w.text)


def _apart_at(segments: list[list[OcrWord]], x: int) -> bool:
    """No word of the row crosses the column edge `x`."""
    return all(w.right < x or w.left >= x for s in segments for w in s)


def _middle(segments: list[list[OcrWord]]) -> float:
    words = [w for s in segments for w in s]
    return (min(w.top for w in words) + max(w.bottom for w in words)) / 2 if words else 0.0
