"""HTTP load benchmark: 20 concurrent clients for 30 s per endpoint against `reform serve` on localhost.

Run: `.venv/bin/python bench/web_load.py [--data DIR] [--clients 20] [--seconds 30]` after `make run` has
ingested the corpus (the data directory needs the model and the indexes). Traffic goes to
127.0.0.1 only; every client loop stops at its deadline. Prints p50/p95/p99, throughput, errors.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import QUERIES  # noqa: E402

ONE_HOP = (
    "SELECT ?p ?o WHERE { { <http://127.0.0.1:8000/id/document/ubnd-ha-noi/2023/qd-280> ?p ?o } UNION "
    "{ ?o ?p <http://127.0.0.1:8000/id/document/ubnd-ha-noi/2023/qd-280> } }"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data: Path, port: int, options: list[str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "reform.cli", "--data", str(data), "serve", "--port", str(port), *options]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/documents")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("reform serve did not start")


def load(port: int, paths: list[tuple[str, dict]], clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            path, headers = rng.choice(paths)
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors[0] += 0 if ok else 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started, client_cpu = time.monotonic(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    client_cpu = time.process_time() - client_cpu
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / wall,
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "client_cpu": client_cpu / wall,  # cores this load generator itself used, out of the machine's
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("REFORM_DATA", ROOT / "data")))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5, help="Unmeasured seconds of the same load first.")
    parser.add_argument("--workers", type=int, help="reform serve --workers (default: its own)")
    parser.add_argument("--threads", type=int, help="reform serve --threads (default: its own)")
    parser.add_argument("--only", choices=("search", "entity", "sparql"), help="Measure one endpoint only.")
    args = parser.parse_args()
    port = free_port()
    options = [f"--{name}={value}" for name in ("workers", "threads") if (value := getattr(args, name)) is not None]
    server = start_server(args.data, port, options)
    try:
        endpoints = {
            "search": (
                "/api/search (hybrid, 20 questions)",
                [(f"/api/search?q={urllib.parse.quote(q)}&k=10", {}) for q in QUERIES],
            ),
            "entity": ("entity page /id/document/…/qd-280", [("/id/document/ubnd-ha-noi/2023/qd-280", {"Accept": "text/html"})]),
            "sparql": (
                "SPARQL 1-hop of 280/QĐ-UBND",
                [(f"/sparql?query={urllib.parse.quote(ONE_HOP)}", {"Accept": "application/sparql-results+json"})],
            ),
        }
        print(
            f"{args.clients} concurrent clients, {args.seconds:g} s per endpoint after {args.warmup:g} s warm-up, reform serve {' '.join(options) or '(defaults)'} on 127.0.0.1"
        )
        print(
            f"{'endpoint':<38} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'client CPU':>10}"
        )
        for key, (name, paths) in endpoints.items():
            if args.only not in (None, key):
                continue
            load(port, paths, args.clients, args.warmup)  # not measured: workers finish starting, caches fill
            result = load(port, paths, args.clients, args.seconds)
            print(
                f"{name:<38} {result['requests']:>8} {result['errors']:>6} {result['rps']:>7.1f} "
                f"{result['p50']:>7.1f} {result['p95']:>7.1f} {result['p99']:>7.1f} {result['client_cpu']:>9.2f}c"
            )
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
