"""The topic taxonomy shipped beside the cards (a copy of shared/spec/topics.yaml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from playbook.models import Topic

TOPICS_FILE = Path(__file__).resolve().parent / "topics.yaml"

FORCE_NAMES = {
    "traffic": "流量运营",
    "live-ops": "直播运营",
    "incubation": "主播孵化",
    "supply": "供应链",
    "fulfillment": "服务履约",
    "general": "综合",
}


@lru_cache(maxsize=4)
def load_topics(path: Path = TOPICS_FILE) -> dict[str, Topic]:
    """Topics by id, in file order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        t["id"]: Topic(id=t["id"], force=t["force"], name=t["name"], covers=t.get("covers", ""))
        for t in data["topics"]
    }


def forces_of(topic_ids: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The forces the given topics belong to, without repeats, in topic order."""
    topics = load_topics()
    seen: list[str] = []
    for tid in topic_ids:
        topic = topics.get(tid)
        if topic and topic.force not in seen:
            seen.append(topic.force)
    return tuple(seen)
