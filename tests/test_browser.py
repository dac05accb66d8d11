"""The UI in real headless Chromium (Debian's chromium + chromium-driver) against `reform serve`.

One server and one browser for the module. Every page is looked at on a desktop (1366×900) and a
phone (390×844) with screenshots in test-artifacts/ for people to look at; axe-core (vendored in
tests/vendor, injected by Selenium, never served) checks accessibility; a crawl from the home page
checks every link. Page-load times are measured by bench/web_pages.py, not asserted here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from library.indexes import open_search
from tests.chromium import headless_chromium
from tests.conftest import ROOT, TEST_DATA, free_port, make_settings

ARTIFACTS = ROOT / "test-artifacts"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
LAW = TEST_DATA / "web" / "luat-76-2015-qh13-to-chuc-chinh-phu.txt"
DESKTOP, PHONE = (1366, 900), (390, 844)
PAGES = {  # name -> path: every kind of page the UI has
    "home": "/",
    "search": "/?q=" + urllib.parse.quote("Chỉ số PAR INDEX 2022 của Hà Nội xếp thứ mấy?"),
    "search-missing-number": "/?q=" + urllib.parse.quote("QĐ 281/QĐ-UBND"),
    "documents": "/documents",
    "document": "/documents/luat-76-2015-qh13-to-chuc-chinh-phu",
    "article": "/documents/003_0446401b9c9ac84a",
    "entity-document": "/id/document/ubnd-ha-noi/2023/qd-280",
    "entity-agency": "/id/agency/so-noi-vu-ha-noi",
    "entity-person": "/id/person/nguyen-dinh-hoa",
    "indicator": "/id/indicator/par-index",
    "passage": "/id/passage/001_162ac573aecaa869-p0001",
    "sparql": "/sparql?query="
    + urllib.parse.quote((ROOT / "graph/queries/4-agencies-and-their-parents.rq").read_text(encoding="utf-8")),
    "api-docs": "/api/docs",
    "not-found": "/id/agency/khong-co",
}
AXE_PAGES = ("home", "search", "document", "entity-document", "sparql")


@pytest.fixture(scope="module")
def server(tmp_path_factory, search_service, seed_settings, embedder, model_dir):
    data = tmp_path_factory.mktemp("browser") / "data"
    shutil.copytree(seed_settings.data, data)  # embeddings cached: only the law is embedded here
    settings = make_settings(data)
    with DocumentStore(settings.database_path) as store:  # in this process: its model is loaded already
        ingest_paths([LAW], store=store, settings=settings, progress=False)
        open_search(settings, store=store, embedder=embedder).close()  # the law's vectors
    env = {**os.environ, "REFORM_MODEL": str(model_dir)}
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "reform.cli", "--data", str(data), "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            break
        except OSError:
            assert process.poll() is None, process.stdout.read()
            time.sleep(0.5)
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def browser():
    driver = headless_chromium("--hide-scrollbars", console_log=True)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def wait(driver, condition, seconds=20):
    return WebDriverWait(driver, seconds).until(condition)


def open_page(driver, url: str, size: tuple[int, int]) -> None:
    """Load `url` in a viewport of exactly `size` CSS pixels (a phone: touch, no scrollbars)."""
    width, height = size
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500}
    )
    driver.get(url)
    wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")


def console_errors(driver) -> list[str]:
    """Errors the page logged (script errors, CSP violations, failed loads) since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(driver, name: str) -> None:
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 4000)")
    width = driver.execute_script("return window.innerWidth")
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500}
    )
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


LAYOUT = """
const small = [...document.querySelectorAll('header a, button, select, input[type=search], summary, .facets a, .pages a, .tabs a, .chips a')]
  .filter((e) => e.offsetParent !== null)
  .map((e) => [e.getBoundingClientRect().height, e.textContent.trim().slice(0, 30) || e.tagName])
  .filter(([h]) => h < 40);
return {
  h1: document.querySelectorAll('h1').length,
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  header: document.querySelector('header.site').getBoundingClientRect().height,
  small,
  unlabelled: [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.name || e.id),
  hashLinks: [...document.querySelectorAll('a')].filter((a) => a.textContent.trim() === '#').length,
};
"""


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_page_fits_reads_and_logs_no_error(server, browser, size):
    console_errors(browser)
    for name, path in PAGES.items():
        open_page(browser, server + path, size)
        layout = browser.execute_script(LAYOUT)
        assert layout["h1"] == 1, (name, "one h1")
        assert layout["overflow"] <= 0, (name, "scrolls sideways", layout["overflow"])
        assert layout["header"] <= 60, (name, "header on one line", layout["header"])
        assert layout["unlabelled"] == [] and layout["hashLinks"] == 0, (name, layout)
        if size == PHONE:
            assert layout["small"] == [], (name, "touch targets under 40 px", layout["small"])
        screenshot(browser, f"{name}-{'desktop' if size == DESKTOP else 'phone'}")
        errors = [e for e in console_errors(browser) if not (name == "not-found" and "404" in e)]
        assert errors == [], (name, errors)


def test_axe_finds_no_serious_or_critical_violation(server, browser):
    script = AXE.read_text(encoding="utf-8")
    found = {}
    for name in AXE_PAGES:
        open_page(browser, server + PAGES[name], DESKTOP)
        browser.execute_script(script)
        result = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then((r) => done(r.violations.map((v) => [v.id, v.impact, v.nodes.length])));"
        )
        found[name] = [v for v in result if v[1] in ("serious", "critical")]
    assert found == {name: [] for name in AXE_PAGES}


def test_a_question_gives_grouped_marked_results_that_open_at_the_passage(server, browser):
    open_page(browser, server + "/", DESKTOP)
    browser.find_element(By.NAME, "q").send_keys("Chỉ số PAR INDEX 2022 của Hà Nội xếp thứ mấy?", Keys.ENTER)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "li.result"))
    card = browser.find_element(By.CSS_SELECTOR, ".indicator-card").text
    assert "89,58%" in card and "3/63" in card
    assert re.search(r"Tìm thấy \d+ văn bản", browser.find_element(By.ID, "count").text)
    titles = [a.get_attribute("href").split("#")[0] for a in browser.find_elements(By.CSS_SELECTOR, ".result-title a")]
    assert len(titles) == len(set(titles))  # one entry per document
    first = browser.find_element(By.CSS_SELECTOR, ".result-title a")
    target = first.get_attribute("href").split("#")[1]
    first.click()
    wait(browser, lambda d: d.current_url.endswith("#" + target))
    passage = browser.find_element(By.ID, target)
    assert passage.find_elements(By.TAG_NAME, "mark")  # the query's words marked on arrival
    assert browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.top >= -5 && r.top < innerHeight;", passage
    )


def test_table_of_contents_jumps_to_an_article(server, browser):
    open_page(browser, server + PAGES["document"], DESKTOP)
    browser.find_element(By.CSS_SELECTOR, '.toc a[href="#dieu-5"]').click()
    wait(browser, lambda d: d.current_url.endswith("#dieu-5"))
    heading = browser.find_element(By.ID, "dieu-5")
    assert heading.text.startswith("Điều 5. Nguyên tắc tổ chức")
    assert browser.execute_script("return Math.abs(arguments[0].getBoundingClientRect().top) < 40;", heading)


def test_relation_drawing_is_loaded_only_when_scrolled_to(server, browser):
    open_page(browser, server + PAGES["entity-document"], PHONE)  # the drawing is far below the fold
    time.sleep(0.3)
    assert browser.execute_script("return typeof window.cytoscape") == "undefined"
    drawing = browser.find_element(By.ID, "neighbourhood")
    browser.execute_script("arguments[0].scrollIntoView()", drawing)
    wait(browser, lambda d: drawing.get_attribute("data-ready") == "true")
    assert "Ủy ban nhân dân thành phố Hà Nội" in drawing.get_attribute("aria-label")  # the relations, as text
    open_page(browser, server + PAGES["entity-agency"], DESKTOP)  # in view at once: drawn after the page loaded
    wait(browser, lambda d: d.find_element(By.ID, "neighbourhood").get_attribute("data-ready") == "true")
    started = browser.execute_script(
        "const s = performance.getEntriesByType('resource').find((e) => e.name.includes('cytoscape'));"
        "return s.startTime - performance.getEntriesByType('navigation')[0].loadEventEnd;"
    )
    assert started >= 0  # the library never delays the page's load
    assert console_errors(browser) == []  # no CSP violation from the drawing library
    screenshot(browser, "entity-agency-drawing-desktop")


def test_sparql_editor_highlights_completes_and_runs_with_ctrl_enter(server, browser):
    open_page(browser, server + "/sparql", DESKTOP)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".CodeMirror .cm-keyword"))  # SELECT highlighted
    browser.execute_script("window.reformEditor.setValue(''); window.reformEditor.focus();")
    typing = browser.find_element(By.CSS_SELECTOR, ".CodeMirror [contenteditable]")
    typing.send_keys("SELECT ?d WHERE { ?d eli:passed")
    hints = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hint"))
    assert any("eli:passed_by" in h.text and "Cơ quan ban hành" in h.text for h in hints)
    typing.send_keys(Keys.ENTER, " <http://127.0.0.1:8000/id/agency/ubnd-ha-noi> } LIMIT 2")
    typing.send_keys(Keys.CONTROL, Keys.ENTER)
    rows = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "table.results-table tbody tr"))
    assert "query=" in browser.current_url and len(rows) == 2  # results by GET: the address can be shared
    assert "ubnd-ha-noi" in urllib.parse.unquote(browser.current_url)
    browser.find_element(By.PARTIAL_LINK_TEXT, "Chỉ số PAR INDEX của Hà Nội").click()  # an example runs on click
    rows = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "table.results-table tbody tr"))
    assert "89,58" in rows[0].text and "Năm" in browser.find_element(By.CSS_SELECTOR, "table.results-table thead").text
    open_page(browser, server + "/sparql?query=" + urllib.parse.quote("SELECT ?x WHERE { ?x"), DESKTOP)
    assert "Truy vấn có lỗi cú pháp" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert browser.execute_script("return window.reformEditor.getValue()") == "SELECT ?x WHERE { ?x"
    screenshot(browser, "sparql-error-desktop")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("href", "src"):
            if attributes.get(name) and tag in ("a", "link", "script", "img"):
                self.links.append(attributes[name])


def test_crawl_from_the_home_page_finds_no_broken_link_and_no_script_error(server, browser):
    seen, queue, broken, pages = {"/"}, deque(["/"]), [], {}
    while queue and len(seen) < 600:
        path = queue.popleft()
        try:
            with urllib.request.urlopen(
                urllib.request.Request(server + path, headers={"Accept": "text/html"}), timeout=20
            ) as answer:
                kind, body = answer.headers.get_content_type(), answer.read()
        except urllib.error.HTTPError as error:
            broken.append((path, error.code))
            continue
        if kind != "text/html":
            continue
        pattern = re.sub(r"/[^/?#]*\d[^/?#]*", "/N", path.split("?")[0])  # one browser visit per kind of page
        pages.setdefault(pattern, path)
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        for link in parser.links:
            target = urllib.parse.urljoin(path, link.split("#")[0])
            if target.startswith("/") and not target.startswith("//") and target not in seen and "format=" not in target:
                seen.add(target)
                queue.append(target)
    assert broken == [] and len(seen) > 100, (broken, len(seen))
    console_errors(browser)  # what earlier tests left in the log
    errors = {}
    for path in pages.values():
        open_page(browser, server + path, DESKTOP)
        logged = console_errors(browser)
        if logged:
            errors[path] = logged
    assert errors == {}
