"""Real servers on loopback ports: ``chroma run`` (server mode) and ``streamlit run ui/server.py`` (the app, as
``make run`` starts it)."""

from __future__ import annotations

import contextlib
import subprocess
import time
import urllib.request
from pathlib import Path

from reliability.procs import PY, REPO_ROOT, cli_env, free_port, stop_tree, wait_until

CHROMA = Path(PY).with_name("chroma")


def _wait_healthy(proc: subprocess.Popen, url: str, timeout: float, what: str, log_tail) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}: {log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer {url} in {timeout:.0f} s: {log_tail()}")


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
        """Start the server and wait for its heartbeat; the seconds it took."""
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, env=cli_env(),
            )
        try:
            return _wait_healthy(self.proc, f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout, "chroma run",
                                 lambda: self.log.read_text(errors="replace")[-2000:])
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        stop_tree(self.proc, timeout=20)
        wait_until(lambda: not self.alive(), 10)

    def __enter__(self) -> ChromaServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class StreamlitServer:
    """``streamlit run ui/server.py`` (the app with its login routes) as a subprocess on a loopback port;
    its output goes to ``log``."""

    def __init__(self, env: dict, log: Path, port: int | None = None, extra_args: tuple = (), script: str = "ui/server.py"):
        self.env, self.log, self.port = env, Path(log), port or free_port()
        self.extra_args = extra_args
        self.script = script
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> float:
        """Start the app and wait until it answers its health check; the seconds it took."""
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [PY, "-m", "streamlit", "run", self.script, "--server.port", str(self.port), *self.extra_args],
                cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:
            return _wait_healthy(self.proc, f"{self.base}/_stcore/health", timeout, "streamlit",
                                 lambda: self.log_text()[-3000:])
        except RuntimeError:
            self.stop()
            raise

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        stop_tree(self.proc)

    def __enter__(self) -> StreamlitServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


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
