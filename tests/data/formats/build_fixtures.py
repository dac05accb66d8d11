"""Rebuild the format fixtures in this folder from the two .txt decisions.

Not part of the test suite (no test_ prefix); run by hand when a fixture must be
remade.  Needs: python-docx, Pillow, pypdf; soffice (libreoffice-writer-nogui),
pdftoppm (poppler-utils), img2pdf, qpdf, and fonts-liberation2 (Times New
Roman is substituted by the metric-compatible Liberation Serif).

    python build_fixtures.py            # all fixtures
Everything is seeded, but LibreOffice embeds timestamps, so bytes differ per run.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from PIL import Image, ImageChops, ImageDraw, ImageFilter
from pypdf import PdfReader, PdfWriter

HERE = Path(__file__).resolve().parent
DOCS = {
    "dev-qd-6154-ubnd-hanoi-2011": 6154,
    "heldout-qd-986-ubnd-tuyenquang-2024": 986,
}
LO_PROFILE = Path(tempfile.gettempdir()) / "reform-kg-lo-profile"


# ---------------------------------------------------------------- text -> docx
def parse(txt: str) -> dict:
    lines = txt.rstrip("\n").split("\n")
    first_blank = lines.index("")
    head = lines[:first_blank]
    assert len(head) == 8, head
    sig_start = lines.index("Nơi nhận:")
    right_start = next(i for i in range(sig_start, len(lines)) if lines[i].startswith(("TM.", "KT.")))
    return {
        "header": [[head[0:3], head[3:6]], [[head[6]], [head[7]]]],
        "body": [l for l in lines[first_blank + 1 : sig_start] if l],
        "sig_left": lines[sig_start:right_start],
        "sig_right": lines[right_start:],
    }


def _no_borders(table) -> None:
    tblPr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblPr.append(borders)


def _para(container, text, *, size=14, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER, indent=None, after=0, before=0):
    p = container.add_paragraph() if hasattr(container, "add_paragraph") else container
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.0
    if indent is not None:
        fmt.first_line_indent = indent
    m = re.match(r"(Điều \d+\.)(.*)", text)
    runs = [(m.group(1), True), (m.group(2), bold)] if m else [(text, bold)]
    for chunk, b in runs:
        if not chunk:
            continue
        r = p.add_run(chunk)
        r.bold, r.italic, r.font.size = b, italic, Pt(size)
    return p


def _cell_lines(cell, lines, styles):
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    for line, st in zip(lines, styles):
        _para(cell, line, **st)


def build_docx(txt_path: Path, out: Path) -> None:
    d = parse(txt_path.read_text(encoding="utf-8"))
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
    sec.left_margin, sec.right_margin = Cm(3.0), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    normal.font.size = Pt(14)

    # header: borderless 2x2 table, left 6 cm / right 10 cm
    t = doc.add_table(rows=2, cols=2)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(t)
    t.autofit = False
    t.columns[0].width, t.columns[1].width = Cm(6.0), Cm(10.0)
    for row in t.rows:
        row.cells[0].width, row.cells[1].width = Cm(6.0), Cm(10.0)
    (l1, r1), (l2, r2) = d["header"]
    _cell_lines(t.cell(0, 0), l1, [dict(size=13), dict(size=13, bold=True), dict(size=13)])
    _cell_lines(t.cell(0, 1), r1, [dict(size=12, bold=True), dict(size=13, bold=True), dict(size=13)])
    _cell_lines(t.cell(1, 0), l2, [dict(size=13, after=6)])
    _cell_lines(t.cell(1, 1), r2, [dict(size=14, italic=True, after=6)])

    body = d["body"]
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    for i, line in enumerate(body):
        if line == "QUYẾT ĐỊNH" or (i in (1, 2) and body[0] == "QUYẾT ĐỊNH"):
            _para(doc, line, bold=True, after=0 if i < 2 else 6, before=12 if i == 0 else 0)
        elif line == "QUYẾT ĐỊNH:":
            _para(doc, line, bold=True, after=6)
        elif line.startswith(("Căn cứ", "Xét ", "Theo đề nghị")):
            _para(doc, line, italic=True, align=justify, indent=Cm(1), after=3)
        else:
            _para(doc, line, align=justify, indent=Cm(1), after=3)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)

    # signature: borderless 1x2 table
    s = doc.add_table(rows=1, cols=2)
    s.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(s)
    s.rows[0].cells[0].width, s.rows[0].cells[1].width = Cm(8.0), Cm(8.0)
    left = d["sig_left"]
    _cell_lines(
        s.cell(0, 0),
        left,
        [dict(size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)]
        + [dict(size=11, align=WD_ALIGN_PARAGRAPH.LEFT)] * (len(left) - 1),
    )
    right = d["sig_right"]
    styles = [dict(size=14, bold=True, after=(36 if line == "" else 0)) for line in right]
    _cell_lines(s.cell(0, 1), right, styles)
    doc.core_properties.author = "reform-kg fixtures"
    doc.core_properties.title = body[1]
    doc.save(out)


# ------------------------------------------------------------ LibreOffice
def soffice(src: Path, fmt: str, outdir: Path) -> Path:
    cmd = [
        "soffice",
        f"-env:UserInstallation=file://{LO_PROFILE}",
        "--headless",
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        str(src),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    return outdir / (src.stem + "." + fmt.split(":")[0])


# ------------------------------------------------------------ scan simulation
def scan_noise(page: Image.Image, rng: random.Random) -> Image.Image:
    """150 dpi grey page -> scanner-like: tilt 0.5-1.5 deg, offset, grey paper,
    soft focus, sensor noise, a few dust specks."""
    angle = rng.uniform(0.5, 1.5) * rng.choice((-1, 1))
    img = page.convert("L").rotate(
        angle, resample=Image.BICUBIC, fillcolor=255, translate=(rng.randint(-12, 12), rng.randint(-8, 8))
    )
    img = img.point(lambda v: int(28 + v * (232 - 28) / 255))  # paper/ink levels
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    noise = Image.effect_noise(img.size, 9)  # centred on 128
    img = ImageChops.add(img, noise, scale=1.0, offset=-128)
    draw = ImageDraw.Draw(img)
    for _ in range(25):
        x, y, r = rng.randrange(img.width), rng.randrange(img.height), rng.choice((1, 1, 2))
        draw.ellipse((x, y, x + r, y + r), fill=rng.randint(40, 120))
    img.info["angle"] = angle
    return img


def raster(pdf: Path, workdir: Path) -> list[Image.Image]:
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), str(workdir / "p")], check=True)
    return [Image.open(p).copy() for p in sorted(workdir.glob("p-*.png"))]


def jpeg_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=72, dpi=(150, 150), optimize=True)
    return buf.getvalue()


def build_all() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, seed in DOCS.items():
            txt = HERE / f"{name}.txt"
            docx = HERE / f"{name}.docx"
            build_docx(txt, docx)
            for fmt in ("doc:MS Word 97", "odt", "rtf"):
                soffice(docx, fmt, HERE)
            pdf = soffice(docx, "pdf", tmp)
            pages_dir = tmp / name
            pages_dir.mkdir()
            pages = raster(pdf, pages_dir)
            rng = random.Random(seed)
            scans = [scan_noise(p, rng) for p in pages]
            print(name, "pages:", len(pages), "angles:", [round(s.info["angle"], 2) for s in scans], file=sys.stderr)
            jpgs = [jpeg_bytes(s) for s in scans]
            import img2pdf

            (HERE / f"{name}-scan.pdf").write_bytes(img2pdf.convert(jpgs))
            assert all(not (pg.extract_text() or "").strip() for pg in PdfReader(HERE / f"{name}-scan.pdf").pages)
            if name.startswith("dev-"):
                # mixed: page 1 = LibreOffice text page, pages 2.. = scanned images
                w = PdfWriter()
                w.append(str(pdf), pages=[0])
                w.append(str(HERE / f"{name}-scan.pdf"), pages=list(range(1, len(jpgs))))
                w.write(HERE / f"{name}-mixed.pdf")
                # page-1 image (phone/scanner PNG), palette-quantised to 32 greys
                png = HERE / f"{name}-page1.png"
                Image.open(io.BytesIO(jpgs[0])).save(png, dpi=(150, 150), optimize=True)
                if shutil.which("pngquant"):
                    subprocess.run(["pngquant", "--force", "--skip-if-larger", "32", "--output", str(png), str(png)], check=False)
                # multi-page TIFF, bilevel CCITT G4 as office MFPs produce
                bil = [Image.open(io.BytesIO(j)).point(lambda v: 255 if v > 150 else 0).convert("1") for j in jpgs]
                bil[0].save(HERE / f"{name}.tif", compression="group4", dpi=(150, 150), save_all=True, append_images=bil[1:])

        # ---- error cases
        w = PdfWriter()
        w.add_blank_page(595.28, 841.89)
        w.add_blank_page(595.28, 841.89)
        w.write(HERE / "blank.pdf")
        dev_pdf = soffice(HERE / f"{next(iter(DOCS))}.docx", "pdf", tmp)
        one = tmp / "one.pdf"
        w = PdfWriter()
        w.append(str(dev_pdf), pages=[0])
        w.write(one)
        subprocess.run(
            ["qpdf", "--encrypt", "user-pw-1234", "owner-pw-5678", "256", "--", str(one), str(HERE / "encrypted.pdf")], check=True
        )
        tiny = Image.new("L", (20, 12), 255)
        ImageDraw.Draw(tiny).line((2, 6, 17, 6), fill=0)
        tiny.save(HERE / "tiny.png")


if __name__ == "__main__":
    build_all()
