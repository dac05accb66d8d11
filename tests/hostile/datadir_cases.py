"""Category `datadir`: every read/write command on a data directory with one thing broken.

A good data directory is built once (the corpus; vectors too when a model is installed). For each
(corruption, command) pair a fresh copy is damaged and the command run. A command may succeed (then
its answer must be right) or fail (then with one `error:` line, exit 1 or 2) — never a traceback,
a hang, a crash, or a wrong answer with exit 0.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

from tests.hostile.harness import CORPUS_IDS, LOOKUP_NUMBER, SEARCH_QUERY, Context, Proc, remove_tree

CATEGORY = "datadir"
SHOW_ID = "001_162ac573aecaa869"


def build_good_data(ctx: Context) -> Path:
    """Ingest the corpus once (with the model when installed) and warm every index."""
    root = ctx.fresh_dir("good")
    data = root / "data"
    corpus = ctx.copy_corpus(root / "corpus")
    p = ctx.reform(["ingest", str(corpus)], data, model=True, timeout=600)
    if p.rc != 0:
        raise RuntimeError(f"cannot build the good data directory: exit {p.rc}: {p.message()}")
    for args in (
        ["search", SEARCH_QUERY, "--json"],
        ["search", SEARCH_QUERY, "--json", "--mode", "lexical"],
        ["sparql", "ASK {}"],
        ["lookup", LOOKUP_NUMBER],
    ):
        ctx.reform(args, data, model=True, timeout=300)
    ctx.good_data = data
    ctx.extra["good_corpus"] = corpus
    return data


# --------------------------------------------------------------------------- corruptions


def _rand(path: Path, rng: random.Random, size: int | None = None) -> None:
    n = size if size is not None else max(path.stat().st_size, 64) if path.exists() else 4096
    path.write_bytes(rng.randbytes(n))


def _truncate(path: Path, frac: float = 0.5, size: int | None = None) -> None:
    with open(path, "r+b") as f:
        f.truncate(size if size is not None else int(path.stat().st_size * frac))


def _replace_with_dir(path: Path) -> None:
    if path.exists():
        path.unlink()
    path.mkdir()
    (path / "junk").write_bytes(b"x")


def _snapshot_dir(data: Path) -> Path | None:
    current = data / "graph-snapshots" / "CURRENT"
    if current.is_file():
        name = current.read_text(errors="replace").strip()
        if (data / "graph-snapshots" / name).is_dir():
            return data / "graph-snapshots" / name
    dirs = [p for p in (data / "graph-snapshots").glob("*") if p.is_dir()]
    return dirs[0] if dirs else None


def _all_files(folder: Path | None):
    return [p for p in folder.rglob("*") if p.is_file()] if folder and folder.exists() else []


def _garbage_model(ctx: Context, data: Path, rng: random.Random) -> dict:
    model = data.parent / "garbage-model"
    model.mkdir()
    (model / "modules.json").write_bytes(b'[{"idx": 0, "name": "0", "path": "", "type": "os.system"}, ' + rng.randbytes(64))
    (model / "config.json").write_bytes(rng.randbytes(256))
    (model / "model.safetensors").write_bytes(rng.randbytes(4096))
    (model / "tokenizer.json").write_text('{"version": "1.0", "model": {"type": "Unigram", "vocab": 5}}')
    (model / "onnx").mkdir()
    (model / "onnx" / "query-encoder.onnx").write_bytes(rng.randbytes(2048))
    return {"env": {"REFORM_MODEL": str(model)}}


def corruptions(ctx: Context) -> list[tuple[str, object]]:
    """[(name, fn(data, rng) -> options)]; options: env overrides, data (path passed), unpriv, expect_empty."""

    def graph_files_random(d, r):
        for p in _all_files(d / "graph"):
            _rand(p, r)

    def snapshot_files_random(d, r):
        for p in _all_files(_snapshot_dir(d)):
            _rand(p, r)

    def snapshot_sst_truncated(d, r):
        for p in _all_files(_snapshot_dir(d)):
            if p.suffix == ".sst":
                _truncate(p, 0.3)

    def readonly(d, r):
        for root, dirs, files in os.walk(d):
            for f in files:
                os.chmod(os.path.join(root, f), 0o444)
            for x in dirs:
                os.chmod(os.path.join(root, x), 0o555)
        os.chmod(d, 0o555)
        return {"unpriv": True}

    cases = [
        ("data-is-a-file", lambda d, r: (remove_tree(d), d.write_text("not a directory\n"), {})[-1]),
        ("data-is-dev-null", lambda d, r: {"data": "/dev/null"}),
        ("data-missing", lambda d, r: (remove_tree(d), {"expect_empty": True})[-1]),
        ("sqlite-truncated-half", lambda d, r: _truncate(d / "reform.sqlite3", 0.5)),
        ("sqlite-truncated-100b", lambda d, r: _truncate(d / "reform.sqlite3", size=100)),
        ("sqlite-random", lambda d, r: _rand(d / "reform.sqlite3", r)),
        (
            "sqlite-header-then-random",
            lambda d, r: (d / "reform.sqlite3").write_bytes(
                (d / "reform.sqlite3").read_bytes()[:100] + r.randbytes((d / "reform.sqlite3").stat().st_size - 100)
            ),
        ),
        # the store emptied while graph/ and the indexes still hold the corpus: damage, not a fresh start
        ("sqlite-zero-bytes", lambda d, r: _truncate(d / "reform.sqlite3", size=0)),
        ("sqlite-missing", lambda d, r: (d / "reform.sqlite3").unlink()),
        ("sqlite-wal-random", lambda d, r: _rand(Path(str(d / "reform.sqlite3") + "-wal"), r, 65536)),
        (
            "sqlite-wal-and-shm-random",
            lambda d, r: (
                _rand(Path(str(d / "reform.sqlite3") + "-wal"), r, 65536),
                _rand(Path(str(d / "reform.sqlite3") + "-shm"), r, 32768),
            ),
        ),
        (
            "vectors-truncated",
            lambda d, r: _truncate(d / "vectors.npz", 0.5) if (d / "vectors.npz").exists() else _rand(d / "vectors.npz", r),
        ),
        ("vectors-random", lambda d, r: _rand(d / "vectors.npz", r)),
        ("vectors-empty", lambda d, r: (d / "vectors.npz").write_bytes(b"")),
        ("vectors-is-a-dir", lambda d, r: _replace_with_dir(d / "vectors.npz")),
        (
            "lexical-truncated",
            lambda d, r: _truncate(d / "lexical.npz", 0.5) if (d / "lexical.npz").exists() else _rand(d / "lexical.npz", r),
        ),
        ("lexical-random", lambda d, r: _rand(d / "lexical.npz", r)),
        ("lexical-empty", lambda d, r: (d / "lexical.npz").write_bytes(b"")),
        ("graph-files-random", graph_files_random),
        ("graph-current-random", lambda d, r: _rand(d / "graph" / "CURRENT", r, 16)),
        ("graph-missing", lambda d, r: remove_tree(d / "graph")),
        ("snapshots-current-random", lambda d, r: _rand(d / "graph-snapshots" / "CURRENT", r, 23)),
        ("snapshots-current-traversal", lambda d, r: (d / "graph-snapshots" / "CURRENT").write_text("../../../../../etc\n")),
        ("snapshots-current-empty", lambda d, r: (d / "graph-snapshots" / "CURRENT").write_text("")),
        ("snapshot-files-random", snapshot_files_random),
        ("snapshot-sst-truncated", snapshot_sst_truncated),
        ("snapshots-missing", lambda d, r: remove_tree(d / "graph-snapshots")),
        ("writer-lock-is-a-dir", lambda d, r: _replace_with_dir(d / "writer.lock")),
        ("model-garbage-modules-json", lambda d, r: _garbage_model(ctx, d, r)),
        ("model-dir-missing", lambda d, r: {"env": {"REFORM_MODEL": str(d.parent / "no-such-model")}}),
        (
            "model-is-a-file",
            lambda d, r: (
                (d.parent / "model-file").write_bytes(r.randbytes(100)),
                {"env": {"REFORM_MODEL": str(d.parent / "model-file")}},
            )[-1],
        ),
        ("readonly-data-dir", readonly),
        ("no-permission-data-dir", lambda d, r: (os.chmod(d, 0), {"unpriv": True})[-1]),
        ("unreadable-sqlite", lambda d, r: (os.chmod(d / "reform.sqlite3", 0), {"unpriv": True})[-1]),
        ("env-sparql-timeout-abc", lambda d, r: {"env": {"REFORM_SPARQL_TIMEOUT": "abc"}}),
        ("env-sparql-timeout-negative", lambda d, r: {"env": {"REFORM_SPARQL_TIMEOUT": "-1"}}),
        ("env-unknown-setting", lambda d, r: {"env": {"REFORM_UNKNOWN_SETTING": "1"}}),
        ("env-max-rows-negative", lambda d, r: {"env": {"REFORM_SPARQL_MAX_ROWS": "-5"}}),
        ("env-max-file-mb-abc", lambda d, r: {"env": {"REFORM_MAX_FILE_MB": "abc"}}),
        (
            "env-passage-words-inverted",
            lambda d, r: {"env": {"REFORM_PASSAGE_MIN_WORDS": "500", "REFORM_PASSAGE_MAX_WORDS": "10"}},
        ),
        ("env-ann-nan-inf", lambda d, r: {"env": {"REFORM_ANN_NPROBE": "nan", "REFORM_ANN_THRESHOLD": "1e999"}}),
        ("env-base-uri-garbage", lambda d, r: {"env": {"REFORM_BASE_URI": "javascript:alert(1)//\n<x>"}}),
    ]
    if ctx.quick:
        keep = {"data-is-a-file", "sqlite-random", "snapshots-current-random"}
        cases = [c for c in cases if c[0] in keep]
    return cases


def commands(ctx: Context) -> list[tuple[str, list[str]]]:
    corpus = str(ctx.extra["good_corpus"])
    return [
        ("documents", ["documents", "--json"]),
        ("search", ["search", SEARCH_QUERY, "--json"]),
        ("lookup", ["lookup", LOOKUP_NUMBER, "--json"]),
        ("show", ["show", SHOW_ID, "--json"]),
        ("sparql", ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json"]),
        ("entities", ["entities", "--stats"]),
        ("export", ["export", "--format", "nt"]),
        ("ingest", ["ingest", corpus]),
    ]


def answer_problem(name: str, p: Proc) -> str | None:
    """None when a successful command's output is right; else what is wrong with it."""
    data = p.json()
    if name == "documents":
        ids = {d.get("id") for d in data} if isinstance(data, list) else set()
        return None if all(i in ids for i in CORPUS_IDS) else f"exit 0 but {len(ids)} documents listed"
    if name == "search":
        results = data.get("results") if isinstance(data, dict) else None
        return None if results else "exit 0 but no results"
    if name == "lookup":
        return None if isinstance(data, dict) and data.get("number") == LOOKUP_NUMBER else "exit 0 but no such document"
    if name == "show":
        return None if isinstance(data, dict) and data.get("text") else "exit 0 but no text"
    if name == "sparql":
        try:
            n = int(data["results"]["bindings"][0]["n"]["value"])
        except (TypeError, KeyError, IndexError, ValueError):
            return "exit 0 but no count in the output"
        return None if n > 100 else f"exit 0 but the graph holds {n} triples"
    if name == "entities":
        return (
            None if any(ch.isdigit() and ch != "0" for ch in p.out.decode("utf-8", "replace")) else "exit 0 but nothing counted"
        )
    if name == "export":
        return None if p.out.count(b" .\n") > 100 else f"exit 0 but only {p.out.count(b' .' + bytes([10]))} triples exported"
    return None


MODEL_FREE = {"documents", "show", "lookup", "sparql", "entities", "export"}


def judge(name: str, p: Proc, expect_empty: bool, corruption: str = "") -> list[str]:
    problems = p.problems(ok_codes=(0, 1, 2))
    if corruption.startswith(("model-", "vectors-")) and name in MODEL_FREE and p.rc != 0:
        problems.append(f"fails although it needs neither the model nor the vector index: {p.message()[:120]}")
    err_lines = [
        ln for ln in p.err.decode("utf-8", "replace").splitlines() if ln.strip() and not ln.lower().startswith("warning")
    ]
    if p.rc not in (0, None) and not p.traceback and not p.timed_out:
        msg = p.message()
        if not msg.lower().startswith("error") and not (name == "ingest" and p.rc == 1 and b"failed:" in p.err):
            problems.append(f"exit {p.rc} without an 'error:' line (last line: {msg[:100]!r})")
        if len(err_lines) > 3 and not (name == "ingest" and p.rc == 1):
            problems.append(f"error output is {len(err_lines)} lines, not one")
    if name == "lookup" and p.rc == 1 and "not found" in p.message().lower() and not p.traceback:
        # the documented answer for an unknown number; wrong only when the store should know it
        problems = [x for x in problems if not x.startswith("exit 1 without")]
        if not expect_empty:
            problems.append(f"says {p.message()[:60]!r} instead of reporting the damage")
    if p.rc == 0 and not expect_empty and name != "ingest":
        wrong = answer_problem(name, p)
        if wrong:
            problems.append(f"wrong answer reported as success: {wrong}")
    return problems


def run_all(ctx: Context) -> None:
    print("\n== datadir: building the good data directory", flush=True)
    if ctx.good_data is None:
        build_good_data(ctx)
    cases = corruptions(ctx)
    cmds = commands(ctx)
    print(f"== datadir: {len(cases)} corruptions x {len(cmds)} commands", flush=True)
    for cname, corrupt in cases:
        for index, (name, args) in enumerate(cmds):
            rng = random.Random(f"{ctx.extra.get('seed')}-{cname}")
            root = ctx.fresh_dir(f"dd-{cname}-{index}")
            data = root / "data"
            shutil.copytree(ctx.good_data, data, symlinks=True)
            try:
                opts = corrupt(data, rng)
                opts = opts if isinstance(opts, dict) else {}
            except Exception as exc:
                ctx.rec.add(CATEGORY, f"{cname}/{name}", False, f"harness could not corrupt: {exc!r}")
                remove_tree(root)
                continue
            if opts.get("unpriv") and ctx.unpriv_prefix is None:
                ctx.rec.add(CATEGORY, f"{cname}/{name}", True, f"skipped: {ctx.unpriv_reason}", skipped=True)
                remove_tree(root)
                continue
            data_arg = opts.get("data", data)
            # the model (slow to load) only where it is the thing broken or the thing read
            env = ctx.base_env(Path(data_arg), model=cname.startswith(("model-", "vectors-")))
            env.update(opts.get("env", {}))
            if opts.get("unpriv") and ctx.unpriv_mode == "uid":
                ctx.chown_unpriv(root)
            p = ctx.reform(args, data_arg, env=env, unpriv=bool(opts.get("unpriv")), timeout=ctx.cli_timeout)
            problems = judge(name, p, bool(opts.get("expect_empty")), cname)
            detail = "; ".join(problems) if problems else f"exit {p.rc}: {p.message()[:160]}"
            ctx.rec.add(
                CATEGORY,
                f"{cname}/{name}",
                not problems,
                detail,
                exit=p.rc,
                traceback=p.traceback,
                seconds=round(p.seconds, 1),
                message=p.message(),
                peak_rss_mb=p.peak_rss_mb,
            )
            remove_tree(root)
