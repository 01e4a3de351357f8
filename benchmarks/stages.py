"""CPU time per post of each pipeline stage, on one core, next to bare VADER on the same texts.

    python benchmarks/stages.py [--posts 20000] [--repeat 5]

Wall-clock rates swing with whatever else the machine runs; CPU time per stage, the minimum of
a few repeats, is steadier and says where the time goes. The stages are those of
``listener.workers.run`` and the store, each timed over the whole batch.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from benchmarks.synthetic import synthetic_posts
from earful.config import load_config
from earful.models import Post
from earful.store import Scored, Store
from listener.scoring import Request, Scorer
from listener.workers import Job, decode, encode, job

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    """CPU seconds per stage: each ``lap`` charges the time since the last to a stage."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.last = time.process_time()

    def lap(self, stage: str) -> None:
        now = time.process_time()
        self.spent[stage] = self.spent.get(stage, 0.0) + now - self.last
        self.last = now


def one_pass(scorer: Scorer, posts: list[Post], jobs: list[Job],
             analyzer: SentimentIntensityAnalyzer) -> dict[str, float]:
    """CPU seconds of each stage over all ``posts``, as ``listener.workers.run`` runs them."""
    matcher = scorer.matcher
    clock = Clock()
    for post in posts:
        analyzer.polarity_scores(post.text)
    clock.lap("bare VADER")
    documents = [matcher.document(text, community, platform=platform, author=handle, lang=lang)
                 for text, platform, community, lang, _, _, handle, _, _ in jobs]
    matches = [matcher.match_text(j[0], j[2], platform=j[1], doc=doc)
               for j, doc in zip(jobs, documents, strict=True)]
    clock.lap("matching")
    for j, doc, found in zip(jobs, documents, matches, strict=True):
        if found:
            matcher.topics(j[0], doc=doc)
    clock.lap("topics")
    requests = [Request(text, found, lang, followers, engagement, matcher.own_handle(handle))
                for found, (text, _, _, lang, followers, engagement, handle, _, _)
                in zip(matches, jobs, strict=True) if found]
    clock.lap("assemble")
    languages = [scorer.language.detect(r.text, r.lang_hint) for r in requests]
    clock.lap("language")
    names = [scorer.names_in(r.matches) for r in requests]
    sentiments = [scorer.sentiment.score(r.text, language, sentiment_names)
                  for r, (language, _), (sentiment_names, _)
                  in zip(requests, languages, names, strict=True)]
    clock.lap("sentiment")
    complaints = [scorer.complaint.predict(r.text, s.compound, language, complaint_names)
                  for r, s, (language, _), (_, complaint_names)
                  in zip(requests, sentiments, languages, names, strict=True)]
    clock.lap("complaint")
    churns = [scorer.churn.detect(r.text, language, r.matches)
              for r, (language, _) in zip(requests, languages, strict=True)]
    clock.lap("churn")
    scores = [scorer._assemble(r, language, confidence, s, complaint, reason, churn)
              for r, (language, confidence), s, (complaint, reason), churn
              in zip(requests, languages, sentiments, complaints, churns, strict=True)]
    clock.lap("assemble")
    results = list(zip(matches, scores, [[] for _ in scores], strict=True))
    for outcome in pickle.loads(pickle.dumps([encode(r) for r in results],
                                             protocol=pickle.HIGHEST_PROTOCOL)):
        decode(outcome)
    clock.lap("hand-off")
    items = [Scored(post, list(found), score, "bench", [])
             for post, found, score in zip(posts, matches, scores, strict=True)]
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        clock.lap("setup")
        for start in range(0, len(items), 1000):
            store.save(items[start : start + 1000])
        clock.lap("store")
    return clock.spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    posts = synthetic_posts(args.posts)
    jobs = [job(post, False) for post in posts]
    gc.freeze()
    settings = load_config(ROOT / "config.toml")
    scorer = Scorer(settings)
    scorer.score_text("warm up lingua, with a few words of text: bonjour à tous")
    analyzer = SentimentIntensityAnalyzer()

    best: dict[str, float] = {}
    for _ in range(args.repeat):
        for stage, seconds in one_pass(scorer, posts, jobs, analyzer).items():
            best[stage] = min(best.get(stage, seconds), seconds)
    best.pop("setup")

    per_post = {name: seconds / len(posts) * 1e6 for name, seconds in best.items()}
    vader = per_post.pop("bare VADER")
    print(f"{len(posts):,} synthetic posts, CPU µs per post (min of {args.repeat}):")
    for name, micros in per_post.items():
        print(f"  {name:10} {micros:6.1f}")
    total = sum(per_post.values())
    print(f"  {'total':10} {total:6.1f}   (bare VADER {vader:.1f}: "
          f"{1e6 / vader:,.0f} posts/s; one-core ratio {vader / total:.2f})")


if __name__ == "__main__":
    main()
