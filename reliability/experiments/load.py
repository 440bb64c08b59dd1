"""Load: chat sessions at once through the assistant while the index is rebuilt in another process."""

from __future__ import annotations

import threading
import time
from typing import Any

from index.evaluate import percentile

from reliability.data import QUESTIONS, QUERIES, cited_numbers, edit_card
from reliability.experiments.kills import start_rebuild
from reliability.procs import cli_env, kill_tree, wait_until

FOLLOW_UPS = ("那具体怎么做？", "第二步具体怎么做？", "要看哪些数据？")
ROOMS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


def load_experiment(settings, sessions: int = 20, min_questions: int = 5, max_seconds: float = 150.0,
                    reindex: bool = True) -> dict:
    """``sessions`` threads chat at once through ``answer_question`` with one shared Searcher (as the
    Streamlit server does), storing every message, while a real ``python -m index rebuild`` of an
    edited card runs in another process. Each session asks at least ``min_questions`` and keeps
    asking until the rebuild has finished (bounded by ``max_seconds``)."""
    from assistant.answer import answer_question
    from assistant.conversations import ConversationStore
    from index.api import open_searcher

    searcher = open_searcher(settings)
    searcher.search(QUERIES[0], k=1)  # the embedder is loaded once per process, before the clock starts
    store = ConversationStore(settings.data_dir)
    gen_before = searcher.status().generation
    latencies: list[tuple[float, float]] = []  # (start, seconds)
    errors: list[str] = []
    bad_answers: list[str] = []
    generations: set[str] = set()
    lock = threading.Lock()
    rebuild_done = threading.Event()
    if not reindex:
        rebuild_done.set()
    start = threading.Barrier(sessions + 1)
    deadline = [0.0]

    def session(i: int) -> None:
        cid = store.create()
        history: list = []
        start.wait()
        asked = 0
        while asked < min_questions or not rebuild_done.is_set():
            if time.monotonic() > deadline[0]:
                break
            if history and asked % 3 == 2:
                question = FOLLOW_UPS[(i + asked) % len(FOLLOW_UPS)]
            else:
                question = QUESTIONS[(i * 3 + asked) % len(QUESTIONS)]
            # every session asks in its own words (no query-cache hits across sessions)
            question = f"{question}（{ROOMS[i % len(ROOMS)]}直播间，第{asked + 1}问）"
            t = time.monotonic()
            try:
                answer = answer_question(question, history[-6:], settings=settings, searcher=searcher)
                took = time.monotonic() - t
                store.add_message(cid, "user", question)
                store.add_message(cid, "assistant", answer.answer, sources=answer.sources, mode=answer.mode,
                                  notice=answer.notice, in_scope=answer.in_scope)
                with lock:
                    latencies.append((t, took))
                    generations.add(searcher.generation.name)
                    cited = cited_numbers(answer.answer)
                    if not (answer.in_scope and answer.sources and cited and set(cited) <= {s.n for s in answer.sources}):
                        bad_answers.append(f"{question} -> in_scope={answer.in_scope} cited={cited}")
                history += answer.turns(question)
            except Exception as exc:  # noqa: BLE001 - counted
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
            asked += 1

    threads = [threading.Thread(target=session, args=(i,), name=f"chat-{i}", daemon=True) for i in range(sessions)]
    for t in threads:
        t.start()
    proc = None
    rebuild_info: dict[str, Any] = {}
    try:
        if reindex:
            edit_card(settings.cards_dir, 5150)
            env = cli_env(settings.data_dir, settings.cards_dir)
        t0 = time.monotonic()
        deadline[0] = t0 + max_seconds
        if reindex:
            proc = start_rebuild(env, "--json")
        start.wait()
        if reindex:
            try:
                out, err = proc.communicate(timeout=max_seconds)
            finally:
                kill_tree(proc)
            rebuild_info = {"exit": proc.returncode, "seconds": round(time.monotonic() - t0, 2),
                            "summary": out.strip().splitlines()[-1] if out.strip() else err[-300:]}
            rebuild_end = time.monotonic()
            rebuild_done.set()
        for t in threads:
            t.join(timeout=max_seconds + 30)
        wall = time.monotonic() - t0
        hung = [t.name for t in threads if t.is_alive()]
    finally:
        rebuild_done.set()
        kill_tree(proc)
    # the shared searcher moves to the new generation by itself (checked every second)
    switched = wait_until(lambda: bool(searcher.search(QUERIES[0], k=1)) and searcher.generation.name != gen_before, 10, 0.3) \
        if reindex else False
    gen_after = searcher.generation.name
    searcher.close()
    secs = [s for _, s in latencies]
    during = [s for st, s in latencies if reindex and st <= rebuild_end]
    return {
        "sessions": sessions,
        "answers": len(latencies),
        "errors": errors,
        "bad_answers": bad_answers,
        "hung_sessions": hung,
        "wall_seconds": round(wall, 2),
        "p50_ms": round(percentile(secs, 50) * 1000, 1),
        "p95_ms": round(percentile(secs, 95) * 1000, 1),
        "max_ms": round(max(secs) * 1000, 1) if secs else None,
        "answers_per_second": round(len(secs) / wall, 2) if wall else None,
        "answers_during_rebuild": len(during),
        "p95_ms_during_rebuild": round(percentile(during, 95) * 1000, 1) if during else None,
        "rebuild": rebuild_info,
        "generations_seen": sorted(generations),
        "generation_before": gen_before,
        "generation_after": gen_after,
        "switched_without_restart": switched,
        "messages_stored": sum(c.message_count for c in store.list(limit=sessions * 2)),
    }
