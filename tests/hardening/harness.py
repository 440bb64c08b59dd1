"""Shared machinery of the hardening tests and of ``scripts/reliability_report.py``.

Everything here runs the real project (real cards, real Chroma, the real embedding model, real
subprocesses of the CLIs); only the LLM is a tiny local HTTP server. Every server binds 127.0.0.1,
every loop is bounded in count and time and every subprocess is killed in a ``finally``.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_CARDS = REPO_ROOT / "playbook" / "cards"
PY = sys.executable

# Ten shipped cards (one or two per force) that the common questions below are answered from.
FIXTURE_CARDS = (
    "traffic/warmup-schedule.md",
    "traffic/warmup-video-types.md",
    "traffic/paid-traffic-basics.md",
    "supply/lineup-structure.md",
    "supply/perk-item-pricing.md",
    "live-ops/viewer-drop-response.md",
    "live-ops/giveaways-fudai.md",
    "live-ops/hold-and-release.md",
    "incubation/cold-start-first-weeks.md",
    "fulfillment/slow-shipping-refund.md",
)
QUERIES = (
    "开播前几天发预热视频？发几条？",
    "直播间在线人数突然掉了一半怎么办",
    "引流款和利润款怎么搭配",
)
QUESTIONS = (
    "开播前几天应该发预热视频？发几条合适？",
    "直播间在线人数突然掉了一半，场控应该怎么办？",
    "货盘里引流款和利润款的比例怎么定？",
    "福袋什么时候发效果最好？",
    "新号刚开始直播，前两周重点做什么？",
    "顾客说发货太慢要退款怎么处理？",
    "憋单怎么做才不招人反感？",
    "投流的钱应该怎么花？",
)
# A card edit that changes the index (two versions, so that a rebuild always has work to do).
EDIT_CARD = "live-ops/giveaways-fudai.md"


# --------------------------------------------------------------------------- cards and data dirs


def copy_fixture_cards(target: Path, names: tuple[str, ...] = FIXTURE_CARDS) -> Path:
    """Copy a subset of the shipped cards; ``links`` to cards outside the subset are dropped."""
    ids = {}
    for rel in names:
        text = (SHIPPED_CARDS / rel).read_text(encoding="utf-8")
        ids[rel] = re.search(r"^id:\s*(\S+)", text, re.M).group(1)
    keep = set(ids.values())
    for rel in names:
        text = (SHIPPED_CARDS / rel).read_text(encoding="utf-8")

        def fix(m: re.Match) -> str:
            links = [x.strip() for x in m.group(1).split(",") if x.strip() in keep]
            return f"links: [{', '.join(links)}]" if links else "links: []"

        text = re.sub(r"^links:\s*\[(.*?)\]\s*$", fix, text, count=1, flags=re.M)
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return target


def edit_card(cards_dir: Path, version: int) -> None:
    """Append a version line to EDIT_CARD (a real content change: the card is re-embedded)."""
    path = cards_dir / EDIT_CARD
    text = re.sub(r"\n\n<!-- edit \d+ -->\n- 补充第 \d+ 版：.*\n?$", "", path.read_text(encoding="utf-8"))
    path.write_text(text.rstrip("\n") + f"\n\n<!-- edit {version} -->\n- 补充第 {version} 版：福袋开奖前再口播一次规则。\n",
                    encoding="utf-8")


def settings_for(data_dir: Path, cards_dir: Path, **kw):
    from settings import Settings

    return Settings(data_dir=Path(data_dir).resolve(), cards_dir=Path(cards_dir).resolve(), **kw)


def copy_data(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def tree_digest(root: Path) -> dict[str, str]:
    """Content hash of every file under ``root`` (relative path -> sha256)."""
    out = {}
    for path in sorted(Path(root).rglob("*")):
        if path.is_file():
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


# --------------------------------------------------------------------------- subprocesses


def cli_env(data_dir: Path | None = None, cards_dir: Path | None = None, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAYBOOK_")}
    if data_dir is not None:
        env["PLAYBOOK_DATA_DIR"] = str(data_dir)
    if cards_dir is not None:
        env["PLAYBOOK_CARDS_DIR"] = str(cards_dir)
    env.update(PYTHONUNBUFFERED="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False",
               TOKENIZERS_PARALLELISM="false")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_module(module: str, args: list[str], env: dict, timeout: float = 180, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", module, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, **kw)


def kill_tree(proc: subprocess.Popen | None, sig: int = signal.SIGKILL) -> None:
    """Kill a subprocess started with ``start_new_session=True`` and its children; reap it."""
    if proc is None or proc.poll() is not None:
        with contextlib.suppress(Exception):
            proc and proc.wait(timeout=5)
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=15)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return True
        time.sleep(interval)
    return False


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def no_traceback(*texts: str) -> bool:
    return not any("Traceback (most recent call last)" in (t or "") for t in texts)


# --------------------------------------------------------------------------- the serving index


def serving_snapshot(settings, queries: tuple[str, ...] = QUERIES) -> dict:
    """What a reader sees: the status and the results of a few searches, from a fresh Searcher."""
    from index.api import index_status, open_searcher

    status = index_status(settings).to_json()
    searcher = open_searcher(settings)
    try:
        results = {q: [(r.card_id, r.chunk.chunk_id, round(r.score, 6)) for r in searcher.search(q, k=5)] for q in queries}
    finally:
        searcher.close()
    return {"status": status, "search": results}


def cli_snapshot(env: dict, queries: tuple[str, ...] = QUERIES[:1]) -> dict:
    """The same through the contract commands (``status --json``, ``search --json``)."""
    status = run_module("index", ["status", "--json"], env, timeout=60)
    assert status.returncode == 0, status.stderr
    out = {"status": json.loads(status.stdout.strip().splitlines()[-1]), "search": {}}
    for q in queries:
        found = run_module("index", ["search", q, "--k", "5", "--json"], env, timeout=120)
        assert found.returncode == 0, found.stderr
        data = json.loads(found.stdout.strip().splitlines()[-1])
        out["search"][q] = [(r["card_id"], r["score"]) for r in data["results"]]
    return out


# --------------------------------------------------------------------------- a fake LLM endpoint


def sse_chunk(text: str) -> bytes:
    data = {"id": "chatcmpl-h", "object": "chat.completion.chunk", "created": 0, "model": "fake",
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}, "finish_reason": None}]}
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode("utf-8")


class FakeLLM:
    """An OpenAI-compatible endpoint on 127.0.0.1 whose behaviour a test chooses.

    modes: ``ok`` (streams ``reply``), ``sleep`` (answers after ``sleep`` seconds), ``stall`` (one piece,
    then nothing), ``garbage`` (200 with a body that is not JSON), ``garbage-sse`` (an event stream of
    junk), ``html`` (an HTML error page), ``500``, ``echo401`` (a 401 whose body echoes the API key, as
    some providers do), ``reset`` (closes the connection without answering).
    """

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
                outer.requests.append({"path": self.path, "headers": dict(self.headers), "body": body.decode("utf-8", "replace")})
                mode = outer.mode
                try:
                    if mode == "sleep":
                        outer._stop.wait(outer.sleep)
                        mode = "ok"
                    if mode == "reset":
                        self.close_connection = True
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    if mode == "500":
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
                    else:  # ok
                        pieces = [sse_chunk(outer.reply[i:i + 4]) for i in range(0, len(outer.reply), 4)]
                        self._stream(pieces + [b"data: [DONE]\n\n"])
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass

            def _reply(self, status: int, body: bytes, ctype: str):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _stream(self, pieces: list[bytes], then_wait: bool = False):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                for piece in pieces:
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

    def __enter__(self) -> "FakeLLM":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def llm_env(base_url: str, timeout: float = 2.0, key: str = "sk-test") -> dict:
    return {"PLAYBOOK_LLM_PROVIDER": "openai", "PLAYBOOK_LLM_MODEL": "fake-model", "PLAYBOOK_LLM_BASE_URL": base_url,
            "PLAYBOOK_LLM_TIMEOUT": str(timeout), "PLAYBOOK_LLM_API_KEY": key}


def dead_port_url() -> str:
    """An endpoint on a loopback port where nothing listens."""
    return f"http://127.0.0.1:{free_port()}/v1"


# --------------------------------------------------------------------------- a real Chroma server


CHROMA = Path(PY).with_name("chroma")


class ChromaServer:
    """``chroma run`` on 127.0.0.1; start/stop/restart on the same port and data path."""

    def __init__(self, path: Path, port: int | None = None, log: Path | None = None):
        self.path, self.port = Path(path), port or free_port()
        self.log = log or self.path.parent / f"chroma-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def alive(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    def start(self, timeout: float = 90) -> float:
        started = time.monotonic()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                env=cli_env(),
            )
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.proc.returncode}: {self.log.read_text(errors='replace')[-2000:]}")
            if self.alive():
                return time.monotonic() - started
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("chroma run did not answer its heartbeat in time")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                kill_tree(self.proc)
        wait_until(lambda: not self.alive(), 10)


# --------------------------------------------------------------------------- a real Streamlit server


class StreamlitServer:
    """``streamlit run ui/app.py`` as a subprocess; stdout/stderr captured to a file."""

    def __init__(self, env: dict, log: Path, port: int | None = None, extra_args: tuple = ()):
        self.env, self.log, self.port = env, Path(log), port or free_port()
        self.extra_args = extra_args
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> None:
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [PY, "-m", "streamlit", "run", "ui/app.py", "--server.port", str(self.port), *self.extra_args],
                cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}: {self.log_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not start in {timeout:.0f} s: {self.log_text()[-3000:]}")

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                kill_tree(self.proc)


def listening_addresses(port: int) -> set[str]:
    """Local addresses (IPv4/IPv6, hex as in /proc/net) with a socket LISTENing on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                local, state = parts[1], parts[3]
                addr, _, hexport = local.rpartition(":")
                if state == "0A" and int(hexport, 16) == port:
                    found.add(_decode_addr(addr))
    return found


def _decode_addr(hexaddr: str) -> str:
    import ipaddress

    raw = bytes.fromhex(hexaddr)
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(raw[::-1]))
    words = [raw[i:i + 4][::-1] for i in range(0, 16, 4)]
    return str(ipaddress.IPv6Address(b"".join(words)))
