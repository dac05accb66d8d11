"""Tasks for tests/test_workers.py, importable by a worker process (which imports them by name)."""

import ctypes
import time

from core.errors import IngestError


def double(value: int) -> int:
    return value * 2


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "awake"


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes << 20))


def crash() -> None:
    ctypes.string_at(0)


def refuse() -> None:
    raise IngestError("a reason\nover two lines")
