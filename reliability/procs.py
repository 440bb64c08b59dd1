"""Subprocesses of the project's commands: their environment, running, killing, waiting."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from settings import apply_process_defaults

REPO_ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def cli_env(data_dir: Path | str | None = None, cards_dir: Path | str | None = None, **extra: object) -> dict:
    """The environment of a project command: this one without PLAYBOOK_* settings, the process defaults
    (offline, no telemetry), then the data and cards dirs and ``extra`` variables (as text)."""
    env = apply_process_defaults({k: v for k, v in os.environ.items() if not k.startswith("PLAYBOOK_")})
    env["PYTHONUNBUFFERED"] = "1"
    if data_dir is not None:
        env["PLAYBOOK_DATA_DIR"] = str(data_dir)
    if cards_dir is not None:
        env["PLAYBOOK_CARDS_DIR"] = str(cards_dir)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_module(module: str, args: list[str], env: dict, timeout: float = 180, **kw) -> subprocess.CompletedProcess:
    """``python -m MODULE ARGS`` from the repository root; output captured as text."""
    return subprocess.run([PY, "-m", module, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, **kw)


def kill_tree(proc: subprocess.Popen | None, sig: int = signal.SIGKILL) -> None:
    """Kill a subprocess started with ``start_new_session=True`` and its children; reap it."""
    if proc is None or proc.poll() is not None:
        with contextlib.suppress(Exception):
            if proc is not None:
                proc.wait(timeout=5)
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=15)


def stop_tree(proc: subprocess.Popen | None, timeout: float = 15) -> None:
    """SIGTERM a process group, then SIGKILL it if it has not exited within ``timeout`` seconds."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_tree(proc)


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


def no_traceback(*texts: str) -> bool:
    return not any("Traceback (most recent call last)" in (t or "") for t in texts)
