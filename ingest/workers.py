"""Worker processes that read files and OCR pages: each under a memory ceiling and a time limit per task.

A hostile file may make a parser loop, allocate without end or crash in C code. Each task runs in
a separate process with an address-space limit (RLIMIT_AS, inherited by antiword, pdftoppm and
tesseract), in a session of its own; a task over its time limit gets its whole process group
killed and the worker replaced, a crashed worker is reported and replaced, and the run goes on.
The same processes spread reading and OCR over the cores.

Workers are plain `python -m ingest.workers` processes speaking pickled messages over a socket,
not multiprocessing's: its spawn and forkserver modes re-import the parent's main module (the CLI
with search, graph and torch) in every child, while a worker needs only the readers (0.5 s, 50 MB).
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from core.errors import IngestError


@dataclass(frozen=True)
class TaskResult:
    """The outcome of one task: its value, or a one-line reason why it failed."""

    key: Hashable
    value: Any = None
    error: str | None = None


@dataclass
class _Running:
    key: Hashable
    deadline: float
    timeout: float


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        parent, child = socket.socketpair()
        env = {**os.environ, "OMP_THREAD_LIMIT": "1", "OPENBLAS_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ingest.workers", str(child.fileno()), str(memory_mb)],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: a timeout kills its children too
            env=env,
        )
        child.close()
        self.connection = Connection(parent.detach())
        self.task: _Running | None = None

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            self.process.kill()
        self.process.wait()
        self.connection.close()

    def stop(self) -> None:
        try:
            self.connection.send(None)
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired, ValueError):
            self.kill()
            return
        self.connection.close()


class WorkerPool:
    """Up to `size` worker processes running submitted calls; use as a context manager.

    `fn` must be a module-level function (it is pickled by reference) and its arguments and result
    picklable. IngestError and MemoryError in a task become its one-line `error`.
    """

    def __init__(self, size: int, *, memory_mb: int) -> None:
        self.size, self.memory_mb = max(1, size), memory_mb
        self._idle: list[_Worker] = []
        self._busy: dict[Connection, _Worker] = {}
        self._queue: deque[tuple[Hashable, Callable[..., Any], tuple[Any, ...], float]] = deque()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def pending(self) -> int:
        """Tasks submitted and not yet returned by `results`."""
        return len(self._queue) + len(self._busy)

    def submit(self, key: Hashable, fn: Callable[..., Any], *args: Any, timeout: float) -> None:
        self._queue.append((key, fn, args, timeout))

    def results(self) -> list[TaskResult]:
        """Wait until at least one task is done (or over its time limit) and return what is done."""
        self._dispatch()
        if not self._busy:
            return []
        now = time.monotonic()
        soonest = min(w.task.deadline for w in self._busy.values() if w.task)
        ready = wait(list(self._busy), timeout=max(0.0, soonest - now))
        done = [self._receive(connection) for connection in ready if isinstance(connection, Connection)]
        now = time.monotonic()
        for connection, worker in list(self._busy.items()):
            if worker.task and worker.task.deadline <= now and connection not in ready:
                done.append(self._expire(connection, worker))
        return done

    def close(self) -> None:
        for worker in self._idle:
            worker.stop()
        for worker in self._busy.values():
            worker.kill()
        self._idle, self._busy = [], {}

    def _dispatch(self) -> None:
        while self._queue and (self._idle or len(self._busy) < self.size):
            key, fn, args, timeout = self._queue.popleft()
            worker = self._idle.pop() if self._idle else _Worker(self.memory_mb)
            try:
                worker.connection.send((fn, args))
            except OSError:  # the worker died while idle: a fresh one takes the task
                worker.kill()
                self._queue.appendleft((key, fn, args, timeout))
                continue
            worker.task = _Running(key, time.monotonic() + timeout, timeout)
            self._busy[worker.connection] = worker

    def _receive(self, connection: Connection) -> TaskResult:
        worker = self._busy.pop(connection)
        task = worker.task
        assert task is not None
        worker.task = None
        try:
            status, payload = connection.recv()
        except (EOFError, OSError):
            worker.kill()
            return TaskResult(task.key, error=_death_reason(worker.process.returncode, self.memory_mb))
        self._idle.append(worker)
        return TaskResult(task.key, value=payload) if status == "ok" else TaskResult(task.key, error=payload)

    def _expire(self, connection: Connection, worker: _Worker) -> TaskResult:
        task = worker.task
        assert task is not None
        del self._busy[connection]
        worker.kill()
        return TaskResult(task.key, error=f"took longer than {task.timeout:g} s and was stopped (REFORM_PARSE_TIMEOUT)")


def _death_reason(returncode: int | None, memory_mb: int) -> str:
    if returncode is not None and returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else str(-returncode)
        if name == "SIGKILL":  # the kernel's out-of-memory killer
            return f"the parser was killed (out of memory?) on this file (limit {memory_mb} MB, REFORM_PARSE_MEMORY_MB)"
        return f"the parser crashed ({name}) on this file"
    return f"the parser stopped unexpectedly (exit status {returncode}) on this file"


def _serve(connection: Connection) -> None:
    """A worker's loop: run each (fn, args) received, send back ("ok", value) or ("error", reason)."""
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        except MemoryError:  # the file alone does not fit under the ceiling
            connection.send(("error", "ran out of memory while reading it (over the REFORM_PARSE_MEMORY_MB limit)"))
            continue
        if message is None:
            return
        fn, args = message
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except IngestError as exc:
            reply = ("error", " ".join(str(exc).split()))
        except MemoryError:
            reply = ("error", "ran out of memory while reading it (over the REFORM_PARSE_MEMORY_MB limit)")
        except RecursionError:
            reply = ("error", "nested too deeply to read (recursion limit)")
        except Exception as exc:  # a reader library choking on malformed input
            reply = ("error", " ".join(f"cannot be parsed ({type(exc).__name__}: {exc})".split())[:500])
        try:
            connection.send(reply)
        except MemoryError:
            connection.send(("error", "ran out of memory while reading it (over the REFORM_PARSE_MEMORY_MB limit)"))


if __name__ == "__main__":
    _limit = int(sys.argv[2]) << 20  # before any reader is imported: the whole worker lives under it
    resource.setrlimit(resource.RLIMIT_AS, (_limit, _limit))
    _serve(Connection(int(sys.argv[1])))
