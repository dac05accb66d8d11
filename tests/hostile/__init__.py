"""Hostile-input attack harness for reform-kg (black box: the `reform` CLI and `reform serve` over HTTP).

Run it with::

    .venv/bin/python -m tests.hostile --out /tmp/hostile-report [--quick]

Importing this package (or any module in it) has no side effects: all work happens in functions that
`tests/hostile/__main__.py` calls. It never imports the product's Python modules; it starts the
`reform` command in subprocesses, on fresh temporary data directories, and talks HTTP to a
`reform serve` it starts and stops itself. Only the standard library is used.
"""
