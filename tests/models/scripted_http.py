"""A real HTTP server on 127.0.0.1 whose answers come from a function: a stand-in model server.

``serve(handler)`` runs the server in a thread and yields its base URL. The handler gets the
request (method, path, parsed JSON body) and returns a :class:`Reply`; a reply with ``events``
is sent as a server-sent-event stream, one event at a time, the way chat servers stream.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-serialisable, or bytes sent as they are
    events: list[Any] | None = None  # a stream: each item a JSON event
    delay: float = 0.0  # seconds before answering (timeouts)
    event_delay: float = 0.0  # seconds between stream events (cancellation)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    method: str
    path: str
    body: Any


@dataclass
class Server:
    url: str
    seen: list[Seen]
    stream_errors: list[str]


Handler = Callable[[Seen], Reply]


def _handler_class(handler: Handler, server: Server) -> type[BaseHTTPRequestHandler]:
    class Handle(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output clean
            return

        def do_GET(self) -> None:
            self._answer(None)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            self._answer(json.loads(raw) if raw else None)

        def _answer(self, body: Any) -> None:
            seen = Seen(self.command, self.path, body)
            server.seen.append(seen)
            reply = handler(seen)
            time.sleep(reply.delay)
            if reply.events is not None:
                self._stream(reply)
                return
            data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:  # the client gave up first (a timeout test)
                self.close_connection = True

        def _stream(self, reply: Reply) -> None:
            self.send_response(reply.status)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for event in [*(reply.events or []), "[DONE]"]:
                    text = event if isinstance(event, str) else json.dumps(event)
                    self.wfile.write(f"data: {text}\n\n".encode())
                    self.wfile.flush()
                    time.sleep(reply.event_delay)
            except OSError as error:  # the client went away: what cancellation should cause
                server.stream_errors.append(type(error).__name__)
            self.close_connection = True

    return Handle


@contextmanager
def serve(handler: Handler) -> Iterator[Server]:
    state = Server("", [], [])
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(handler, state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def chat_reply(content: str | None, tool_calls: list[dict[str, Any]] | None = None) -> Any:
    """A chat-completions response body."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "scripted",
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if tool_calls else "stop",
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }


def chunk(delta: dict[str, Any], finish: str | None = None) -> Any:
    """One chat-completion stream event."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "scripted",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
