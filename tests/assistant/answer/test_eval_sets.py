"""The measured question sets themselves: each loads as an ``assistant eval`` file, names only real topics,
and keeps its in-scope and out-of-scope questions apart (pure: no index)."""

from __future__ import annotations

import pytest

from assistant.answer.evaluate import MEASURED_SETS, load_eval_file
from playbook.taxonomy import load_topics
from tests.support.paths import EVAL_DIR

pytestmark = pytest.mark.pure

ANSWER_SETS = sorted(EVAL_DIR.glob("answers_*.yaml")) + [EVAL_DIR / "scope_calibration.yaml"]
TOPICS = set(load_topics())


@pytest.mark.parametrize("path", ANSWER_SETS, ids=lambda p: p.name)
def test_every_answer_set_loads_and_names_only_real_topics(path):
    items = load_eval_file(path)
    inside = [i for i in items if not i.get("out_of_scope")]
    outside = [i for i in items if i.get("out_of_scope")]
    assert len(inside) >= 40 and len(outside) >= 50, f"{path.name}: {len(inside)} in, {len(outside)} out"
    unknown = sorted({t for i in inside for t in i["topics"]} - TOPICS)
    assert not unknown, f"{path.name}: topics not in playbook/topics.yaml: {unknown}"
    both = {i["q"] for i in inside} & {i["q"] for i in outside}
    assert not both, f"{path.name}: asked both in and out of scope: {sorted(both)[:3]}"


def test_the_blind_sets_do_not_repeat_each_other():
    seen: dict[str, str] = {}
    for path in sorted(EVAL_DIR.glob("answers_blind*.yaml")):
        for item in load_eval_file(path):
            assert item["q"] not in seen, f"{item['q']!r} in {path.name} and {seen.get(item['q'])}"
            seen[item["q"]] = path.name


def test_every_answer_set_is_measured_and_every_measured_set_exists():
    measured = set(MEASURED_SETS.values())
    missing = [p.name for p in EVAL_DIR.glob("answers_*.yaml") if p not in measured]
    assert not missing, f"add to assistant.answer.evaluate.MEASURED_SETS: {missing}"
    assert all(p.exists() for p in measured), [str(p) for p in measured if not p.exists()]
