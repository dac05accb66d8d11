"""The terms a law defines in its "Giải thích từ ngữ" article, read as (term, definition) pairs.

Every Vietnamese law explains its own words in one article ("Điều 3. Giải thích từ ngữ … 9. Nơi
tạm trú là nơi công dân sinh sống trong một khoảng thời gian nhất định ngoài nơi thường trú"). A
definition says in plainer words what the legal term means, which is the bridge a question in
everyday words needs: "ở trọ một thời gian ngoài nơi đăng ký hộ khẩu" shares the definition's
words, not the term's. Pairs serve `reform model adapt` (search.model.adapt) as free training data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.document import Document
from search.sections import passage_titles

DEFINITIONS_TITLE = "giải thích từ ngữ"
# "9. Nơi tạm trú là …", "2. Người lao động là …", "a) Tàu biển được hiểu là …"
_DEFINITION = re.compile(
    r"^\s*(?:\d{1,3}\.|[a-zđ]\))\s+(?P<term>[^\n.;:]{2,120}?)\s+(?:được hiểu là|là)\s+(?P<meaning>[^\n]+)", re.MULTILINE
)


@dataclass(frozen=True)
class Definition:
    """A defined term, what it means, and the passage that says so."""

    term: str
    meaning: str
    passage_id: str


def definitions(document: Document) -> list[Definition]:
    """The definitions in a document's "Giải thích từ ngữ" articles.

    >>> from ingest.document import Passage
    >>> text = "Điều 2. Giải thích từ ngữ\\n\\n9. Nơi tạm trú là nơi công dân sinh sống ngoài nơi thường trú."
    >>> p = Passage("d-p0001", "d", 1, 0, len(text), text, "Điều 2", ("Chương I", "Điều 2"))
    >>> [(d.term, d.meaning) for d in definitions(Document("d", "d.txt", "Luật Cư trú", text, "h", (p,), kind="legal"))]
    [('Nơi tạm trú', 'nơi công dân sinh sống ngoài nơi thường trú.')]
    """
    if document.kind != "legal":
        return []
    titles = passage_titles(document)
    found = []
    for passage in document.passages:
        if not any(t.casefold() == DEFINITIONS_TITLE for t in titles.get(passage.id, ())):
            continue
        for match in _DEFINITION.finditer(passage.text):
            term = match.group("term").split(" (")[0].strip()  # "… đất (sau đây gọi là …)"
            if len(term.split()) <= 12:  # a term, not a sentence that happens to contain "là"
                found.append(Definition(term, match.group("meaning").strip(), passage.id))
    return found
