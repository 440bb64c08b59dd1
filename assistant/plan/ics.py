"""The warm-up schedule (and the broadcast) as an iCalendar file (RFC 5545).

Times are floating local times (no time zone: "19:00 wherever you are"), text is escaped (backslash,
semicolon, comma, newline), lines are folded at 75 octets without splitting a UTF-8 character, and
lines end with CRLF. Serve it as ``ICS_MIME`` with the file name from ``ics_filename``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from assistant.types import Plan

ICS_MIME = "text/calendar"
PRODID = "-//playbook//operator playbook assistant//ZH"


def escape_text(text: str) -> str:
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return re.sub(r"\r\n|\r|\n", "\\\\n", text)


def fold(line: str) -> str:
    """Fold a content line at 75 octets (continuation lines start with one space)."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines carry a leading space
        if size + n > limit:
            out.append(current)
            current, size = ch, n
        else:
            current += ch
            size += n
    out.append(current)
    return "\r\n ".join(out)


def _local(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def plan_ics(plan: Plan, now: dt.datetime | None = None) -> str:
    """A VCALENDAR with one VEVENT per warm-up item, plus the broadcast itself."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    streamer = plan.inputs["streamer"]
    start = dt.datetime.fromisoformat(plan.inputs["broadcast_at"])
    minutes = round(float(plan.inputs["duration_hours"]) * 60)
    seed = f"{streamer}|{plan.inputs['broadcast_at']}"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(streamer + ' 直播预热排期')}"]

    def event(begin: dt.datetime, length: int, summary: str, description: str, key: str) -> None:
        uid = hashlib.sha1(f"{seed}|{key}".encode("utf-8")).hexdigest()[:24]
        lines.extend([
            "BEGIN:VEVENT",
            f"UID:{uid}@playbook",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_local(begin)}",
            f"DTEND:{_local(begin + dt.timedelta(minutes=length))}",
            f"SUMMARY:{escape_text(summary)}",
            f"DESCRIPTION:{escape_text(description)}",
            "END:VEVENT",
        ])

    for i, item in enumerate(plan.warmup_events):
        begin = dt.datetime.fromisoformat(item.start)
        length = min(item.minutes, max(1, int((start - begin).total_seconds() // 60)))
        event(begin, length, f"【预热】{item.text}", f"{streamer} {start:%m-%d %H:%M} 开播的预热安排", f"{i}|{item.start}|{item.text}")
    event(start, minutes, f"【开播】{streamer} 直播", f"目标GMV {plan.inputs['target_gmv']} 元，时长 {plan.inputs['duration_hours']} 小时", "show")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def ics_filename(plan: Plan) -> str:
    start = dt.datetime.fromisoformat(plan.inputs["broadcast_at"])
    return f"warmup-{start:%Y%m%d-%H%M}.ics"
