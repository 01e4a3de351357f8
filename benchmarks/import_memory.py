"""Import a large X NDJSON file through the whole pipeline and report time and peak memory.

    python benchmarks/import_memory.py [--posts 1000000] [--per-response 100]

Writes the file (X API v2 search responses, one per line), then runs ``earful import`` on it in
a child process and prints its peak RSS next to that of a child that only starts Earful, so the
figure shows what the import itself holds (bounded by the batch size, not the file size).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson

from benchmarks.synthetic import x_response_lines

ROOT = Path(__file__).resolve().parent.parent


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants (Linux /proc), in MiB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines()
                       if line.startswith("VmRSS:")), 0)
        stack.extend(int(child) for child in children)
    return total / 1024


def child_peak_rss_mb(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run a child; return (seconds, the peak RSS of its largest process, the peak sum over
    it and its scoring workers, sampled every 0.1 s), in MiB. ru_maxrss is in KiB on Linux."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL)
    tree = 0.0
    while True:
        pid, _, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        tree = max(tree, tree_rss_mb(proc.pid))
        time.sleep(0.1)
    proc.returncode = 0  # reaped above; keeps Popen from waiting again
    return time.perf_counter() - started, usage.ru_maxrss / 1024, tree


def write_file(path: Path, posts: int, per_response: int) -> None:
    with path.open("wb") as out:
        for response in x_response_lines(posts, per_response):
            out.write(orjson.dumps(response) + b"\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--per-response", type=int, default=100)
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        write_file(args.write, args.posts, args.per_response)
        return
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "tweets.ndjson"
        # Written by a child: a forked child's peak RSS counts the parent's pages until it
        # execs, so this process must stay small for the figures below to mean anything.
        subprocess.run([sys.executable, __file__, "--write", str(data), "--posts",
                        str(args.posts), "--per-response", str(args.per_response)], check=True)
        size_mb = data.stat().st_size / 2**20
        env = {**os.environ, "EARFUL_DB": str(Path(tmp) / "import.db")}
        config = str(ROOT / "config.toml")
        _, base_rss, _ = child_peak_rss_mb(
            [sys.executable, "-m", "earful", "--config", config, "config", "check"], env)
        seconds, rss, tree = child_peak_rss_mb(
            [sys.executable, "-m", "earful", "--config", config, "import", "--platform", "x",
             str(data)], env)
        print(f"file: {args.posts:,} posts, {size_mb:,.0f} MiB NDJSON")
        print(f"import: {seconds:,.0f} s ({args.posts / seconds:,.0f} posts/s)")
        print(f"peak RSS: largest import process {rss:,.0f} MiB, all its processes together "
              f"{tree:,.0f} MiB ({os.cpu_count()} cores); Earful started alone {base_rss:,.0f} MiB")


if __name__ == "__main__":
    main()
