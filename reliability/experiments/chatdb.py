"""The chat database killed mid-write: every acknowledged message survives, the database stays sound."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

from reliability.procs import PY, kill_tree, wait_until

CHAT_WRITER = r"""
import sys
from assistant.conversations import ConversationStore
from assistant.types import Source
store = ConversationStore(sys.argv[1])
start, big = int(sys.argv[2]), int(sys.argv[3])
cid = None
for i in range(start, start + 100000):
    if cid is None or i % 6 == 0:
        cid = store.create()
        print(f"C {cid}", flush=True)
    role = "user" if i % 2 == 0 else "assistant"
    size = big if i % 3 == 0 else 200
    sources = [Source(n=1, card_id="warmup-schedule", title="预热", topics=("warmup-video",), excerpt="摘录" * 50)] if role == "assistant" else []
    store.add_message(cid, role, f"#{i}# " + "消息内容" * size, sources=sources, mode="offline" if role == "assistant" else "")
    print(f"M {i} {cid}", flush=True)
"""


def _pump(stdout, lines: list[str]) -> None:
    for line in stdout:
        lines.append(line.strip())


def _read_loop(store, stop: threading.Event, errors: list[str]) -> None:
    """Another reader, as the app is: listing and opening conversations while the writer works."""
    while not stop.is_set():
        try:
            for conv in store.list(limit=5):
                store.get(conv.id)
        except Exception as exc:  # noqa: BLE001 - recorded, asserted by the caller
            errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.02)


def chat_db_kill_experiment(data_dir: Path, kills: int = 6, seed: int = 7, big_chars: int = 50_000,
                            reader: bool = True) -> dict:
    """Kill -9 a process writing messages to the conversation store at seeded random moments.

    The writer prints each message after ``add_message`` returned (committed). After every kill the
    database must open cleanly (integrity check), hold every acknowledged message in order, and at most
    the one message that was being written on top; a new write must work at once."""
    from assistant.conversations import DB_NAME, ConversationStore

    rng = random.Random(seed)
    store = ConversationStore(data_dir)
    acked: dict[str, list[int]] = {}
    next_i = 0
    records = []
    committed_in_flight: set[int] = set()  # messages committed by a writer killed before it said so
    for k in range(kills):
        proc = subprocess.Popen([PY, "-c", CHAT_WRITER, str(data_dir), str(next_i), str(big_chars)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        lines: list[str] = []
        reader_errors: list[str] = []
        stop = threading.Event()
        t = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
        t.start()
        r = threading.Thread(target=_read_loop, args=(store, stop, reader_errors), daemon=True) if reader else None
        if r:
            r.start()
        try:
            acknowledged = wait_until(lambda lines=lines: any(line.startswith("M ") for line in lines), 60, 0.02)
            assert acknowledged, proc.stderr.read() if proc.poll() is not None else "no output"
            time.sleep(rng.uniform(0.2, 1.5))
            os.killpg(proc.pid, signal.SIGKILL)
        finally:
            kill_tree(proc)
            stop.set()
            t.join(timeout=10)
            if r:
                r.join(timeout=10)
            proc.stderr.close()
        acked_now = [line for line in lines if line.startswith("M ")]
        for line in acked_now:
            _, i, cid = line.split()
            acked.setdefault(cid, []).append(int(i))
        last = int(acked_now[-1].split()[1])
        t0 = time.monotonic()
        with sqlite3.connect(Path(data_dir) / DB_NAME, timeout=10) as conn:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        fresh = ConversationStore(data_dir)
        opened_s = time.monotonic() - t0
        lost, extra = [], []
        in_order = True
        for cid, wanted in acked.items():
            got = [int(m.content.split("#")[1]) for m in fresh.messages(cid)]
            lost += [i for i in wanted if i not in got]
            extra += [i for i in got if i not in wanted and i not in committed_in_flight]
            in_order = in_order and got == sorted(got)
        # a conversation created but not yet acknowledged may hold the in-flight message
        created = [line.split()[1] for line in lines if line.startswith("C ")]
        for cid in created:
            if cid not in acked:
                extra += [i for i in (int(m.content.split("#")[1]) for m in fresh.messages(cid)) if i not in committed_in_flight]
        committed_in_flight.update(extra)
        probe_cid = fresh.create()
        fresh.add_message(probe_cid, "user", "写得进去吗？")
        records.append({"kill": k + 1, "acked": len(acked_now), "last_acked": last, "integrity": integrity,
                        "lost_acked": lost, "unacked_but_stored": extra, "in_order": in_order,
                        "reopen_ms": round(opened_s * 1000, 1),
                        "write_after_ok": len(fresh.messages(probe_cid)) == 1, "reader_errors": reader_errors[:3]})
        next_i = last + 2  # skip the possibly in-flight index so it cannot be confused later
    total = sum(len(v) for v in acked.values())
    return {"kills": records, "messages_acknowledged": total}
