"""Benchmark of the assistant, in process and warm: offline ``ask`` and ``plan`` latencies, plus how
many development questions get on-topic cited answers and how the out-of-scope sets are handled.

    python scripts/bench_assistant.py [--json]

Uses the configured index (PLAYBOOK_DATA_DIR / PLAYBOOK_CARDS_DIR; built on first use). Targets:
offline ask p50 <= 100 ms, plan <= 1 s. Exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import yaml

from assistant.answer import answer_question
from assistant.plan import build_plan, plan_ics, plan_markdown
from index.api import ensure_index
from reliability.data import cited_numbers
from settings import load_settings

ROOT = Path(__file__).resolve().parent.parent

EVAL = ROOT / "eval"  # the project's copies of the development sets
OOD = ROOT / "tests" / "assistant" / "data" / "out_of_scope.yaml"
ASK_P50_MS = 100.0
PLAN_MAX_MS = 1000.0


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="also print the numbers as one JSON line")
    parser.add_argument("--plan-repeats", type=int, default=20)
    args = parser.parse_args()
    settings = load_settings()
    searcher = ensure_index(settings)
    cards = searcher.cards()
    dev = yaml.safe_load((EVAL / "dev_questions.yaml").read_text(encoding="utf-8"))["questions"]
    plans = yaml.safe_load((EVAL / "dev_plans.yaml").read_text(encoding="utf-8"))["plans"]
    ood = yaml.safe_load(OOD.read_text(encoding="utf-8"))

    # Warm up with questions that are not measured (the cards' own example questions).
    warm = [q for c in sorted(cards.values(), key=lambda c: c.id) for q in c.questions[1:2]][:20]
    for q in warm:
        answer_question(q, settings=settings, searcher=searcher)

    times, on_topic, cited, in_scope = [], 0, 0, 0
    for item in dev:
        t0 = time.perf_counter()
        answer = answer_question(item["q"], settings=settings, searcher=searcher)
        times.append((time.perf_counter() - t0) * 1000)
        in_scope += answer.in_scope
        numbers = cited_numbers(answer.answer)
        cited += bool(numbers) and set(numbers) <= {s.n for s in answer.sources}
        on_topic += bool({t for s in answer.sources for t in s.topics} & set(item["topics"]))
    ood_results = {}
    for name in ("calibration", "test"):
        declined = sum(not answer_question(q, settings=settings, searcher=searcher).in_scope for q in ood[name])
        ood_results[name] = (declined, len(ood[name]))

    plan_times = []
    for _ in range(args.plan_repeats):
        for inputs in plans:
            t0 = time.perf_counter()
            plan = build_plan(inputs, cards)
            json.dumps(plan.to_json(), ensure_ascii=False)
            plan_markdown(plan, cards)
            plan_ics(plan)
            plan_times.append((time.perf_counter() - t0) * 1000)

    numbers = {
        "ask_n": len(times),
        "ask_ms_p50": round(statistics.median(times), 1),
        "ask_ms_p95": round(_pct(times, 0.95), 1),
        "ask_ms_max": round(max(times), 1),
        "dev_in_scope": in_scope,
        "dev_cited": cited,
        "dev_on_topic": on_topic,
        "ood_calibration_declined": ood_results["calibration"][0],
        "ood_calibration_n": ood_results["calibration"][1],
        "ood_test_declined": ood_results["test"][0],
        "ood_test_n": ood_results["test"][1],
        "plan_n": len(plan_times),
        "plan_ms_p50": round(statistics.median(plan_times), 1),
        "plan_ms_max": round(max(plan_times), 1),
        "embedder": searcher.status().embedder,
    }
    ok = numbers["ask_ms_p50"] <= ASK_P50_MS and numbers["plan_ms_max"] <= PLAN_MAX_MS
    print(f"offline ask  : p50 {numbers['ask_ms_p50']} ms, p95 {numbers['ask_ms_p95']} ms, max {numbers['ask_ms_max']} ms "
          f"over {len(times)} dev questions (target p50 <= {ASK_P50_MS:.0f} ms)")
    print(f"dev answers  : {in_scope}/{len(dev)} in scope, {cited}/{len(dev)} cited, {on_topic}/{len(dev)} cite an on-topic card")
    print(f"out of scope : calibration {ood_results['calibration'][0]}/{ood_results['calibration'][1]} declined, "
          f"test {ood_results['test'][0]}/{ood_results['test'][1]} declined")
    print(f"plan         : p50 {numbers['plan_ms_p50']} ms, max {numbers['plan_ms_max']} ms over {len(plan_times)} runs "
          f"(build + JSON + Markdown + iCalendar; target <= {PLAN_MAX_MS:.0f} ms)")
    print("targets      :", "met" if ok else "MISSED")
    if args.json:
        print(json.dumps(numbers, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
