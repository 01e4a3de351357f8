"""Alert latency: from the end of a pipeline batch holding a high-risk post to a webhook
receiving its alert, next to a bare apprise post to the same receiver, in the same run.

    python benchmarks/alert_latency.py [--batches 200] [--batch 100]

Each batch of synthetic posts holds one churn threat; the pipeline stores it, the intake opens a
p1 case, and an alerts thread woken by the after-store hook (as ``earful listen`` wakes its
alerts job) finds the case, writes the alert and its outbox rows, and posts it through apprise's
``json://`` to an HTTP server on 127.0.0.1. Prints median and p99 of both, and their ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import tomllib
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import apprise
from rich.console import Console

from alerts.runner import AlertRunner
from benchmarks.synthetic import synthetic_posts
from earful.config import parse_config
from earful.models import Author, Post
from earful.store import Store
from listener.pipeline import Pipeline
from responders.intake import Intake

ROOT = Path(__file__).resolve().parent.parent


class Receiver:
    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.event = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.arrived[f"{body['title']}\n{body['message']}"] = time.perf_counter()
                receiver.event.set()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"json://127.0.0.1:{self.server.server_address[1]}/alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, fragment: str, timeout: float = 30.0) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for text, at in list(self.arrived.items()):
                if fragment in text:
                    del self.arrived[text]
                    return at
            self.event.wait(0.001)
            self.event.clear()
        raise TimeoutError(f"no alert with {fragment!r} arrived")


def settings_for(url_env: str) -> object:
    data = tomllib.loads((ROOT / "config.toml").read_text())
    data["alerts"]["channels"]["hook"] = {"url_env": url_env}
    data["alerts"]["policies"] = [{"name": "page", "steps": [
        {"after": 0, "notify": ["channel:hook"]}]}]
    data["sources"] = {}
    return parse_config(data, base_dir=ROOT)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--batch", type=int, default=100, help="posts per batch")
    args = parser.parse_args()

    import os

    receiver = Receiver()
    os.environ["EARFUL_BENCH_HOOK"] = receiver.url
    settings = settings_for("EARFUL_BENCH_HOOK")

    # Baseline: the same receiver, a bare apprise notify, nothing else.
    bare = []
    plugin = apprise.Apprise.instantiate(receiver.url)
    for index in range(args.batches):
        started = time.perf_counter()
        plugin.notify(body="x", title=f"bare {index}")
        bare.append(receiver.wait_for(f"bare {index}") - started)

    filler = synthetic_posts(args.batch * args.batches, seed=7)
    now = datetime.now(UTC)
    latencies = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        with Store(db) as store, Store(db) as alerts_store, \
                Pipeline(settings, store, workers=1) as pipeline:
            runner = AlertRunner(settings, alerts_store,
                                 console=Console(file=open(os.devnull, "w")))  # noqa: SIM115
            stop, wake = threading.Event(), threading.Event()
            marks: dict[int, float] = {}
            pipeline.after_store.append(lambda result: marks.setdefault(
                len(marks), time.perf_counter()))
            pipeline.after_store.append(Intake(settings, store))
            pipeline.after_store.append(lambda result: wake.set())
            thread = threading.Thread(target=runner.run_forever, args=(stop, 30.0, wake),
                                      daemon=True)
            thread.start()
            for index in range(args.batches):
                posts = filler[index * args.batch : (index + 1) * args.batch - 1]
                churn = Post(platform="x", native_id=f"9{index:08d}",
                             text=f"Cancelling my Kestrel membership today, switching to "
                                  f"Trovia. Order KS-{index} never arrived.",
                             created_at=now - timedelta(seconds=args.batches - index),
                             author=Author("x", f"c{index}", handle=f"customer{index}",
                                           followers=150))
                pipeline.process([*posts, churn], source="bench")
                arrived = receiver.wait_for(f"customer{index}")
                latencies.append(arrived - marks[index])
            stop.set()
            wake.set()
            thread.join()

    def ms(value: float) -> str:
        return f"{value * 1000:7.1f} ms"

    base_median, base_p99 = statistics.median(bare), percentile(bare, 0.99)
    median, p99 = statistics.median(latencies), percentile(latencies, 0.99)
    print(f"{args.batches} batches of {args.batch} posts, one churn threat in each")
    print(f"bare apprise json:// post to 127.0.0.1: median {ms(base_median)}  p99 {ms(base_p99)}")
    print(f"end of batch → webhook received:        median {ms(median)}  p99 {ms(p99)}")
    print(f"ratio to the bare post:                 median {median / base_median:7.1f}×  "
          f"p99 {p99 / base_p99:7.1f}×")


if __name__ == "__main__":
    main()
