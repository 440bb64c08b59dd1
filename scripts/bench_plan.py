"""Benchmark of pre-broadcast plans: what the app and `assistant plan` do per plan, warm and in process,
over the development plans and the acceptance cases (eval/dev_plans.yaml, eval/plan_cases.yaml).

    python scripts/bench_plan.py [--repeats 20] [--json]

Per plan: validate the inputs → build the facts and the ten sections → JSON, Markdown, iCalendar and the
printable HTML → save it in the plan store (a temporary data dir). Also timed once: the first plan of
the process (cold: the handbook's plan material is parsed then) and the whole command line
(`python -m assistant plan`, imports included). Target: every warm plan <= 1 s; exit 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"
PLAN_MAX_MS = 1000.0


def _cases() -> list[dict]:
    plans = yaml.safe_load((EVAL / "dev_plans.yaml").read_text(encoding="utf-8"))["plans"]
    cases = yaml.safe_load((EVAL / "plan_cases.yaml").read_text(encoding="utf-8"))["plans"]
    return plans + [{k: v for k, v in c.items() if k not in ("id", "note")} for c in cases]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=20, help="rounds over all cases (default 20)")
    parser.add_argument("--json", action="store_true", help="also print the numbers as one JSON line")
    args = parser.parse_args()

    t0 = time.perf_counter()
    from assistant.plan import build_plan, parse_plan_inputs, plan_ics, plan_markdown
    from assistant.plan.material import cards_from_disk
    from assistant.plan.printing import plan_html
    from assistant.plan.store import PlanStore
    from settings import load_settings

    settings = load_settings()
    cards, _ = cards_from_disk(settings.cards_dir)
    import_ms = (time.perf_counter() - t0) * 1000
    cases = _cases()

    def one(raw: dict, store: PlanStore) -> float:
        start = time.perf_counter()
        plan = build_plan(parse_plan_inputs(raw), cards)
        json.dumps(plan.to_json(), ensure_ascii=False)
        plan_markdown(plan, cards)
        plan_ics(plan)
        plan_html(plan, cards)
        store.save("", plan.inputs, plan.to_json())
        return (time.perf_counter() - start) * 1000

    with tempfile.TemporaryDirectory() as tmp:
        store = PlanStore(tmp)
        cold_ms = one(cases[0], store)
        warm = [one(raw, store) for _ in range(args.repeats) for raw in cases]
    plan_file = Path(tempfile.mkstemp(suffix=".yaml")[1])
    plan_file.write_text(yaml.safe_dump(cases[0], allow_unicode=True), encoding="utf-8")
    t1 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "assistant", "plan", "--input", str(plan_file), "--format", "md"],
                          cwd=ROOT, capture_output=True, text=True)
    cli_ms = (time.perf_counter() - t1) * 1000
    plan_file.unlink()
    numbers = {
        "cases": len(cases), "runs": len(warm), "warm_ms_p50": round(statistics.median(warm), 1),
        "warm_ms_p95": round(_pct(warm, 0.95), 1), "warm_ms_max": round(max(warm), 1), "cold_ms": round(cold_ms, 1),
        "import_and_cards_ms": round(import_ms, 1), "cli_ms": round(cli_ms, 1), "cli_exit": proc.returncode,
    }
    ok = numbers["warm_ms_max"] <= PLAN_MAX_MS and proc.returncode == 0
    print(f"plan (warm) : p50 {numbers['warm_ms_p50']} ms, p95 {numbers['warm_ms_p95']} ms, max {numbers['warm_ms_max']} ms "
          f"over {len(warm)} runs of {len(cases)} cases (validate + build + JSON + Markdown + .ics + HTML + save; "
          f"target <= {PLAN_MAX_MS:.0f} ms)")
    print(f"plan (cold) : {numbers['cold_ms']} ms for the first plan of the process (plan material parsed)")
    print(f"start-up    : {numbers['import_and_cards_ms']} ms to import and read the cards; whole CLI "
          f"`python -m assistant plan` {numbers['cli_ms']} ms (exit {proc.returncode})")
    print("target      :", "met" if ok else "MISSED")
    if args.json:
        print(json.dumps(numbers, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
