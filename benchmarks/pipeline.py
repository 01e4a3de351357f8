"""Pipeline throughput against bare VADER, on the same texts, in the same run.

    python benchmarks/pipeline.py [--posts 100000] [--batch 1000]

Prints posts/s for ``SentimentIntensityAnalyzer.polarity_scores`` alone and for the whole
match → score → store pipeline (into a real SQLite file), and their ratio. Target: ≥ 0.5.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from benchmarks.synthetic import synthetic_posts
from earful.config import load_config
from earful.store import Store
from listener.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()

    posts = synthetic_posts(args.posts)
    texts = [post.text for post in posts]
    settings = load_config(ROOT / "config.toml")

    analyzer = SentimentIntensityAnalyzer()
    started = time.perf_counter()
    for text in texts:
        analyzer.polarity_scores(text)
    vader_rate = len(texts) / (time.perf_counter() - started)

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        pipeline = Pipeline(settings, store)
        pipeline.process(posts[:50], source="warmup")  # loads models outside the timing
        started = time.perf_counter()
        stored = 0
        for start in range(50, len(posts), args.batch):
            result = pipeline.process(posts[start : start + args.batch], source="bench")
            stored += len(result.saved.new)
        elapsed = time.perf_counter() - started
        pipeline_rate = (len(posts) - 50) / elapsed
        languages = dict(store.conn.execute(
            "SELECT language, count(*) FROM scores GROUP BY language ORDER BY 2 DESC"))

    print(f"posts: {len(posts):,} synthetic (stored {stored + 50:,}); languages {languages}")
    print(f"bare VADER polarity_scores: {vader_rate:10,.0f} posts/s")
    print(f"pipeline (match→score→store): {pipeline_rate:8,.0f} posts/s")
    print(f"ratio pipeline / bare VADER: {pipeline_rate / vader_rate:.2f}  (target ≥ 0.50)")


if __name__ == "__main__":
    main()
