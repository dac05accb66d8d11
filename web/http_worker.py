"""gunicorn's threaded worker, with whole requests read by the event loop instead of by a thread.

Why: gunicorn's gthread worker hands a connection to a thread as soon as its first bytes arrive,
and the thread then reads the rest of the request (headers, body) from a blocking socket with no
deadline. A client that sends "GET / HTTP/1.1\\r\\nX-Slow: " and then a byte now and then (slowloris),
or a Content-Length and then a trickle of body, holds that thread for as long as it likes; two dozen
such clients held every thread of every worker and a search waited more than 40 s (hostile-input
harness, `python -m tests.hostile --only http`).

Here the worker's event loop (one thread, non-blocking sockets) collects each request, head and
body, until it has arrived (`request_arrival`), and only then does a thread take it, its bytes put
back in front of gunicorn's parser. A request still arriving costs a file descriptor, not a thread,
and is closed when REQUEST_DEADLINE passes since the connection was accepted (or kept alive). The
same holds for the next request on a kept-alive connection. "Expect: 100-continue" is answered by
the event loop, which then collects the body. A request that will be refused unread (a body over
MAX_BUFFERED_BODY, which the app answers with 413; malformed chunking) goes to a thread at once, and
its connection is closed afterwards instead of drained.

Built on gunicorn 27.0.1's ThreadWorker internals (TConn, pending_conns, poller, enqueue_req), which
is why requirements.lock pins that version; tests/test_serve.py holds the behaviour.
"""

from __future__ import annotations

import contextlib
import enum
import errno
import re
import selectors
import socket
import time
from collections import deque
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

from web.app import MAX_REQUEST_BYTES

REQUEST_DEADLINE = 10.0  # seconds for a whole request to arrive
LINGER = 2.0  # seconds a closing connection is drained (RFC 9112 §9.6), as gunicorn's close_graceful does
BODY_IDLE = 30.0  # seconds a thread waits for a piece of a body left to it, or for a client to read the answer
MAX_HEAD = 64 * 1024  # a longer head is handed over as is: gunicorn's own limits refuse it
MAX_BUFFERED_BODY = MAX_REQUEST_BYTES
END_OF_HEAD = re.compile(rb"\r?\n\r?\n")
CONTENT_LENGTH = re.compile(rb"^content-length[ \t]*:[ \t]*(\d{1,19})[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
CHUNKED = re.compile(rb"^transfer-encoding[ \t]*:.*chunked", re.IGNORECASE | re.MULTILINE)
EXPECT_CONTINUE = re.compile(rb"^expect[ \t]*:[ \t]*100-continue", re.IGNORECASE | re.MULTILINE)
EXPECT_CONTINUE_LINE = re.compile(rb"^expect[ \t]*:[ \t]*100-continue[ \t]*\r?\n", re.IGNORECASE | re.MULTILINE)
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
CHUNK_SIZE = re.compile(rb"([0-9a-fA-F]{1,16})[^\r\n]*\r\n")


class Arrival(enum.Enum):
    """How much of a request the event loop holds, and so what it does with the connection."""

    PARTIAL = "partial"  # keep reading
    CONTINUE = "continue"  # a whole head asking "Expect: 100-continue": answer it, then read the body
    WHOLE = "whole"  # hand to a thread; the connection may be kept alive
    REFUSABLE = "refusable"  # hand to a thread, which refuses it unread (too large, malformed); then close


def request_arrival(buffer: bytes) -> Arrival:
    """How far the request at the start of `buffer` has arrived."""
    end = END_OF_HEAD.search(buffer)
    if end is None:
        return Arrival.REFUSABLE if len(buffer) > MAX_HEAD else Arrival.PARTIAL
    head, body = buffer[: end.start()], buffer[end.end() :]
    if CHUNKED.search(head):
        state = _chunked_body_arrival(body)
    else:
        length = CONTENT_LENGTH.search(head)
        if length is None:
            return Arrival.WHOLE
        size = int(length.group(1))
        if size > MAX_BUFFERED_BODY:
            return Arrival.REFUSABLE
        state = Arrival.WHOLE if len(body) >= size else Arrival.PARTIAL
    if state is Arrival.PARTIAL and EXPECT_CONTINUE.search(head):
        return Arrival.CONTINUE
    return state


def _chunked_body_arrival(body: bytes) -> Arrival:
    position = 0
    while True:
        if len(body) - position > MAX_BUFFERED_BODY:
            return Arrival.REFUSABLE
        size_line = CHUNK_SIZE.match(body, position)
        if size_line is None:
            # an incomplete size line waits; anything else is malformed, for the parser to refuse
            rest = body[position:]
            return Arrival.REFUSABLE if b"\n" in rest or len(rest) > 1024 else Arrival.PARTIAL
        size = int(size_line.group(1), 16)
        position = size_line.end()
        if size == 0:  # trailer fields, then an empty line
            trailers = body[position:]
            return Arrival.WHOLE if trailers.startswith(b"\r\n") or b"\r\n\r\n" in trailers else Arrival.PARTIAL
        if size > MAX_BUFFERED_BODY:
            return Arrival.REFUSABLE
        position += size + 2
        if position > len(body):
            return Arrival.PARTIAL


class RequestBufferingWorker(ThreadWorker):
    """gthread with requests buffered by the event loop (see the module docstring)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lingering: deque[TConn] = deque()

    def accept(self, listener) -> None:
        try:
            client, address = listener.accept()
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return
            raise
        self.nr_conns += 1
        conn = TConn(self.cfg, client, address, listener.getsockname())  # sets the socket non-blocking
        self._await_request(conn)

    def on_client_socket_readable(self, conn, client) -> None:
        """A kept-alive connection has bytes of its next request: collect it first."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._await_request(conn)
        self._read(conn, client)

    def finish_request(self, conn, fs) -> None:
        """Keep-alive as gthread does; a closing connection lingers in the event loop instead of in
        gunicorn's close_graceful, which waits up to 2 s on the loop's own thread for the client to
        close: two dozen clients sending a body that is refused stalled every other connection."""
        try:
            keep = bool(fs.result()) if not fs.cancelled() else False
        except Exception:
            keep = False
        if keep:
            super().finish_request(conn, fs)
        else:
            self._linger(conn)

    def murder_pending(self) -> None:
        super().murder_pending()
        now = time.monotonic()
        while self.lingering and self.lingering[0].timeout <= now:
            self._close(self.lingering.popleft())  # already off the queue

    def _linger(self, conn: TConn) -> None:
        """Half-close, then read and drop what the client still sends until it closes or LINGER passes,
        so that the kernel does not answer its unread bytes with a reset that cuts off the response."""
        try:
            conn.sock.shutdown(socket.SHUT_WR)
            conn.sock.setblocking(False)
        except OSError:
            self._close(conn)
            return
        conn.timeout = time.monotonic() + LINGER
        self.lingering.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._drain, conn))

    def _drain(self, conn: TConn, client) -> None:
        try:
            if conn.sock.recv(65536):
                return
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            pass
        self._close(conn, self.lingering)

    def _release(self, conn: TConn, queue: deque[TConn] | None = None) -> None:
        """Stop watching a connection: off the poller, and off `queue` (pending or lingering)."""
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)
        if queue is not None:
            with contextlib.suppress(ValueError):
                queue.remove(conn)

    def _close(self, conn: TConn, queue: deque[TConn] | None = None) -> None:
        self._release(conn, queue)
        self.nr_conns -= 1
        conn.close()

    def _keepalive_after(self, conn, keepalive):
        """Close rather than drain a request the thread refused unread: draining a trickled body
        would hold the thread again."""
        return conn.whole and super()._keepalive_after(conn, keepalive)

    def handle_request(self, req, conn):
        conn.sock.settimeout(BODY_IDLE)
        return super().handle_request(req, conn)

    def _await_request(self, conn: TConn) -> None:
        conn.received = bytearray()
        conn.continued = False
        conn.whole = False
        conn.timeout = time.monotonic() + REQUEST_DEADLINE
        self.pending_conns.append(conn)  # murder_pending closes it at conn.timeout
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._read, conn))

    def _read(self, conn: TConn, client) -> None:
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away before finishing its request
            self._close(conn, self.pending_conns)
            return
        conn.received += data
        arrival = request_arrival(conn.received)
        if arrival is Arrival.PARTIAL:
            return
        if arrival is Arrival.CONTINUE:
            if not conn.continued:
                conn.continued = True
                with contextlib.suppress(OSError):
                    conn.sock.send(CONTINUE)  # 25 bytes into an empty send buffer: never blocks
            return
        self._release(conn, self.pending_conns)
        conn.whole = arrival is Arrival.WHOLE
        self._dispatch(conn)

    def _dispatch(self, conn: TConn) -> None:
        """Hand a connection with a complete request to a thread, its bytes put back in front of the parser."""
        received = bytes(conn.received)
        if conn.continued:  # answered here already: gunicorn would send a second "100 Continue"
            received = EXPECT_CONTINUE_LINE.sub(b"", received, count=1)
        del conn.received
        conn.data_ready = True  # gthread's handle() would otherwise wait for readable data again
        conn.sock.setblocking(True)
        try:
            conn.init()  # builds the parser (plain HTTP/1.x: no TLS, no HTTP/2 negotiation configured)
        except OSError:
            self._close(conn)
            return
        conn.parser.unreader.unread(received)
        self.enqueue_req(conn)
