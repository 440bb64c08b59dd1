"""The process environment the project relies on, set in one place.

Set (unless the user set them) by every entry point before models or Chroma load: nothing is fetched
at run time (Hugging Face offline), no telemetry, no tokenizer threads fighting the app's, and OpenMP
threads sleep instead of spinning: with the default active wait a busy 2-core machine makes a 40 ms
query take seconds. ``OMP_WAIT_POLICY`` / ``OMP_NUM_THREADS`` set by the user still win.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

PROCESS_ENV_DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "ANONYMIZED_TELEMETRY": "False",
    "OMP_WAIT_POLICY": "PASSIVE",
}


def apply_process_defaults(environ: MutableMapping[str, str] | None = None) -> MutableMapping[str, str]:
    """Put ``PROCESS_ENV_DEFAULTS`` into ``environ`` (default ``os.environ``) where not set; returns it."""
    target = os.environ if environ is None else environ
    for name, value in PROCESS_ENV_DEFAULTS.items():
        target.setdefault(name, value)
    return target
