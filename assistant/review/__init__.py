"""Show review (复盘) and the live console's engine.

Stages (frozen records between them): ``tables`` (bytes → raw table) → ``parse`` (validated
ShowData, products) and ``plan_file`` (plan JSON → PlanInfo) → ``metrics`` → ``benchmarks`` (the
handbook's lines and the account's own median) → ``findings``/``findings_time`` and
``plan_compare`` → ``report`` (ReviewResult: JSON, Markdown, tiles). ``live`` is the live console,
``store`` keeps shows and live sessions, ``service`` is what the CLI, the API and the pages call.
"""

from assistant.review.benchmarks import BenchmarkSet, benchmarks_from_records, load_benchmarks
from assistant.review.errors import (
    BenchmarkError, DataProblem, LiveInputError, PlanFileError, ReviewError, ShowDataError, StoreError,
)
from assistant.review.live import LiveAlert, LiveStatus, as_show, from_cumulative, live_point, live_status
from assistant.review.parse import read_products, read_show
from assistant.review.plan_file import blocks_at, load_plan
from assistant.review.report import ReviewResult
from assistant.review.service import handbook_benchmarks, review_bytes, review_show, review_text, run_review
from assistant.review.store import ReviewStore

__all__ = [
    "BenchmarkError", "BenchmarkSet", "DataProblem", "LiveAlert", "LiveInputError", "LiveStatus", "PlanFileError", "ReviewError",
    "ReviewResult", "ReviewStore", "ShowDataError", "StoreError", "as_show", "benchmarks_from_records", "blocks_at",
    "from_cumulative", "handbook_benchmarks", "live_point", "live_status", "load_benchmarks", "load_plan", "read_products",
    "read_show", "review_bytes", "review_show", "review_text", "run_review",
]
