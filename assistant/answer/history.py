"""Earlier turns of a conversation: from Turn records, plain dicts (the CLI's and the API's JSON) or a file."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.errors import HistoryError
from assistant.text import clean_text
from assistant.types import Source, Turn

MAX_HISTORY_TURNS = 12        # earlier messages considered for a follow-up
MAX_TURN_CHARS = 4000
FORMAT_HINT = '[{"role": "user"|"assistant", "content": "..."}]'


def _turn_of(i: int, item: Turn | dict) -> Turn:
    if isinstance(item, Turn):
        return item
    if not isinstance(item, dict):
        raise HistoryError(f"history[{i}]: 每条历史消息需要 role 和 content")
    role, content = item.get("role"), item.get("content")
    if role not in ("user", "assistant") or not isinstance(content, str):
        raise HistoryError(f"history[{i}]: 需要 role（user 或 assistant）和文字 content")
    sources = []
    for s in item.get("sources") or ():
        if isinstance(s, Source):
            sources.append(s)
        elif isinstance(s, dict) and "n" in s and "card_id" in s:
            try:
                sources.append(Source.from_json(s))
            except (TypeError, ValueError):
                raise HistoryError(f"history[{i}].sources: n 必须是整数") from None
    return Turn(role, content, tuple(sources))


def normalise_history(history: Iterable[Turn | dict] | None) -> list[Turn]:
    """Earlier messages as Turns (dicts with role/content/sources accepted); the last few only."""
    turns: list[Turn] = []
    for i, item in enumerate(history or ()):
        turn = _turn_of(i, item)
        if turn.role not in ("user", "assistant"):
            raise HistoryError(f"history[{i}].role: 只能是 user 或 assistant")
        turns.append(Turn(turn.role, clean_text(turn.content, keep_newlines=True)[:MAX_TURN_CHARS], tuple(turn.sources)))
    return turns[-MAX_HISTORY_TURNS:]


def read_history_file(path: str | Path) -> list[dict[str, Any]]:
    """Earlier messages from a JSON or YAML file: a list, or ``{"history" | "messages": [...]}``."""
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise HistoryError(f"--history: 文件不存在：{path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HistoryError(f"--history: 读不了文件 {path}（{type(exc).__name__}）") from None
    try:
        data = json.loads(text) if text.lstrip().startswith(("[", "{")) else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        raise HistoryError(f"--history: 不是有效的 JSON/YAML；格式为 {FORMAT_HINT}") from None
    if isinstance(data, dict):
        data = data.get("history", data.get("messages"))
    if data is None:
        return []
    if not isinstance(data, list):
        raise HistoryError(f"--history: 必须是消息列表 {FORMAT_HINT}")
    return data
