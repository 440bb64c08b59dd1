"""Citations ``[n]`` in answers: normalising, checking against the retrieved sources, streaming-safe.

The language model is told to cite ``[n]``; models also write ``[1,2]``, ``[1][2]``, ``【1】`` or
``[来源1]``. Every form is normalised to ``[n]``; a number that is not a retrieved source is removed
and remembered so the answer can say so. :class:`CitationFilter` works on a stream of text deltas:
text after an opening bracket is held back until the bracket closes (or clearly is not a citation),
so what has been shown to the user never contains an invalid citation.
"""

from __future__ import annotations

import re
from typing import Iterable

_OPEN = "[【"
_INNER = re.compile(r"^(?:来源|资料|source)?\s*(\d{1,3}(?:\s*[,，、;；]\s*(?:来源|资料)?\s*\d{1,3})*)$", re.I)
_MAX_HOLD = 24
# Fake delimiters or chat-template tokens that must never reach the user or the model as structure.
DELIMITER_CHARS = "⟦⟧"
_TEMPLATE_TOKENS = re.compile(r"<\|[^|>]{0,40}\|>")


def strip_delimiters(text: str) -> str:
    """Remove the prompt's delimiter characters and chat-template tokens from untrusted text."""
    text = _TEMPLATE_TOKENS.sub("", text)
    return text.translate({ord(c): None for c in DELIMITER_CHARS})


class CitationFilter:
    """Feed text deltas, get back text safe to show; invalid citations are dropped."""

    def __init__(self, valid: Iterable[int]):
        self.valid = set(valid)
        self.removed: list[int] = []
        self.used: list[int] = []
        self._held = ""

    def _resolve(self, bracketed: str) -> str:
        """Replacement for one complete bracketed group ``[...]`` / ``【...】``."""
        inner = bracketed[1:-1].strip()
        match = _INNER.match(inner)
        if not match:
            return bracketed
        out = []
        for number in re.findall(r"\d{1,3}", match.group(1)):
            n = int(number)
            if n in self.valid:
                if n not in self.used:
                    self.used.append(n)
                out.append(f"[{n}]")
            elif n not in self.removed:
                self.removed.append(n)
        return "".join(dict.fromkeys(out))

    def feed(self, delta: str) -> str:
        out: list[str] = []
        for ch in strip_delimiters(delta):
            if self._held:
                self._held += ch
                if ch in "]】":
                    out.append(self._resolve(self._held))
                    self._held = ""
                elif ch in _OPEN:
                    out.append(self._held[:-1])
                    self._held = ch
                elif len(self._held) > _MAX_HOLD or ch == "\n":
                    out.append(self._held)
                    self._held = ""
            elif ch in _OPEN:
                self._held = ch
            else:
                out.append(ch)
        return "".join(out)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return held


def tidy(text: str) -> str:
    """Clean the spaces a removed citation leaves behind."""
    text = re.sub(r"[ \t]+([，。；：！？,.;:!?])", r"\1", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return text.strip()
