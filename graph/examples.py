"""The example SPARQL queries shipped with the graph (graph/queries/*.rq), read as package resources."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class ExampleQuery:
    """One example: file stem, the title to show (its `# vi:` comment, else its first comment) and the text."""

    name: str
    title: str
    query: str


@lru_cache(maxsize=1)
def example_queries() -> tuple[ExampleQuery, ...]:
    """Every example query, in file-name order (read once per process)."""
    folder = resources.files("graph") / "queries"
    examples = []
    for entry in sorted((e for e in folder.iterdir() if e.name.endswith(".rq")), key=lambda e: e.name):
        text = entry.read_text(encoding="utf-8")
        comments = [line[1:].strip() for line in text.splitlines() if line.startswith("#")]
        stem = entry.name.removesuffix(".rq")
        title = next((c[3:].strip() for c in comments if c.startswith("vi:")), comments[0] if comments else stem)
        examples.append(ExampleQuery(stem, title, text))
    return tuple(examples)
