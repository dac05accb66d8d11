"""Page-load times of every kind of UI page in real headless Chromium, read from the Performance API.

Run: `.venv/bin/python bench/web_pages.py [--data DIR | --url URL] [--runs 7]`. Without --url a
server is started on DIR (default `data`, as `make run` leaves it: the shipped corpus, the model
installed); the pages whose documents DIR does not hold are skipped. For each page: one visit with an
empty browser cache ("first visit"), then `--runs` visits with the cache as a returning user has it;
printed per page are the first visit's load time and the median and worst of the others: from
navigation start to the end of the load event (`PerformanceNavigationTiming.loadEventEnd`), with the
server's share (`responseEnd`), and for pages with a relation drawing, the time until the drawing is
ready once it is scrolled to. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.chromium: the browser the tests drive
PAGES = {
    "home": "/",
    "search (question)": "/?q=" + urllib.parse.quote("Chỉ số PAR INDEX 2022 của Hà Nội xếp thứ mấy?"),
    "search (number)": "/?q=" + urllib.parse.quote("QĐ 280"),
    "search (unknown number)": "/?q=" + urllib.parse.quote("QĐ 281/QĐ-UBND"),
    "documents list": "/documents",
    "document, article": "/documents/003_0446401b9c9ac84a",
    "document, law (ToC)": "/documents/luat-76-2015-qh13-to-chuc-chinh-phu",
    "entity: decision": "/id/document/ubnd-ha-noi/2023/qd-280",
    "entity: agency": "/id/agency/so-noi-vu-ha-noi",
    "entity: agency (15 docs)": "/id/agency/ubnd-ha-noi",
    "entity: indicator": "/id/indicator/par-index",
    "entity: passage": "/id/passage/001_162ac573aecaa869-p0001",
    "SPARQL page": "/sparql",
    "SPARQL results (example 4)": "/sparql?query="
    + urllib.parse.quote((ROOT / "graph/queries/4-agencies-and-their-parents.rq").read_text(encoding="utf-8")),
    "API docs": "/api/docs",
}
TIMING = """
const n = performance.getEntriesByType('navigation')[0];
return {load: n.loadEventEnd, server: n.responseEnd - n.requestStart, dom: n.domContentLoadedEventEnd};
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "reform.cli", "--data", str(data), "serve", "--port", str(port), "--workers", "1"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("reform serve did not start")


def browser():
    from tests.chromium import headless_chromium

    return headless_chromium("--window-size=1366,900")


def visit(driver, url: str) -> dict[str, float]:
    driver.get(url)
    for _ in range(200):
        timing = driver.execute_script(TIMING)
        if timing["load"] > 0:
            return timing
        time.sleep(0.01)
    raise RuntimeError(f"{url} never finished loading")


def drawing_ready(driver) -> float | None:
    """Milliseconds from scrolling to the relation drawing until it is drawn, or None without one."""
    if not driver.find_elements("id", "neighbourhood"):
        return None
    started = driver.execute_script("document.getElementById('neighbourhood').scrollIntoView(); return performance.now();")
    for _ in range(500):
        if driver.execute_script("return document.getElementById('neighbourhood').dataset.ready === 'true';"):
            return driver.execute_script("return performance.now();") - started
        time.sleep(0.01)
    return None


def measure(url: str, runs: int) -> list[tuple[str, dict[str, float | None]]]:
    driver = browser()
    rows = []
    try:
        for name, path in PAGES.items():
            try:
                urllib.request.urlopen(urllib.request.Request(url + path, headers={"Accept": "text/html"}), timeout=30)
            except urllib.error.HTTPError:
                continue  # this data directory does not hold that page's document
            driver.execute_cdp_cmd("Network.clearBrowserCache", {})
            first = visit(driver, url + path)
            loads, servers, drawings = [], [], []
            for _ in range(runs):
                timing = visit(driver, url + path)
                loads.append(timing["load"])
                servers.append(timing["server"])
                drawings.append(drawing_ready(driver))
            drawn = [d for d in drawings if d is not None]
            rows.append(
                (
                    name,
                    {
                        "first": first["load"],
                        "median": statistics.median(loads),
                        "worst": max(loads),
                        "server": statistics.median(servers),
                        "drawing": statistics.median(drawn) if drawn else None,
                    },
                )
            )
    finally:
        driver.quit()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--url", help="an already running `reform serve` (default: start one on --data)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    process, url = (None, args.url.rstrip("/")) if args.url else start_server(args.data)
    try:
        rows = measure(url, args.runs)
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)
    print(f"page load in Chromium (ms; {args.runs} runs after a first visit with an empty cache; 1366×900)")
    print(f"{'page':28} {'first':>7} {'median':>7} {'worst':>7} {'server':>7} {'drawing':>8}")
    for name, row in rows:
        drawing = f"{row['drawing']:8.0f}" if row["drawing"] is not None else f"{'—':>8}"
        print(f"{name:28} {row['first']:7.0f} {row['median']:7.0f} {row['worst']:7.0f} {row['server']:7.0f} {drawing}")
    slowest = max(rows, key=lambda item: item[1]["worst"])
    print(f"slowest: {slowest[0]} at {slowest[1]['worst']:.0f} ms (budget 300 ms)")


if __name__ == "__main__":
    main()
