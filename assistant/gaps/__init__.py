"""The gaps report: what users asked that the handbook served badly, grouped, most frequent first.

    from assistant.gaps import gaps
    gaps(store, settings, days=30)   # -> [Gap(question, count, reason, last_asked, ...)]

``python -m assistant gaps --json [--days N]`` prints it (contracts.md); the 维护 page shows it beside
the 👎 feedback. Modules: ``report`` (which answers count and why, the rows), ``cluster`` (paraphrases).
"""

from assistant.gaps.report import REASON_NAMES, REASONS, Gap, classify, gaps

__all__ = ["REASONS", "REASON_NAMES", "Gap", "classify", "gaps"]
