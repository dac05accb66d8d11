"""The UI in real headless Chromium (Debian's chromium + chromium-driver) against `reform serve`.

Screenshots are saved in test-artifacts/ for people to look at.
"""

import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, search_service, seed_settings, model_dir):
    data = tmp_path_factory.mktemp("browser") / "data"
    shutil.copytree(seed_settings.data, data)  # embeddings cached: the server starts without re-embedding
    port = free_port()
    command = [sys.executable, "-m", "reform.cli", "--data", str(data), "serve", "--port", str(port)]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**__import__("os").environ, "REFORM_MODEL": str(model_dir)},
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
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1400",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def wait(driver, condition, seconds=20):
    return WebDriverWait(driver, seconds).until(condition)


def test_vietnamese_question_shows_the_answer_highlighted(server, browser):
    browser.get(server + "/")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("Chỉ số PAR INDEX 2022 của Hà Nội xếp thứ mấy?", Keys.ENTER)
    wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, "li.result")))
    card = browser.find_element(By.CSS_SELECTOR, ".indicator-card").text
    assert "89.58%" in card and "3/63" in card
    passages = [p.get_attribute("innerHTML") for p in browser.find_elements(By.CSS_SELECTOR, "li.result p.passage")]
    assert any("89,58%" in html and "<mark>" in html for html in passages[:3])
    browser.save_screenshot(str(ARTIFACTS / "search-par-index.png"))


def test_document_number_lands_on_its_entity_card(server, browser):
    browser.get(server + "/")
    browser.find_element(By.NAME, "q").send_keys("280/QĐ-UBND", Keys.ENTER)
    link = wait(browser, ready.element_to_be_clickable((By.CSS_SELECTOR, ".document-card h2 a")))
    link.click()
    wait(browser, ready.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Quyết định 280/QĐ-UBND"))
    assert "Ủy ban nhân dân thành phố Hà Nội" in browser.find_element(By.TAG_NAME, "dl").text
    graph = browser.find_element(By.ID, "neighbourhood")
    wait(browser, lambda d: graph.get_attribute("data-ready") == "true")
    assert "Cơ quan ban hành" in graph.get_attribute("aria-label")  # relations named in Vietnamese
    browser.save_screenshot(str(ARTIFACTS / "entity-280.png"))


def test_indicator_page_shows_the_chart(server, browser):
    browser.get(server + "/id/indicator/par-index")
    circles = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "svg.chart circle"))
    assert circles and circles[0].is_displayed()
    assert "2022: 89.58" in browser.find_element(By.CSS_SELECTOR, "svg.chart").text
    browser.save_screenshot(str(ARTIFACTS / "indicator-par-index.png"))


def test_example_sparql_query_runs_from_the_query_page(server, browser):
    browser.get(server + "/sparql")
    examples = browser.find_elements(By.CSS_SELECTOR, "button.example")
    assert len(examples) >= 5
    examples[1].click()  # the PAR INDEX series
    assert "par-index" in browser.find_element(By.ID, "query").get_attribute("value")
    browser.find_element(By.CSS_SELECTOR, "form.sparql button[type=submit]").click()
    rows = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "table.results-table tbody tr"))
    assert "89.58" in rows[0].text
    browser.save_screenshot(str(ARTIFACTS / "sparql-example.png"))
