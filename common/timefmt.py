"""Times as people read them: stored instants (ISO 8601, UTC) shown in one local zone, labelled once.

    zone_label("Asia/Shanghai")                          -> "北京时间"
    local_text("2026-12-01T20:32:18Z", "Asia/Shanghai")  -> "2026-12-02 04:32"
    local_text(..., seconds=True)                        -> "2026-12-02 04:32:18"
    labelled("2026-12-01T20:32:18Z", "Asia/Shanghai")    -> "2026-12-02 04:32（北京时间）"
    local_iso("2026-12-01T20:32:18+00:00", "Asia/Shanghai") -> "2026-12-02T04:32:18+08:00"

Everything is stored in UTC; only what is shown (pages, exports, command output) is converted, with
the zone named once per page or document (``zone_label``). The zone is the setting
``PLAYBOOK_TIMEZONE`` (default ``Asia/Shanghai``, 北京时间); callers pass its value in.
A stored time without an offset is read as UTC. Text that is not a time is returned unchanged.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache

DEFAULT_TIMEZONE = "Asia/Shanghai"
_BEIJING = ("Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "Asia/Urumqi", "PRC", "Asia/Beijing")
_FIXED = {name: timezone(timedelta(hours=8), "CST") for name in _BEIJING}  # China has no DST since 1991
_FIXED.update({"UTC": timezone.utc, "Etc/UTC": timezone.utc, "GMT": timezone.utc})


class UnknownTimezoneError(ValueError):
    """A zone name the time-zone database does not know."""


@lru_cache(maxsize=32)
def zone(name: str | None) -> tzinfo:
    """The tzinfo of an IANA zone name (``Asia/Shanghai``); UnknownTimezoneError if there is none.

    China's and UTC's zones work even without a time-zone database on the machine."""
    name = (name or DEFAULT_TIMEZONE).strip()
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    except ImportError:  # pragma: no cover - Python without zoneinfo
        pass
    if name in _FIXED:
        return _FIXED[name]
    raise UnknownTimezoneError(f"未知时区 {name!r}：请用 IANA 时区名，例如 Asia/Shanghai（北京时间）或 UTC")


def zone_label(name: str | None) -> str:
    """How a page names the zone once: 北京时间 for China's zone, else the zone name (``UTC``, ``Europe/Berlin 时间``)."""
    name = (name or DEFAULT_TIMEZONE).strip()
    if name in _BEIJING:
        return "北京时间"
    if name in ("UTC", "Etc/UTC", "GMT"):
        return "UTC 时间"
    return f"{name} 时间"


def parse(value: str | datetime | None) -> datetime | None:
    """An aware datetime from a stored time (ISO 8601, ``Z`` allowed; no offset = UTC), else None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        if not text:
            return None
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def local(value: str | datetime | None, tz: str | None = None) -> datetime | None:
    """The stored time in zone ``tz`` (None when it is not a time)."""
    moment = parse(value)
    return moment.astimezone(zone(tz)) if moment is not None else None


def local_text(value: str | datetime | None, tz: str | None = None, *, seconds: bool = False) -> str:
    """``YYYY-MM-DD HH:MM`` (``:SS`` with ``seconds``) in zone ``tz``; text that is not a time as it is."""
    moment = local(value, tz)
    if moment is None:
        return "" if value is None else str(value)
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def labelled(value: str | datetime | None, tz: str | None = None, *, seconds: bool = False) -> str:
    """``local_text`` followed by the zone, for a time shown on its own: ``2026-12-02 04:32（北京时间）``."""
    text = local_text(value, tz, seconds=seconds)
    return f"{text}（{zone_label(tz)}）" if parse(value) is not None else text


def local_iso(value: str | datetime | None, tz: str | None = None) -> str:
    """ISO 8601 with the zone's offset (the same instant): for exports that machines read too."""
    moment = local(value, tz)
    if moment is None:
        return "" if value is None else str(value)
    return moment.isoformat(timespec="seconds")


def utc_iso(moment: datetime | None = None) -> str:
    """Now (or ``moment``) as stored: ISO 8601 in UTC, seconds, ``Z``."""
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
