"""Load: 20 chat sessions at once through the assistant API while the index is rebuilt in another
process; and several real browser sessions against one `streamlit run`."""

from __future__ import annotations

import json

import pytest

from reliability.experiments.load import load_experiment


@pytest.mark.slow
def test_twenty_sessions_while_reindexing(isolated, record_property):
    result = load_experiment(isolated, sessions=20, min_questions=5)
    print(json.dumps(result, ensure_ascii=False))
    record_property("load", result)
    assert result["errors"] == [], result["errors"][:5]
    assert result["hung_sessions"] == []
    assert result["bad_answers"] == [], result["bad_answers"][:5]
    assert result["answers"] >= 20 * 5
    assert result["rebuild"]["exit"] == 0, result["rebuild"]
    assert json.loads(result["rebuild"]["summary"])["cards_changed"] == 1
    assert result["answers_during_rebuild"] >= 20, result  # the load really overlapped the rebuild
    assert result["switched_without_restart"], result
    assert result["messages_stored"] == 2 * result["answers"]
    assert result["p95_ms"] < 10_000, result  # generous: a loaded two-core machine
