"""Fixtures of the review tests (helpers in helpers.py)."""

from __future__ import annotations

import pytest

from .helpers import BENCHMARKS, REPO_ROOT


@pytest.fixture(scope="session")
def shipped_card_ids() -> frozenset[str]:
    from playbook.loader import check_cards

    return frozenset(c.id for c in check_cards(REPO_ROOT / "playbook" / "cards").cards)


@pytest.fixture
def benchmarks():
    return BENCHMARKS
