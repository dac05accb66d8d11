"""A library: one data directory — the document store and the derived indexes kept in step with it.

The wiring floor: it knows every derived index (lexical, vectors, graph) and how they catch up,
rebuild and are published; the web app and the CLI open a library through it.
"""
