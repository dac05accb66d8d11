"""Category `ingest`: batches of hostile files, each ingested with a copy of the shipped corpus.

Per batch: exit code, wall time (killed at the batch timeout = hang), peak RSS of the process tree,
tracebacks, whether every file that did not become a document is named in the output with a reason,
then whether the five corpus documents are still listed, searchable and `lookup 280/QĐ-UBND` works.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import socket
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile import generate as g
from tests.hostile.harness import CORPUS_IDS, LOOKUP_NUMBER, SEARCH_QUERY, TRUNCATED, Context, Proc, remove_tree

CATEGORY = "ingest"
KNOWN_LINE = re.compile(r"^(failed|warning|error|ingest):", re.I)


@dataclass
class Batch:
    """What a builder made: the hostile folder, plus expectations beyond the common checks."""

    name: str
    hostile: Path
    unpriv: bool = False
    must_name: list[Path] = field(default_factory=list)  # paths (folders, manifests) the output must name
    checks: list = field(default_factory=list)  # callables (ctx, state) -> list[str] of problems
    timeout: float | None = None
    note: str = ""


@dataclass
class State:
    batch: Batch
    ingest: Proc
    docs: list[dict]
    data: Path
    unpriv: bool

    def doc_for(self, path: Path) -> dict | None:
        wanted = _path_variants(path)
        for d in self.docs:
            if isinstance(d, dict) and d.get("path") in wanted:
                return d
        return None


# --------------------------------------------------------------------------- helpers


def _escaped(s: str) -> str:
    r"""Undecodable bytes and control characters as \xNN, the rest as is (how reform-kg shows odd paths).

    >>> _escaped("dir-\udcff\nx/ả")
    'dir-\\xff\\x0ax/ả'
    """
    out = []
    for ch in s:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        else:
            out.append(ch)
    return "".join(out)


def _path_variants(path) -> set[str]:
    raw = os.fsencode(path)
    s = os.fsdecode(raw)
    variants = {
        s,
        raw.decode("utf-8", "replace"),
        raw.decode("utf-8", "backslashreplace"),
        unicodedata.normalize("NFC", s),
        repr(s)[1:-1],
        s.replace("\n", "\\n"),
        raw.decode("latin-1"),
        _escaped(s),
    }
    try:
        real = os.path.realpath(raw)
        variants |= {os.fsdecode(real), real.decode("utf-8", "replace")}
        if os.path.islink(raw):
            target = os.readlink(raw)
            if target.startswith(b"/"):
                variants.add(os.fsdecode(target))
    except OSError:
        pass
    return variants


def _named_with_reason(output: str, path) -> str | None:
    """'ok' when the output names `path` (full path or base name, in some spelling) followed by a reason."""
    raw = os.fsencode(path)
    base = os.path.basename(raw)
    candidates = _path_variants(path) | (_path_variants(base) if len(base) >= 6 else set())
    found_bare = False
    for v in sorted(candidates, key=len, reverse=True):
        if len(v) < 6:
            continue
        start = 0
        while (i := output.find(v, start)) >= 0:
            found_bare = True
            tail = output[i + len(v) : i + len(v) + 200]
            if re.match(r"[\"'”]?\s*[:—-]\s*\S", tail):
                return "ok"
            start = i + 1
    return "no-reason" if found_bare else None


def _w(path: Path | bytes, data: bytes) -> None:
    g.write_bytes(path, data)


def _hostile_entries(root: Path) -> list[bytes]:
    """Every non-hidden, non-manifest entry a user would expect to be accounted for (links not followed)."""
    out = []
    for dirpath, dirs, files in os.walk(os.fsencode(root), followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(b".")]
        for d in list(dirs):
            full = os.path.join(dirpath, d)
            if os.path.islink(full) or not os.access(full, os.R_OK | os.X_OK) or _mode(full) & 0o500 != 0o500:
                dirs.remove(d)  # links to folders and unreadable folders are checked separately
        for name in files:
            if name.startswith(b".") or name == b"manifest.json":
                continue
            out.append(os.path.join(dirpath, name))
    return sorted(out)


def _mode(path) -> int:
    try:
        return os.lstat(path).st_mode & 0o777
    except OSError:
        return 0


# --------------------------------------------------------------------------- builders


def build_random(ctx, hostile: Path, rng: random.Random, exts: tuple[str, ...], per_ext: int) -> Batch:
    for ext in exts:
        for i in range(per_ext):
            _w(hostile / f"rand-{i:03d}{ext}", g.random_file(ext, rng, i))
    return Batch("", hostile)


def build_damaged(ctx, hostile: Path, rng: random.Random, kind: str, n: int) -> Batch:
    pdf = g.make_pdf()
    docx = g.make_docx()
    source, ext = (pdf, ".pdf") if kind.endswith("pdf") else (docx, ".docx")
    variants = g.truncations(source, n, rng) if kind.startswith("trunc") else g.bitflips(source, n, rng)
    for i, data in enumerate(variants):
        _w(hostile / f"{kind}-{i:03d}{ext}", data)
    return Batch("", hostile)


def build_text_junk(ctx, hostile: Path, rng: random.Random, n: int) -> Batch:
    for name, data in g.junk_texts(rng, n).items():
        _w(hostile / name, data)
    return Batch("", hostile)


HTML_GROUPS = {
    "paragraphs": ("p-100000.html", "text-node-5mb.html"),
    "nesting": ("b-8000-nested.html", "div-100000-unclosed.htm", "table-5000-nested.html"),
}


def build_html(ctx, hostile: Path, rng: random.Random, kind: str = "odd") -> Batch:
    """kind "paragraphs": 100,000 <p> and a 5 MB text node; "nesting": 8,000 <b>, 100,000 <div>, 5,000 tables; "odd": the rest."""
    p = "".join(f"<p>Đoạn văn số {i} về cải cách hành chính.</p>" for i in range(100_000))
    files = {
        "p-100000.html": f"<html><head><title>Một trăm nghìn đoạn</title></head><body><article>{p}</article></body></html>",
        "b-8000-nested.html": "<html><body>" + "<b>" * 8000 + g.vi_doc("b8000") + "</b>" * 8000 + "</body></html>",
        "div-100000-unclosed.htm": "<html><body>" + "<div>" * 100_000 + g.vi_doc("div") + "</body></html>",
        "table-5000-nested.html": "<html><body>" + "<table><tr><td>" * 5000 + g.vi_doc("tbl") + "</body></html>",
        "attr-10mb.html": "<html><body><p title='" + "A" * 10_000_000 + "'>" + g.vi_doc("attr") + "</p></body></html>",
        "unclosed-comment.html": "<html><body><!-- " + g.vi_doc("comment") + "</body></html>",
        "script-only.html": "<html><body><script>" + "var a=1;" * 10000 + "</script></body></html>",
        "text-node-5mb.html": "<html><body>" + ("cải cách " * 600_000) + "</body></html>",
        "meta-date-lies.html": "<html><head><meta property='article:published_time' content='2023-02-31T00:00:00'>"
        "<meta name='date' content='not-a-date'><title>Ngày sai</title></head><body><article><h1>Ngày sai</h1><p>"
        + g.vi_doc("metadate")
        + "</p></article></body></html>",
        "meta-date-month13.html": "<html><head><meta property='article:published_time' content='2023-13-45'>"
        "<title>Tháng 13</title></head><body><article><p>" + g.vi_doc("month13") + "</p></article></body></html>",
        "meta-charset-unknown.html": "<html><head><meta charset='x-no-such-charset'></head><body><p>"
        + g.vi_doc("cs")
        + "</p></body></html>",
        "entities-1m.html": "<html><body><p>"
        + "&amp;&#0;&#xD800;&#1114112;&nbsp;" * 200_000
        + g.vi_doc("ent")
        + "</p></body></html>",
        "xss-title.html": "<html><head><title>&lt;script&gt;alert('title')&lt;/script&gt;</title></head><body><article>"
        "<h1>&lt;img src=x onerror=alert(1)&gt;</h1><p>" + g.vi_doc("xss") + "</p></article></body></html>",
        "svg-script.html": "<html><body><svg><script>alert(1)</script></svg><p>" + g.vi_doc("svg") + "</p></body></html>",
        "nul-bytes.html": "<html><body><p>" + g.vi_doc("nul") + "\x00" * 100 + "</p></body></html>",
        "empty-body.htm": "<html><head><title>x</title></head><body></body></html>",
        "not-html.html": "%PDF-1.4 " + "x" * 1000,
    }
    grouped = {n for names in HTML_GROUPS.values() for n in names}
    for name, text in files.items():
        if (kind == "odd" and name not in grouped) or name in HTML_GROUPS.get(kind, ()):
            _w(hostile / name, text.encode("utf-8"))
    b = Batch("", hostile)
    b.checks.append(_check_dates_titles)
    return b


def build_encodings(ctx, hostile: Path, rng: random.Random) -> Batch:
    specs = g.encoding_files()
    for name, (data, _, _) in specs.items():
        _w(hostile / name, data)

    def check(ctx: Context, st: State) -> list[str]:
        problems = []
        for name, (_, want, refusal_ok) in specs.items():
            doc = st.doc_for(hostile / name)
            if doc is None:
                if want is not None and not refusal_ok:
                    problems.append(f"{name}: refused, but it is in an encoding the README says is read")
                continue
            if want is None:
                problems.append(f"{name}: legacy-font bytes indexed as text (title {doc.get('title')!r:.60})")
                continue
            if not want:
                continue
            shown = ctx.reform(["show", doc["id"], "--json"], st.data, unpriv=st.unpriv)
            data = shown.json() or {}
            text = unicodedata.normalize("NFC", str(data.get("text", "")))
            if not any(unicodedata.normalize("NFC", w) in text for w in want):
                problems.append(f"{name}: indexed as mojibake (no {want[0]!r} in its text; starts {text[:50]!r})")
        return problems

    b = Batch("", hostile)
    b.checks.append(check)
    return b


def _utf8(name: bytes) -> bool:
    try:
        name.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def build_names(ctx, hostile: Path, rng: random.Random, kind: str = "other") -> Batch:
    """kind "bytes": names that are not UTF-8 (os.fsencode paths); "other": every other odd name;
    "too-long": a file below a path longer than PATH_MAX (420 nested folders)."""
    names = [n for n in g.hostile_names() if _utf8(n) == (kind == "other")] if kind != "too-long" else []
    for i, name in enumerate(names):
        try:
            _w(os.path.join(os.fsencode(hostile), name), g.vi_doc(f"tên {kind} {i}").encode())
        except OSError as exc:
            print(f"    (cannot create file name {name!r}: {exc})")
    if kind != "too-long":
        odd_dir = os.path.join(os.fsencode(hostile), b"dir-\xff\nnewline" if kind == "bytes" else b"dir-\nnewline -x")
        os.mkdir(odd_dir)
        _w(os.path.join(odd_dir, b"inside.txt"), g.vi_doc(f"thư mục lạ {kind}").encode())
    else:
        _w(hostile / "beside-the-deep-folder.txt", g.vi_doc("bên cạnh").encode())
    must = []
    if kind == "too-long":
        # a path longer than PATH_MAX, made with directory file descriptors
        fd = os.open(hostile, os.O_RDONLY)
        try:
            for _ in range(420):
                os.mkdir(b"d" * 10, dir_fd=fd)
                nfd = os.open(b"d" * 10, os.O_RDONLY, dir_fd=fd)
                os.close(fd)
                fd = nfd
            wfd = os.open(b"deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
            os.write(wfd, g.vi_doc("sâu").encode())
            os.close(wfd)
        finally:
            os.close(fd)
        must.append(hostile / ("d" * 10))
    pwned = [ctx.work / "PWNED", ctx.work / "PWNED2", hostile / "PWNED", hostile / "PWNED2"]

    def check(ctx: Context, st: State) -> list[str]:
        problems = []
        if any(p.exists() for p in pwned):
            problems.append("a file name was run by a shell ($(touch PWNED) created PWNED)")
        if b"\x1b[" in st.ingest.out + st.ingest.err:
            problems.append("raw terminal escape sequences from a file name echoed to the terminal by ingest")
        plain = ctx.reform(["documents"], st.data, unpriv=st.unpriv)
        if b"\x1b[" in plain.out:
            problems.append("raw terminal escape sequences from a file name echoed by `reform documents`")
        if plain.traceback or plain.rc != 0:
            problems.append(f"`reform documents` (plain) fails after odd names: {'; '.join(plain.problems()) or plain.message()}")
        ids = [d.get("id") for d in st.docs if isinstance(d, dict)]
        if len(ids) != len(set(ids)):
            problems.append("two documents share an id")
        bad_ids = [i for i in ids if not isinstance(i, str) or re.search(r"[\x00-\x1f/\\<>\"']", i)]
        if bad_ids:
            problems.append(f"document ids with control/path/markup characters: {bad_ids[:3]!r}")
        return problems

    b = Batch("", hostile, must_name=must)
    b.checks.append(check)
    b.checks.append(_check_dates_titles)
    return b


def build_special(ctx, hostile: Path, rng: random.Random) -> Batch:
    h = hostile
    os.mkfifo(h / "fifo.txt")
    os.mkfifo(h / "fifo.pdf")
    os.mkfifo(h / "fifo.docx")
    os.symlink("loop-b.txt", h / "loop-a.txt")
    os.symlink("loop-a.txt", h / "loop-b.txt")
    os.symlink("self.txt", h / "self.txt")
    os.symlink("missing-target.txt", h / "broken.txt")
    os.symlink(".", h / "dir-loop")
    os.symlink("..", h / "parent-loop")
    (h / "a").mkdir()
    (h / "a" / "b").mkdir()
    os.symlink("../../a", h / "a" / "b" / "back-to-a")
    _w(h / "a" / "b" / "doc-in-loop.txt", g.vi_doc("vòng lặp").encode())
    os.symlink("fifo.txt", h / "link-to-fifo.txt")
    os.symlink("/dev/zero", h / "dev-zero.txt")
    os.symlink("/dev/urandom", h / "dev-urandom.txt")
    os.symlink("/dev/stdin", h / "dev-stdin.txt")
    os.symlink("/proc/self/environ", h / "proc-environ.txt")
    os.symlink("/proc/self/cmdline", h / "proc-cmdline.txt")
    secret = ctx.work / "outside-secret.txt"
    _w(secret, ("OUTSIDESECRETMARKER " + g.vi_doc("bí mật")).encode())
    os.symlink(secret, h / "link-outside.txt")
    (h / "folder.txt").mkdir()
    _w(h / "folder.txt" / "inner.txt", g.vi_doc("thư mục đuôi txt").encode())
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(h / "socket.txt"))
    finally:
        sock.close()
    _w(h / "valid.txt", g.vi_doc("hợp lệ").encode())
    os.link(h / "valid.txt", h / "hardlink-of-valid.txt")

    def check(ctx: Context, st: State) -> list[str]:
        problems = []
        for name in ("proc-environ.txt", "proc-cmdline.txt", "dev-zero.txt", "dev-urandom.txt"):
            if st.doc_for(h / name):
                problems.append(f"{name}: a link to a pseudo-file was indexed as a document")
        probe = ctx.reform(["search", "REFORM_DATA", "--json", "--mode", "lexical"], st.data, unpriv=st.unpriv)
        if "REFORM_DATA" in _result_texts(probe):
            problems.append("the ingest process's environment (/proc/self/environ) became searchable")
        if st.doc_for(h / "valid.txt") is None and st.doc_for(h / "hardlink-of-valid.txt") is None:
            problems.append("valid.txt was not indexed")
        return problems

    b = Batch("", hostile)
    b.checks.append(check)
    return b


def build_unreadable(ctx, hostile: Path, rng: random.Random, kind: str = "files") -> Batch:
    """kind "files": chmod 000 / write-only files and an unreadable manifest; "folders": folders without r or x."""
    h = hostile
    _w(h / "readable.txt", g.vi_doc(f"đọc được {kind}").encode())
    must: list[Path] = []
    if kind == "files":
        files = (
            ("noperm.txt", g.vi_doc("khóa").encode()),
            ("noperm.pdf", g.make_pdf()),
            ("noperm.docx", g.make_docx()),
            ("noperm.html", b"<html><body><p>" + g.vi_doc("khoa html").encode() + b"</p></body></html>"),
        )
        for name, data in files:
            _w(h / name, data)
            os.chmod(h / name, 0)
        _w(h / "write-only.txt", g.vi_doc("chỉ ghi").encode())
        os.chmod(h / "write-only.txt", 0o200)
        man = h / "locked-manifest"
        man.mkdir()
        _w(man / "manifest.json", '{"documents": [{"file": "doc.txt", "title": "Tiêu đề"}]}'.encode())
        _w(man / "doc.txt", g.vi_doc("manifest khóa").encode())
        os.chmod(man / "manifest.json", 0)
        must.append(man / "manifest.json")
    else:
        locked = h / "locked-folder"  # no permissions at all
        locked.mkdir()
        for i in range(3):
            _w(locked / f"hidden-from-us-{i}.txt", g.vi_doc(f"thư mục khóa {i}").encode())
        nolist = h / "no-list-folder"  # x but no r: names cannot be listed
        nolist.mkdir()
        _w(nolist / "cannot-list.txt", g.vi_doc("không liệt kê").encode())
        noexec = h / "no-exec-folder"  # r but no x: names listed, files cannot be opened
        noexec.mkdir()
        _w(noexec / "cannot-open.txt", g.vi_doc("không mở").encode())
        os.chmod(locked, 0)
        os.chmod(nolist, 0o311)
        os.chmod(noexec, 0o644)
        must += [locked, nolist, noexec]
    b = Batch("", hostile, unpriv=True, must_name=must)
    b.checks.append(
        lambda ctx, st: [] if st.doc_for(h / "readable.txt") else ["readable.txt beside unreadable files was not indexed"]
    )
    return b


BROKEN_MANIFESTS = {
    "bad-json",
    "empty-file",
    "null",
    "list-top",
    "int-top",
    "documents-null",
    "documents-dict",
    "documents-string",
    "entries-ints",
    "file-int",
    "file-list",
    "file-dict",
    "date-not-a-date",
    "date-31-02",
    "date-2023-02-31",
    "date-month-13",
    "date-int",
    "date-list",
    "date-dict",
    "title-list",
    "title-dict",
    "title-int",
    "title-true",
    "source-list",
    "topic-dict",
    "deep-nesting",
    "utf16",
    "cp1258",
    "nan-infinity",
    "huge-number",
    "manifest-is-dir",
}


MANIFEST_GROUPS = {
    "structure": [
        "bad-json",
        "empty-file",
        "null",
        "list-top",
        "int-top",
        "documents-null",
        "documents-dict",
        "documents-string",
        "entries-ints",
        "utf8-bom",
        "utf16",
        "cp1258",
        "manifest-is-dir",
        "manifest-is-fifo",
        "manifest-unreadable-symlink-loop",
    ],
    "values": [
        "file-int",
        "file-list",
        "file-dict",
        "file-traversal",
        "file-absolute",
        "file-empty",
        "title-list",
        "title-dict",
        "title-int",
        "title-true",
        "title-1mb",
        "title-xss",
        "source-list",
        "topic-dict",
        "unknown-keys",
        "duplicate-entries",
    ],
    "pathological": ["deep-nesting", "nan-infinity", "huge-number"],
    "dates": [
        "date-not-a-date",
        "date-31-02",
        "date-2023-02-31",
        "date-month-13",
        "date-int",
        "date-list",
        "date-dict",
        "date-year-0",
        "date-far-future",
    ],
}


def build_manifests(ctx, hostile: Path, rng: random.Random, only: list[str] | None = None) -> Batch:
    must = []
    variants = g.manifest_variants()
    for key, data in variants.items():
        if only and key not in only:
            continue
        folder = hostile / f"man-{key}"
        folder.mkdir()
        _w(folder / "doc_a.txt", g.vi_doc(f"manifest {key} A").encode())
        _w(folder / "doc_b.txt", g.vi_doc(f"manifest {key} B").encode())
        target = folder / "manifest.json"
        if key == "manifest-is-dir":
            target.mkdir()
        elif key == "manifest-is-fifo":
            os.mkfifo(target)
        elif key == "manifest-unreadable-symlink-loop":
            os.symlink("manifest.json", target)
        else:
            _w(target, data)
        if key in BROKEN_MANIFESTS:
            must.append(target)
    b = Batch("", hostile, must_name=must)
    b.checks.append(_check_dates_titles)
    return b


def build_crafted(ctx, hostile: Path, rng: random.Random) -> Batch:
    for name, data in g.crafted_pdfs(rng).items():
        _w(hostile / name, data)
    for name, data in g.crafted_docx(rng).items():
        _w(hostile / name, data)
    b = Batch("", hostile)
    b.checks.append(_check_dates_titles)
    return b


def build_bomb(ctx, hostile: Path, rng: random.Random, which: str) -> Batch:
    cache = ctx.work / "cache"
    cache.mkdir(exist_ok=True)

    def cached(name: str, make) -> Path:
        path = cache / name
        if not path.exists():
            tmp = cache / (name + ".part")
            make(tmp)
            tmp.rename(path)
        return path

    def place(name: str, make) -> None:
        shutil.copy(cached(name, make), hostile / name)

    b = Batch("", hostile)
    if which == "zeros":
        place("zeros-1g-document.docx", lambda p: g.streamed_docx(p, g.zeros(1024)))
        place(
            "zeros-1g-embedded-part.docx",
            lambda p: g.streamed_docx(
                p,
                g.zeros(1024),
                part="word/embeddings/blob.bin",
                doc_xml=g.document_xml(g.docx_paragraph(g.VI_TEXT)),
                doc_rels=g.DOC_RELS_WITH_BIN,
            ),
        )
    elif which == "paragraphs":
        place("paragraphs-500m.docx", lambda p: g.streamed_docx(p, g.paragraph_stream(500)))
    elif which == "gridspan":
        _w(
            hostile / "gridspan-2e9.docx",
            g.make_docx(
                g.docx_paragraph(g.VI_TEXT) + g.docx_table([["Chỉ tiêu", "Kết quả"], ["PAR INDEX", "89,58%"]], span=2_000_000_000)
            ),
        )
    elif which == "zip-tricks":
        secret = ctx.work / "xxe-secret.txt"
        _w(secret, b"XXESECRETMARKER the contents of a private file")
        zip_slip = Path("/tmp/zip-slip-hostile.txt")
        if zip_slip.exists():
            zip_slip.unlink()
        _w(hostile / "overlapping-entries.docx", g.overlapping_zip(100, 200))
        _w(hostile / "nested-zips.docx", g.nested_zip_docx())
        _w(hostile / "billion-laughs.docx", g.billion_laughs_docx())
        _w(hostile / "xxe-file.docx", g.xxe_docx(secret))
        _w(hostile / "zip-slip.docx", g.crafted_docx(rng)["zip-slip-names.docx"])

        def check(ctx: Context, st: State) -> list[str]:
            problems = []
            probe = ctx.reform(["search", "XXESECRETMARKER", "--json", "--mode", "lexical"], st.data, unpriv=st.unpriv)
            if "XXESECRETMARKER" in _result_texts(probe):  # the JSON echoes the query: look at results only
                problems.append("XXE: a docx's external entity pulled a local file into the index")
            if zip_slip.exists():
                problems.append("zip slip: a member named ../../tmp/... was written to disk")
            return problems

        b.checks.append(check)
    elif which == "pdf":
        place("flate-bomb-400mb.pdf", lambda p: g.write_bytes(p, g.flate_bomb_pdf(400)))
        place("content-ops-60mb.pdf", lambda p: g.write_bytes(p, g.flate_bomb_pdf(60, b"(ca) Tj ")))
    return b


def build_graph_stress(ctx, hostile: Path, rng: random.Random, kind: str = "numbers") -> Batch:
    if kind == "people":
        people = [
            f"Phó giám đốc Sở Nội vụ Hà Nội Nguyễn Văn {chr(65 + i % 26)}{i} phát biểu về chỉ số PAR INDEX {2000 + i % 24} "
            f"đạt {i % 100},{i % 10}% xếp thứ {i % 63}/63."
            for i in range(5000)
        ]
        _w(hostile / "people-indicators-5000.txt", "\n\n".join(people).encode())
        return Batch("", hostile)
    lines = [
        f"Căn cứ Quyết định số {i}/QĐ-UBND ngày {1 + i % 28} tháng {1 + i % 12} năm {2000 + i % 24} của Ủy ban nhân dân "
        f"thành phố Hà Nội về cải cách hành chính; Kế hoạch số {i}/KH-UBND triển khai Nghị quyết số {i}-NQ/TW."
        for i in range(8000)
    ]
    _w(hostile / "numbers-8000.txt", ("Số: 1/QĐ-UBND\n\n" + "\n".join(lines)).encode())
    return Batch("", hostile)


def build_big(ctx, hostile: Path, rng: random.Random) -> Batch:
    words = sorted(set(" ".join(p.read_text(encoding="utf-8") for p in sorted(ctx.corpus.glob("*.txt"))).split()))
    parts, size = [], 0
    while size < 8_000_000:  # word salad from the corpus vocabulary, in paragraphs of sentences
        para = ". ".join(" ".join(rng.choice(words) for _ in range(rng.randrange(8, 25))) for _ in range(6)) + "."
        parts.append(para)
        size += len(para.encode()) + 2
    _w(hostile / "big-8mb.txt", "\n\n".join(parts).encode())
    for name, mb in (("over-limit-51mb.txt", 51), ("over-limit-60mb.pdf", 60), ("sparse-49mb.txt", 49)):
        with open(hostile / name, "wb") as f:
            if name.endswith(".pdf"):
                f.write(b"%PDF-1.4\n")
            f.truncate(mb * 1024 * 1024)
    return Batch("", hostile)


def _result_texts(p: Proc) -> str:
    """The passages a `search --json` returned (not the echoed query)."""
    data = p.json()
    results = data.get("results", []) if isinstance(data, dict) else []
    return "\n".join(str(r.get("text", "")) for r in results if isinstance(r, dict))


def _check_dates_titles(ctx: Context, st: State) -> list[str]:
    problems = []
    for d in st.docs:
        if not isinstance(d, dict):
            continue
        date = d.get("date")
        if date is not None:
            try:
                parsed = dt.date.fromisoformat(str(date))
                if not 1900 <= parsed.year <= 2100:
                    problems.append(f"{d.get('id')}: implausible date {date!r}")
            except ValueError:
                problems.append(f"{d.get('id')}: date {date!r} is not an ISO 8601 date")
        if not isinstance(d.get("title"), str):
            problems.append(f"{d.get('id')}: title is {type(d.get('title')).__name__}, not a string")
    return problems


# --------------------------------------------------------------------------- plan


def plan(quick: bool):
    """[(batch name, builder, kwargs)]: ≥ 25 batches and ≥ 1,000 files in the full run."""
    if quick:
        return [
            ("random-txt-pdf-docx", build_random, {"exts": (".txt", ".pdf", ".docx"), "per_ext": 6}),
            ("truncated-pdf", build_damaged, {"kind": "trunc-pdf", "n": 8}),
            ("special-files", build_special, {}),
            ("manifests", build_manifests, {"only": ["bad-json", "date-2023-02-31", "title-list", "deep-nesting"]}),
        ]
    pairs = [(".txt", ".md"), (".html", ".htm"), (".pdf", ".docx"), (".doc", ".odt"), (".rtf", ".png"), (".jpg", ".tif")]
    out = [(f"random{a}{b}", build_random, {"exts": (a, b), "per_ext": 45}) for a, b in pairs]
    out += [
        ("truncated-pdf", build_damaged, {"kind": "trunc-pdf", "n": 60}),
        ("bitflip-pdf", build_damaged, {"kind": "flip-pdf", "n": 60}),
        ("truncated-docx", build_damaged, {"kind": "trunc-docx", "n": 60}),
        ("bitflip-docx", build_damaged, {"kind": "flip-docx", "n": 60}),
        ("text-junk", build_text_junk, {"n": 80}),
        ("html-100k-paragraphs", build_html, {"kind": "paragraphs"}),
        ("html-deep-nesting", build_html, {"kind": "nesting"}),
        ("html-odd", build_html, {"kind": "odd"}),
        ("encodings", build_encodings, {}),
        ("odd-names", build_names, {"kind": "other"}),
        ("non-utf8-names", build_names, {"kind": "bytes"}),
        ("path-too-long", build_names, {"kind": "too-long"}),
        ("special-files", build_special, {}),
        ("unreadable-files", build_unreadable, {"kind": "files"}),
        ("unreadable-folders", build_unreadable, {"kind": "folders"}),
        ("manifests-structure", build_manifests, {"only": MANIFEST_GROUPS["structure"]}),
        ("manifests-pathological", build_manifests, {"only": MANIFEST_GROUPS["pathological"]}),
        ("manifests-values", build_manifests, {"only": MANIFEST_GROUPS["values"]}),
        ("manifests-dates", build_manifests, {"only": MANIFEST_GROUPS["dates"]}),
        ("crafted-pdf-docx", build_crafted, {}),
        ("bomb-zip-tricks", build_bomb, {"which": "zip-tricks"}),
        ("bomb-gridspan", build_bomb, {"which": "gridspan"}),
        ("bomb-zeros-1g", build_bomb, {"which": "zeros"}),
        ("bomb-paragraphs-500m", build_bomb, {"which": "paragraphs"}),
        ("bomb-pdf-flate", build_bomb, {"which": "pdf"}),
        ("graph-stress-numbers", build_graph_stress, {"kind": "numbers"}),
        ("graph-stress-people", build_graph_stress, {"kind": "people"}),
        ("big-and-over-limit", build_big, {}),
    ]
    return out


def run_all(ctx: Context) -> None:
    rng_seed = ctx.extra.get("seed", 20240601)
    total_files = 0
    batches = plan(ctx.quick)
    if ctx.extra.get("batches"):  # --batches a,b: only these (by name)
        batches = [b for b in batches if b[0] in ctx.extra["batches"]]
    print(f"\n== ingest: {len(batches)} batches", flush=True)
    for index, (name, builder, kwargs) in enumerate(batches):
        rng = random.Random(f"{rng_seed}-{name}")
        root = ctx.fresh_dir(f"batch-{index:02d}-{name}")
        inputs = root / "input"
        hostile = inputs / "hostile"
        hostile.mkdir(parents=True)
        corpus = ctx.copy_corpus(inputs / "corpus")
        try:
            batch = builder(ctx, hostile, rng, **kwargs)
        except Exception as exc:  # a generator bug must not stop the other batches
            ctx.rec.add(CATEGORY, name, False, f"harness could not build the batch: {exc!r}")
            continue
        batch.name = name
        if batch.unpriv and ctx.unpriv_prefix is None:
            print(f"    skipped {name}: {ctx.unpriv_reason}")
            ctx.rec.add(CATEGORY, name, True, f"skipped: {ctx.unpriv_reason}", skipped=True)
            remove_tree(root)
            continue
        files = _hostile_entries(hostile)
        total_files += len(files)
        _run_batch(ctx, batch, root, corpus, files)
        if not ctx.extra.get("keep"):
            remove_tree(root)
    print(f"   ingest: {total_files} hostile files in {len(batches)} batches", flush=True)
    ctx.extra["ingest_files"] = total_files
    ctx.extra["ingest_batches"] = len(batches)


def _run_batch(ctx: Context, batch: Batch, root: Path, corpus: Path, files: list[bytes]) -> None:
    data = root / "data"
    unpriv = batch.unpriv
    if unpriv:
        ctx.chown_unpriv(data.parent)
    timeout = batch.timeout or ctx.batch_timeout
    proc = ctx.reform(["ingest", str(corpus), str(batch.hostile)], data, timeout=timeout, unpriv=unpriv)
    problems = proc.problems(ok_codes=(0, 1))
    if proc.rc == 2:
        problems.append(f"the whole run was refused: {proc.message()}")
    output = re.sub(r"/proc/\d+/", "/proc/self/", proc.text)  # links into /proc/self name the ingest's own pid
    # the corpus and the follow-up checks
    listed = ctx.reform(["documents", "--json"], data, unpriv=unpriv)
    docs = listed.json() if isinstance(listed.json(), list) else []
    if listed.problems(ok_codes=(0,)) or not isinstance(listed.json(), list):
        problems.append(f"`documents --json` after the batch: {'; '.join(listed.problems(ok_codes=(0,))) or listed.message()}")
    ids = {d.get("id") for d in docs if isinstance(d, dict)}
    missing = [i for i in CORPUS_IDS if i not in ids]
    # a run that died part-way commits nothing (ingest is one transaction): say so once
    aborted = proc.timed_out or proc.killed_for_memory or proc.rc not in (0, 1) or b"ingest:" not in proc.out
    if missing:
        why = " (the run was aborted, nothing was committed)" if aborted else ""
        problems.append(f"{len(missing)} of 5 corpus documents missing after the batch{why}")
    search = ctx.reform(["search", SEARCH_QUERY, "--json", "--mode", "lexical", "--k", "100"], data, unpriv=unpriv)
    found = search.json() if isinstance(search.json(), dict) else {}
    results = [r for r in found.get("results", []) if isinstance(r, dict)]
    hit = [
        r
        for r in results
        if (r.get("document") or {}).get("id") in CORPUS_IDS or any(c in json.dumps(r.get("duplicates")) for c in CORPUS_IDS)
    ]
    if search.problems(ok_codes=(0,)):
        problems.append(f"search after the batch: {'; '.join(search.problems(ok_codes=(0,)))}")
    elif not hit and not missing:
        problems.append(
            f"search {SEARCH_QUERY!r} finds no corpus passage in its top 100 ({len(results)} results; {search.message()[:80]})"
        )
    lookup = ctx.reform(["lookup", LOOKUP_NUMBER, "--json"], data, unpriv=unpriv)
    if lookup.out.endswith(TRUNCATED):
        problems.append(f"lookup {LOOKUP_NUMBER} prints more than 8 MB (an unbounded list of mentions)")
    elif lookup.problems(ok_codes=(0, 1)):
        problems.append(f"lookup after the batch: {'; '.join(lookup.problems(ok_codes=(0, 1)))}")
    elif (lookup.json() or {}).get("number") != LOOKUP_NUMBER and not missing:
        problems.append(f"lookup {LOOKUP_NUMBER} does not find it ({lookup.message()[:80]})")
    # every file accounted for
    unnamed, no_reason = [], []
    if not aborted:
        doc_paths = {d.get("path") for d in docs if isinstance(d, dict)}
        for f in files:
            if _path_variants(f) & doc_paths:
                continue
            verdict = _named_with_reason(output, f)
            if verdict is None:
                unnamed.append(f)
            elif verdict == "no-reason":
                no_reason.append(f)
        for path in batch.must_name:
            if _named_with_reason(output, path) is None:
                unnamed.append(os.fsencode(path))
    if unnamed:
        shown = ", ".join(repr(os.path.relpath(u, os.fsencode(root)))[2:-1] for u in unnamed[:4])
        problems.append(f"{len(unnamed)} file(s)/folder(s) neither indexed nor named in the output: {shown}")
    if no_reason:
        problems.append(f"{len(no_reason)} named without a reason, e.g. {os.fsdecode(no_reason[0])!r}")
    noise = [ln for ln in proc.err.decode("utf-8", "replace").splitlines() if ln.strip() and not KNOWN_LINE.match(ln)]
    if len(noise) > 20 and not proc.traceback:
        problems.append(f"{len(noise)} stderr lines not tied to any file (library log noise, e.g. {noise[0][:60]!r})")
    if proc.peak_rss_mb > ctx.extra.get("rss_budget_mb", 1536) and not proc.killed_for_memory:
        problems.append(f"peak RSS {proc.peak_rss_mb:.0f} MB")
    st = State(batch, proc, docs, data, unpriv)
    for check in batch.checks:
        try:
            problems += check(ctx, st)
        except Exception as exc:
            problems.append(f"harness check error: {exc!r}")
    for what, extra_proc in (("documents", listed), ("search", search), ("lookup", lookup)):
        if extra_proc.traceback and f"`{what}" not in " ".join(problems):
            problems.append(f"`{what}` after the batch: {'; '.join(extra_proc.problems())}")
    detail = "; ".join(problems) if problems else f"exit {proc.rc}, {len(files)} files, {len(docs)} documents"
    ctx.rec.add(
        CATEGORY,
        batch.name,
        not problems,
        detail,
        files=len(files),
        exit=proc.rc,
        seconds=round(proc.seconds, 1),
        peak_rss_mb=proc.peak_rss_mb,
        hang=proc.timed_out,
        traceback=proc.traceback,
        documents=len(docs),
        unnamed=len(unnamed),
        message=proc.message(),
    )
