"""The shape of the code base: small modules, one test tree per package."""

from __future__ import annotations

import pytest

from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.pure

MAX_LINES = 400
PACKAGES = ("common", "settings", "playbook", "index", "assistant", "ui", "reliability", "scripts")
NOT_YET_SPLIT: set[str] = set()


def test_no_source_module_is_over_400_lines():
    long = {}
    for package in PACKAGES:
        for path in (REPO_ROOT / package).rglob("*.py"):
            rel = path.relative_to(REPO_ROOT).as_posix()
            lines = path.read_text(encoding="utf-8").count("\n")
            if lines > MAX_LINES and rel not in NOT_YET_SPLIT:
                long[rel] = lines
    assert long == {}


def test_tests_mirror_the_packages():
    for package in ("common", "playbook", "index", "assistant", "assistant/answer", "assistant/plan", "ui"):
        assert (REPO_ROOT / "tests" / package).is_dir(), package


@pytest.mark.parametrize("name", ["dev_questions.yaml", "dev_plans.yaml"])
def test_the_projects_dev_sets_match_the_shared_ones(name):
    """The repository keeps its own copies of ../shared/eval (so it stands alone); they must not drift."""
    from tests.support.paths import EVAL_DIR, SHARED_DIR

    shared = SHARED_DIR / "eval" / name
    if not shared.exists():
        pytest.skip("shared/ is not beside the repository")
    assert (EVAL_DIR / name).read_bytes() == shared.read_bytes()
