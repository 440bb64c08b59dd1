"""Unwritable disks for real: a read-only bind mount and a full tmpfs, in a private mount namespace."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

from reliability.data import QUERIES, edit_card, serving_snapshot
from reliability.procs import PY, REPO_ROOT, cli_env, no_traceback


def in_namespace(script: str, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace (its mounts vanish with it). Needs root."""
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def namespaces_available() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    try:
        probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                                "mount -t tmpfs -o size=64k tmpfs /mnt && echo ok"],
                               capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.stdout.strip() == "ok"


READ_BACK = (
    "import json, sys\n"
    "from settings import load_settings\n"
    "from reliability.data import serving_snapshot\n"
    "print('SNAPSHOT ' + json.dumps(serving_snapshot(load_settings()), ensure_ascii=False))\n"
)


def _tagged(stdout: str, tag: str) -> list[str]:
    return [line[len(tag) + 1:] for line in stdout.splitlines() if line.startswith(tag + " ")]


def unwritable_experiment(settings, kind: str) -> dict:
    """A rebuild with real work to do on a read-only bind mount (``ro``) or a full tmpfs (``full``).

    Returns the rebuild's exit code and message, and what the serving index answers afterwards
    (read inside the namespace, for ``full``: the tmpfs disappears with it). ``ro`` also runs the
    contract commands on the read-only folder (``ro_status_exit``, ``ro_search_exit``, ``ro_search_top``);
    ``full`` lists the generations left on the full disk (``generations_after``)."""
    before = json.loads(json.dumps(serving_snapshot(settings)))
    edit_card(settings.cards_dir, 8000 + (1 if kind == "ro" else 2))
    env = cli_env(settings.data_dir, settings.cards_dir)
    data = shlex.quote(str(settings.data_dir))
    py = shlex.quote(PY)
    err_file = Path(settings.data_dir).parent / f"rebuild-{kind}.stderr"
    err = shlex.quote(str(err_file))
    query = shlex.quote(QUERIES[0])
    if kind == "ro":
        script = (f"mount --bind {data} {data} && mount -o remount,ro,bind {data} || exit 99\n"
                  f"{py} -m index rebuild --json 2>{err}; echo \"REBUILD_EXIT $?\"\n"
                  f"{py} -c {shlex.quote(READ_BACK)}; echo \"READ_EXIT $?\"\n"
                  f"{py} -m index status --json >/dev/null 2>&1; echo \"STATUS_EXIT $?\"\n"
                  f"echo \"SEARCH $({py} -m index search {query} --k 1 --json 2>/dev/null)\"; \n")
    else:
        used_kb = sum(p.stat().st_size for p in Path(settings.data_dir).rglob("*") if p.is_file()) // 1024
        mnt = Path(settings.data_dir).parent / "small-disk"
        mnt.mkdir(exist_ok=True)
        m = shlex.quote(str(mnt))
        script = (f"mount -t tmpfs -o size={used_kb + 400}k tmpfs {m} || exit 99\n"
                  f"cp -a {data} {m}/data || exit 98\n"
                  f"export PLAYBOOK_DATA_DIR={m}/data\n"
                  f"{py} -m index rebuild --json 2>{err}; echo \"REBUILD_EXIT $?\"\n"
                  f"{py} -c {shlex.quote(READ_BACK)}\n"
                  f"echo \"GENERATIONS $(ls {m}/data/index | grep '^gen-' | tr '\\n' ' ')\"\n"
                  f"ls -a {m}/data/index; df -k {m} | tail -1\n")
    t = time.monotonic()
    proc = in_namespace(script, env)
    seconds = time.monotonic() - t
    exit_line = _tagged(proc.stdout, "REBUILD_EXIT")
    rebuild_err = err_file.read_text(encoding="utf-8", errors="replace") if err_file.exists() else ""
    result = {"kind": kind, "namespace_exit": proc.returncode, "seconds": round(seconds, 2),
              "rebuild_exit": int(exit_line[0]) if exit_line else None,
              "message": "\n".join(line for line in rebuild_err.splitlines() if line.startswith("error:")),
              "traceback": not no_traceback(rebuild_err), "rebuild_stderr": rebuild_err[-1500:],
              "stdout": proc.stdout[-1500:], "stderr": proc.stderr[-1500:],
              "serving_generation": before["status"]["generation"]}
    if kind == "ro":
        result["serves_while_read_only"] = bool(_tagged(proc.stdout, "SNAPSHOT"))
        status_exit = _tagged(proc.stdout, "STATUS_EXIT")
        result["ro_status_exit"] = int(status_exit[0]) if status_exit else None
        found = (_tagged(proc.stdout, "SEARCH") or [""])[0].strip()
        try:
            hits = json.loads(found)["results"]
            result["ro_search_exit"], result["ro_search_top"] = 0, hits[0]["card_id"] if hits else None
        except (ValueError, KeyError, TypeError):
            result["ro_search_exit"], result["ro_search_top"] = 1, None
        result["expected_top"] = before["search"][QUERIES[0]][0][0] if before["search"][QUERIES[0]] else None
        after = json.loads(json.dumps(serving_snapshot(settings)))
    else:
        line = _tagged(proc.stdout, "SNAPSHOT")
        after = json.loads(line[0]) if line else None
        if after:  # the copy lives at another path; everything else must match
            after["status"]["location"] = before["status"]["location"]
        generations = _tagged(proc.stdout, "GENERATIONS")
        result["generations_after"] = generations[0].split() if generations else None
    result["serving_unchanged"] = after == before
    return result
