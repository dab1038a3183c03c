"""HTTP/1.1 for ``LocalLeonardo``: a threaded server that stays up and bounded whatever a
client does (sends too much, too slowly, malformed, or vanishes), and that stops completely.

Every answer, refusals included, is HTTP/1.1 with Leonardo's JSON error body. Connection
failures are the client's business: they are logged at DEBUG on ``leonardoaisdk.testing``,
never printed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import http.server
import io
import logging
import re
import socket
import struct
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, cast

from . import _api

logger = logging.getLogger("leonardoaisdk.testing")

LINGER_SECONDS = 1.0  # how long a refused client may keep sending before the connection closes
MAX_LINGER_BYTES = 64 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
MAX_LINE_BYTES = 4096  # a chunk-size or trailer line
MAX_TRAILER_LINES = 64
CONTENT_LENGTH = re.compile(r"[0-9]{1,18}")  # 19 digits could exceed any 64-bit size
CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")

# The error code of each refusal the transport makes itself, in Leonardo's style.
REFUSAL_CODES = {
    400: "invalid-request",
    408: "timeout",
    413: "payload-too-large",
    503: "too-many-connections",
    414: "invalid-request",
    431: "invalid-headers",
    501: "invalid-request",
}


@dataclasses.dataclass(frozen=True)
class Limits:
    max_body: int
    read_timeout: float
    max_connections: int
    body_limits: Mapping[str, int] = dataclasses.field(default_factory=dict)  # by path

    def body_limit(self, target: str) -> int:
        """The largest body accepted for a request target (file uploads have their own)."""
        return self.body_limits.get(target.partition("?")[0], self.max_body)


class Refused(Exception):
    """A request the transport answers itself, before the API sees it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.reply = _api.error_reply(status, message, REFUSAL_CODES.get(status, "unexpected"))


class ClientGone(ConnectionError):
    """The client closed the connection before it had sent the whole request."""


class DeadlineReader(io.RawIOBase):
    """Socket reads bounded by one deadline for a whole request: a client dripping a byte at a
    time cannot hold a connection longer than a silent one."""

    def __init__(self, connection: socket.socket) -> None:
        super().__init__()
        self._connection = connection
        self.deadline = 0.0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the client took too long to send its request")
        self._connection.settimeout(left)
        return self._connection.recv_into(buffer)


def encode(reply: _api.Reply, body: bytes, *, close: bool) -> bytes:
    """An answer on the wire, in one piece: headers and body leave in the same segment.
    ``body`` may be shorter than ``reply.body`` (a truncation fault); the length is the full one.
    """
    reason = http.server.BaseHTTPRequestHandler.responses.get(reply.status, ("",))[0]
    head = [f"HTTP/1.1 {reply.status} {reason}"]
    if reply.status != 204:  # a 204 has no body, so no headers describing one (RFC 9110)
        head.append(f"Content-Type: {reply.content_type}")
        head.append(f"Content-Length: {len(reply.body)}")
    head += [f"{name}: {value}" for name, value in reply.headers.items()]
    if close:
        head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


class HeadReader:
    """The request's stream while its headers are read, with a budget for all of them: once
    it is spent, the next line is "too long", which the stdlib answers 431."""

    def __init__(self, rfile: io.BufferedIOBase, budget: int) -> None:
        self._rfile = rfile
        self._budget = budget

    def readline(self, limit: int = -1) -> bytes:
        if self._budget <= 0:
            raise http.client.LineTooLong(f"request headers reach {MAX_HEADER_BYTES} bytes")
        most = self._budget + 1 if limit < 0 else min(limit, self._budget + 1)
        line = self._rfile.readline(most)
        self._budget -= len(line)
        return line


class Server(http.server.ThreadingHTTPServer):
    """One thread per connection, each tracked so that :meth:`close_connections` can end them."""

    daemon_threads = True
    block_on_close = False  # close_connections() joins the threads, with a bound
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: Any, serve: Callable[[Handler], None], limits: Limits) -> None:
        self.serve = serve
        self.limits = limits
        self._open: Dict[socket.socket, threading.Thread] = {}
        self._open_lock = threading.Lock()
        super().__init__(address, Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"LocalLeonardo connection {client_address[1]}",
            daemon=True,
        )
        with self._open_lock:
            full = len(self._open) >= self.limits.max_connections
            if not full:
                self._open[request] = thread
        if full:
            self._turn_away(request)
            return
        try:
            thread.start()
        except BaseException:
            self._forget(request)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._forget(request)

    def _turn_away(self, connection: socket.socket) -> None:
        """Answer 503 without a thread, and close: the thread count stays bounded."""
        limit = self.limits.max_connections
        reply = Refused(503, f"the server has its limit of {limit} open connections").reply
        reply.headers["Retry-After"] = "1"
        with contextlib.suppress(OSError):  # best effort: the accept loop must not wait
            connection.setblocking(False)
            connection.send(encode(reply, reply.body, close=True))
        logger.debug("turned a connection away: %d are open", limit)
        self.shutdown_request(connection)

    def _forget(self, request: socket.socket) -> None:
        with self._open_lock:
            self._open.pop(request, None)

    def close_connections(self, timeout: float) -> List[threading.Thread]:
        """Shut every open connection down, which wakes its thread from any read or write, and
        wait up to ``timeout`` seconds for those threads. Returns the ones still running."""
        with self._open_lock:
            open_now = list(self._open.items())
        for connection, _ in open_now:
            with contextlib.suppress(OSError):  # already closed by its own thread
                connection.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for _, thread in open_now:
            thread.join(max(0.0, deadline - time.monotonic()))
        return [thread for _, thread in open_now if thread.is_alive()]

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError):  # resets, broken pipes, timeouts: clients come and go
            logger.debug("connection from %s ended: %r", client_address, error)
        else:
            logger.error(
                "LocalLeonardo failed on a connection from %s", client_address, exc_info=True
            )


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.1"  # answers to unparseable requests keep a status line
    disable_nagle_algorithm = True  # answers leave at once: no Nagle/delayed-ACK stalls
    server: Server
    raw_requestline: bytes
    body: bytes = b""
    _reader: DeadlineReader

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self._reader = DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._reader)

    def handle(self) -> None:
        try:
            super().handle()
        except OSError as error:  # the client reset or vanished: there is no one to answer
            logger.debug("connection from %s ended: %r", self.client_address, error)

    def handle_one_request(self) -> None:
        # The deadline covers waiting for the request too: idle keep-alive connections close.
        self._reader.deadline = time.monotonic() + self.server.limits.read_timeout
        super().handle_one_request()

    def parse_request(self) -> bool:
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        if len(self.requestline.split()) == 2:  # "GET /": HTTP/0.9, whose answers are bare
            self.send_error(400, "the request line has no HTTP version")
            return False
        # The stdlib reads up to 100 header lines of 64 KiB each (6.5 MB a connection) before it
        # refuses; reading the head through a budget refuses it after MAX_HEADER_BYTES.
        rfile, self.rfile = (
            self.rfile,
            cast(io.BufferedIOBase, HeadReader(self.rfile, MAX_HEADER_BYTES)),
        )
        try:
            return super().parse_request()
        finally:
            self.rfile = rfile

    def handle_expect_100(self) -> bool:
        try:
            self._declared_length()
        except Refused:
            return True  # no "100 Continue" for a body that will be refused: _dispatch says why
        return super().handle_expect_100()

    def _dispatch(self) -> None:
        try:
            self.body = self._read_body()
        except Refused as refused:
            self._refuse(refused.reply)
            return
        try:
            self.server.serve(self)
        except (ConnectionError, TimeoutError):
            raise  # the client went away mid-answer: handle() logs it
        except Exception as exc:  # a server bug must not take the server down
            logger.error("LocalLeonardo failed on %s %s", self.command, self.path, exc_info=True)
            self.send(_api.error_reply(500, f"local server error: {exc!r}", "unexpected"))

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _dispatch

    # --- request bodies ------------------------------------------------------------------------

    def _declared_length(self) -> Optional[int]:
        """The body length the headers declare, ``None`` for chunked; refuses framing that
        cannot be trusted, and bodies over the limit before a byte of them is read."""
        codings = self.headers.get_all("Transfer-Encoding") or []
        lengths = self.headers.get_all("Content-Length") or []
        if codings:
            if lengths:  # two framings: a request-smuggling shape, refused as RFC 9112 allows
                raise Refused(400, "Transfer-Encoding and Content-Length are both present")
            if [coding.strip().lower() for coding in codings] != ["chunked"]:
                raise Refused(400, "the only Transfer-Encoding accepted is chunked")
            return None
        if not lengths:
            return 0
        declared = {value.strip() for value in lengths}
        text = declared.pop()
        if declared or not CONTENT_LENGTH.fullmatch(text):
            raise Refused(400, f"invalid Content-Length {', '.join(lengths)!r}")
        length = int(text)
        self._check_size(length)
        return length

    def _check_size(self, length: int) -> None:
        limit = self.server.limits.body_limit(self.path)
        if length > limit:
            raise Refused(413, f"the request body is over the {limit}-byte limit")

    def _read_body(self) -> bytes:
        length = self._declared_length()
        if length is None:
            return self._read_chunked()
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise ClientGone(f"the body ended after {len(body)} of {length} bytes")
        return body

    def _read_chunked(self) -> bytes:
        chunks: List[bytes] = []
        total = 0
        while True:  # ends: every chunk is at least a byte and the total is capped
            size = self._chunk_size()
            if size == 0:
                self._skip_trailers()
                return b"".join(chunks)
            total += size
            self._check_size(total)
            chunk = self.rfile.read(size)
            if len(chunk) < size:
                raise ClientGone("the connection closed inside a chunk")
            chunks.append(chunk)
            if self._line() not in (b"\r\n", b"\n"):
                raise Refused(400, "a chunk is longer than its size")

    def _chunk_size(self) -> int:
        digits = self._line().split(b";", 1)[0].strip()
        if not CHUNK_SIZE.fullmatch(digits):
            raise Refused(400, f"invalid chunk size {digits[:40]!r}")
        return int(digits, 16)

    def _skip_trailers(self) -> None:
        for _ in range(MAX_TRAILER_LINES):
            if not self._line().strip():
                return
        raise Refused(400, f"more than {MAX_TRAILER_LINES} trailer lines")

    def _line(self) -> bytes:
        line = self.rfile.readline(MAX_LINE_BYTES + 1)
        if line.endswith(b"\n"):
            return line
        if len(line) > MAX_LINE_BYTES:
            raise Refused(400, f"a chunked-body line is over {MAX_LINE_BYTES} bytes")
        raise ClientGone("the connection closed inside the chunked body")

    # --- answers -------------------------------------------------------------------------------

    def send(self, reply: _api.Reply, *, truncate: bool = False) -> None:
        body = reply.body[: len(reply.body) // 2] if truncate else reply.body
        if truncate:
            self.close_connection = True
        # A client that stops reading holds the thread no longer than one that stops sending.
        self.connection.settimeout(self.server.limits.read_timeout)
        self.wfile.write(encode(reply, body, close=self.close_connection))
        self.log_request(reply.status, len(body))

    def send_error(
        self, code: int, message: Optional[str] = None, explain: Optional[str] = None
    ) -> None:
        """The stdlib's refusals (request line, header limits, methods), as HTTP/1.1 with
        Leonardo's error body instead of an HTML page. An HTTP version it does not speak is a
        request it cannot read: 400, as for any other bad request line."""
        if code == 505:
            code, message = 400, f"unsupported HTTP version in {self.requestline[:100]!r}"
        self._refuse(Refused(code, message or self.responses.get(code, ("error",))[0]).reply)

    def _refuse(self, reply: _api.Reply) -> None:
        self.close_connection = True
        self.send(reply)
        self._linger()

    def _linger(self) -> None:
        """Half-close, then discard what the client still sends, for a bounded time: closing
        with unread input resets the connection, which can destroy the answer before the
        client has read it (a client uploading a refused body reads only when done)."""
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + min(LINGER_SECONDS, self.server.limits.read_timeout)
            discarded = 0
            while discarded < MAX_LINGER_BYTES:  # and the deadline: bounded both ways
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self.connection.settimeout(left)
                data = self.connection.recv(65536)
                if not data:
                    return
                discarded += len(data)

    def reset(self) -> None:
        """Close the connection with a TCP reset and no answer."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.client_address[0], *args)
