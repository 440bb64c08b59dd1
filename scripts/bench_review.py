"""Benchmark of the review (复盘), in process and warm: a 12-hour show at one-minute rows (720 rows,
every optional column, a products file and a plan) from CSV text to the JSON and the Markdown report;
and the live console's replay of the same 720 points.

    python scripts/bench_review.py [--runs 20] [--json]

Benchmarks come from the handbook's ``metric_benchmarks`` (PLAYBOOK_CARDS_DIR) when the cards carry
them, else from the test fixture in the same schema. Target: review ≤ 1 s warm. Exit 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.review import benchmarks_from_records, handbook_benchmarks, live_status, read_show, review_text  # noqa: E402
from assistant.review.examples.make_examples import EN, make_show, plan_json, product_rows, show_rows  # noqa: E402

FIXTURE = ROOT / "tests" / "assistant" / "review" / "data" / "benchmarks.yaml"
REVIEW_MAX_MS = 1000.0


def _csv(header: list[str], rows: list[list]) -> str:
    return "\n".join(",".join(str(c) for c in [*r]) for r in [header, *rows]) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    try:
        benchmarks, goal_cards, _ = handbook_benchmarks()
        origin = "handbook cards"
    except Exception:  # noqa: BLE001 - a broken handbook must not stop the benchmark
        benchmarks, goal_cards = None, ()
    if not benchmarks:
        benchmarks = benchmarks_from_records(yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["metric_benchmarks"])
        origin = "test fixture (the cards carry no metric_benchmarks)"
    rows, sold = make_show("viewer_drop", step=1, hours=12)
    data = _csv(EN, show_rows(rows))
    products = _csv(["name", "clicks", "orders", "gmv", "refunds"], product_rows(sold))
    plan = plan_json()

    def one() -> dict:
        result = review_text(data, products, plan, benchmarks=benchmarks, goal_sources=goal_cards or ("gmv-decomposition",))
        return {"json": json.dumps(result.to_json(), ensure_ascii=False), "md": result.to_markdown(), "n": len(result.findings)}

    one()  # warm
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        out = one()
        times.append((time.perf_counter() - start) * 1000)
    points = read_show(data).intervals
    live_status(points, benchmarks)
    live_times = []
    for _ in range(max(3, args.runs // 4)):
        start = time.perf_counter()
        live_status(points, benchmarks)
        live_times.append((time.perf_counter() - start) * 1000)

    report = {
        "rows": len(points), "benchmarks": origin, "findings": out["n"], "runs": args.runs,
        "review_ms_p50": round(statistics.median(times), 1), "review_ms_max": round(max(times), 1),
        "live_replay_ms_p50": round(statistics.median(live_times), 1), "live_replay_ms_max": round(max(live_times), 1),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(f"review of a 12-hour show at one-minute rows ({report['rows']} rows, products + plan, JSON + Markdown), "
              f"benchmarks from the {origin}: {report['findings']} findings")
        print(f"  review  p50 {report['review_ms_p50']} ms, max {report['review_ms_max']} ms over {args.runs} warm runs "
              f"(target ≤ {REVIEW_MAX_MS:.0f} ms)")
        print(f"  live console replay of {report['rows']} points: p50 {report['live_replay_ms_p50']} ms, max {report['live_replay_ms_max']} ms")
    return 0 if report["review_ms_max"] <= REVIEW_MAX_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
