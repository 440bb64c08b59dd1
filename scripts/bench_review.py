"""Benchmark of the review (复盘), in process and warm: a 12-hour show at one-minute rows (720 rows,
every optional column, a products file and a plan) from CSV text to the JSON and the Markdown report;
the live console's replay of the same 720 points; and ``python -m assistant review`` on the same files
as a whole process (start-up and reading the cards included).

    python scripts/bench_review.py [--runs 20] [--cli-runs 3] [--json]

The lines come from the handbook's ``metric_benchmarks`` (PLAYBOOK_CARDS_DIR). Target: review ≤ 1 s
warm. Exit 1 when missed (or when the cards carry no lines).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.review import handbook_benchmarks, live_status, read_show, review_text  # noqa: E402
from assistant.review.examples.make_examples import EN, make_show, plan_json, product_rows, show_rows  # noqa: E402

REVIEW_MAX_MS = 1000.0


def _csv(header: list[str], rows: list[list]) -> str:
    return "\n".join(",".join(str(c) for c in [*r]) for r in [header, *rows]) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cli-runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    benchmarks, goal_cards, _ = handbook_benchmarks()
    if not benchmarks:
        print("the cards carry no metric_benchmarks (glossary-metrics): nothing to measure", file=sys.stderr)
        return 1
    origin = "handbook cards"
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

    cli_times = _cli_runs(data, products, plan, args.cli_runs)

    report = {
        "rows": len(points), "benchmarks": origin, "findings": out["n"], "runs": args.runs,
        "review_ms_p50": round(statistics.median(times), 1), "review_ms_max": round(max(times), 1),
        "live_replay_ms_p50": round(statistics.median(live_times), 1), "live_replay_ms_max": round(max(live_times), 1),
        "cli_s_p50": round(statistics.median(cli_times), 2) if cli_times else None,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(f"review of a 12-hour show at one-minute rows ({report['rows']} rows, products + plan, JSON + Markdown), "
              f"benchmarks from the {origin}: {report['findings']} findings")
        print(f"  review  p50 {report['review_ms_p50']} ms, max {report['review_ms_max']} ms over {args.runs} warm runs "
              f"(target ≤ {REVIEW_MAX_MS:.0f} ms)")
        print(f"  live console replay of {report['rows']} points: p50 {report['live_replay_ms_p50']} ms, max {report['live_replay_ms_max']} ms")
        if cli_times:
            print(f"  python -m assistant review --format md on the same files, whole process: p50 {report['cli_s_p50']} s "
                  f"over {len(cli_times)} runs")
    return 0 if report["review_ms_max"] <= REVIEW_MAX_MS else 1


def _cli_runs(data: str, products: str, plan: dict, runs: int) -> list[float]:
    """Seconds of whole ``python -m assistant review`` processes on the files (nothing stored)."""
    if runs <= 0:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "show.csv").write_text(data, encoding="utf-8")
        (folder / "products.csv").write_text(products, encoding="utf-8")
        (folder / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        env = {**os.environ, "PLAYBOOK_DATA_DIR": str(folder / "data")}
        command = [sys.executable, "-m", "assistant", "review", "--data", str(folder / "show.csv"), "--products",
                   str(folder / "products.csv"), "--plan", str(folder / "plan.json"), "--format", "md"]
        seconds = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
            seconds.append(time.perf_counter() - start)
        return seconds


if __name__ == "__main__":
    raise SystemExit(main())
