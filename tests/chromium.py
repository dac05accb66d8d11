"""Debian's headless Chromium driven by Selenium, as the browser tests and bench/web_pages.py use it.

Playwright's own browser download does not work offline; `make browser` installs `chromium` and
`chromium-driver`. Network-reaching features (sync, component updates, QUIC) are off so that a run
touches nothing but the server under test.
"""

from __future__ import annotations

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def headless_chromium(*flags: str, console_log: bool = False) -> webdriver.Chrome:
    """A headless Chromium with FLAGS and `flags`; `console_log` keeps the page's console for reading."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (*FLAGS, *flags):
        options.add_argument(flag)
    if console_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
