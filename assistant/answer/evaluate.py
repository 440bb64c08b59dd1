"""The batch answer check behind ``python -m assistant eval FILE --json`` (contracts.md, additions).

FILE is in the format of the development questions (``questions: [{q, topics}]``); a question may also
carry ``history: [{role, content}]`` and any other keys (``partial``, ``two_part`` ... are passed through),
and the file may have ``out_of_scope:`` (strings or ``{q}``). Each result is the object ``assistant ask
--json`` prints plus ``q`` and ``expected_topics`` (absent for out-of-scope questions).

:func:`summarise` turns results into the figures the README reports: wrongly declined (in-scope
questions refused), on-topic (a cited source among the first three shares an expected topic), citations
valid (every ``[n]`` is a source), out-of-scope declined, p50 latency.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.types import Answer

_CITE = re.compile(r"\[(\d{1,3})\]")
ON_TOPIC_DEPTH = 3

_ROOT = Path(__file__).resolve().parents[2]
# The question sets the README's answer figures are measured on (never fitted: the scope model is fitted on
# eval/scope_calibration.yaml only). scripts/eval_answers.py and scripts/calibrate_scope.py both read this list.
MEASURED_SETS: dict[str, Path] = {
    "dev": _ROOT / "eval" / "dev_questions.yaml",
    "held-out": _ROOT / "eval" / "heldout_questions.yaml",
    "paraphrase": _ROOT / "tests" / "index" / "data" / "paraphrase_questions.yaml",
    "answers held-out": _ROOT / "eval" / "answers_heldout.yaml",
    "answers fresh": _ROOT / "eval" / "answers_fresh.yaml",
    "answers final": _ROOT / "eval" / "answers_final.yaml",
    "answers blind": _ROOT / "eval" / "answers_blind.yaml",
    "answers blind 2": _ROOT / "eval" / "answers_blind2.yaml",
    "answers blind 3": _ROOT / "eval" / "answers_blind3.yaml",
    "answers blind 4": _ROOT / "eval" / "answers_blind4.yaml",
    "answers blind 5": _ROOT / "eval" / "answers_blind5.yaml",
    "answers blind 6": _ROOT / "eval" / "answers_blind6.yaml",
    "out-of-scope": _ROOT / "eval" / "out_of_scope.yaml",
    "out-of-scope (tests)": _ROOT / "tests" / "assistant" / "data" / "out_of_scope.yaml",
}


class EvalFileError(AssistantError, ValueError):
    """The question file is missing or malformed (exit code 2)."""

    exit_code = 2


def load_eval_file(path: str | Path) -> list[dict[str, Any]]:
    """The file's items as dicts: in-scope ones with ``topics``, out-of-scope ones with ``out_of_scope: True``."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise EvalFileError(f"{path}: 文件不存在") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"{path}: 读不了文件（{type(exc).__name__}）") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise EvalFileError(f"{path}:{mark.line + 1 if mark else 1}: 不是有效的 YAML") from None
    if isinstance(data, list):
        data = {"questions": data}
    if not isinstance(data, dict) or not (data.get("questions") or data.get("out_of_scope")):
        raise EvalFileError(f"{path}: 需要 `questions:`（{{q, topics}} 列表）或 `out_of_scope:` 列表")
    items: list[dict[str, Any]] = []
    for i, item in enumerate(data.get("questions") or (), start=1):
        if not isinstance(item, dict) or not isinstance(item.get("q"), str) or not item["q"].strip():
            raise EvalFileError(f"{path}: questions 第 {i} 条需要文字字段 `q`")
        topics = item.get("topics")
        topics = [topics] if isinstance(topics, str) else topics
        if not isinstance(topics, list) or not topics or not all(isinstance(t, str) for t in topics):
            raise EvalFileError(f"{path}: questions 第 {i} 条需要 `topics`（话题 id 列表）")
        history = item.get("history") or []
        if not isinstance(history, list):
            raise EvalFileError(f"{path}: questions 第 {i} 条的 `history` 必须是 [{{role, content}}] 列表")
        items.append({**item, "q": item["q"].strip(), "topics": topics, "history": history})
    for i, item in enumerate(data.get("out_of_scope") or (), start=1):
        q = item.get("q") if isinstance(item, dict) else item
        if not isinstance(q, str) or not q.strip():
            raise EvalFileError(f"{path}: out_of_scope 第 {i} 条需要问题文字（字符串或 {{q}}）")
        extra = item if isinstance(item, dict) else {}
        items.append({**extra, "q": q.strip(), "out_of_scope": True, "history": extra.get("history") or []})
    return items


def run_eval(items: list[dict[str, Any]], ask: Callable[[str, list], Answer], progress=None) -> dict[str, Any]:
    """Answer every item (``ask(question, history)``); the contract's result object."""
    results, times = [], []
    if items:
        ask(items[0]["q"], [])  # load the model and the caches outside the timed loop
    for done, item in enumerate(items, start=1):
        t0 = time.perf_counter()
        answer = ask(item["q"], item["history"])
        elapsed = (time.perf_counter() - t0) * 1000
        times.append(elapsed)
        result = answer.to_json()
        result["q"] = item["q"]
        if not item.get("out_of_scope"):
            result["expected_topics"] = list(item["topics"])
        for key, value in item.items():
            if key not in ("q", "topics") and key not in result and (key != "history" or value):
                result[key] = value
        result["latency_ms"] = round(elapsed, 1)
        results.append(result)
        if progress:
            progress(done, len(items), "answers")
    answered = sum(1 for r in results if r["in_scope"])
    return {"n": len(results), "answered": answered, "declined": len(results) - answered,
            "latency_ms_p50": round(statistics.median(times), 1) if times else 0.0, "results": results}


def citations_valid(result: dict[str, Any]) -> bool:
    numbers = {s["n"] for s in result["sources"]}
    return {int(n) for n in _CITE.findall(result["answer"])} <= numbers


def on_topic(result: dict[str, Any]) -> bool:
    cited = [int(n) for n in dict.fromkeys(_CITE.findall(result["answer"]))]
    by_n = {s["n"]: s for s in result["sources"]}
    first = [by_n[n] for n in cited if n in by_n][:ON_TOPIC_DEPTH]
    return any(set(s["topics"]) & set(result.get("expected_topics") or ()) for s in first)


def summarise(report: dict[str, Any]) -> dict[str, Any]:
    """The README's figures for one eval report."""
    inside = [r for r in report["results"] if "expected_topics" in r]
    outside = [r for r in report["results"] if "expected_topics" not in r]
    out: dict[str, Any] = {"n_in_scope": len(inside), "n_out_of_scope": len(outside),
                           "latency_ms_p50": report["latency_ms_p50"],
                           "citations_valid": round(sum(map(citations_valid, report["results"])) / max(1, report["n"]), 4)}
    if inside:
        out["wrongly_declined"] = round(sum(not r["in_scope"] for r in inside) / len(inside), 4)
        out["on_topic"] = round(sum(map(on_topic, inside)) / len(inside), 4)
        out["grey"] = round(sum(r.get("scope", {}).get("grade") == "grey" for r in inside) / len(inside), 4)
    if outside:
        out["out_of_scope_declined"] = round(sum(not r["in_scope"] for r in outside) / len(outside), 4)
    return out
