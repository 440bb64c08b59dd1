"""Benchmark of the HTTP API: concurrent OpenAI-client callers against a locally started server.

    python scripts/bench_api.py [--clients 20] [--requests 10] [--stream] [--json]

Starts ``python -m``-style uvicorn serving of ``assistant.api.create_app`` in a separate process on a
free 127.0.0.1 port (offline answers: the LLM is switched off), with throw-away accounts (one key per
client, rate limit lifted) in a temporary folder, then runs the clients as threads using the official
``openai`` client. Every request asks a different held-out question (no answer or query embedding is
served from a cache; the questions repeat only when more requests are asked than there are questions,
and the output says how many were distinct); the warm-up uses the development questions. Prints p50 / p95 / max latency of whole
answers (streamed: until the last chunk), throughput and errors. Target: p95 <= 1 s on 2 cores with no
rebuild running. Uses the configured index (PLAYBOOK_DATA_DIR / PLAYBOOK_CARDS_DIR; built on first use).
Exit code 1 when the target is missed or any request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = ROOT / "eval" / "heldout_questions.yaml"
WARMUP = ROOT / "eval" / "dev_questions.yaml"
P95_TARGET_S = 1.0


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _serve(port: int, accounts_dir: str) -> None:
    """The server process: offline settings, the configured index, throw-away accounts."""
    import uvicorn
    from argon2 import PasswordHasher

    from assistant.accounts import AccountStore, ApiRatePolicy
    from assistant.api import ApiOptions, create_app
    from index.api import ensure_index
    from settings import load_settings

    settings = load_settings().replace(llm_provider="none")
    searcher = ensure_index(settings)
    store = AccountStore(accounts_dir, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    app = create_app(settings, searcher=searcher, accounts=store,
                     options=ApiOptions(rate=ApiRatePolicy(rate_per_minute=1_000_000, burst=100_000)))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url: str, proc: subprocess.Popen, timeout: float = 600) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not start in time")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc; 0.0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _client(url: str, key: str, questions: list[str], offset: int, n: int, stream: bool,
            latencies: list[float], errors: list[str], start: threading.Barrier) -> None:
    from openai import OpenAI

    with OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=60) as client:
        start.wait()
        for i in range(n):
            q = questions[(offset + i) % len(questions)]
            t0 = time.perf_counter()
            try:
                if stream:
                    chunks = list(client.chat.completions.create(model="playbook", stream=True,
                                                                 messages=[{"role": "user", "content": q}]))
                    assert chunks and "sources" in (chunks[-1].model_extra or {})
                else:
                    reply = client.chat.completions.create(model="playbook", messages=[{"role": "user", "content": q}])
                    assert reply.choices[0].message.content
            except Exception as exc:  # noqa: BLE001 - counted and reported
                errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
                continue
            latencies.append(time.perf_counter() - t0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=10, help="requests per client")
    parser.add_argument("--stream", action="store_true", help="streamed answers (SSE) instead of whole ones")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "ACCOUNTS_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(int(args.serve[0]), args.serve[1])
        return 0

    from argon2 import PasswordHasher

    from assistant.accounts import AccountStore

    questions = [q["q"] for q in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]]
    warmup = [q["q"] for q in yaml.safe_load(WARMUP.read_text(encoding="utf-8"))["questions"]]
    with tempfile.TemporaryDirectory() as tmp:
        store = AccountStore(tmp, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        store.add_user("bench", "streamer", "bench password")
        keys = [store.create_key("bench").key for _ in range(args.clients)]
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "PLAYBOOK_LLM_PROVIDER": "none"}
        proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port), tmp], env=env, cwd=ROOT)
        try:
            _wait_up(url, proc)
            warm: list[float] = []
            _client(url, keys[0], warmup, 0, 3, args.stream, warm, [], threading.Barrier(1))
            latencies: list[float] = []
            errors: list[str] = []
            barrier = threading.Barrier(args.clients)
            threads = [threading.Thread(target=_client, args=(url, keys[i], questions, i * args.requests, args.requests, args.stream,
                                                              latencies, errors, barrier)) for i in range(args.clients)]
            cpu0, own0 = _cpu_seconds(proc.pid), time.process_time()
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t0
            server_cpu, client_cpu = _cpu_seconds(proc.pid) - cpu0, time.process_time() - own0
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    result = {
        "clients": args.clients, "requests": args.clients * args.requests, "stream": args.stream,
        "distinct_questions": min(len(questions), args.clients * args.requests),
        "ok": len(latencies), "errors": len(errors),
        "latency_s_p50": round(_pct(latencies, 0.5), 3) if latencies else None,
        "latency_s_p95": round(_pct(latencies, 0.95), 3) if latencies else None,
        "latency_s_max": round(max(latencies), 3) if latencies else None,
        "throughput_rps": round(len(latencies) / wall, 1) if wall else None,
        "server_cpu_ms_per_answer": round(1000 * server_cpu / max(1, len(latencies)), 1),
        "client_cpu_ms_per_answer": round(1000 * client_cpu / max(1, len(latencies)), 1),
        "cpus": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        mode = "streamed" if args.stream else "whole"
        print(f"{args.clients} clients x {args.requests} requests ({mode} answers, offline, "
              f"{result['distinct_questions']} distinct questions): "
              f"p50 {result['latency_s_p50']} s, p95 {result['latency_s_p95']} s, max {result['latency_s_max']} s, "
              f"{result['throughput_rps']} answers/s, errors {len(errors)}; CPU per answer: server "
              f"{result['server_cpu_ms_per_answer']} ms, clients {result['client_cpu_ms_per_answer']} ms "
              f"(cpus {result['cpus']}, load {result['load_avg_1m']})")
        for e in sorted(set(errors))[:5]:
            print("  error:", e)
    ok = not errors and latencies and result["latency_s_p95"] <= P95_TARGET_S
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
