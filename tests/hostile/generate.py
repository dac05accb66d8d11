"""Generators of hostile input files: valid small PDFs/DOCX to damage, zip bombs, odd encodings, names.

Everything is deterministic given a `random.Random`; nothing runs at import time.
"""

from __future__ import annotations

import io
import os
import random
import unicodedata
import zipfile
import zlib
from pathlib import Path

EXTENSIONS = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".doc", ".odt", ".rtf", ".png", ".jpg", ".tif")
MAGIC = {
    ".pdf": b"%PDF-1.7\n",
    ".docx": b"PK\x03\x04",
    ".odt": b"PK\x03\x04",
    ".doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    ".rtf": b"{\\rtf1\\ansi ",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    ".tif": b"II*\x00",
    ".html": b"<!DOCTYPE html><html><body>",
    ".htm": b"<html><p>",
    ".txt": b"\xef\xbb\xbf",
    ".md": b"# ",
}

VI_TEXT = (
    "Ngày 11 tháng 1 năm 2023, Ủy ban nhân dân thành phố Hà Nội ban hành Quyết định số 280/QĐ-UBND về Kế hoạch "
    "cải cách hành chính nhà nước năm 2023, với mục tiêu chung là hoạt động của các cơ quan nhà nước thuộc Thành "
    "phố đồng bộ, thông suốt, minh bạch, nhanh chóng, hiệu quả; đồng thời xác định trọng tâm tiếp tục cải cách thủ "
    "tục hành chính và phát triển chính quyền điện tử, chính quyền số. Ngay từ đầu năm, Ủy ban nhân dân Thành phố đã "
    "thành lập Ban Chỉ đạo Cải cách hành chính, chuyển đổi số trên cơ sở hợp nhất Ban Chỉ đạo Chuyển đổi số Thành phố "
    "để đảm bảo sự chỉ đạo tập trung, toàn diện, thống nhất, đồng bộ công tác cải cách hành chính."
)
ASCII_TEXT = (
    "Ke hoach cai cach hanh chinh nha nuoc nam 2023 cua Uy ban nhan dan thanh pho Ha Noi. Muc tieu chung la hoat "
    "dong cua cac co quan nha nuoc dong bo, thong suot, minh bach, nhanh chong, hieu qua; tiep tuc cai cach thu tuc "
    "hanh chinh va phat trien chinh quyen dien tu, chinh quyen so. Ban Chi dao Cai cach hanh chinh duoc thanh lap."
)
FR_TEXT = (
    "Réforme administrative : l'État modernise ses procédures. Égalité d'accès aux services publics, "
    "qualité, efficacité, transparence ; les préfectures numérisent leurs démarches à côté des guichets. "
    "Œuvre de longue haleine, la réforme concerne aussi les collectivités territoriales et les élus."
)
RU_TEXT = (
    "Административная реформа в городе Ханой: упрощение процедур, электронное правительство, "
    "цифровая трансформация и повышение качества государственных услуг для граждан и предприятий."
)
# The classic look of Vietnamese typed in legacy 8-bit fonts, as the bytes land on disk.
TCVN3_BYTES = (
    "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\n\nQuyÕt ®Þnh sè 280/Q§-UBND vÒ kÕ ho¹ch "
    "c¶i c¸ch hµnh chÝnh nhµ n­íc n¨m 2023 cña Uû ban nh©n d©n thµnh phè Hµ Néi. Môc tiªu chung lµ ho¹t ®éng "
    "cña c¸c c¬ quan nhµ n­íc thuéc Thµnh phè ®ång bé, th«ng suèt, minh b¹ch, nhanh chãng, hiÖu qu¶.\n"
).encode("cp1252", "replace")
VNI_BYTES = (
    "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc\n\nQuyeát ñònh soá 280/QÑ-UBND veà "
    "keá hoaïch caûi caùch haønh chính nhaø nöôùc naêm 2023 cuûa UÛy ban nhaân daân thaønh phoá Haø Noäi. Muïc tieâu "
    "chung laø hoaït ñoäng cuûa caùc cô quan nhaø nöôùc thuoäc Thaønh phoá ñoàng boä, thoâng suoát, minh baïch.\n"
).encode("cp1252", "replace")


def vi_doc(tag: str, paragraphs: int = 3) -> str:
    """A valid Vietnamese article, made unique by `tag` (so content hashes differ)."""
    head = f"Bài viết kiểm thử {tag}: cải cách hành chính ở Hà Nội\n\n"
    body = "\n\n".join(f"{VI_TEXT} Đoạn {i} của tài liệu {tag}." for i in range(paragraphs))
    return head + body + "\n"


# --------------------------------------------------------------------------- PDF


def _pdf_str(s: str) -> bytes:
    return b"(" + s.encode("latin-1", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def make_pdf(
    lines: list[str] | None = None,
    *,
    title: str | None = "Ke hoach 280",
    content: bytes | None = None,
    pages_obj: bytes | None = None,
    extra_trailer: bytes = b"",
    compress: bool = False,
    flate_data: bytes | None = None,
) -> bytes:
    """A small valid PDF (Helvetica text layer) or, with the overrides, a crafted broken one."""
    if content is None:
        lines = lines or [ASCII_TEXT[i : i + 90] for i in range(0, len(ASCII_TEXT), 90)]
        ops = [b"BT /F1 11 Tf 50 800 Td 14 TL"]
        for line in lines:
            ops.append(_pdf_str(line) + b" Tj T*")
        ops.append(b"ET")
        content = b"\n".join(ops)
    stream_dict = b""
    if flate_data is not None:
        content, stream_dict = flate_data, b" /Filter /FlateDecode"
    elif compress:
        content = zlib.compress(content, 9)
        stream_dict = b" /Filter /FlateDecode"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        pages_obj or b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d%s >>\nstream\n" % (len(content), stream_dict) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title " + _pdf_str(title or "") + b" /Producer (hostile) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, extra_trailer, xref)
    )
    return out.getvalue()


def crafted_pdfs(rng: random.Random) -> dict[str, bytes]:
    nested = b"[" * 100_000 + b"]" * 100_000
    return {
        "valid.pdf": make_pdf(),
        "valid-compressed.pdf": make_pdf(compress=True),
        "page-tree-loop.pdf": make_pdf(pages_obj=b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>"),
        "page-count-1e9.pdf": make_pdf(pages_obj=b"<< /Type /Pages /Kids [3 0 R] /Count 1000000000 >>"),
        "kids-not-array.pdf": make_pdf(pages_obj=b"<< /Type /Pages /Kids 3 0 R /Count 1 >>"),
        "nested-arrays-100k.pdf": make_pdf(pages_obj=b"<< /Type /Pages /Kids [3 0 R] /Count 1 /X " + nested + b" >>"),
        "nested-dicts-20k.pdf": make_pdf(
            pages_obj=b"<< /Type /Pages /Kids [3 0 R] /Count 1 /X " + b"<< /A " * 20_000 + b">> " * 20_000 + b">>"
        ),
        "bogus-encrypt.pdf": make_pdf(extra_trailer=b" /Encrypt << /Filter /Standard /V 2 /R 3 /O (x) /U (y) /P -4 >>"),
        "no-text-layer.pdf": make_pdf(content=b"q 100 0 0 100 50 700 cm 0 0 1 rg 0 0 1 1 re f Q"),
        "title-xss.pdf": make_pdf(title="<script>alert('pdf')</script>" + "A" * 5000),
        "startxref-garbage.pdf": make_pdf().replace(b"startxref\n", b"startxref\n99999999999999999999"),
        "header-only.pdf": b"%PDF-1.7\n",
        "eof-only.pdf": b"%%EOF\n",
        "random-objects.pdf": b"%PDF-1.4\n"
        + b"".join(b"%d 0 obj\n" % i + rng.randbytes(200) + b"\nendobj\n" for i in range(1, 200)),
        "length-indirect-self.pdf": make_pdf().replace(b"<< /Length ", b"<< /Length 4 0 R /X ", 1),
    }


def flate_bomb_pdf(mb: int, chunk: bytes = b" ") -> bytes:
    """A PDF whose only page's content stream inflates to `mb` MB of `chunk` repeated."""
    comp = zlib.compressobj(9)
    block = chunk * ((1 << 20) // len(chunk))
    data = b"".join(comp.compress(block) for _ in range(mb)) + comp.flush()
    return make_pdf(flate_data=data)


# --------------------------------------------------------------------------- DOCX

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="bin" ContentType="application/octet-stream"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)
DOC_RELS_WITH_BIN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/package" Target="embeddings/blob.bin"/>'
    "</Relationships>"
)


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def docx_paragraph(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{_xml_escape(text)}</w:t></w:r></w:p>'


def docx_table(rows: list[list[str]], span: int | None = None) -> str:
    out = ["<w:tbl><w:tblPr/><w:tblGrid>" + "<w:gridCol/>" * max(len(r) for r in rows) + "</w:tblGrid>"]
    for row in rows:
        out.append("<w:tr>")
        for i, cell in enumerate(row):
            props = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span and i == 0 else "<w:tcPr/>"
            out.append(f"<w:tc>{props}{docx_paragraph(cell)}</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def document_xml(body: str, prolog: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        + prolog
        + f'<w:document xmlns:w="{W_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    ).encode("utf-8")


def core_xml(title: str = "Kế hoạch kiểm thử") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{_xml_escape(title)}</dc:title></cp:coreProperties>'
    ).encode()


def make_docx(
    body_xml: str | None = None,
    *,
    title: str = "Kế hoạch kiểm thử",
    doc_xml: bytes | None = None,
    parts: dict[str, bytes] | None = None,
) -> bytes:
    if doc_xml is None:
        if body_xml is None:
            body_xml = "".join(docx_paragraph(p) for p in vi_doc("docx").split("\n\n")) + docx_table(
                [["Chỉ tiêu", "Kết quả"], ["PAR INDEX 2022", "89,58%"], ["SIPAS 2022", "86,6%"]]
            )
        doc_xml = document_xml(body_xml)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("word/document.xml", doc_xml)
        z.writestr("docProps/core.xml", core_xml(title))
        for name, data in (parts or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def streamed_docx(
    path: Path, chunks, *, part: str = "word/document.xml", doc_xml: bytes | None = None, doc_rels: str | None = None
) -> None:
    """A docx whose `part` is written from an iterator of byte chunks (so a 1 GB member never sits in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("docProps/core.xml", core_xml())
        if doc_xml is not None:
            z.writestr("word/document.xml", doc_xml)
        if doc_rels is not None:
            z.writestr("word/_rels/document.xml.rels", doc_rels)
        info = zipfile.ZipInfo(part, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as member:
            for chunk in chunks:
                member.write(chunk)


def zeros(total_mb: int):
    block = bytes(1 << 20)
    for _ in range(total_mb):
        yield block


def paragraph_stream(total_mb: int):
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}"><w:body>'.encode()
    yield head
    para = "<w:p><w:r><w:t>cải cách hành chính</w:t></w:r></w:p>".encode()
    block = para * ((1 << 20) // len(para))
    for _ in range(total_mb):
        yield block
    yield b"<w:sectPr/></w:body></w:document>"


def overlapping_zip(kernel_mb: int = 100, entries: int = 200) -> bytes:
    """A docx whose central directory lists the same compressed kernel many times (overlapping entries).

    Every entry is called word/document.xml: zip readers that check the local header's name accept
    it, so a reader that inflates every entry inflates the kernel `entries` times.
    """
    name = b"word/document.xml"
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = b"<w:p/>" * ((kernel_mb << 20) // 6)
    data = comp.compress(raw) + comp.flush()
    crc = zlib.crc32(raw)
    import struct

    out = io.BytesIO()
    # ordinary members first
    normal = io.BytesIO()
    with zipfile.ZipFile(normal, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("docProps/core.xml", core_xml())
    zin = zipfile.ZipFile(io.BytesIO(normal.getvalue()))
    central = []
    for info in zin.infolist():
        offset = out.tell()
        payload = normal.getvalue()[info.header_offset : info.header_offset + 30 + len(info.filename) + info.compress_size]
        out.write(payload)
        central.append((info.filename.encode(), offset, info.CRC, info.compress_size, info.file_size))
    kernel_offset = out.tell()
    size = len(raw) & 0xFFFFFFFF
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(name), 0) + name + data)
    for _ in range(entries):
        central.append((name, kernel_offset, crc, len(data), size))
    cd_start = out.tell()
    for fname, offset, c, csize, usize in central:
        method = 8
        out.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0, c, csize, usize, len(fname), 0, 0, 0, 0, 0, offset
            )
            + fname
        )
    cd_size = out.tell() - cd_start
    n = len(central)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, cd_size, cd_start, 0))
    return out.getvalue()


def nested_zip_docx(depth: int = 6, width: int = 8) -> bytes:
    """A docx carrying a zip of zips (42.zip style, small) as an embedded package part."""
    blob = zlib.compress(bytes(1 << 20), 9)
    layer = None
    for level in range(depth):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for i in range(width):
                z.writestr(f"l{level}-{i}.zip" if layer else f"zeros-{i}.bin", layer or blob)
        layer = buf.getvalue()
    return make_docx(parts={"word/embeddings/blob.bin": layer, "word/_rels/document.xml.rels": DOC_RELS_WITH_BIN.encode()})


def billion_laughs_docx() -> bytes:
    prolog = (
        '<!DOCTYPE w:document [<!ENTITY a "ha">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
        + "]>"
    )
    return make_docx(doc_xml=document_xml(docx_paragraph("x") + "<w:p><w:r><w:t>&j;</w:t></w:r></w:p>", prolog))


def xxe_docx(secret: Path) -> bytes:
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    body = "".join(docx_paragraph(p) for p in vi_doc("xxe").split("\n\n")) + "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>"
    return make_docx(doc_xml=document_xml(body, prolog))


def crafted_docx(rng: random.Random) -> dict[str, bytes]:
    valid = make_docx()
    return {
        "valid.docx": valid,
        "valid-title-xss.docx": make_docx(title="<img src=x onerror=alert('docx')>" + "T" * 3000),
        "not-xml-document.docx": make_docx(doc_xml=rng.randbytes(4000)),
        "no-document-part.docx": _zip({"[Content_Types].xml": CONTENT_TYPES.encode(), "_rels/.rels": ROOT_RELS.encode()}),
        "no-content-types.docx": _zip(
            {"_rels/.rels": ROOT_RELS.encode(), "word/document.xml": document_xml(docx_paragraph(VI_TEXT))}
        ),
        "rels-point-outside.docx": _zip(
            {
                "[Content_Types].xml": CONTENT_TYPES.encode(),
                "_rels/.rels": ROOT_RELS.replace("word/document.xml", "../../../../etc/passwd").encode(),
                "word/document.xml": document_xml(docx_paragraph(VI_TEXT)),
            }
        ),
        "empty-zip.docx": _zip({}),
        "empty-body.docx": make_docx(""),
        "deep-nesting-5000.docx": make_docx(doc_xml=document_xml("<w:p>" * 5000 + "</w:p>" * 5000)),
        "table-1000x50.docx": make_docx(docx_table([[f"ô {r}-{c} cải cách" for c in range(50)] for r in range(1000)])),
        "encrypted-flag.docx": _zip(
            {
                "[Content_Types].xml": CONTENT_TYPES.encode(),
                "_rels/.rels": ROOT_RELS.encode(),
                "word/document.xml": document_xml(docx_paragraph(VI_TEXT)),
            },
            encrypt_flag=True,
        ),
        "utf16-document.docx": make_docx(
            doc_xml=document_xml(docx_paragraph(VI_TEXT))
            .decode()
            .replace('encoding="UTF-8"', 'encoding="UTF-16"')
            .encode("utf-16")
        ),
        "billion-laughs.docx": billion_laughs_docx(),
        "nested-zips.docx": nested_zip_docx(),
        "zip-slip-names.docx": make_docx(parts={"../../../../tmp/zip-slip-hostile.txt": b"slip", "/abs/evil.xml": b"<x/>"}),
        "ole-doc-renamed.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(5000),
    }


def _zip(members: dict[str, bytes], encrypt_flag: bool = False) -> bytes:
    if members:
        members = {"docProps/core.xml": core_xml(), **members}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if encrypt_flag:
                info.flag_bits |= 0x1
            z.writestr(info, data)
    return buf.getvalue()


# --------------------------------------------------------------------------- damage


def truncations(data: bytes, n: int, rng: random.Random) -> list[bytes]:
    cuts = sorted({0, 1, len(data) - 1, len(data) // 2} | {rng.randrange(1, len(data)) for _ in range(n * 2)})
    return [data[:c] for c in cuts][:n]


def bitflips(data: bytes, n: int, rng: random.Random) -> list[bytes]:
    out = []
    for i in range(n):
        b = bytearray(data)
        for _ in range(1 + i % 12):
            pos = rng.randrange(len(b))
            b[pos] ^= 1 << rng.randrange(8)
        out.append(bytes(b))
    return out


def random_file(ext: str, rng: random.Random, i: int) -> bytes:
    sizes = (0, 1, 2, 3, 7, 64, 511, 4096, 65_536, 700_000)
    size = sizes[i % len(sizes)]
    data = rng.randbytes(size)
    if i % 3 == 1:
        data = MAGIC[ext] + data
    elif i % 7 == 2:
        data = bytes(rng.randrange(0x20, 0x7F) for _ in range(size))  # printable ASCII junk
    elif i % 7 == 5:
        data = "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(size // 3 + 1)).encode("utf-8", "surrogatepass")
    return data


# --------------------------------------------------------------------------- text junk


def junk_texts(rng: random.Random, count: int) -> dict[str, bytes]:
    def uni(n):
        cps = [rng.randrange(1, 0x10FFFF) for _ in range(n)]
        return "".join(chr(c) for c in cps if not 0xD800 <= c <= 0xDFFF)

    fixed = {
        "zalgo.txt": ("Cải cách " + "a" + "\u0301\u0323\u0309" * 3000 + " ").encode() * 50 + vi_doc("zalgo").encode(),
        "one-line-3mb.txt": ("x" * 3_000_000).encode(),
        "word-repeated-1m.txt": ("cải " * 1_000_000).encode(),
        "whitespace-1mb.txt": (" \t\n\r\f\v" * 170_000).encode(),
        "zero-width-only.txt": ("\u200b\u200c\u200d\ufeff\u2060" * 20_000).encode(),
        "bom-only.txt": b"\xef\xbb\xbf",
        "bom-utf16-only.txt": b"\xff\xfe",
        "dieu-50k.txt": "".join(f"Điều {i}. Quy định về cải cách hành chính số {i}.\n" for i in range(50_000)).encode(),
        "chuong-khoan-storm.txt": ("Số: 1/QĐ-UBND\nChương I\n" + "Điều 1.\n1. a) b) c) đ) " * 20_000).encode(),
        "headings-deep.md": "".join("#" * (1 + i % 80) + f" Mục {i}\n" for i in range(20_000)).encode(),
        "quote-nesting.md": ((">" * 5000 + " cải cách\n") * 50).encode(),
        "md-link-bomb.md": ("[" * 20_000 + "x" + "](y)" * 20_000).encode(),
        "cr-only.txt": vi_doc("cr").replace("\n", "\r").encode(),
        "line-separators.txt": vi_doc("u2028").replace("\n", "\u2028").encode(),
        "rtl-override.txt": ("\u202e" + vi_doc("rtl")).encode(),
        "ansi-escapes.txt": ("\x1b]0;pwned\x07\x1b[2J\x1b[31m" + vi_doc("ansi")).encode(),
        "control-chars.txt": (vi_doc("ctrl") + "".join(chr(c) for c in range(1, 32)) * 100).encode(),
        "invalid-utf8-mid.txt": vi_doc("inv1").encode() + b"\xff\xfe\xc3\x28\xa0\xa1" + vi_doc("inv2").encode(),
        "cesu-surrogates.txt": vi_doc("cesu").encode() + "\ud83d\ude00".encode("utf-8", "surrogatepass"),
        "overlong-utf8.txt": vi_doc("overlong").encode() + b"\xc0\xaf\xe0\x80\xaf\xf8\x88\x80\x80\x80",
        "nul-at-end.txt": vi_doc("nulend").encode() + b"\x00",
        "private-use.txt": ("\ue000\uf8ff" * 1000 + vi_doc("pua")).encode(),
        "numbers-only.txt": " ".join(str(rng.randrange(10**9)) for _ in range(100_000)).encode(),
        "percent-soup.txt": " ".join(f"{rng.randrange(100)},{rng.randrange(100)}%" for _ in range(100_000)).encode(),
        "so-header-storm.txt": ("Số: 280/QĐ-UBND\nCăn cứ Quyết định số 280/QĐ-UBND;\n" * 20_000).encode(),
        "html-in-txt.txt": ("<script>alert(1)</script>" + vi_doc("htmltxt")).encode(),
        "emoji-storm.txt": ("🏛️👩‍⚖️🇻🇳" * 30_000 + vi_doc("emoji")).encode(),
        "decomposed-nfd.txt": unicodedata.normalize("NFD", vi_doc("nfd")).encode(),
        "utf8-bom-valid.txt": b"\xef\xbb\xbf" + vi_doc("bom").encode(),
    }
    out = dict(fixed)
    i = 0
    while len(out) < count:
        kind = i % 4
        if kind == 0:
            out[f"unicode-{i}.txt"] = uni(rng.choice([5, 500, 50_000])).encode("utf-8")
        elif kind == 1:
            out[f"mixed-{i}.md"] = (vi_doc(f"m{i}") + uni(2000) + vi_doc(f"n{i}")).encode()
        elif kind == 2:
            out[f"ctl-{i}.txt"] = bytes(rng.randrange(1, 32) for _ in range(rng.choice([10, 1000, 100_000])))
        else:
            out[f"longline-{i}.txt"] = ("cải" * rng.choice([10, 100_000]) + "\n" + vi_doc(f"l{i}")).encode()
        i += 1
    return out


# --------------------------------------------------------------------------- encodings


def cp1258_encode(text: str) -> bytes:
    """Vietnamese in Windows-1258: precomposed where the code page has it, tone marks combining."""
    out = bytearray()
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
            marks = "".join(c for c in d if c in tones)
            out += (base + marks).encode("cp1258", "replace")
    return bytes(out)


def encoding_files() -> dict[str, tuple[bytes, list[str] | None, bool]]:
    """{name: (bytes, substrings one of which the indexed text must contain, refusal acceptable)}.

    A None substring list means: must NOT be indexed at all (legacy font encodings).
    """
    vi = vi_doc("mã hóa")
    probe = ["cải cách hành chính"]
    return {
        "utf16le-nobom.txt": (vi.encode("utf-16-le"), probe, False),
        "utf16be-nobom.txt": (vi.encode("utf-16-be"), probe, False),
        "utf16-bom.txt": (vi.encode("utf-16"), probe, False),
        "utf32-bom.txt": (vi.encode("utf-32"), probe, True),
        "utf8-nobom.md": (vi_doc("utf8").encode(), probe, False),
        "windows-1258.txt": (cp1258_encode(vi_doc("cp1258")), probe, False),
        "windows-1258.html": (
            b"<html><head><meta charset='windows-1258'><title>t</title></head><body><article><p>"
            + cp1258_encode(vi_doc("cp1258 html"))
            + b"</p></article></body></html>",
            probe,
            False,
        ),
        "koi8-r.txt": ((RU_TEXT + "\n\n" + RU_TEXT).encode("koi8_r"), ["реформа"], True),
        "cp1252-french.txt": ((FR_TEXT + "\n\n" + FR_TEXT).encode("cp1252"), ["Réforme administrative", "État"], True),
        "latin1-french.html": (
            b"<html><body><p>" + FR_TEXT.encode("latin-1", "replace") + b"</p></body></html>",
            ["Réforme"],
            True,
        ),
        "tcvn3.txt": (TCVN3_BYTES * 3, None, True),
        "vni.txt": (VNI_BYTES * 3, None, True),
        "tcvn3.html": (b"<html><body><h1>Th\xf4ng b\xb8o</h1><p>" + TCVN3_BYTES * 3 + b"</p></body></html>", None, True),
        "meta-charset-lies.html": (
            b"<html><head><meta charset='utf-16'></head><body><p>" + vi_doc("lie").encode() + b"</p></body></html>",
            probe,
            False,
        ),
        "shift-jis.txt": ("行政改革は重要な課題です。".encode("shift_jis") * 30, ["行政改革"], True),
        "gb18030.txt": ("行政改革是重要的任务。".encode("gb18030") * 30, ["行政改革"], True),
        "utf7.txt": (vi.encode("utf-7"), [], True),  # [] = no expectation: any outcome but a crash
        "mixed-utf8-cp1258.txt": (vi_doc("mix").encode() + cp1258_encode(vi_doc("mix2")), probe, True),
    }


# --------------------------------------------------------------------------- names


def hostile_names() -> list[bytes]:
    long_ascii = b"a" * 251 + b".txt"
    long_vi = ("ả" * 83).encode() + b".txt"
    return [
        b"caf\xe9-latin1.txt",
        b"\xff\xfe\xfd.txt",
        b"\x80abc.md",
        b"bad-\xc3\x28-utf8.txt",
        b"only-\xed\xa0\x80-surrogate.txt",
        b"new\nline.txt",
        b"tab\there.txt",
        b"cr\rreturn.txt",
        long_ascii,
        long_vi,
        b"-rf.txt",
        b"--help.txt",
        b"--data=evil.txt",
        b"-",
        b"-.txt",
        b" leading space.txt",
        b"trailing space.txt ",
        b'quote"s.txt',
        b"apos'.txt",
        b"back\\slash.txt",
        b"\x1b[31mred\x1b[0m.txt",
        "\u202etxt.exe".encode(),
        unicodedata.normalize("NFC", "Hà Nội.txt").encode(),
        unicodedata.normalize("NFD", "Hà Nội.txt").encode(),
        b"CON.txt",
        b"nul.txt",
        "ăn.TXT".encode(),
        b"noext",
        b"double.txt.pdf",
        b"dot.txt.",
        "💥.txt".encode(),
        b"%s%n%x.txt",
        b"$(touch PWNED).txt",
        b"`touch PWNED2`.txt",
        b"<script>alert(1)<\\script>.txt",
        b"manifest.json.txt",
        b"MANIFEST.JSON",
        b"..txt",
        b"...",
        b"a;b|c&d.md",
        b"empty-ext.",
        b"x.html.txt",
        b"id-collision.txt",
        b"id_collision.txt",
        b"ID-COLLISION.txt",
    ]


def manifest_variants() -> dict[str, bytes | None]:
    """{folder name: manifest.json bytes}; None means a special file is made instead (see ingest_cases)."""

    def m(entries):
        import json

        return json.dumps({"documents": entries}, ensure_ascii=False).encode()

    f = "doc_a.txt"
    return {
        "bad-json": b'{"documents": [ {"file": "doc_a.txt", ',
        "empty-file": b"",
        "null": b"null",
        "list-top": b"[]",
        "int-top": b"42",
        "documents-null": b'{"documents": null}',
        "documents-dict": b'{"documents": {"file": "doc_a.txt"}}',
        "documents-string": b'{"documents": "doc_a.txt"}',
        "entries-ints": b'{"documents": [1, 2, 3]}',
        "file-int": m([{"file": 5}]),
        "file-list": m([{"file": ["doc_a.txt"]}]),
        "file-dict": m([{"file": {"x": 1}}]),
        "file-traversal": m([{"file": "../../../../etc/passwd", "title": "traversal"}]),
        "file-absolute": m([{"file": "/etc/hostname", "title": "absolute"}]),
        "file-empty": m([{"file": ""}]),
        "date-not-a-date": m([{"file": f, "date": "not-a-date"}]),
        "date-31-02": m([{"file": f, "date": "31/02/2023"}]),
        "date-2023-02-31": m([{"file": f, "date": "2023-02-31"}]),
        "date-month-13": m([{"file": f, "date": "2023-13-01"}]),
        "date-int": m([{"file": f, "date": 20230101}]),
        "date-list": m([{"file": f, "date": ["2023-01-01"]}]),
        "date-dict": m([{"file": f, "date": {"y": 2023}}]),
        "date-year-0": m([{"file": f, "date": "0000-01-01"}]),
        "date-far-future": m([{"file": f, "date": "99999-01-01"}]),
        "title-list": m([{"file": f, "title": ["a", "b"]}]),
        "title-dict": m([{"file": f, "title": {"vi": "x"}}]),
        "title-int": m([{"file": f, "title": 12345}]),
        "title-true": m([{"file": f, "title": True}]),
        "title-1mb": m([{"file": f, "title": "T" * 1_000_000}]),
        "title-xss": m([{"file": f, "title": "<script>alert('manifest')</script>", "source": "<img src=x onerror=alert(2)>"}]),
        "source-list": m([{"file": f, "source": ["a"]}]),
        "topic-dict": m([{"file": f, "topic": {"a": 1}}]),
        "unknown-keys": m([{"file": f, "title": "ok", "colour": "blue", "__proto__": {}, "date ": "x"}]),
        "duplicate-entries": m([{"file": f, "title": "one"}, {"file": f, "title": "two"}]),
        "deep-nesting": b'{"documents": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "utf8-bom": b"\xef\xbb\xbf" + m([{"file": f, "title": "Tiêu đề có BOM"}]),
        "utf16": m([{"file": f, "title": "Tiêu đề UTF-16"}]).decode().encode("utf-16"),
        "cp1258": m([{"file": f, "title": "Tiêu đề"}]).decode().encode("cp1258", "replace"),
        "nan-infinity": b'{"documents": [{"file": "doc_a.txt", "title": NaN, "date": Infinity}]}',
        "huge-number": b'{"documents": [{"file": "doc_a.txt", "title": 1' + b"0" * 5000 + b"}]}",
        "manifest-is-dir": None,
        "manifest-is-fifo": None,
        "manifest-unreadable-symlink-loop": None,
    }


def write_bytes(path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
    finally:
        os.close(fd)
