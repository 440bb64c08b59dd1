"""The reliability tool: the experiments behind the README's reliability figures and the hardening tests.

``scripts/reliability_report.py`` prints the figures; ``tests/hardening/`` asserts the same experiments.
Everything runs the real project (real cards, real Chroma, the real embedding model, real subprocesses
of the CLIs); only the LLM is a tiny local HTTP server. Every server binds 127.0.0.1, every loop is
bounded in count and time and every subprocess is killed in a ``finally``.

- ``procs``: subprocess environment and helpers (``cli_env``, ``run_module``, ``kill_tree``, ``free_port``)
- ``servers``: a real ``chroma run`` and ``streamlit run`` started and stopped on loopback ports
- ``browser``: Debian's Chromium through Playwright, one ``BrowserSession`` per Streamlit session
- ``fake_llm``: an OpenAI-compatible endpoint whose faults a test chooses
- ``data``: the small real index (ten shipped cards), snapshots of what a reader sees
- ``corpus`` and ``hostile_inputs``: broken and odd cards, hostile questions and plan inputs
- ``experiments``: kill -9 of rebuilds, concurrent rebuilds, unwritable disks, LLM faults, chat db kills, load
"""
