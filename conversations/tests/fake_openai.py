"""A small OpenAI-compatible chat-completions server on loopback, for the provider tests."""

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI:
    """Serves POST /v1/chat/completions; `behaviour(n)` says what the n-th request (from 0) gets.

    A behaviour returns ("ok", text), ("status", code) or ("slow", seconds).
    Every request's headers and JSON body are kept in `received`.
    """

    def __init__(self, behaviour: Callable[[int], tuple[str, object]]):
        self.behaviour = behaviour
        self.received: list[dict] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with server._lock:
                    index = len(server.received)
                    server.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                kind, value = server.behaviour(index)
                if kind == "slow":
                    time.sleep(value)
                    kind, value = "ok", "too late"
                if kind == "status":
                    self._send(value, {"error": {"message": "unavailable"}})
                    return
                self._send(
                    200,
                    {
                        "id": f"chatcmpl-{index}",
                        "object": "chat.completion",
                        "model": body.get("model"),
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": value}}],
                    },
                )

            def _send(self, code, payload):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the slow case)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/v1"
        # shutdown() waits for the serving loop's next poll: a short poll keeps each test's teardown short.
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def calls(self) -> int:
        return len(self.received)

    def sent_text(self) -> str:
        """Everything the server received, headers and bodies, as one string."""
        return json.dumps(self.received, ensure_ascii=False)
