"""Instructions per post, counted by valgrind, for bare VADER, scoring and the whole pipeline.

    python benchmarks/instructions.py [--posts 2000] [--parts vader,score,pipeline]

Wall-clock and CPU times on this VM swing by a fifth or more from one minute to the next, so
a change worth 2 % cannot be seen in them. Instructions executed (valgrind's callgrind) are
the same from run to run to a few parts in a thousand: this says whether a change made the
work smaller, and where. It does not see what instructions cost (cache misses, system calls),
so the real rates stay with ``benchmarks/pipeline.py``.

Each part runs twice in a child process under callgrind, once with no posts and once with
``--posts``; the difference, divided by the posts, leaves out start-up (imports, models).
Needs ``valgrind`` (Debian: ``apt install valgrind``); about 50 times slower than a plain run.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("vader", "score", "pipeline")
BATCH = 1000
# Memory at the same addresses in every run: objects hashed by identity then iterate in the
# same order, and the runs take the same paths.
NO_ASLR = ["setarch", os.uname().machine, "-R"] if shutil.which("setarch") else []
LABELS = {"vader": "bare VADER polarity_scores", "score": "matching and scoring",
          "pipeline": "pipeline, one process", "rest": "pipeline less matching and scoring"}


def run_part(part: str, posts: int, pool: int) -> None:
    """Do ``part`` for the first ``posts`` of ``pool`` synthetic posts, after what every run of
    it does anyway (the same ``pool`` in both runs, so that making it is counted in both)."""
    from benchmarks.synthetic import synthetic_posts
    from earful.config import load_config

    sample = synthetic_posts(max(pool, 200))
    if part == "vader":
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()
        analyzer.polarity_scores(sample[0].text)
        for post in sample[:posts]:
            analyzer.polarity_scores(post.text)
        return
    from earful.store import Store
    from listener.pipeline import Pipeline
    from listener.scoring import Scorer
    from listener.sources import Batch
    from listener.workers import job, run

    settings = load_config(ROOT / "config.toml")
    scorer = Scorer(settings)
    run(scorer, [job(post, False) for post in sample[:200]])  # lingua loads models on first use
    gc.freeze()
    if part == "score":  # matching and scoring, as a scoring process does them
        jobs = [job(post, False) for post in sample[:posts]]
        for start in range(0, posts, BATCH):
            run(scorer, jobs[start : start + BATCH])
        return
    with (tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store,
          Pipeline(settings, store, scorer, workers=1) as pipeline):
        batches = [Batch(sample[start : min(posts, start + BATCH)])
                   for start in range(0, posts, BATCH)]
        for _ in pipeline.process_batches(batches, source="bench"):
            pass


def count(part: str, posts: int, pool: int) -> int:
    """Instructions callgrind counts for ``run_part(part, posts, pool)`` in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [*NO_ASLR, "valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out",
             sys.executable, __file__, "--child", part, "--posts", str(posts),
             "--pool", str(pool)],
            capture_output=True, text=True, check=True,
            # The same set and dict orders in every run, and lingua's work in one thread:
            # its pool's idle threads spin, and their instructions would be counted.
            env={**os.environ, "PYTHONHASHSEED": "0", "RAYON_NUM_THREADS": "1"})
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from valgrind:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--child", choices=PARTS, help=argparse.SUPPRESS)
    parser.add_argument("--pool", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_part(args.child, args.posts, args.pool)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt install valgrind)")
    parts = [part.strip() for part in args.parts.split(",") if part.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        sys.exit(f"--parts: unknown {', '.join(unknown)}; expected some of {', '.join(PARTS)}")
    per_post: dict[str, float] = {}
    for part in parts:
        per_post[part] = (count(part, args.posts, args.posts)
                          - count(part, 0, args.posts)) / args.posts
    print(f"{args.posts:,} synthetic posts, instructions per post (callgrind):")
    if "score" in per_post and "pipeline" in per_post:
        # What the pipeline does besides matching and scoring: storing, mostly.
        per_post["rest"] = per_post["pipeline"] - per_post["score"]
    vader = per_post.get("vader")
    for part, instructions in per_post.items():
        line = f"  {LABELS[part]:36} {instructions:10,.0f}"
        if vader and part != "vader":
            line += f"   {instructions / vader:5.2f}× bare VADER's"
        print(line)
    if vader and "pipeline" in per_post:
        print(f"one-core ratio in instructions: {vader / per_post['pipeline']:.2f} "
              "(benchmarks/pipeline.py's target, 0.5, is on two cores)")


if __name__ == "__main__":
    main()
