"""Earful's scoring measured on the development data in ``../shared/data`` (see its README).

    python benchmarks/evaluate.py [--data ../shared/data] [--folds 5]

1. Sentiment: Pearson r between the compound score and the mean human rating of VADER's own
   ground truth, for bare VADER and for Earful (VADER + the customer-service lexicon layer),
   and end to end (with language detection: texts taken for non-English are left unscored).
2. Complaint: precision, recall and F1 of the complaint class on ``complaints/dev.csv``, by
   k-fold cross-validation (the shipped model is trained on that file, so figures on its own
   rows would flatter it), with the threshold chosen inside each training fold.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from earful.config import load_config
from listener.scoring.language import LanguageDetector
from listener.scoring.sentiment import SentimentScorer

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ("tweets", "amazonReviewSnippets", "movieReviewSnippets", "nytEditorialSnippets")


def ground_truth(path: Path) -> list[tuple[float, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            rows.append((float(parts[1]), "\t".join(parts[2:])))
    return rows


def sentiment_figures(data: Path) -> None:
    settings = load_config(ROOT / "config.toml")
    bare = SentimentIntensityAnalyzer()
    earful = SentimentScorer()
    detector = LanguageDetector(settings.scoring.languages, earful.analyzer.lexicon)
    print("Sentiment: Pearson r with the mean human rating")
    print(f"  {'corpus':22} {'n':>6} {'bare VADER':>11} {'Earful':>8} {'end to end':>11}"
          f" {'unscored':>9}")
    for name in CORPORA:
        rows = ground_truth(data / "vader_groundtruth" / f"{name}_GroundTruth.txt")
        human = [rating for rating, _ in rows]
        vader = [bare.polarity_scores(text)["compound"] for _, text in rows]
        ours = [earful.score(text).compound for _, text in rows]
        pairs = []
        for rating, text in rows:
            language, _ = detector.detect(text)
            compound = earful.score(text, language).compound
            if compound is not None:
                pairs.append((rating, compound))
        end_to_end = statistics.correlation([p[0] for p in pairs], [p[1] for p in pairs])
        print(f"  {name:22} {len(rows):6} {statistics.correlation(human, vader):11.3f} "
              f"{statistics.correlation(human, ours):8.3f} {end_to_end:11.3f} "
              f"{len(rows) - len(pairs):9}")


def complaint_figures(data: Path, folds: int) -> None:
    try:
        from listener.scoring.complaint_train import cross_validate, load_rows
    except ImportError as error:  # scikit-learn is the optional "train" extra
        print(f"Complaint: skipped ({error}); pip install -e '.[train]'")
        return
    rows = load_rows(data / "complaints" / "dev.csv")
    figures = cross_validate(rows, folds=folds)
    print(f"Complaint class on complaints/dev.csv ({len(rows)} rows), {folds}-fold CV:")
    for key in ("precision", "recall", "f1", "macro_f1", "accuracy", "threshold"):
        if key in figures:
            print(f"  {key:10} {figures[key]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no development data at {args.data} (pass --data)")
    sentiment_figures(args.data)
    complaint_figures(args.data, args.folds)


if __name__ == "__main__":
    main()
