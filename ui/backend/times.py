"""Times as the app shows them: stored in UTC, shown in PLAYBOOK_TIMEZONE (北京时间 by default), the zone
named once per page (``zone_label``). Any page that shows a time calls these (the chat page too)."""

from __future__ import annotations

from common.timefmt import labelled, local_text, zone_label as _zone_label
from settings import Settings


def local_time(settings: Settings, value, *, seconds: bool = False) -> str:
    """``2026-12-02 04:32`` in the app's zone (say the zone once on the page: :func:`zone_label`)."""
    return local_text(value, settings.timezone, seconds=seconds)


def local_time_labelled(settings: Settings, value) -> str:
    """``2026-12-02 04:32（北京时间）``: for a time shown on its own."""
    return labelled(value, settings.timezone)


def zone_label(settings: Settings) -> str:
    """``北京时间`` (or the configured zone's name)."""
    return _zone_label(settings.timezone)
