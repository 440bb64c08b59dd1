"""`python -m playbook` as a real subprocess: the contract's exit codes and output (the same command line
runs in-process in test_loader.py)."""

from __future__ import annotations

from reliability.procs import cli_env, run_module
from tests.support.paths import SHIPPED_CARDS


def test_check_and_stats_as_real_commands(tmp_path):
    env = cli_env(tmp_path / "data", SHIPPED_CARDS)
    proc = run_module("playbook", ["check"], env, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("ok: 全部 ") and "张卡片有效" in proc.stdout, proc.stderr
    proc = run_module("playbook", ["check", str(tmp_path / "nope")], env, timeout=60)
    assert proc.returncode == 2 and "不存在" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_module("playbook", ["stats", "--json"], env, timeout=60)
    assert proc.returncode == 0 and '"cards"' in proc.stdout
    proc = run_module("playbook", ["frobnicate"], env, timeout=60)
    assert proc.returncode == 2 and proc.stderr.strip() and "Traceback" not in proc.stderr
