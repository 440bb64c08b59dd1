"""The shipped handbook: size, topic coverage, plan material, taxonomy copy."""

from __future__ import annotations

import pytest
import yaml

from playbook.loader import check_cards
from playbook.plan_material import PLAN_KINDS
from playbook.stats import chinese_chars, handbook_stats
from playbook.taxonomy import TOPICS_FILE, load_topics
from tests.support.paths import SHARED_DIR, SHIPPED_CARDS

pytestmark = pytest.mark.pure


@pytest.fixture(scope="module")
def cards():
    result = check_cards(SHIPPED_CARDS)
    assert result.ok, [str(p) for p in result.problems]
    return result.cards


def test_handbook_is_large_enough(cards):
    stats = handbook_stats(cards)
    assert stats["cards"] >= 60
    assert stats["chinese_chars"] >= 40_000


def test_every_topic_has_at_least_two_cards(cards):
    assert handbook_stats(cards)["thin_topics"] == []


def test_no_card_body_is_shorter_than_250_characters(cards):
    short = [c.id for c in cards if chinese_chars(c.body) < 250]
    assert short == []


def test_every_card_has_a_summary_and_links(cards):
    assert [c.id for c in cards if not c.summary] == []
    assert [c.id for c in cards if not c.links] == []


def test_every_kind_of_plan_material_is_present(cards):
    present = {kind for c in cards for kind in c.plan}
    assert present == set(PLAN_KINDS)


def test_cards_live_in_the_folder_of_their_first_force(cards):
    topics = load_topics()
    misplaced = [c.id for c in cards if c.path.parent.name != topics[c.topics[0]].force]
    assert misplaced == []


@pytest.mark.skipif(not (SHARED_DIR / "spec" / "topics.yaml").exists(), reason="shared/ not beside the repo")
def test_shipped_taxonomy_matches_the_shared_spec():
    shipped = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    shared = yaml.safe_load((SHARED_DIR / "spec" / "topics.yaml").read_text(encoding="utf-8"))
    assert shipped == shared
