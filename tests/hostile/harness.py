"""Core of the hostile harness: running `reform` as a watched subprocess, recording results.

Nothing here runs at import time. `Context` holds the run's settings and paths; `Context.reform()`
runs one CLI command in its own process group with a wall-clock timeout and a memory watchdog
(peak RSS of the whole process tree, polled from /proc) and returns a `Proc`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

TRACEBACK = b"Traceback (most recent call last)"
TRUNCATED = b"\n[harness: output truncated at 8 MB]"
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
UNPRIV_UID = 65534
CORPUS_IDS = (
    "000_2629a73e2fef3182",
    "001_162ac573aecaa869",
    "002_13b3cd4834e1fb70",
    "003_0446401b9c9ac84a",
    "004_cb046c32ecbbcf08",
)
SEARCH_QUERY = "cải cách hành chính"
LOOKUP_NUMBER = "280/QĐ-UBND"


# --------------------------------------------------------------------------- process tree / memory


def _proc_table() -> dict[int, tuple[int, int]]:
    """{pid: (ppid, pgrp)} for every live process we can see (zombies are left out: they hold no memory)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                raw = f.read()
        except OSError:
            continue
        rest = raw[raw.rfind(b")") + 2 :].split()
        if rest[:1] in ([b"Z"], [b"X"]):
            continue
        try:
            table[int(entry)] = (int(rest[1]), int(rest[2]))
        except (IndexError, ValueError):
            continue
    return table


def tree_pids(root: int, pgid: int | None = None) -> set[int]:
    """The root process, its descendants (by parent links) and every process in its process group."""
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found = {root} if root in table else set()
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    if pgid is not None:
        found |= {pid for pid, (_, group) in table.items() if group == pgid}
    return found


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_kb(root: int, pgid: int | None = None) -> tuple[int, dict[int, int]]:
    per = {pid: rss_kb(pid) for pid in tree_pids(root, pgid)}
    return sum(per.values()), per


def kill_group(pgid: int, sig: int = signal.SIGKILL) -> None:
    """Signal a process group that this harness created (start_new_session=True)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


# --------------------------------------------------------------------------- results


@dataclass
class Proc:
    argv: list[str]
    rc: int | None
    out: bytes
    err: bytes
    seconds: float
    peak_rss_mb: float
    timed_out: bool = False
    killed_for_memory: bool = False
    leftovers: int = 0

    @property
    def text(self) -> str:
        return (self.out + b"\n" + self.err).decode("utf-8", "surrogateescape")

    @property
    def traceback(self) -> bool:
        return TRACEBACK in self.out or TRACEBACK in self.err

    @property
    def signalled(self) -> bool:
        return self.rc is not None and self.rc < 0

    def message(self) -> str:
        """The one-line message a user sees: the `error:` line, else the last stderr line."""
        lines = [ln.strip() for ln in self.err.decode("utf-8", "replace").splitlines() if ln.strip()]
        for line in lines:
            if line.lower().startswith("error"):
                return line[:300]
        if self.traceback and lines:
            return ("TRACEBACK " + lines[-1])[:300]
        if lines:
            return lines[-1][:300]
        out_lines = [ln.strip() for ln in self.out.decode("utf-8", "replace").splitlines() if ln.strip()]
        return out_lines[-1][:300] if out_lines else ""

    def json(self):
        try:
            return json.loads(self.out.decode("utf-8", "surrogateescape"))
        except (ValueError, UnicodeDecodeError):
            return None

    def problems(self, ok_codes=(0, 1, 2)) -> list[str]:
        """What is wrong with how the process ended (hang, crash, traceback, odd exit code)."""
        found = []
        if self.timed_out:
            found.append(f"hang: killed after {self.seconds:.0f} s")
        if self.killed_for_memory:
            found.append(f"memory blow-up: killed at {self.peak_rss_mb:.0f} MB RSS")
        if self.traceback:
            last = [ln for ln in self.text.splitlines() if ln.strip()]
            exc = next((ln for ln in reversed(last) if re.match(r"^\w[\w.]*(Error|Exception|Exit|Interrupt)\b", ln)), "")
            found.append(f"traceback ({exc.strip()[:160] or 'see output'})")
        if self.signalled and not (self.timed_out or self.killed_for_memory):
            found.append(f"killed by signal {-self.rc}")
        elif self.rc is not None and self.rc >= 0 and self.rc not in ok_codes:
            found.append(f"exit code {self.rc}")
        if self.leftovers:
            found.append(f"{self.leftovers} process(es) left running after exit")
        if self.rc is None and self.err.startswith(b"harness could not start"):
            found.append(self.err.decode("utf-8", "replace"))
        if b"(a bug" in self.err and not self.traceback:  # the product's own catch-all for unexpected exceptions
            found.append(f"internal error the product itself calls a bug: {self.message()[:160]}")
        return found


class Recorder:
    """Appends one JSON line per case to results.jsonl and prints a progress line."""

    def __init__(self, out_dir: Path):
        out_dir.mkdir(parents=True, exist_ok=True)
        self.path = out_dir / "results.jsonl"
        self.path.write_text("")
        self.rows: list[dict] = []

    def add(self, category: str, case: str, ok: bool, detail: str = "", **extra) -> None:
        row = {"category": category, "case": case, "outcome": "ok" if ok else "fail", "detail": detail[:2000], **extra}
        self.rows.append(row)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        mark = "ok  " if ok else "FAIL"
        print(f"  [{mark}] {category}/{case}" + (f" — {detail[:160]}" if detail and not ok else ""), flush=True)

    def summary(self) -> tuple[str, int]:
        cats: dict[str, list[int]] = {}
        for row in self.rows:
            cats.setdefault(row["category"], [0, 0])[row["outcome"] == "fail"] += 1
        lines = ["", f"{'category':<12} {'cases':>6} {'ok':>6} {'fail':>6}"]
        for cat, (ok, fail) in cats.items():
            lines.append(f"{cat:<12} {ok + fail:>6} {ok:>6} {fail:>6}")
        total_fail = sum(f for _, f in cats.values())
        lines.append(f"{'total':<12} {len(self.rows):>6} {len(self.rows) - total_fail:>6} {total_fail:>6}")
        failures = [r for r in self.rows if r["outcome"] == "fail"]
        if failures:
            lines += ["", "failures:"]
            for r in failures:
                one_line = " ".join(r["detail"].split())[:240]
                lines.append(f"  {r['category']}/{r['case']}: {one_line}")
        return "\n".join(lines), total_fail


# --------------------------------------------------------------------------- context


@dataclass
class Context:
    repo: Path  # where corpus/ lives (this checkout)
    product: Path  # the code under test (default: the repo)
    out: Path
    work: Path
    quick: bool
    reform_bin: str
    model_dir: str | None
    batch_timeout: float
    cli_timeout: float
    max_rss_mb: float
    rec: Recorder
    unpriv_prefix: list[str] | None = None
    unpriv_mode: str = ""
    unpriv_reason: str = ""
    good_data: Path | None = None
    extra: dict = field(default_factory=dict)

    @property
    def corpus(self) -> Path:
        return self.repo / "corpus"

    def base_env(self, data: Path | None = None, model: bool = False, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("REFORM_")}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPATH", None)
        if self.product != self.repo:
            env["PYTHONPATH"] = str(self.product)
        if data is not None:
            env["REFORM_DATA"] = str(data)
        if model and self.model_dir:
            env["REFORM_MODEL"] = self.model_dir
        env.update(overrides)
        return env

    def reform(
        self,
        args: list,
        data: Path | str | None,
        *,
        env: dict[str, str] | None = None,
        model: bool = False,
        timeout: float | None = None,
        unpriv: bool = False,
        cwd: Path | None = None,
        stdin=subprocess.DEVNULL,
        data_flag: bool = True,
    ) -> Proc:
        argv: list = [self.reform_bin]
        if data is not None and data_flag:
            argv += ["--data", data]
        argv += args
        if unpriv:
            argv = [*self.unpriv_prefix, *argv]
        full_env = env if env is not None else self.base_env(Path(data) if data is not None else None, model=model)
        if unpriv and self.unpriv_mode == "uid":
            full_env = {**full_env, "HOME": str(self.work)}
        return run(
            argv, env=full_env, timeout=timeout or self.cli_timeout, cwd=cwd or self.work, max_rss_mb=self.max_rss_mb, stdin=stdin
        )

    def fresh_dir(self, name: str) -> Path:
        path = self.work / name
        if path.exists() or path.is_symlink():
            remove_tree(path)
        path.mkdir(parents=True)
        return path

    def copy_corpus(self, dest: Path) -> Path:
        dest.mkdir(parents=True, exist_ok=True)
        for item in self.corpus.iterdir():
            if item.suffix in (".txt", ".json"):
                shutil.copy2(item, dest / item.name)
        return dest

    def chown_unpriv(self, path: Path) -> None:
        """Give a tree to the unprivileged user (only when the unprivileged mode is a real uid)."""
        if self.unpriv_mode != "uid":
            return
        for root, dirs, files in os.walk(path):
            for name in [*dirs, *files]:
                with contextlib.suppress(OSError):
                    os.lchown(os.path.join(root, name), UNPRIV_UID, UNPRIV_UID)
        os.lchown(path, UNPRIV_UID, UNPRIV_UID)


def run(argv: list, *, env: dict, timeout: float, cwd: Path, max_rss_mb: float, stdin=subprocess.DEVNULL) -> Proc:
    """Run argv in a new session; poll RSS of its tree; kill the group on timeout or memory blow-up."""
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f:
        start = time.monotonic()
        try:
            proc = subprocess.Popen(argv, stdout=out_f, stderr=err_f, stdin=stdin, env=env, cwd=cwd, start_new_session=True)
        except OSError as exc:
            return Proc([str(a) for a in argv], None, b"", f"harness could not start: {exc}".encode(), 0.0, 0.0)
        peak = 0
        timed_out = killed_mem = False
        interval = 0.02
        while True:
            rc = proc.poll()
            if rc is not None:
                break
            total, _ = tree_rss_kb(proc.pid, proc.pid)
            peak = max(peak, total)
            elapsed = time.monotonic() - start
            if total > max_rss_mb * 1024:
                killed_mem = True
            elif elapsed > timeout:
                timed_out = True
            if killed_mem or timed_out:
                kill_group(proc.pid)
                proc.wait()
                break
            time.sleep(interval)
            interval = min(0.1, interval * 1.5)
        seconds = time.monotonic() - start
        # anything of ours still alive in the group after the main process ended?
        left = tree_pids(proc.pid, proc.pid) - {proc.pid}
        left = {p for p in left if _pgid(p) == proc.pid}
        if left:
            kill_group(proc.pid)
        out = _read_capped(out_f)
        err = _read_capped(err_f)
    return Proc(
        [os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in argv],
        proc.returncode,
        out,
        err,
        seconds,
        round(peak / 1024, 1),
        timed_out,
        killed_mem,
        len(left),
    )


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


def _read_capped(f, cap: int = 8 * 1024 * 1024) -> bytes:
    f.seek(0)
    data = f.read(cap)
    if f.read(1):
        data += TRUNCATED
    return data


def remove_tree(path: Path) -> None:
    """rm -rf that first restores permissions (chmod 000 folders) and never follows links."""
    path = Path(path)
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
        return
    if not path.exists():
        return
    for root, dirs, _files in os.walk(path, followlinks=False):
        for d in dirs:
            p = os.path.join(root, d)
            if not os.path.islink(p):
                with contextlib.suppress(OSError):
                    os.chmod(p, 0o755)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o755)
    # walking again now that every folder is readable
    for root, dirs, _files in os.walk(path, followlinks=False):
        for d in dirs:
            p = os.path.join(root, d)
            if not os.path.islink(p):
                with contextlib.suppress(OSError):
                    os.chmod(p, 0o755)
    shutil.rmtree(path, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Canary:
    """A local HTTP listener that counts connections: SERVICE/LOAD/FROM targets point here.

    A hit means something fetched a URL named in a query. It answers with an empty SPARQL result so
    a client that did fetch gets a well-formed answer and carries on.
    """

    def __init__(self):
        import threading

        self.hits: list[str] = []
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            try:
                conn.settimeout(2)
                first = conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1", "replace")
                self.hits.append(first or "(connection)")
                body = b'{"head": {"vars": []}, "results": {"bindings": []}}'
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: %d\r\n"
                    b"Connection: close\r\n\r\n%s" % (len(body), body)
                )
            except OSError:
                pass
            finally:
                conn.close()

    def take(self) -> list[str]:
        hits, self.hits = self.hits, []
        return hits

    def close(self) -> None:
        self._stop = True
        self.sock.close()


def detect_model(ctx: Context) -> tuple[str | None, str]:
    """The installed model directory (from `reform model info` on the repo's data dir), or None."""
    if os.environ.get("REFORM_MODEL"):
        return os.environ["REFORM_MODEL"], "REFORM_MODEL from the environment"
    data = ctx.repo / "data"
    proc = ctx.reform(["model", "info"], data, timeout=60, cwd=ctx.repo)
    if proc.rc != 0:
        return None, f"no model installed (`reform model info` exit {proc.rc}: {proc.message()})"
    match = re.search(r"^model:\s*(.+)$", proc.out.decode("utf-8", "replace"), re.M)
    if not match:
        return None, "`reform model info` printed no model path"
    path = Path(match.group(1).strip())
    if not path.is_absolute():
        path = (ctx.repo / path).resolve()
    if not path.is_dir():
        return None, f"model path {path} is not a directory"
    return str(path), f"model at {path}"


def setup_unprivileged(ctx: Context) -> None:
    """Find a way to run the product where file permissions apply (root ignores chmod 000).

    First choice: uid/gid 65534 via setpriv. When that user cannot even start the product (its
    interpreter under a private home, say), fall back to root without CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH (setpriv --bounding-set), for which mode bits apply as for any owner.
    """
    if os.geteuid() != 0:
        ctx.unpriv_prefix, ctx.unpriv_mode = [], "self"
        ctx.unpriv_reason = f"already unprivileged (uid {os.geteuid()})"
        return
    setpriv = shutil.which("setpriv")
    if not setpriv:
        ctx.unpriv_reason = "setpriv not found: permission cases skipped"
        return
    probe_dir = Path(tempfile.mkdtemp(dir=ctx.work, prefix="perm-probe-"))
    secret = probe_dir / "secret"
    secret.write_text("x")
    secret.chmod(0)
    os.chmod(probe_dir, 0o755)
    code = f"import sys\ntry:\n open({str(secret)!r}).read(); sys.exit(3)\nexcept PermissionError:\n sys.exit(0)"
    python = str(Path(ctx.reform_bin).with_name("python"))
    candidates = [
        ("uid", [setpriv, f"--reuid={UNPRIV_UID}", f"--regid={UNPRIV_UID}", "--clear-groups"]),
        ("nodac", [setpriv, "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]),
    ]
    reasons = []
    for mode, prefix in candidates:
        env = ctx.base_env()
        if mode == "uid":
            env["HOME"] = str(probe_dir)
        p1 = run([*prefix, python, "-c", code], env=env, timeout=30, cwd=probe_dir, max_rss_mb=4096)
        # through a shell too: the product starts children (gunicorn, spawned workers) the same way
        p2 = run(
            [*prefix, "/bin/sh", "-c", f'exec "{ctx.reform_bin}" --version'], env=env, timeout=60, cwd=probe_dir, max_rss_mb=4096
        )
        if p1.rc == 0 and p2.rc == 0:
            ctx.unpriv_prefix, ctx.unpriv_mode = prefix, mode
            ctx.unpriv_reason = (
                "running permission cases as uid 65534"
                if mode == "uid"
                else "uid 65534 cannot start the product (" + "; ".join(reasons) + "); permission cases run as root "
                "without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (setpriv --bounding-set), so mode bits apply"
            )
            break
        reasons.append(f"{mode}: probe exit {p1.rc}/{p2.rc} {(p2.err or p1.err).decode('utf-8', 'replace').strip()[:120]}")
    else:
        ctx.unpriv_reason = "no unprivileged mode works (" + "; ".join(reasons) + "): permission cases skipped"
    remove_tree(probe_dir)


def preflight(ctx: Context) -> str | None:
    """None when the product starts at all; else why not (e.g. a half-done refactor)."""
    tmp = ctx.fresh_dir("preflight")
    for args in (["--version"], ["documents", "--json"]):
        p = ctx.reform(args, tmp / "data", timeout=120)
        if p.rc != 0 or p.traceback:
            return f"`reform {' '.join(args)}` exit {p.rc}: {p.message() or p.err.decode('utf-8', 'replace')[-300:]}"
    remove_tree(tmp)
    return None


def _git(repo: Path, *args: str, text: bool = True):
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=text, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return "" if text else b""


def product_state(repo: Path, snapshot: str) -> dict:
    """Which code was attacked: commit and a hash of uncommitted changes (for the report)."""
    import hashlib

    head = _git(repo, "rev-parse", "HEAD").strip()
    status = _git(repo, "status", "--short") if snapshot != "head" else ""
    diff_hash = hashlib.sha256(_git(repo, "diff", "HEAD").encode()).hexdigest()[:12] if status.strip() else None
    return {
        "snapshot": snapshot,
        "commit": head or None,
        "dirty_files": len(status.splitlines()),
        "diff_sha256_12": diff_hash,
        "python": sys.version.split()[0],
    }


def make_snapshot(repo: Path, dest: Path, mode: str) -> Path:
    """Freeze the code under test, so edits made in the checkout during a run do not change it.

    head: the last commit (git archive); worktree: the files as they are now, uncommitted edits included.
    """
    import io
    import tarfile

    if dest.exists():
        remove_tree(dest)
    if mode == "head":
        blob = _git(repo, "archive", "--format=tar", "HEAD", text=False)
        if not blob:
            raise RuntimeError("git archive HEAD produced nothing")
        dest.mkdir(parents=True)
        with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
            tar.extractall(dest, filter="data")
    else:
        anywhere = shutil.ignore_patterns("__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache")
        top_level = {".venv", ".git", "data", "test-artifacts"}  # not graph/data: package resources live there

        def ignore(folder: str, names: list[str]) -> set[str]:
            skipped = set(anywhere(folder, names))
            return skipped | (top_level & set(names)) if Path(folder) == repo else skipped

        shutil.copytree(repo, dest, symlinks=True, ignore=ignore)
    return dest
