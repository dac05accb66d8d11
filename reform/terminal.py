"""How the CLI shows things on a terminal: highlighted matches and documents with their passage boundaries."""

from __future__ import annotations

import re
from collections.abc import Callable

import click

from ingest.document import Document

# Control characters a document may carry (an escape sequence in a title can rewrite the terminal,
# hide lines or set its title); tab and newline are kept.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    r"""Document text made safe for a terminal, character for character (offsets stay valid).

    >>> printable("Quyết định\x1b[2J số 5\tĐiều 1")
    'Quyết định�[2J số 5\tĐiều 1'
    """
    return _CONTROL.sub("\ufffd", text)


def highlighted(text: str, spans: list[tuple[int, int]], color: bool) -> str:
    text = printable(text)
    out, cursor = [], 0
    for start, end in spans:
        out += [text[cursor:start], click.style(text[start:end], fg="yellow", bold=True) if color else f"[{text[start:end]}]"]
        cursor = end
    return "".join(out) + text[cursor:]


def echo_document(document: Document, echo: Callable[[str], None], *, color: bool) -> None:
    shown = echo
    echo = lambda line: shown(printable(line))  # noqa: E731 -- every line of a document goes through it

    def rule(label: str) -> str:
        line = f"── {label} " + "─" * max(0, 78 - len(label))
        return click.style(line, fg="cyan") if color else line

    echo(click.style(document.title, bold=True) if color else document.title)
    facts = [
        ("id", document.id),
        ("date", document.date),
        ("source", document.source),
        ("author", document.author),
        ("kind", document.kind),
        ("number", document.number),
        ("file", document.path),
    ]
    for key, value in facts:
        if value:
            echo(f"{key}: {value}")
    cursor = 0
    for passage in document.passages:
        gap = document.text[cursor : passage.start].strip()
        if gap:
            echo(rule("not in a passage"))
            echo(gap)
        where = f" · {passage.path_label}" if passage.path else ""
        echo(rule(f"{passage.id} [{passage.start}:{passage.end}] {passage.word_count} words{where}"))
        echo(passage.text)
        cursor = passage.end
    if document.text[cursor:].strip():
        echo(rule("not in a passage"))
        echo(document.text[cursor:].strip())
