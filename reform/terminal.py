"""How the CLI shows things on a terminal: highlighted matches and documents with their passage boundaries."""

from __future__ import annotations

from collections.abc import Callable

import click

from ingest.document import Document


def highlighted(text: str, spans: list[tuple[int, int]], color: bool) -> str:
    out, cursor = [], 0
    for start, end in spans:
        out += [text[cursor:start], click.style(text[start:end], fg="yellow", bold=True) if color else f"[{text[start:end]}]"]
        cursor = end
    return "".join(out) + text[cursor:]


def echo_document(document: Document, echo: Callable[[str], None], *, color: bool) -> None:
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
