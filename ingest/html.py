"""Main-text extraction from news and portal HTML pages (no network, BeautifulSoup + lxml).

Removes what is never content (scripts, navigation, headers/footers, forms, share and comment
widgets), then keeps the <article>/<main> element if there is one, else the element holding the
most paragraph text. Block elements become separate lines so paragraphs and list items survive.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "input",
    "select",
    "figure",
    "figcaption",
)
_DROP_HINT = re.compile(
    r"share|social|comment|menu|breadcrumb|related|advert|banner|sidebar|footer|header|navbar|"
    r"cookie|popup|subscribe|tags?\b|print|rating|widget",
    re.IGNORECASE,
)
_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "br",
    "section",
    "article",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "dd",
    "dt",
}


def extract_main_text(html: str) -> tuple[str, dict[str, str]]:
    """(main text with one block per line, hints: title/date/source/author from <meta> and <h1>)."""
    soup = BeautifulSoup(html, "lxml")
    hints = _meta_hints(soup)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body", "article", "main"):
            continue
        marker = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "")
        if marker.strip() and _DROP_HINT.search(marker):
            tag.decompose()
    root = soup.find("article") or soup.find("main") or _densest_element(soup) or soup.body or soup
    heading = root.find("h1") or soup.find("h1")
    if heading and heading.get_text(strip=True):
        hints["title"] = heading.get_text(" ", strip=True)
    return _block_text(root), hints


def _meta_hints(soup: BeautifulSoup) -> dict[str, str]:
    hints: dict[str, str] = {}
    wanted = {
        "og:title": "title",
        "article:published_time": "date",
        "og:site_name": "source",
        "author": "author",
        "article:author": "author",
        "pubdate": "date",
        "date": "date",
    }
    for meta in soup.find_all("meta"):
        key = str(meta.get("property") or meta.get("name") or "").lower()
        content = str(meta.get("content") or "").strip()
        if key in wanted and content and wanted[key] not in hints:
            hints[wanted[key]] = content
    if "title" not in hints and soup.title and soup.title.string:
        hints["title"] = soup.title.string.strip()
    return hints


def _densest_element(soup: BeautifulSoup) -> Tag | None:
    """The element whose direct <p> children hold the most text: the article body on most sites."""
    best, best_score = None, 0
    for element in soup.find_all(["div", "section", "td"]):
        score = sum(len(p.get_text(strip=True)) for p in element.find_all("p", recursive=False))
        if score > best_score:
            best, best_score = element, score
    return best


def _block_text(root: Tag) -> str:
    for br in root.find_all("br"):
        br.replace_with("\n")
    for cell in root.find_all(["td", "th"]):
        cell.insert_after(" | ")
    for block in root.find_all(_BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    for item in root.find_all("li"):
        item.insert(0, "- ")
    text = root.get_text()
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip().rstrip("| ").strip() for line in text.split("\n")]
    return "\n\n".join(line for line in lines if line)
