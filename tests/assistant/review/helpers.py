"""Helpers of the review tests: the benchmark lines of the shipped handbook (``BENCHMARKS``, read from
``playbook/cards/general/glossary-metrics.md``: the findings are tested against the real rules of
thumb), a fixture block in the same schema for the schema tests (``RECORDS``, data/benchmarks.yaml),
the shipped example shows, and a one-call review helper."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import yaml

from assistant.review import handbook_benchmarks, run_review
from playbook.loader import load_cards
from playbook.models import Card

REPO_ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = REPO_ROOT / "assistant" / "review" / "examples"
DATA = Path(__file__).resolve().parent / "data"
RECORDS = yaml.safe_load((DATA / "benchmarks.yaml").read_text(encoding="utf-8"))["metric_benchmarks"]
SHIPPED_CARDS = REPO_ROOT / "playbook" / "cards"
BENCHMARKS, _GOAL_CARDS, SHIPPED_IDS = handbook_benchmarks(load_cards(SHIPPED_CARDS))
GOAL_SOURCES = _GOAL_CARDS or ("gmv-decomposition",)


def make_card(card_id: str, plan: dict | None = None) -> Card:
    return Card(id=card_id, title=card_id, topics=("metrics-glossary",), stage="anytime", body="", path=Path(f"{card_id}.md"),
                body_line=1, content_hash="x", plan=MappingProxyType(plan or {}))


def review(data: str, products: str | None = None, plan: str | None = None, **options):
    """Review example files by name (from assistant/review/examples) with the fixture benchmarks."""
    options.setdefault("benchmarks", BENCHMARKS)
    options.setdefault("goal_sources", GOAL_SOURCES)
    return run_review(EXAMPLES / data, EXAMPLES / products if products else None, EXAMPLES / plan if plan else None, **options)


def metric_ids(result) -> set[str]:
    return {f.metric for f in result.findings}


def show_csv(rows: list[dict], columns: tuple[str, ...] | None = None) -> str:
    """CSV text of generator rows (see assistant/review/examples/make_examples.make_show)."""
    from assistant.review.examples.make_examples import EN

    columns = columns or tuple(EN)
    lines = [",".join(columns)]
    for r in rows:
        cells = [r["time"].strftime("%H:%M") if c == "time" else str(r[c]) for c in columns]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def healthy_rows(step: int = 5) -> list[dict]:
    from assistant.review.examples.make_examples import make_show

    return make_show("healthy", step=step)[0]
