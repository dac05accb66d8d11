"""Category `http`: attacks on a running `reform serve` (started on a free port, stopped at the end).

Every case is followed by a health check — `ASK {}` answers true, the triple count is unchanged and a
search finds corpus passages — so an attack that leaves the server broken fails even when its own
response looked fine. Requests are written on raw sockets, so paths and headers go out exactly as
written (no client-side normalization of `..` or header limits).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile import generate as g
from tests.hostile.harness import CORPUS_IDS, SEARCH_QUERY, Canary, Context, free_port, kill_group, tree_pids, tree_rss_kb

CATEGORY = "http"
SECURITY_HEADERS = {
    "content-security-policy": None,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
BASE_URI = "http://127.0.0.1:8000"  # REFORM_BASE_URI is left at its default
LEAKS = (
    b"root:x:0:0",
    b"SQLite format 3",
    b"[tool.pytest",
    b"def create_app",
    b"import click",
    b"[project]",
    b"Blueprint(",
    b"OUTSIDESECRETMARKER",
)
# raw markup only: the same payloads escaped (&lt;script&gt;…) are what a safe page shows
XSS_MARKERS = re.compile(rb"<script>alert|<img[^>]*onerror=|<svg[^>]*onload=|href=[\"']?\s*javascript:", re.I)
PARSE_WORDS = re.compile(r"pars|syntax|expect|unexpected|invalid|error at|line \d", re.I)


@dataclass
class Resp:
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    seconds: float = 0.0
    error: str = ""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def short(self) -> str:
        if self.status is None:
            return f"no response ({self.error})"
        text = self.body[:160].decode("utf-8", "replace").replace("\n", " ")
        return f"{self.status} {text}"


class Server:
    """`reform serve` on a free port, in its own process group; stopped with SIGTERM, then SIGKILL."""

    def __init__(self, ctx: Context, data: Path):
        self.ctx, self.data = ctx, data
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = ctx.work / "serve.log"

    def start(self, timeout: float = 240) -> str | None:
        env = self.ctx.base_env(self.data, model=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [self.ctx.reform_bin, "--data", str(self.data), "serve", "--port", str(self.port)],
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=self.ctx.work,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return (
                    f"reform serve exited with {self.proc.returncode}: {self.log.read_bytes()[-400:].decode('utf-8', 'replace')}"
                )
            r = request(self.port, "GET", "/api/documents", timeout=5)
            if r.status == 200:
                return None
            time.sleep(0.5)
        return f"reform serve did not answer within {timeout:.0f} s"

    def rss_mb(self) -> float:
        if not self.proc:
            return 0.0
        total, _ = tree_rss_kb(self.proc.pid, self.proc.pid)
        return total / 1024

    def stop(self) -> tuple[float, int]:
        """(seconds to stop, processes left behind and killed)."""
        if not self.proc:
            return 0.0, 0
        start = time.monotonic()
        kill_group(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            kill_group(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        took = time.monotonic() - start
        time.sleep(0.5)
        left = {p for p in tree_pids(self.proc.pid, self.proc.pid) if p != self.proc.pid}
        if left:
            kill_group(self.proc.pid, signal.SIGKILL)
            for pid in left:  # descendants that left the group are still ours (found by parent links)
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        self.proc = None
        return took, len(left)


# --------------------------------------------------------------------------- raw HTTP


def raw(port: int, data: bytes, timeout: float = 30, trickle: bool = False) -> Resp:
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            try:
                s.sendall(data)
            except OSError as exc:  # the server may answer and close before reading everything
                if not isinstance(exc, (BrokenPipeError, ConnectionResetError)):
                    raise
            chunks = []
            while True:
                try:
                    chunk = s.recv(65536)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
                if sum(map(len, chunks)) > 50 * 1024 * 1024:
                    break
    except OSError as exc:
        return Resp(None, seconds=time.monotonic() - start, error=f"{type(exc).__name__}: {exc}")
    return _parse(b"".join(chunks), time.monotonic() - start)


def _parse(blob: bytes, seconds: float) -> Resp:
    if not blob:
        return Resp(None, seconds=seconds, error="connection closed without a response")
    head, _, body = blob.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return Resp(None, seconds=seconds, error=f"unparseable response {blob[:60]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        k, _, v = line.decode("latin-1").partition(":")
        key = k.strip().lower()
        headers[key] = (headers[key] + ", " + v.strip()) if key in headers else v.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        out, rest = b"", body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            try:
                size = int(size_line.split(b";")[0], 16)
            except ValueError:
                break
            if size == 0:
                break
            out, rest = out + rest[:size], rest[size + 2 :]
        body = out
    return Resp(status, headers, body, seconds)


def request(
    port: int, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes | None = None, timeout: float = 30
) -> Resp:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    hdrs = dict(headers or {})
    if body is not None and not any(k.lower() in ("content-length", "transfer-encoding") for k in hdrs):
        hdrs["Content-Length"] = str(len(body))
    lines += [f"{k}: {v}" for k, v in hdrs.items()]
    data = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape") + (body or b"")
    return raw(port, data, timeout=timeout)


def q(s: str) -> str:
    return urllib.parse.quote(s, safe="")


JSON_RESULTS = {"Accept": "application/sparql-results+json"}


def sparql(port: int, query: str, how: str = "get", accept: dict | None = None, timeout: float = 60) -> Resp:
    hdrs = dict(accept or JSON_RESULTS)
    if how == "get":
        return request(port, "GET", "/sparql?query=" + q(query), headers=hdrs, timeout=timeout)
    if how == "form":
        return request(
            port,
            "POST",
            "/sparql",
            headers={**hdrs, "Content-Type": "application/x-www-form-urlencoded"},
            body=("query=" + q(query)).encode(),
            timeout=timeout,
        )
    return request(
        port,
        "POST",
        "/sparql",
        headers={**hdrs, "Content-Type": "application/sparql-query"},
        body=query.encode("utf-8"),
        timeout=timeout,
    )


def count_of(r: Resp) -> int | None:
    try:
        return int(r.json()["results"]["bindings"][0]["n"]["value"])
    except (TypeError, KeyError, IndexError, ValueError):
        return None


# --------------------------------------------------------------------------- the run


class Attack:
    def __init__(self, ctx: Context, server: Server, canary: Canary):
        self.ctx, self.server, self.canary = ctx, server, canary
        self.port = server.port
        self.base_count: int | None = None
        self.doc_ids: list[str] = []

    # health -----------------------------------------------------------------
    def health(self) -> list[str]:
        problems = []
        r = sparql(self.port, "ASK {}")
        if r.status != 200 or (r.json() or {}).get("boolean") is not True:
            problems.append(f"next ASK {{}} answered {r.short()[:120]}")
        c = sparql(self.port, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        n = count_of(c)
        if n != self.base_count:
            problems.append(f"triple count now {n} (was {self.base_count}; {c.short()[:80]})")
        s = request(self.port, "GET", "/api/search?mode=lexical&q=" + q(SEARCH_QUERY))
        results = (s.json() or {}).get("results") if s.status == 200 and isinstance(s.json(), dict) else None
        if not results:
            problems.append(f"next search answered {s.short()[:100]}")
        return problems

    def record(self, case: str, problems: list[str], detail_ok: str = "", check_health: bool = True, **extra) -> None:
        problems = list(problems)
        if check_health:
            sick = self.health()
            if sick:
                problems.append("server unhealthy afterwards: " + "; ".join(sick))
                if not self._recover():
                    problems.append("did not recover within 30 s: server restarted")
        hits = self.canary.take()
        if hits:
            problems.append(f"outbound request reached the canary: {hits[0][:80]}")
        self.ctx.rec.add(CATEGORY, case, not problems, "; ".join(problems) if problems else detail_ok, **extra)

    def _recover(self) -> bool:
        """Wait up to 30 s for 5 healthy checks in a row; otherwise restart, so later cases start clean."""
        deadline = time.monotonic() + 30
        streak = 0
        while time.monotonic() < deadline and streak < 5:
            time.sleep(0.5)
            streak = 0 if self.health() else streak + 1
        if streak >= 5:
            return True
        self.server.stop()
        err = self.server.start()
        if err:
            raise RuntimeError(err)
        self.port = self.server.port
        return False

    def setup(self) -> str | None:
        r = request(self.port, "GET", "/api/documents")
        docs = r.json() if isinstance(r.json(), list) else (r.json() or {}).get("documents", [])
        self.doc_ids = [d["id"] for d in docs if isinstance(d, dict) and "id" in d]
        self.base_count = count_of(sparql(self.port, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
        if self.base_count is None:
            return "cannot count triples through /sparql"
        return None

    # A: updates ---------------------------------------------------------------
    def updates(self) -> None:
        c = self.canary.url
        texts = {
            "INSERT DATA": 'INSERT DATA { <urn:hostile:s> <urn:hostile:p> "x" }',
            "DELETE DATA": 'DELETE DATA { <urn:hostile:s> <urn:hostile:p> "x" }',
            "DELETE WHERE": "DELETE WHERE { ?s ?p ?o }",
            "INSERT WHERE": "INSERT { <urn:hostile:s> <urn:hostile:p> ?o } WHERE { ?s ?p ?o }",
            "WITH DELETE": "WITH <urn:hostile:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
            "LOAD": f"LOAD <{c}/data.ttl>",
            "LOAD SILENT INTO": f"LOAD SILENT <{c}/data.ttl> INTO GRAPH <urn:hostile:g>",
            "CLEAR ALL": "CLEAR ALL",
            "CLEAR DEFAULT": "CLEAR DEFAULT",
            "CLEAR GRAPH": f"CLEAR GRAPH <{BASE_URI}/graph/{CORPUS_IDS[1]}>",
            "DROP ALL": "DROP ALL",
            "DROP SILENT GRAPH": f"DROP SILENT GRAPH <{BASE_URI}/graph/{CORPUS_IDS[1]}>",
            "CREATE GRAPH": "CREATE GRAPH <urn:hostile:new>",
            "ADD/MOVE/COPY": "ADD DEFAULT TO <urn:hostile:g> ; MOVE DEFAULT TO <urn:hostile:h> ; COPY DEFAULT TO <urn:hostile:i>",
            "prefix on one line": "PREFIX ex: <http://ex.org/> INSERT DATA { ex:a ex:b ex:c }",
            "comment first": "# a comment\nDROP ALL",
            "codepoint escape": "\\u0044ROP ALL",
            "lower case": "drop all",
            "BASE and PREFIX one line": "BASE <http://x/> PREFIX a: <b> DELETE WHERE { ?s ?p ?o }",
            "after SELECT": "SELECT * WHERE {} ; DROP ALL",
        }
        transports = [
            "get query=",
            "form query=",
            "get update=",
            "form update=",
            "sparql-update body",
            "sparql-query body",
            "sparql-update; charset",
            "SPARQL-UPDATE upper case",
            "form update= with query=",
        ]
        if self.ctx.quick:
            texts = {k: texts[k] for k in ("INSERT DATA", "DROP ALL", "LOAD")}
            transports = transports[:3] + transports[4:5]
        for tname, text in texts.items():
            for how in transports:
                r = self._send_update(text, how)
                problems = []
                if r.status not in (400, 403):
                    problems.append(f"not refused: {r.short()[:120]}")
                elif r.status == 400 and not PARSE_WORDS.search(r.body.decode("utf-8", "replace")):
                    problems.append(f"400 that is not a parse error (ran?): {r.short()[:120]}")
                ask = sparql(self.port, "ASK { <urn:hostile:s> ?p ?o }")
                if (ask.json() or {}).get("boolean"):
                    problems.append("an INSERT got through: <urn:hostile:s> is in the graph")
                self.record(f"update {tname} via {how}", problems, f"{r.status}", status=r.status)

    def _send_update(self, text: str, how: str) -> Resp:
        p = self.port
        form = {"Content-Type": "application/x-www-form-urlencoded", **JSON_RESULTS}
        if how == "get query=":
            return sparql(p, text, "get")
        if how == "form query=":
            return sparql(p, text, "form")
        if how == "get update=":
            return request(p, "GET", "/sparql?update=" + q(text), headers=JSON_RESULTS)
        if how == "form update=":
            return request(p, "POST", "/sparql", headers=form, body=("update=" + q(text)).encode())
        if how == "form update= with query=":
            return request(p, "POST", "/sparql?query=" + q("ASK {}"), headers=form, body=("update=" + q(text)).encode())
        if how == "sparql-query body":
            return sparql(p, text, "direct")
        ctype = {
            "sparql-update body": "application/sparql-update",
            "sparql-update; charset": "application/sparql-update; charset=utf-8",
            "SPARQL-UPDATE upper case": "Application/SPARQL-Update",
        }[how]
        return request(p, "POST", "/sparql", headers={"Content-Type": ctype, **JSON_RESULTS}, body=text.encode())

    # B: SERVICE ---------------------------------------------------------------
    def service(self) -> None:
        c = self.canary.url
        s = f"<{c}/sparql>"
        inner = "{ ?s ?p ?o }"
        variants = {
            "plain": f"SELECT * WHERE {{ SERVICE {s} {inner} }}",
            "lower case": f"select * where {{ service {s} {inner} }}",
            "mixed case": f"SELECT * WHERE {{ SeRvIcE {s} {inner} }}",
            ".SERVICE": f"SELECT * WHERE {{ ?a ?b ?c .SERVICE {s} {inner} }}",
            "SERVICE<…> no space": f"SELECT * WHERE {{ SERVICE{s}{inner} }}",
            "}SERVICE": f"SELECT * WHERE {{ {{ ?a ?b ?c }}SERVICE {s} {inner} }}",
            "\\u0053ERVICE": f"SELECT * WHERE {{ \\u0053ERVICE {s} {inner} }}",
            "\\U00000053ERVICE": f"SELECT * WHERE {{ \\U00000053ERVICE {s} {inner} }}",
            "SERV\\u0049CE": f"SELECT * WHERE {{ SERV\\u0049CE {s} {inner} }}",
            "in OPTIONAL": f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE {s} {inner} }} }}",
            "in UNION": f"SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ SERVICE {s} {inner} }} }}",
            "in MINUS": f"SELECT * WHERE {{ ?a ?b ?c MINUS {{ SERVICE {s} {inner} }} }}",
            "in FILTER EXISTS": f"SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ SERVICE {s} {inner} }} }}",
            "in subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE {s} {inner} }} }} }}",
            "in GRAPH ?g": f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE {s} {inner} }} }}",
            "after #-IRI": f"SELECT * WHERE {{ ?a <http://x.org/#> ?c . SERVICE {s} {inner} }}",
            "after #-string": f'SELECT * WHERE {{ ?a ?b "#" . SERVICE {s} {inner} }}',
            "after escaped-quote string": f'SELECT * WHERE {{ ?a ?b "\\"#" . SERVICE {s} {inner} }}',
            "after long string": f"SELECT * WHERE {{ ?a ?b '''x\n#''' . SERVICE {s} {inner} }}",
            "prefixed name": f"PREFIX c: <{c}/> SELECT * WHERE {{ SERVICE c:sparql {inner} }}",
            "prefixed name no space": f"PREFIX c: <{c}/> SELECT * WHERE {{ SERVICE c:sparql{inner} }}",
            "prefix named service:": f"PREFIX service: <{c}/> SELECT * WHERE {{ SERVICE service:sparql {inner} }}",
            "variable endpoint": f"SELECT * WHERE {{ VALUES ?svc {{ {s} }} SERVICE ?svc {inner} }}",
            "SILENT": f"SELECT * WHERE {{ SERVICE SILENT {s} {inner} }}",
            "comment between": f"SELECT * WHERE {{ SERVICE#x\n{s} {inner} }}",
            "newline and tab": f"SELECT * WHERE {{ SERVICE\n\t{s} {inner} }}",
            "relative IRI + BASE": f"BASE <{c}/> SELECT * WHERE {{ SERVICE <sparql> {inner} }}",
            "escaped IRI": f"SELECT * WHERE {{ SERVICE <\\u0068ttp://127.0.0.1:{self.canary.port}/sparql> {inner} }}",
            "comment with < before": f"SELECT * WHERE {{ # <\nSERVICE {s} {inner} }}",
            "ASK": f"ASK {{ SERVICE {s} {inner} }}",
            "CONSTRUCT WHERE": f"CONSTRUCT WHERE {{ SERVICE {s} {inner} }}",
            "DESCRIBE": f"DESCRIBE ?s WHERE {{ SERVICE {s} {inner} }}",
            "via POST form": ("form", f"SELECT * WHERE {{ SERVICE {s} {inner} }}"),
            "via sparql-query body": ("direct", f"SELECT * WHERE {{ ?a ?b ?c .SERVICE {s} {inner} }}"),
        }
        if self.ctx.quick:
            variants = {k: variants[k] for k in ("plain", ".SERVICE", "\\u0053ERVICE", "prefixed name")}
        for name, text in variants.items():
            how, text = text if isinstance(text, tuple) else ("get", text)
            r = sparql(self.port, text, how)
            time.sleep(0.2)
            problems = []
            if r.status != 403:
                body = r.body.decode("utf-8", "replace")
                if r.status == 400 and PARSE_WORDS.search(body) and "SERVICE" not in body.upper().replace("SERVICE IS NOT", ""):
                    pass  # the parser refused it: nothing ran
                else:
                    problems.append(f"not refused with 403: {r.short()[:140]}")
            self.record(f"SERVICE {name}", problems, str(r.status), status=r.status)
        controls = {
            "SERVICE inside a string": 'SELECT * WHERE { ?s ?p "SERVICE <http://x/>" } LIMIT 1',
            "?service variable": "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
            "ex:service property": "PREFIX ex: <http://ex.org/> SELECT * WHERE { ?s ex:service ?o } LIMIT 1",
            "SERVICE in a comment": "# SERVICE <http://x/>\nSELECT * WHERE { ?s ?p ?o } LIMIT 1",
            "FROM inside a string": 'SELECT * WHERE { ?s ?p ?o FILTER(?o != "FROM <http://x/>") } LIMIT 1',
            "IRI containing SERVICE": "SELECT * WHERE { ?s <http://x.org/SERVICE> ?o } LIMIT 1",
        }
        for name, text in controls.items():
            r = sparql(self.port, text)
            problems = [] if r.status == 200 else [f"harmless query refused: {r.short()[:120]}"]
            self.record(f"false positive: {name}", problems, "200", status=r.status)

    # C: FROM -------------------------------------------------------------------
    def from_clauses(self) -> None:
        c = self.canary.url
        refused = {
            "FROM <remote>": f"SELECT * FROM <{c}/g> WHERE {{ ?s ?p ?o }} LIMIT 1",
            "FROM NAMED <remote>": f"SELECT * FROM NAMED <{c}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1",
            "FROM prefixed e:g": f"PREFIX e: <{c}/> SELECT * FROM e:g WHERE {{ ?s ?p ?o }} LIMIT 1",
            "FROM NAMED prefixed": f"PREFIX e: <{c}/> SELECT * FROM NAMED e:g WHERE {{ ?s ?p ?o }} LIMIT 1",
            "FROM rdf:type": "SELECT * FROM rdf:type WHERE { ?s ?p ?o } LIMIT 1",
            "FROM <file:///etc/passwd>": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o } LIMIT 1",
            "FROM escaped IRI": f"SELECT * FROM <\\u0068ttp://127.0.0.1:{self.canary.port}/g> WHERE {{ ?s ?p ?o }} LIMIT 1",
            "FROM relative + BASE": f"BASE <{c}/> SELECT * FROM <g> WHERE {{ ?s ?p ?o }} LIMIT 1",
            "FROM graph-prefix lookalike": f"SELECT * FROM <{BASE_URI}/graphs-elsewhere/x> WHERE {{ ?s ?p ?o }} LIMIT 1",
            "FROM in CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} FROM <{c}/g> WHERE {{ ?s ?p ?o }} LIMIT 1",
        }
        if self.ctx.quick:
            refused = {k: refused[k] for k in ("FROM <remote>", "FROM prefixed e:g")}
        for name, text in refused.items():
            r = sparql(self.port, text)
            problems = [] if r.status == 403 else [f"not refused with 403: {r.short()[:140]}"]
            self.record(name, problems, str(r.status), status=r.status)
        doc = CORPUS_IDS[0] if CORPUS_IDS[0] in self.doc_ids else (self.doc_ids or ["?"])[0]
        graph = f"{BASE_URI}/graph/{doc}"
        total = self.base_count
        in_graph = count_of(sparql(self.port, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))
        r = sparql(self.port, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
        n = count_of(r)
        problems = []
        if r.status == 403:
            pass  # refusing is allowed
        elif n is None:
            problems.append(f"no count: {r.short()[:120]}")
        elif n != in_graph or (total is not None and n >= total):
            problems.append(
                f"FROM <store graph> counted {n} triples; that graph holds {in_graph}, the store {total}: "
                "the FROM clause does not restrict the dataset"
            )
        self.record("FROM <store graph> restricts the count", problems, f"{n} of {total} (graph {in_graph})", status=r.status)
        r = sparql(self.port, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
        n2 = count_of(r)
        problems = [] if r.status == 403 or n2 == in_graph else [f"FROM NAMED <store graph> counted {n2}, graph holds {in_graph}"]
        self.record("FROM NAMED <store graph> restricts GRAPH ?g", problems, f"{n2}", status=r.status)
        r = sparql(self.port, f"SELECT (COUNT(*) AS ?n) FROM <{BASE_URI}/graph/no-such-document> WHERE {{ ?s ?p ?o }}")
        n3 = count_of(r)
        problems = [] if r.status == 403 or n3 == 0 else [f"FROM an empty store graph counted {n3} (expected 0)"]
        self.record("FROM <unknown store graph> counts 0", problems, f"{n3}", status=r.status)

    # D: nesting ----------------------------------------------------------------
    def nesting(self) -> None:
        texts = {
            "3000 nested braces": "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
            "6000 nested braces": "SELECT * WHERE " + "{" * 6000 + "}" * 6000,
            "3000 nested parens": "SELECT * WHERE { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }",
            "2000 nested OPTIONAL": "SELECT * WHERE { " + "OPTIONAL { " * 2000 + "}" * 2000 + " }",
            "1500 nested subqueries": "SELECT * WHERE { " + "{ SELECT * WHERE " * 1500 + "{}" + " }" * 1500 + " }",
            "5000 nested NOT": "ASK { FILTER(" + "!" * 5000 + "true) }",
        }
        if self.ctx.quick:
            texts = {k: texts[k] for k in ("3000 nested braces",)}
        for name, text in texts.items():
            r = sparql(self.port, text, "form", timeout=60)
            problems = []
            if r.status is None or r.status >= 500:
                problems.append(f"answered {r.short()[:140]}")
            bad = 0
            for _ in range(40):
                a = sparql(self.port, "ASK {}")
                if a.status != 200 or (a.json() or {}).get("boolean") is not True:
                    bad += 1
            if bad:
                problems.append(f"{bad} of the next 40 ASK {{}} queries failed")
            self.record(
                name, problems, f"{r.status} in {r.seconds:.1f} s; 40 ASK ok", status=r.status, seconds=round(r.seconds, 1)
            )

    # E/F: expensive queries -------------------------------------------------------
    def cross_joins(self) -> None:
        limit_mb = self.ctx.extra.get("max_query_mem_mb", 1024)
        hard_mb = self.ctx.extra.get("hard_query_mem_mb", 4096)
        for name, text in (
            ("ORDER BY over a 2-way cross join", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f ?a ?d"),
            ("ORDER BY over a 3-way cross join", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"),
            (
                "GROUP_CONCAT over a 3-way cross join",
                "SELECT (GROUP_CONCAT(STR(?c)) AS ?x) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
            ),
        ):
            if self.ctx.quick and not name.startswith("ORDER BY over a 3-way"):
                continue
            before = self.server.rss_mb()
            peak = [before]
            done = threading.Event()
            killed: list[float] = []
            t = threading.Thread(target=_watch_memory, args=(self.server, before, hard_mb, done, peak, killed), daemon=True)
            t.start()
            r = sparql(self.port, text, "form", timeout=90)
            done.set()
            t.join()
            growth = peak[0] - before
            problems = []
            if killed:
                problems.append(f"server tree grew past +{hard_mb} MB: harness stopped it")
                self.server.start()
                self.port = self.server.port
            limited = r.status in (400, 413, 422) and b"limit" in r.body.lower()  # refused for a stated resource limit
            if r.status not in (200, 503) and not limited:
                problems.append(f"answered {r.short()[:120]}")
            if r.seconds > float(self.ctx.extra.get("sparql_timeout", 10)) + 15:
                problems.append(f"took {r.seconds:.0f} s (timeout is {self.ctx.extra.get('sparql_timeout', 10)} s)")
            if growth > limit_mb:
                problems.append(f"server memory grew by {growth:.0f} MB during the query (peak {peak[0]:.0f} MB)")
            self.record(
                name,
                problems,
                f"{r.status} in {r.seconds:.1f} s, memory +{growth:.0f} MB",
                status=r.status,
                seconds=round(r.seconds, 1),
                memory_growth_mb=round(growth),
                peak_mb=round(peak[0]),
            )

    def parallel_joins(self) -> None:
        n_queries = 10
        text = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        statuses: list[int | None] = []
        threads = [
            threading.Thread(target=lambda: statuses.append(sparql(self.port, text, "form", timeout=120).status))
            for _ in range(n_queries)
        ]
        baseline = []
        for _ in range(5):
            baseline.append(request(self.port, "GET", "/api/search?mode=lexical&q=" + q(SEARCH_QUERY)).seconds)
        for t in threads:
            t.start()
        lat, errors = [], 0
        while any(t.is_alive() for t in threads):
            r = request(self.port, "GET", "/api/search?q=" + q(SEARCH_QUERY), timeout=60)
            lat.append(r.seconds)
            if r.status != 200:
                errors += 1
            time.sleep(0.05)
        for t in threads:
            t.join()
        limit = float(self.ctx.extra.get("max_search_latency", 2.0))
        problems = []
        p95 = sorted(lat)[int(len(lat) * 0.95) - 1] if lat else 0
        if errors:
            problems.append(f"{errors} of {len(lat)} searches failed during the joins")
        if lat and max(lat) > limit:
            problems.append(
                f"search latency under {n_queries} parallel cross joins: max {max(lat):.2f} s, "
                f"p95 {p95:.2f} s (limit {limit:.1f} s; idle {statistics.median(baseline) * 1000:.0f} ms)"
            )
        bad = [s for s in statuses if s not in (200, 503)]
        if bad:
            problems.append(f"SPARQL answers other than 200/503: {bad[:5]}")
        self.record(
            f"{n_queries} parallel cross joins vs search latency",
            problems,
            f"{len(lat)} searches, median {statistics.median(lat) * 1000 if lat else 0:.0f} ms, max {max(lat or [0]):.2f} s; "
            f"SPARQL {sorted(map(str, statuses))}",
            searches=len(lat),
            search_max_s=round(max(lat or [0]), 2),
            search_p95_s=round(p95, 2),
        )

    # G: content negotiation --------------------------------------------------------
    def negotiation(self) -> None:
        cases = {
            "Accept: */*": ({"Accept": "*/*"}, "ASK {}", "application/sparql-results+json"),
            "no Accept": ({}, "ASK {}", "application/sparql-results+json"),
            "Accept: application/json": ({"Accept": "application/json"}, "ASK {}", "application/sparql-results+json"),
            "Accept: text/*": ({"Accept": "text/*"}, "ASK {}", None),
            "Accept: garbage": ({"Accept": "garbage/;;;q=x"}, "ASK {}", None),
            "Accept: */*, text/html;q=0": ({"Accept": "*/*, text/html;q=0"}, "ASK {}", "application/sparql-results+json"),
            "Accept: */* on CONSTRUCT": ({"Accept": "*/*"}, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "text/turtle"),
            "curl default Accept on SELECT": (
                {"Accept": "*/*", "User-Agent": "curl/8.5.0"},
                "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                "application/sparql-results+json",
            ),
        }
        for name, (hdrs, query, want) in cases.items():
            r = request(self.port, "GET", "/sparql?query=" + q(query), headers=hdrs)
            ctype = (r.header("content-type") or "").split(";")[0].strip()
            problems = []
            if r.status is None or r.status >= 500:
                problems.append(f"answered {r.short()[:100]}")
            elif ctype == "text/html":
                problems.append(f"HTML page instead of SPARQL results (status {r.status})")
            elif want and ctype != want and r.status == 200:
                problems.append(f"Content-Type {ctype!r}, expected {want}")
            self.record(f"/sparql {name}", problems, f"{r.status} {ctype}", status=r.status)

    # H: methods ------------------------------------------------------------------
    def methods(self) -> None:
        doc = self.doc_ids[0] if self.doc_ids else CORPUS_IDS[0]
        pairs = [
            ("PUT", "/sparql"),
            ("DELETE", "/sparql"),
            ("PATCH", "/sparql"),
            ("POST", "/api/search?q=x"),
            ("POST", "/"),
            ("DELETE", f"/documents/{doc}"),
            ("PUT", "/id/agency/ubnd-ha-noi"),
            ("POST", "/api/documents"),
            ("DELETE", "/api/lookup?number=280"),
            ("POST", "/static/style.css"),
            ("TRACE", "/"),
            ("PROPFIND", "/sparql"),
        ]
        for method, path in pairs:
            r = request(self.port, method, path, body=b"" if method in ("PUT", "POST", "PATCH") else None)
            problems = []
            allow = r.header("allow")
            if r.status not in (405, 501):
                problems.append(f"answered {r.short()[:100]} (expected 405)")
            elif r.status == 405 and not allow:
                problems.append("405 without an Allow header (RFC 9110 requires one)")
            missing = _missing_security_headers(r)
            if missing:
                problems.append("missing " + ", ".join(missing))
            self.record(f"{method} {path}", problems, f"{r.status} Allow: {allow}", status=r.status, allow=allow)

    # I: security headers on errors --------------------------------------------------------
    def security_headers(self) -> None:
        big = b"query=" + b"A" * (80 * 1024)
        cases = {
            "404 page": ("GET", "/no-such-page", {"Accept": "text/html"}, None),
            "404 API": ("GET", "/api/no-such", {}, None),
            "404 document": ("GET", "/documents/no-such-doc", {"Accept": "text/html"}, None),
            "404 static": ("GET", "/static/no-such.css", {}, None),
            "400 bad SPARQL": ("GET", "/sparql?query=" + q("SELEKT"), JSON_RESULTS, None),
            "403 update": ("POST", "/sparql", {"Content-Type": "application/sparql-update"}, b"DROP ALL"),
            "405": ("PUT", "/sparql", {}, b""),
            "413 body": ("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, big),
            "414 long URL": ("GET", "/?q=" + "a" * 9000, {}, None),
            "400 huge header (gunicorn)": ("GET", "/", {"X-Big": "b" * 20000}, None),
            "400 bad api arg": ("GET", "/api/search?q=x&k=abc", {}, None),
            "200 page": ("GET", "/", {"Accept": "text/html"}, None),
            "200 static": ("GET", "/static/style.css", {}, None),
            "200 API": ("GET", "/api/documents", {}, None),
        }
        for name, (method, path, hdrs, body) in cases.items():
            r = request(self.port, method, path, headers=hdrs, body=body)
            missing = _missing_security_headers(r)
            problems = []
            if r.status is None:
                problems.append(r.short())
            elif missing:
                problems.append(f"{r.status} response lacks " + ", ".join(missing))
            self.record(f"security headers on {name}", problems, f"{r.status}", status=r.status)

    # J: XSS ---------------------------------------------------------------------
    def xss(self, xss_doc: str | None) -> None:
        html = {"Accept": "text/html"}
        payloads = [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "</textarea><script>alert(1)</script>",
            "'><svg onload=alert(1)>",
            "javascript:alert(1)",
        ]
        cases = []
        for i, pay in enumerate(payloads):
            cases.append((f"q= payload {i}", "/?q=" + q(pay)))
        cases += [
            ("type= payload", "/?q=c%E1%BA%A3i&type=" + q(payloads[0])),
            ("issuer= payload", "/?q=c%E1%BA%A3i&issuer=" + q(payloads[1])),
            ("year= payload", "/?q=c%E1%BA%A3i&year=" + q(payloads[0])),
            ("page= payload", "/?q=c%E1%BA%A3i&page=" + q(payloads[1])),
            ("entity path payload", "/id/" + q(payloads[0])),
            ("entity path payload 2", "/id/document/" + q(payloads[3]) + "/2023/qd-1"),
            ("document id payload", "/documents/" + q(payloads[1])),
            ("sparql query= payload (HTML page)", "/sparql?query=" + q(payloads[0])),
            ("sparql results with markup", "/sparql?query=" + q('SELECT ("<script>alert(1)</script>" AS ?x) WHERE {}')),
            ("sparql results with javascript: IRI", "/sparql?query=" + q("SELECT (<javascript:alert(1)> AS ?x) WHERE {}")),
            (
                "sparql results with base-looking javascript IRI",
                "/sparql?query=" + q(f'SELECT (IRI(CONCAT("{BASE_URI}/id/", "\\"><script>alert(1)</script>")) AS ?x) WHERE {{}}'),
            ),
            ("search for the XSS document", "/?q=" + q("alert xssdoc")),
            ("answer card for the XSS decision", "/?q=" + q("999/QĐ-UBND")),
        ]
        if xss_doc:
            cases.append(("XSS document page", f"/documents/{q(xss_doc)}"))
        look = request(self.port, "GET", "/api/lookup?number=" + q("999/QĐ-UBND"))
        uri = (look.json() or {}).get("uri") if isinstance(look.json(), dict) else None
        if uri and uri.startswith(BASE_URI):
            cases.append(("XSS decision entity page", uri[len(BASE_URI) :]))
        if self.ctx.quick:
            cases = cases[:3] + cases[-2:]
        for name, path in cases:
            r = request(self.port, "GET", path, headers=html)
            problems = []
            if r.status is None or r.status >= 500:
                problems.append(f"answered {r.short()[:100]}")
            hit = XSS_MARKERS.search(r.body)
            if hit:
                around = r.body[max(0, hit.start() - 40) : hit.end() + 20].decode("utf-8", "replace").replace("\n", " ")
                problems.append(f"unescaped markup in the page: …{around}…")
            self.record(f"XSS {name}", problems, f"{r.status}", status=r.status)
        r = request(self.port, "GET", "/api/search?q=" + q(payloads[0]))
        ctype = r.header("content-type") or ""
        problems = [] if "json" in ctype else [f"API answered Content-Type {ctype!r}"]
        self.record("XSS API reflection is JSON", problems, ctype, status=r.status)

    # K: traversal ---------------------------------------------------------------------
    def traversal(self) -> None:
        paths = [
            "/documents/../../etc/passwd",
            "/documents/..%2f..%2f..%2f..%2fetc%2fpasswd",
            "/documents/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/documents/..%5c..%5creform.sqlite3",
            "/id/../../../etc/passwd",
            "/id/..%2f..%2f..%2f..%2fetc%2fpasswd",
            "/id/%2e%2e/%2e%2e/reform.sqlite3",
            "/id/document/..%2f..%2f..%2fpyproject.toml",
            "/static/../../reform/cli.py",
            "/static/..%2f..%2fapp.py",
            "/static/%2e%2e/%2e%2e/pyproject.toml",
            "/static//etc/passwd",
            "/static/%2fetc%2fpasswd",
            "/static/vendor/../../../README.md",
            "/static/..%5c..%5capp.py",
            "/static/%252e%252e/%252e%252e/pyproject.toml",
            "/static/style.css%00.js",
            "/api/documents/..%2f..%2fetc%2fpasswd",
            "/api/entities/../../../../etc/passwd",
            "/api/entities/..%2f..%2f..%2freform.sqlite3",
            "/documents/%00",
            "/id/%00",
            "/id/agency/ubnd-ha-noi?format=../../etc/passwd",
            "//etc/passwd",
            "/..;/..;/etc/passwd",
            "/api/docs/../../pyproject.toml",
            "/sparql/..%2f..%2fpyproject.toml",
            "/static/" + "..%2f" * 30 + "etc/passwd",
            "/id/" + "../" * 30 + "proc/self/environ",
        ]
        if self.ctx.quick:
            paths = paths[:4]
        for path in paths:
            r = request(self.port, "GET", path)
            problems = []
            leak = next((m for m in LEAKS if m in r.body), None)
            if leak:
                problems.append(f"served a file from outside its folder (body contains {leak!r})")
            if r.status is None or r.status >= 500:
                problems.append(f"answered {r.short()[:100]}")
            self.record(f"traversal {path[:70]}", problems, f"{r.status}", status=r.status)

    # L: sizes and malformed requests -------------------------------------------------------
    def sizes(self) -> None:
        p = self.port
        host = f"Host: 127.0.0.1:{p}\r\n"
        cases = {
            "100 KB header": lambda: request(p, "GET", "/", headers={"X-Big": "h" * 100_000}),
            "1000 headers": lambda: request(p, "GET", "/", headers={f"X-H{i}": "v" for i in range(1000)}),
            "9 KB URL": lambda: request(p, "GET", "/?q=" + "a" * 9000),
            "100 KB URL": lambda: request(p, "GET", "/?q=" + "a" * 100_000),
            "10 MB form body": lambda: request(
                p,
                "POST",
                "/sparql",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                body=b"query=" + b"A" * (10 * 1024 * 1024),
            ),
            "10 MB sparql-query body": lambda: request(
                p,
                "POST",
                "/sparql",
                headers={"Content-Type": "application/sparql-query"},
                body=b"ASK {} " + b" " * (10 * 1024 * 1024),
            ),
            "Content-Length 10^12, tiny body": lambda: raw(
                p,
                b"POST /sparql HTTP/1.1\r\n"
                + host.encode()
                + b"Content-Type: application/sparql-query\r\nContent-Length: 1000000000000\r\n"
                b"Connection: close\r\n\r\nASK {}",
                timeout=20,
            ),
            "chunked 10 MB body": lambda: raw(
                p,
                b"POST /sparql HTTP/1.1\r\n"
                + host.encode()
                + b"Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + b"".join(b"100000\r\n" + b" " * 0x100000 + b"\r\n" for _ in range(10))
                + b"0\r\n\r\n",
            ),
            "query of 20,001 characters": lambda: sparql(p, "ASK {}" + " " * 19_996, "form"),
            "query of 19,990 characters": lambda: sparql(p, "ASK {}" + " " * 19_984, "form"),
            "invalid UTF-8 in query=": lambda: request(p, "GET", "/sparql?query=%ff%fe%fd", headers=JSON_RESULTS),
            "invalid UTF-8 in q=": lambda: request(p, "GET", "/api/search?q=%ff%fe%c3%28"),
            "invalid percent-encoding": lambda: request(p, "GET", "/?q=%zz%"),
            "invalid UTF-8 sparql-query body": lambda: request(
                p,
                "POST",
                "/sparql",
                headers={"Content-Type": "application/sparql-query", **JSON_RESULTS},
                body=b'ASK { ?s ?p "\xff\xfe" }',
            ),
            "NUL in a header": lambda: raw(
                p, b"GET / HTTP/1.1\r\n" + host.encode() + b"X-A: a\x00b\r\nConnection: close\r\n\r\n"
            ),
            "CL and TE together (smuggling)": lambda: raw(
                p,
                b"POST /sparql HTTP/1.1\r\n" + host.encode() + b"Content-Type: application/sparql-query\r\nContent-Length: 6\r\n"
                b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\n\r\n",
            ),
            "garbage bytes": lambda: raw(p, os.urandom(4096), timeout=15),
            "HTTP/0.9 request": lambda: raw(p, b"GET /\r\n", timeout=15),
            "absolute-form URI": lambda: request(p, "GET", f"{self.canary.url}/proxy-me"),
            "CONNECT": lambda: request(p, "CONNECT", f"127.0.0.1:{self.canary.port}"),
            "Host header injection": lambda: raw(p, b"GET /api/docs HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"),
        }
        if self.ctx.quick:
            cases = {k: cases[k] for k in ("100 KB header", "10 MB form body", "query of 20,001 characters")}
        expect = {
            "query of 20,001 characters": {413},
            "query of 19,990 characters": {200},
            "10 MB form body": {413},
            "10 MB sparql-query body": {413},
            "Content-Length 10^12, tiny body": {413, 400},
            "chunked 10 MB body": {413, 400},
        }
        for name, fn in cases.items():
            r = fn()
            problems = []
            if r.status is not None and r.status >= 500 and r.status != 501:
                problems.append(f"answered {r.short()[:100]}")
            want = expect.get(name)
            if want and r.status not in want:
                problems.append(f"answered {r.short()[:100]} (expected {sorted(want)})")
            if name == "Content-Length 10^12, tiny body" and r.seconds > 15:
                problems.append(f"server waited {r.seconds:.0f} s for a body that never comes")
            if b"evil.example" in r.body and name == "Host header injection":
                problems.append("Host header reflected into the page (cache poisoning / link injection)")
            if name == "absolute-form URI" and self.canary.hits:
                problems.append("acted as a proxy")
            self.record(name, problems, f"{r.status if r.status is not None else r.error}", status=r.status)

    def slowloris(self) -> None:
        n = 24
        socks = []
        for _ in range(n):
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                s.sendall(f"GET /api/documents HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nX-Slow: ".encode())
                socks.append(s)
            except OSError:
                break
        time.sleep(1.0)
        r = request(self.port, "GET", "/api/search?mode=lexical&q=" + q(SEARCH_QUERY), timeout=40)
        for s in socks:
            s.close()
        problems = []
        if r.status != 200 or r.seconds > 5:
            problems.append(f"with {len(socks)} half-sent requests open, a search took {r.seconds:.1f} s: {r.short()[:80]}")
        self.record(
            f"{n} slow half-open requests vs a search", problems, f"{r.status} in {r.seconds:.2f} s", seconds=round(r.seconds, 2)
        )

    def trickle(self) -> None:
        """A real slowloris keeps each head alive by sending a byte now and then; a slow body does the same
        after a complete head. Searches meanwhile must answer promptly, and the trickling heads be closed."""
        n, seconds = 48, 14.0
        heads, bodies = [], []
        for i in range(n):
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                if i % 2:
                    s.sendall(f"GET /api/documents HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n".encode())
                    heads.append(s)
                else:  # bodies within the request limit and over it (refused with 413 before they arrive)
                    s.sendall(
                        f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nContent-Type: application/sparql-query\r\n"
                        f"Content-Length: {900 if i % 4 else 100_000}\r\n\r\nASK {{".encode()
                    )
                    bodies.append(s)
            except OSError:
                break
        latencies, failures, closed = [], 0, 0
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            for s in heads + bodies:
                with contextlib.suppress(OSError):
                    s.sendall(b"X" if s in heads else b" ")
            r = request(self.port, "GET", "/api/search?mode=lexical&q=" + q(SEARCH_QUERY), timeout=30)
            latencies.append(r.seconds)
            failures += r.status != 200
            time.sleep(1.0)
        for s in heads:
            try:
                s.setblocking(False)
                closed += s.recv(1) == b""
            except BlockingIOError:
                pass
            except OSError:
                closed += 1
        for s in heads + bodies:
            s.close()
        problems = []
        worst = max(latencies, default=0.0)
        if failures or worst > 5:
            problems.append(
                f"with {len(heads)} trickling heads and {len(bodies)} trickling bodies, {failures} searches failed, worst {worst:.1f} s"
            )
        if closed < len(heads):
            problems.append(f"{len(heads) - closed} of {len(heads)} heads still open after {seconds:.0f} s of trickling")
        self.record(
            f"{n} trickling heads and bodies vs searches",
            problems,
            f"{len(latencies)} searches, worst {worst:.2f} s, {closed} heads closed",
        )

    # M: API arguments -----------------------------------------------------------------
    def api_args(self) -> None:
        cases = {
            "k=0": ("/api/search?q=x&k=0", {400}),
            "k=101": ("/api/search?q=x&k=101", {400}),
            "k=abc": ("/api/search?q=x&k=abc", {400}),
            "k=1e9": ("/api/search?q=x&k=1000000000", {400}),
            "year=abc": ("/api/search?q=x&year=abc", {400}),
            "year=10^20": ("/api/search?q=x&year=" + "1" * 21, {400}),
            "mode=bogus": ("/api/search?q=x&mode=bogus", {400}),
            "q of 1,001 chars": ("/api/search?q=" + "a" * 1001, {400}),
            "q empty": ("/api/search?q=", {200, 400}),
            "q missing": ("/api/search", {200, 400}),
            "q repeated": ("/api/search?q=a&q=b", {200}),
            "lookup empty": ("/api/lookup?number=", {400, 404}),
            "lookup 5,000 chars": ("/api/lookup?number=" + "2" * 5000, {400, 404}),
            "unknown document": ("/api/documents/no-such", {404}),
            "unknown entity": ("/api/entities/agency/no-such", {404}),
            "page=-5 HTML": ("/?q=x&page=-5", {200, 400}),
            "page=10^30 HTML": ("/?q=x&page=" + "9" * 30, {200, 400}),
            "format=bogus on entity": ("/id/agency/ubnd-ha-noi?format=bogus", {200, 400, 406}),
            "sparql format=bogus": ("/sparql?query=ASK%7B%7D&format=bogus", {200, 400, 406}),
            "openapi": ("/api/openapi.json", {200}),
        }
        if self.ctx.quick:
            cases = {k: cases[k] for k in ("k=0", "q of 1,001 chars", "unknown document")}
        for name, (path, want) in cases.items():
            r = request(self.port, "GET", path)
            problems = []
            if r.status not in want:
                problems.append(f"answered {r.short()[:100]} (expected {sorted(want)})")
            if path.startswith("/api/") and r.status and r.status >= 400:
                body = r.json()
                if not (isinstance(body, dict) and "error" in body and body.get("status") == r.status):
                    problems.append('error body is not {"error", "status"}')
            self.record(f"API {name}", problems, f"{r.status}", status=r.status)


def _watch_memory(server: Server, before: float, hard_mb: float, done: threading.Event, peak: list, killed: list) -> None:
    """Track the server tree's peak RSS until `done`; stop the server past `hard_mb` growth (shared machine)."""
    while not done.is_set():
        now = server.rss_mb()
        peak[0] = max(peak[0], now)
        if now - before > hard_mb and not killed:
            killed.append(now)
            server.stop()
        time.sleep(0.1)


def _missing_security_headers(r: Resp) -> list[str]:
    if r.status is None:
        return []
    missing = []
    for name, value in SECURITY_HEADERS.items():
        got = r.header(name)
        if not got or (value and value.lower() not in got.lower()):
            missing.append(name)
    return missing


def _prepare_data(ctx: Context) -> tuple[Path, str | None]:
    """A copy of the good data directory plus one document full of markup (for the XSS cases)."""
    import shutil

    root = ctx.fresh_dir("http")
    data = root / "data"
    shutil.copytree(ctx.good_data, data, symlinks=True)
    folder = root / "xss"
    folder.mkdir()
    text = (
        "Quyết định số 999/QĐ-UBND ngày 2 tháng 3 năm 2023 của Ủy ban nhân dân thành phố Hà Nội về <script>alert('xssdoc')"
        "</script> kế hoạch <img src=x onerror=alert('xssdoc')> cải cách hành chính.\n\n" + g.vi_doc("xssdoc alert")
    )
    (folder / "xss-doc.txt").write_text(text, encoding="utf-8")
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                "documents": [
                    {
                        "file": "xss-doc.txt",
                        "title": "<script>alert('title')</script><img src=x onerror=alert(1)>",
                        "source": "<svg onload=alert(1)>",
                        "topic": "<script>alert('topic')</script>",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    p = ctx.reform(["ingest", str(folder)], data, model=True, timeout=300)
    docs = ctx.reform(["documents", "--json"], data, model=True).json() or []
    ids = [d.get("id") for d in docs if isinstance(d, dict) and "xss" in str(d.get("path", ""))]
    if p.rc != 0:
        print(f"    (XSS document ingest: exit {p.rc}: {p.message()})")
    return data, (ids[0] if ids else None)


def run_all(ctx: Context) -> None:
    print("\n== http: starting reform serve", flush=True)
    data, xss_doc = _prepare_data(ctx)
    server = Server(ctx, data)
    err = server.start()
    if err:
        ctx.rec.add(CATEGORY, "serve starts", False, err)
        server.stop()
        return
    canary = Canary()
    try:
        attack = Attack(ctx, server, canary)
        err = attack.setup()
        if err:
            ctx.rec.add(CATEGORY, "setup", False, err)
        else:
            print(f"   serving on port {server.port}; {attack.base_count} triples; RSS {server.rss_mb():.0f} MB", flush=True)
            steps = [
                ("updates", attack.updates),
                ("service", attack.service),
                ("from", attack.from_clauses),
                ("nesting", attack.nesting),
                ("negotiation", attack.negotiation),
                ("methods", attack.methods),
                ("security-headers", attack.security_headers),
                ("xss", lambda: attack.xss(xss_doc)),
                ("traversal", attack.traversal),
                ("sizes", attack.sizes),
                ("api-args", attack.api_args),
                ("slowloris", attack.slowloris),
                ("trickle", attack.trickle),
                ("cross-joins", attack.cross_joins),
                ("parallel-joins", attack.parallel_joins),
            ]
            if ctx.quick:
                steps = [s for s in steps if s[0] not in ("slowloris", "trickle", "parallel-joins", "negotiation", "methods")]
            for name, step in steps:
                print(f"   -- {name}", flush=True)
                try:
                    step()
                except Exception as exc:  # one broken step must not hide the rest
                    ctx.rec.add(CATEGORY, f"{name} (harness)", False, f"harness error: {exc!r}")
    finally:
        took, left = server.stop()
        canary.close()
    problems = []
    if took > 25:
        problems.append(f"SIGTERM took {took:.0f} s to stop the server")
    if left:
        problems.append(f"{left} process(es) still running after the server stopped")
    ctx.rec.add(CATEGORY, "server stops cleanly on SIGTERM", not problems, "; ".join(problems) or f"{took:.1f} s")
