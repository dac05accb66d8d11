"""SPARQL query text, read without parsing it: what the endpoint checks before running a query,
and the column order of `SELECT *` (shared by the web endpoint and `reform sparql`)."""

from __future__ import annotations

import re

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRI_PATTERN = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_IRI = re.compile(_IRI_PATTERN)
# Long strings first, then short ones, IRIs and comments: the leftmost match wins at each position.
_LEXEME = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|' + _IRI_PATTERN + r"|#[^\n]*"
)
_SELECT_ALL = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([^\W]\w*)")


def strip_strings_and_comments(query: str) -> str:
    """The query with codepoint escapes decoded (the SPARQL grammar applies them before parsing, so
    `\\u0053ERVICE` is SERVICE), string literals blanked and comments removed; IRIs are kept whole.

    One pass over the text, so that whichever comes first wins: a `#` inside `<http://…#type>` is
    part of the IRI, not a comment that would hide the rest of the line, and a quote inside a
    comment opens no string.

    >>> strip_strings_and_comments('?s a <http://x#y> . SERVICE <http://e/> {} # "SERVICE"')
    '?s a <http://x#y> . SERVICE <http://e/> {} '
    >>> strip_strings_and_comments('FILTER(?v = "a # b") # x')
    'FILTER(?v = "") '
    """
    decoded = _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)
    return _LEXEME.sub(_blank, decoded)


def without_iris(text: str) -> str:
    """Stripped text with every IRI replaced by `<>`, so that keywords are looked for in code only.

    >>> without_iris('SELECT * WHERE { ?s a <http://x/SERVICE> }')
    'SELECT * WHERE { ?s a <> }'
    """
    return _IRI.sub("<>", text)


def _blank(match: re.Match) -> str:
    lexeme = match.group(0)
    if lexeme.startswith("#"):
        return ""
    if lexeme.startswith("<"):
        return lexeme
    return '""'


def in_query_order(variables: list[str], query: str) -> list[str]:
    """`SELECT *` columns in the order the query first names them (?s ?p ?o, not Oxigraph's
    alphabetical o, p, s); an explicit projection keeps its own order.

    >>> in_query_order(["o", "p", "s"], "SELECT * WHERE { ?s ?p ?o }")
    ['s', 'p', 'o']
    >>> in_query_order(["b", "a"], "SELECT ?b ?a WHERE { ?a ?p ?b }")
    ['b', 'a']
    """
    stripped = strip_strings_and_comments(query)
    if not _SELECT_ALL.search(stripped):
        return variables
    first_seen: dict[str, int] = {}
    for name in _VARIABLE.findall(stripped):
        first_seen.setdefault(name, len(first_seen))
    return sorted(variables, key=lambda v: first_seen.get(v, len(first_seen)))
