"""Where the tests find the project's files; ``SHARED_DIR`` may be absent (the repository stands alone)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_CARDS = REPO_ROOT / "playbook" / "cards"
EVAL_DIR = REPO_ROOT / "eval"
DEV_QUESTIONS = EVAL_DIR / "dev_questions.yaml"     # the project's own copies of ../shared/eval
DEV_PLANS = EVAL_DIR / "dev_plans.yaml"
SHARED_DIR = REPO_ROOT.parent / "shared"             # only for the checks against the shared spec
APP = REPO_ROOT / "ui" / "app.py"
