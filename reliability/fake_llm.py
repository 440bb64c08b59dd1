"""An OpenAI-compatible endpoint on 127.0.0.1 whose behaviour a test chooses."""

from __future__ import annotations

import http.server
import json
import socket
import threading

from reliability.procs import free_port


def sse_chunk(text: str) -> bytes:
    data = {"id": "chatcmpl-h", "object": "chat.completion.chunk", "created": 0, "model": "fake",
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}, "finish_reason": None}]}
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode("utf-8")


class FakeLLM:
    """modes: ``ok`` (streams ``reply``), ``sleep`` (answers after ``sleep`` seconds), ``stall`` (one piece,
    then nothing), ``garbage`` (200 with a body that is not JSON), ``garbage-sse`` (an event stream of
    junk), ``html`` (an HTML error page), ``500``, ``echo401`` (a 401 whose body echoes the API key, as
    some providers do), ``reset`` (closes the connection without answering), ``trickle`` (a piece every
    1.5 s). ``requests`` records every request (path, headers, body)."""

    def __init__(self, mode: str = "ok", reply: str = "开播前三天开始发预热视频 [1]。", sleep: float = 30.0):
        self.mode, self.reply, self.sleep = mode, reply, sleep
        self.requests: list[dict] = []
        self._stop = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                self._reply(404, b'{"error": "not found"}', "application/json")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                       "body": body.decode("utf-8", "replace")})
                try:
                    self._answer(outer.mode)
                except OSError:  # the client went away (BrokenPipe, ConnectionReset)
                    pass

            def _answer(self, mode: str) -> None:
                if mode == "sleep":
                    outer._stop.wait(outer.sleep)
                    mode = "ok"
                if mode == "reset":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                elif mode == "500":
                    self._reply(500, b'{"error": {"message": "internal error", "type": "server_error"}}', "application/json")
                elif mode == "echo401":
                    key = self.headers.get("Authorization", "")
                    msg = json.dumps({"error": {"message": f"Incorrect API key provided: {key}", "code": "invalid_api_key"}})
                    self._reply(401, msg.encode(), "application/json")
                elif mode == "garbage":
                    self._reply(200, b"{\"choices\": [ this is not json \x00\xff", "application/json")
                elif mode == "html":
                    self._reply(502, b"<html><body><h1>502 Bad Gateway</h1><script>x()</script></body></html>", "text/html")
                elif mode == "garbage-sse":
                    self._stream([b"data: {not json at all\n\n", b"data: \x00\x01\x02\n\n", b"data: [DONE]\n\n"])
                elif mode == "stall":
                    self._stream([sse_chunk("开播前")], then_wait=True)
                elif mode == "trickle":  # a piece every 1.5 s: each within the timeout, the whole far beyond it
                    self._stream([sse_chunk("预热视频 [1]")], trickle=[sse_chunk("慢") for _ in range(11)] + [b"data: [DONE]\n\n"])
                else:  # ok
                    pieces = [sse_chunk(outer.reply[i:i + 4]) for i in range(0, len(outer.reply), 4)]
                    self._stream([*pieces, b"data: [DONE]\n\n"])

            def _reply(self, status: int, body: bytes, ctype: str):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _stream(self, pieces: list[bytes], then_wait: bool = False, trickle: tuple = ()):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                for piece in pieces:
                    self.wfile.write(piece)
                    self.wfile.flush()
                for piece in trickle:
                    if outer._stop.wait(1.5):
                        return
                    self.wfile.write(piece)
                    self.wfile.flush()
                if then_wait:
                    outer._stop.wait(outer.sleep)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> FakeLLM:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def llm_env(base_url: str, timeout: float = 2.0, key: str = "sk-test") -> dict:
    """The environment variables that point the project at an OpenAI-compatible endpoint."""
    return {"PLAYBOOK_LLM_PROVIDER": "openai", "PLAYBOOK_LLM_MODEL": "fake-model", "PLAYBOOK_LLM_BASE_URL": base_url,
            "PLAYBOOK_LLM_TIMEOUT": str(timeout), "PLAYBOOK_LLM_API_KEY": key}


def dead_port_url() -> str:
    """An endpoint on a loopback port where nothing listens."""
    return f"http://127.0.0.1:{free_port()}/v1"
