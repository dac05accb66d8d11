"""`reform serve` as users run it: gunicorn workers over a data directory that an ingest changes."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, run_reform

PLAN = Path(__file__).parent / "data" / "ke_hoach_120_kh_ubnd.txt"

pytestmark = pytest.mark.slow  # real subprocesses and servers


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_every_worker_follows_an_ingest_and_the_server_stops_cleanly(tmp_path, search_service, seed_settings, model_dir):
    data = tmp_path / "data"
    shutil.copytree(seed_settings.data, data)
    port = free_port()
    env = {"REFORM_MODEL": str(model_dir)}
    command = [sys.executable, "-m", "reform.cli", "--data", str(data), "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if get(url + "/api/lookup?number=" + urllib.parse.quote("280/QĐ-UBND"))[0] == 200:
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.5)
        lookup = url + "/api/lookup?number=120/KH-UBND"
        assert get(lookup)[0] == 404

        result = run_reform("ingest", str(PLAN), data=data, env=env)
        assert result.returncode == 0 and "1 added" in result.stdout, result.stderr

        # New connections land on either worker: every answer must already know the new plan.
        answers = [get(lookup) for _ in range(20)]
        assert {status for status, _ in answers} == {200}
        assert all(body["type"] == "Kế hoạch" for _, body in answers)

        # A request gunicorn refuses itself (request line over its limit) still carries the security headers.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(b"GET /?q=" + b"x" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            head = raw.recv(4096).decode("latin-1")
        assert head.startswith("HTTP/1.1 4") and "Content-Security-Policy:" in head and "X-Frame-Options: DENY" in head

        assert_slow_clients_hold_no_thread(port, lookup)
    finally:
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert server.returncode == 0, output
    assert time.monotonic() - started < 10, "workers should exit before gunicorn's graceful timeout"
    assert "SIGSEGV" not in output and "Traceback" not in output, output


def assert_slow_clients_hold_no_thread(port: int, lookup: str) -> None:
    """Requests that never finish (slowloris heads, bodies) wait in the event loop, not in the 2 × 4
    threads; a head sent in pieces, a kept-alive connection's second request and a POST body still arrive whole."""
    stalled = []
    for i in range(24):
        raw = socket.create_connection(("127.0.0.1", port), timeout=10)
        if i % 2:
            raw.sendall(f"GET /api/documents HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ".encode())
        else:  # a whole head, then a body that never comes
            raw.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 900\r\n\r\nASK"
            )
        stalled.append(raw)
    try:
        time.sleep(1.0)
        started = time.monotonic()
        assert get(lookup)[0] == 200
        assert time.monotonic() - started < 3, "a lookup waited behind half-sent requests"

        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            for piece in (b"GET /api/lookup?number=120/KH-UBND HTTP/1.1\r\n", b"Host: x\r\n", b"Connection: keep-alive\r\n\r\n"):
                raw.sendall(piece)
                time.sleep(0.2)
            first = raw.recv(65536).decode("utf-8", "replace")
            raw.sendall(b"GET /api/lookup?number=120/KH-UBND HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            second = b""
            while chunk := raw.recv(65536):
                second += chunk
        assert first.startswith("HTTP/1.1 200") and second.decode("utf-8", "replace").startswith("HTTP/1.1 200")

        body = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/sparql", data=body, headers={"Accept": "application/sparql-results+json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["boolean"] is True
    finally:
        for raw in stalled:
            raw.close()


def test_serve_refuses_to_start_without_a_graph_while_an_ingest_holds_the_data(tmp_path):
    from ingest.store import DocumentStore

    data = tmp_path / "data"
    with DocumentStore(data / "reform.sqlite3") as store, store.writer():
        result = run_reform("serve", "--port", str(free_port()), data=data, timeout=60)
    assert result.returncode == 2
    assert "no knowledge graph has been published" in result.stderr and "Traceback" not in result.stderr


def test_serve_refuses_a_port_another_server_listens_on(tmp_path):
    # gunicorn's workers listen with SO_REUSEPORT: without a check a second server would bind the
    # same port and quietly answer half of the requests
    import socket

    port = free_port()
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", port))
        other.listen()
        result = run_reform("serve", "--port", str(port), data=tmp_path / "data", timeout=60)
    assert result.returncode == 2, result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr
    assert "http://" not in result.stdout  # the address is announced only once the server can start
