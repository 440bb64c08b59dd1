"""Reliability figures for the README: bad cards, faults, hostile input and load, measured for real.

    python scripts/reliability_report.py            # about 5 minutes on two cores
    python scripts/reliability_report.py --quick    # fewer kill points and sessions, no browser
    python scripts/reliability_report.py --json     # the raw figures as JSON on stdout

Everything runs against a small real index (ten shipped cards, the real embedding model, real Chroma)
built in a temporary folder; the CLIs run as real subprocesses; the LLM faults use tiny local HTTP
servers and the real langchain ChatOpenAI; Chroma runs as a real `chroma run` on 127.0.0.1. The same
experiments are asserted by the tests in tests/hardening/ (`make test`). Nothing outside 127.0.0.1 is
contacted and every process started here is stopped before the script ends.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from index.evaluate import percentile
from reliability import corpus, data, hostile_inputs
from reliability.browser import CHROMIUM
from reliability.experiments import browsers as browsers_exp
from reliability.experiments import chatdb as chatdb_exp
from reliability.experiments import disks, kills as kills_exp, load as load_exp, llm as llm_exp
from reliability.procs import cli_env, run_module, wait_until
from reliability.servers import CHROMA, ChromaServer
from settings import apply_process_defaults

for _name in list(os.environ):  # only what this report sets reaches the commands it runs
    if _name.startswith("PLAYBOOK_"):
        del os.environ[_name]
apply_process_defaults()

LINES: list[str] = []
FIGURES: dict = {}


def say(text: str = "") -> None:
    LINES.append(text)
    print(text, file=sys.stderr, flush=True)


def section(name: str):
    def wrap(fn):
        def run(*args, **kwargs):
            say(f"\n## {name}")
            t = time.monotonic()
            try:
                FIGURES[name] = fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - one failed experiment must not hide the others
                FIGURES[name] = {"error": f"{type(exc).__name__}: {exc}"}
                say(f"  FAILED: {type(exc).__name__}: {exc}")
                say("  " + traceback.format_exc().strip().splitlines()[-3])
            say(f"  ({time.monotonic() - t:.0f} s)")
        return run
    return wrap


def fresh(base, root: Path, name: str):
    target = root / name
    shutil.copytree(base.cards_dir, target / "cards")
    data.copy_data(base.data_dir, target / "data")
    return data.settings_for(target / "data", target / "cards")


@section("Bad cards")
def bad_cards(base, root: Path) -> dict:
    KINDS, ODD_VALID = corpus.KINDS, corpus.ODD_VALID

    env = cli_env(base.data_dir, base.cards_dir)
    status0 = run_module("index", ["status", "--json"], env).stdout
    snap0 = data.serving_snapshot(base)
    original = (base.cards_dir / "traffic" / "warmup-schedule.md").read_bytes()
    cases = [(b.kind, b.content, b.line, b.message_part) for b in KINDS]
    cases.append(("duplicate id", original, 2, "重复"))
    rows = []
    for kind, content, line, part in cases:
        cards = root / "bad" / str(len(rows))
        shutil.copytree(base.cards_dir, cards)
        target = cards / "traffic" / "zz-broken.md"
        target.write_bytes(content)
        if kind == "duplicate id":
            line = next(n for n, text in enumerate(original.decode().splitlines(), 1) if text.startswith("id:"))
        expect = f"{target}:{line}: "
        check = run_module("playbook", ["check", str(cards)], env)
        before = data.tree_digest(base.data_dir)
        rb = run_module("index", ["rebuild", "--json"], dict(env, PLAYBOOK_CARDS_DIR=str(cards)))
        untouched = data.tree_digest(base.data_dir) == before
        status = run_module("index", ["status", "--json"], env).stdout
        rows.append({
            "kind": kind,
            "check": check.returncode == 2 and any(line.startswith(expect) and part in line for line in check.stdout.splitlines()),
            "rebuild": rb.returncode == 2 and any(line.startswith(expect) and part in line for line in rb.stderr.splitlines()),
            "unchanged": untouched and status == status0 and data.serving_snapshot(base) == snap0,
        })
    odd_ok = 0
    for i, content in enumerate(ODD_VALID.values()):
        cards = root / "odd" / str(i)
        shutil.copytree(base.cards_dir, cards)
        (cards / "traffic" / "odd.md").write_bytes(content)
        odd_ok += run_module("playbook", ["check", str(cards)], env).returncode == 0
    n = len(rows)
    figures = {"kinds": n, "refused_by_check": sum(r["check"] for r in rows), "refused_by_rebuild": sum(r["rebuild"] for r in rows),
               "serving_index_unchanged": sum(r["unchanged"] for r in rows), "odd_valid_kinds": len(ODD_VALID),
               "odd_valid_accepted_by_check": odd_ok, "failures": [r for r in rows if not all(r.values())]}
    say(f"  broken-card kinds: {n}; refused with path:line: message and exit 2 by `playbook check`: "
        f"{figures['refused_by_check']}/{n}, by `index rebuild`: {figures['refused_by_rebuild']}/{n}")
    say(f"  serving index byte-identical, same `status --json` and search results after each: {figures['serving_index_unchanged']}/{n}")
    say(f"  odd but valid files (BOM, CRLF, CR, traditional, `...`, emoji) accepted: {odd_ok}/{len(ODD_VALID)}")
    return figures


@section("kill -9 of a rebuild")
def kills(base, root: Path, n: int) -> dict:
    settings = fresh(base, root, "kills")
    result = kills_exp.kill_rebuild_experiment(settings, kills=n, seed=20261209)
    recs = result["kills"]
    killed = [r for r in recs if r["killed_while_running"]]
    figures = {
        "kill_points": len(recs), "killed_mid_run": len(killed), "calibration_s": result["calibration_s"],
        "kill_moments_s": [r["delay_s"] for r in recs],
        "left_a_partial_generation": sum(bool(r["orphan_generations"]) for r in killed),
        "killed_after_pointer_switch": sum(r["switched_before_kill"] for r in killed),
        "served_identically": sum(r["same_as_before"] or r["switched_before_kill"] for r in recs),
        "long_lived_searcher_kept_serving": sum(r["long_lived_serves"] for r in recs),
        "next_rebuild_completed": sum(r["next_rebuild_ok"] for r in recs),
        "next_rebuild_s_max": max(r["next_rebuild_s"] for r in recs),
        "final_cli_rebuild_exit": result["final_cli_rebuild_exit"],
    }
    say(f"  {len(recs)} seeded kill moments over a {result['calibration_s']} s rebuild: {figures['kill_moments_s']} s")
    say(f"  killed mid-run: {len(killed)}; of these left a partial new generation on disk: "
        f"{figures['left_a_partial_generation']}, died after the pointer switch: {figures['killed_after_pointer_switch']}")
    say(f"  index served the same status and results after the kill: {figures['served_identically']}/{len(recs)}; "
        f"a searcher opened before kept answering: {figures['long_lived_searcher_kept_serving']}/{len(recs)}")
    say(f"  next rebuild completed and removed the leftovers: {figures['next_rebuild_completed']}/{len(recs)} "
        f"(slowest {figures['next_rebuild_s_max']} s); final CLI rebuild exit {figures['final_cli_rebuild_exit']}")
    return figures


@section("Concurrent rebuilds, unwritable data dir")
def concurrency(base, root: Path) -> dict:
    settings = fresh(base, root, "concurrent")
    c = kills_exp.concurrent_rebuild_experiment(settings, pause_s=5.0)
    figures = {"second_rebuild_exit": c["no_wait"]["exit"], "second_rebuild_s": c["no_wait"]["seconds"],
               "second_rebuild_message": c["no_wait"]["stderr"].splitlines()[-1][:160],
               "with_wait_exit": c["wait"]["exit"], "with_wait_s": c["wait"]["seconds"], "first_exit": c["first"]["exit"]}
    say(f"  second rebuild while one runs: exit {figures['second_rebuild_exit']} after {figures['second_rebuild_s']} s: "
        f"“{figures['second_rebuild_message'][:110]}…”")
    say(f"  with --wait 120: exit {figures['with_wait_exit']} after {figures['with_wait_s']} s (waited for the first, exit {figures['first_exit']})")
    if disks.namespaces_available():
        for kind, label in (("ro", "read-only bind mount"), ("full", "full tmpfs")):
            r = disks.unwritable_experiment(fresh(base, root, f"disk-{kind}"), kind)
            figures[kind] = {k: r[k] for k in ("rebuild_exit", "seconds", "serving_unchanged", "traceback")}
            figures[kind]["message"] = r["message"][:200]
            if kind == "ro":
                figures[kind]["serves_while_read_only"] = r.get("serves_while_read_only")
            say(f"  rebuild on a {label}: exit {r['rebuild_exit']}, serving index unchanged: {r['serving_unchanged']}, "
                f"message: “{r['message'][:100]}…”")
            if kind == "ro":
                say(f"    searching while the data dir is read-only works: {r.get('serves_while_read_only')}")
    else:
        say("  (read-only / full disk: needs root and `unshare --mount`; skipped)")
    return figures


@section("Chroma server down and back")
def chroma(base, root: Path) -> dict:
    from index.api import open_searcher, rebuild

    if not CHROMA.exists():
        say("  (chroma CLI not installed; skipped)")
        return {}
    server = ChromaServer(root / "chroma-db")
    first_start = server.start()
    try:
        cards = root / "chroma-cards"
        shutil.copytree(base.cards_dir, cards)
        settings = data.settings_for(root / "chroma-data", cards, chroma_host="127.0.0.1", chroma_port=server.port)
        rebuild(settings)
        env = cli_env(settings.data_dir, cards, PLAYBOOK_CHROMA_HOST="127.0.0.1", PLAYBOOK_CHROMA_PORT=server.port)
        searcher = open_searcher(settings)
        searcher.search(data.QUERIES[0], k=3)
        server.stop()
        t = time.monotonic()
        down = run_module("index", ["search", data.QUERIES[0], "--json"], env)
        cli_s = time.monotonic() - t
        ask = run_module("assistant", ["ask", data.QUESTIONS[0]], env)
        t = time.monotonic()
        try:
            searcher.search(data.QUERIES[1], k=3)
            inproc = "answered?!"
        except Exception as exc:  # noqa: BLE001
            inproc = type(exc).__name__
        inproc_s = time.monotonic() - t
        restart = server.start()
        t = time.monotonic()
        recovered = wait_until(lambda: bool(searcher.search(data.QUERIES[0], k=3)), 60, 0.2)
        recover_s = time.monotonic() - t
        searcher.close()
    finally:
        server.stop()
    figures = {"cli_search_exit": down.returncode, "cli_error_s": round(cli_s, 2),
               "cli_message_names_address": server.address in down.stderr,
               "ask_exit": ask.returncode, "ask_message_names_address": server.address in ask.stderr,
               "in_process_error": inproc, "in_process_error_s": round(inproc_s, 2),
               "server_start_s": round(first_start, 1), "server_restart_s": round(restart, 1),
               "recovered_without_restart": recovered, "recovery_s_after_server_up": round(recover_s, 2)}
    say(f"  server stopped: `index search` exit {down.returncode} in {cli_s:.1f} s naming {server.address}: "
        f"{figures['cli_message_names_address']}; `assistant ask` exit {ask.returncode}")
    say(f"  a running searcher raises {inproc} in {inproc_s:.2f} s (the app shows it as an error message)")
    say(f"  server back ({restart:.1f} s to start): the same searcher answers again after {recover_s:.2f} s, no restart")
    return figures


@section("LLM endpoint faults (real ChatOpenAI, PLAYBOOK_LLM_TIMEOUT=2)")
def llm(base) -> dict:
    from index.api import open_searcher

    searcher = open_searcher(base)
    searcher.search(data.QUERIES[0], k=1)
    rows = {}
    try:
        for fault in llm_exp.LLM_FAULTS:
            r = llm_exp.llm_fault_answer(base, searcher, fault, timeout=2.0)
            rows[fault] = r
            say(f"  {fault:12s} -> {r['mode']} answer with notice “{r['notice']}” in {r['seconds']:.2f} s, cited {r['cited']}")
        r = llm_exp.llm_fault_answer(base, searcher, "trickle", timeout=2.0)
        say(f"  (trickle: a piece every 1.5 s -> {r['mode']} answer after {r['seconds']:.1f} s: the timeout is per piece, "
            f"there is no cap on a whole answer)")
    finally:
        searcher.close()
    return {"worst_s": max(r["seconds"] for r in rows.values()), "all_offline_with_notice":
            all(r["mode"] == "offline" and r["notice"] for r in rows.values()), "faults": rows,
            "trickle_answer_s": r["seconds"], "trickle_mode": r["mode"]}


@section("Chat database killed mid-write")
def chatdb(root: Path, n: int) -> dict:
    r = chatdb_exp.chat_db_kill_experiment(root / "chat-data", kills=n, seed=7)
    recs = r["kills"]
    figures = {"kills": len(recs), "messages_acknowledged": r["messages_acknowledged"],
               "acknowledged_lost": sum(len(x["lost_acked"]) for x in recs),
               "in_flight_found_committed": sum(len(x["unacked_but_stored"]) for x in recs),
               "integrity_ok": sum(x["integrity"] == "ok" for x in recs),
               "reopen_ms_max": max(x["reopen_ms"] for x in recs), "write_after_ok": sum(x["write_after_ok"] for x in recs)}
    say(f"  {len(recs)} kills of a writer ({r['messages_acknowledged']} messages acknowledged, with a concurrent reader): "
        f"acknowledged messages lost {figures['acknowledged_lost']}; in-flight message found committed "
        f"{figures['in_flight_found_committed']} time(s)")
    say(f"  integrity_check ok {figures['integrity_ok']}/{len(recs)}; reopened in ≤ {figures['reopen_ms_max']} ms; "
        f"next write worked {figures['write_after_ok']}/{len(recs)}")
    return figures


@section("Hostile input")
def hostile(base) -> dict:
    from assistant.answer import answer_question
    from assistant.errors import InvalidQuestionError, PlanInputError
    from assistant.plan import build_plan, parse_plan_inputs
    from index.api import open_searcher
    from playbook.loader import load_cards
    PLAN_CASES = hostile_inputs.PLAN_CASES

    searcher = open_searcher(base)
    searcher.search(data.QUERIES[0], k=1)
    times, outcomes, crashes = {}, {"answered": 0, "refused": 0}, []
    for name, q in hostile_inputs.HOSTILE_QUESTIONS.items():
        t = time.monotonic()
        try:
            answer_question(q, settings=base, searcher=searcher)
            outcomes["answered"] += 1
        except InvalidQuestionError:
            outcomes["refused"] += 1
        except Exception as exc:  # noqa: BLE001
            crashes.append(f"{name}: {type(exc).__name__}")
        times[name] = time.monotonic() - t
    def search_cost(n: int, salt: str) -> float:
        text = (f"{salt}直播间人气怎么提升？福袋和憋单怎么配合？" * 200)[:n]
        t = time.monotonic()
        searcher.search(text, k=5)
        return time.monotonic() - t

    search_300 = search_cost(300, "甲")
    search_2000 = search_cost(2000, "丙")
    searcher.close()
    slow = {k: round(v, 2) for k, v in times.items() if v >= 2.0}
    cards = {c.id: c for c in load_cards(data.SHIPPED_CARDS)}
    plan_times, plan_crashes, planned, refused = [], [], 0, 0
    for name, (raw, _field) in PLAN_CASES.items():
        t = time.monotonic()
        try:
            build_plan(parse_plan_inputs(raw), cards)
            planned += 1
        except PlanInputError:
            refused += 1
        except Exception as exc:  # noqa: BLE001
            plan_crashes.append(f"{name}: {type(exc).__name__}")
        plan_times.append(time.monotonic() - t)
    figures = {"questions": len(times), **outcomes, "crashes": crashes, "max_s": round(max(times.values()), 2),
               "median_ms": round(percentile(list(times.values()), 50) * 1000, 1), "slower_than_2s": slow,
               "plan_inputs": len(PLAN_CASES), "plans_built": planned, "plans_refused_by_field": refused,
               "plan_crashes": plan_crashes, "plan_max_s": round(max(plan_times), 3),
               "index_search_300_chars_s": round(search_300, 2), "index_search_2000_chars_s": round(search_2000, 2)}
    say(f"  {len(times)} hostile questions: {outcomes['answered']} answered, {outcomes['refused']} refused with a clear message, "
        f"{len(crashes)} crashes; median {figures['median_ms']} ms, slowest {figures['max_s']} s")
    if slow:
        say(f"  slower than 2 s (long questions are embedded whole): {slow}")
    say(f"  handbook/`index search` query of 300 characters: {search_300:.2f} s, of 2000: {search_2000:.2f} s "
        f"(the whole query is embedded, holding the shared embedder)")
    say(f"  {len(PLAN_CASES)} hostile plan inputs: {planned} planned within the contract, {refused} refused naming the field, "
        f"{len(plan_crashes)} crashes; slowest {figures['plan_max_s']} s")
    return figures


@section("Load: concurrent chat sessions while re-indexing")
def load(base, root: Path, sessions: int) -> dict:
    r = load_exp.load_experiment(fresh(base, root, "load"), sessions=sessions, min_questions=5)
    keep = ("sessions", "answers", "wall_seconds", "p50_ms", "p95_ms", "max_ms", "answers_per_second",
            "answers_during_rebuild", "p95_ms_during_rebuild", "generation_before", "generation_after",
            "switched_without_restart", "messages_stored")
    figures = {k: r[k] for k in keep}
    figures.update(errors=len(r["errors"]), bad_answers=len(r["bad_answers"]), hung=len(r["hung_sessions"]),
                   rebuild_exit=r["rebuild"].get("exit"), rebuild_s=r["rebuild"].get("seconds"))
    say(f"  {sessions} sessions, {r['answers']} answers in {r['wall_seconds']} s ({r['answers_per_second']}/s), "
        f"errors {len(r['errors'])}, uncited/out-of-scope {len(r['bad_answers'])}")
    say(f"  answer latency p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, max {r['max_ms']} ms")
    say(f"  a rebuild (exit {figures['rebuild_exit']}, {figures['rebuild_s']} s) ran meanwhile: {r['answers_during_rebuild']} answers "
        f"during it (p95 {r['p95_ms_during_rebuild']} ms); the shared searcher moved {r['generation_before']} -> "
        f"{r['generation_after']} without a restart: {r['switched_without_restart']}")
    return figures


@section("Browser sessions against one `streamlit run`")
def browsers(base, root: Path, n: int) -> dict:
    if not CHROMIUM.exists():
        say("  (/usr/bin/chromium not installed; skipped)")
        return {}
    r = browsers_exp.browser_experiment(fresh(base, root, "browser"), sessions=n, workdir=root)
    say(f"  {n} Chromium sessions asked at once: cited answers {sum(a['cited'] for a in r['answers'])}/{n}, "
        f"answered after {[a['seconds'] for a in r['answers']]} s; requests outside the app: {len(r['requests_outside_app'])}")
    return r


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer kill points and sessions, no browser")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on stdout")
    args = parser.parse_args()
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="reliability-"))
    try:
        say("# Reliability figures (ten-card real index; `python scripts/reliability_report.py`)")
        from index.api import rebuild

        t = time.monotonic()
        base = data.settings_for(root / "base" / "data", data.copy_fixture_cards(root / "base" / "cards"))
        rebuild(base)
        say(f"base index: {len(data.FIXTURE_CARDS)} cards built in {time.monotonic() - t:.0f} s; machine: {os.cpu_count()} cores, "
            f"load {os.getloadavg()[0]:.1f}")
        bad_cards(base, root)
        kills(base, root, 4 if args.quick else 10)
        concurrency(base, root)
        chroma(base, root)
        llm(base)
        chatdb(root, 3 if args.quick else 6)
        hostile(base)
        load(base, root, 8 if args.quick else 20)
        if not args.quick:
            browsers(base, root, 3)
        say(f"\ntotal {time.monotonic() - started:.0f} s")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if args.json:
        print(json.dumps(FIGURES, ensure_ascii=False, indent=1, default=str))
    else:
        print("\n".join(LINES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
