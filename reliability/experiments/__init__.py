"""The reliability experiments: each runs real processes and returns plain figures (dicts) that the
hardening tests assert and ``scripts/reliability_report.py`` prints."""
