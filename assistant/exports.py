"""Conversation exports (Markdown and JSON) as people read them: stored UTC times shown in the zone of
PLAYBOOK_TIMEZONE (北京时间 by default), the zone named once per document; JSON keeps ISO 8601 with
the zone's offset (the same instants)."""

from __future__ import annotations

from typing import Any

from common.timefmt import DEFAULT_TIMEZONE, labelled, local_iso, local_text, zone_label


def zone_name(given: str | None) -> str:
    """The zone exports use: the one given, else PLAYBOOK_TIMEZONE (北京时间 when unset or unusable)."""
    if given:
        return given
    try:
        from settings import load_settings

        return load_settings().timezone
    except Exception:  # noqa: BLE001 - a bad setting elsewhere must not stop an export
        return DEFAULT_TIMEZONE


def conversation_json(conv, timezone_name: str | None = None) -> dict[str, Any]:
    tz = zone_name(timezone_name)
    messages = []
    for m in conv.messages:
        data = m.to_json()
        data["created_at"] = local_iso(m.created_at, tz)
        messages.append(data)
    return {
        "id": conv.id,
        "title": conv.title,
        "timezone": f"{tz}（{zone_label(tz)}）",
        "created_at": local_iso(conv.created_at, tz),
        "updated_at": local_iso(conv.updated_at, tz),
        "messages": messages,
    }


def conversation_markdown(conv, timezone_name: str | None = None) -> str:
    tz = zone_name(timezone_name)
    lines = [f"# {conv.title or '对话'}", "", f"创建于 {labelled(conv.created_at, tz)}", ""]
    for m in conv.messages:
        if m.role == "user":
            lines += [f"## 问（{local_text(m.created_at, tz)}）", "", m.content, ""]
            continue
        lines += ["## 答", "", m.content, ""]
        if m.notice:
            lines += [f"> 提示：{m.notice}", ""]
        if m.sources:
            lines += ["**来源**", ""]
            for s in m.sources:
                lines.append(f"- [{s.n}] {s.title}（{s.card_id}）")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
