"""Scoring time of long posts against the length of their text: does it grow linearly?

    python benchmarks/long_texts.py [--repeat 5]

A Reddit self post may hold 40,000 characters and an X long post 25,000. Each text below is a
sentence repeated to about 1,000, 4,000, 16,000 and 40,000 characters and scored with
``Scorer.score_text`` (every stage); the figure is milliseconds per 1,000 characters and its
ratio to the 1,000-character text's, measured in the same run. Linear scoring keeps the ratio
near 1; a stage that rereads the text for every phrase in it shows as a ratio growing with
the length (churn detection once took 14 ms for 50 × "Kestrel never again." and 52 s for
800 ×, a ratio near 230).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from earful.config import load_config
from listener.scoring import Scorer

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = [  # the phrases each rule family reads, with brands near them, and none at all
    "I'm cancelling my Kestrel membership, switching to Trovia. ",
    "Kestrel never again. ",
    "not cancelling Kestrel ",
    "done with Nimbus, moving all my orders to Kestrel! ",
    "Voy a cancelar mi cuenta de Kestrel, me cambio a Trovia. ",
    "the parcel from Kestrel arrived on time and the boots fit well. ",
]
LENGTHS = (1_000, 4_000, 16_000, 40_000)


def best_time(scorer: Scorer, text: str, repeat: int) -> float:
    """Seconds of the fastest of ``repeat`` scorings of ``text``."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        scorer.score_text(text)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    scorer = Scorer(load_config(ROOT / "config.toml"))
    scorer.score_text("warm up lingua, with a few words of text: bonjour à tous")
    print("ms per 1,000 characters (ratio to the 1,000-character text's)")
    print(f"{'sentence':42}" + "".join(f"{length:>16,}" for length in LENGTHS))
    for sentence in SENTENCES:
        cells = []
        baseline = None
        for length in LENGTHS:
            text = sentence * max(1, length // len(sentence))
            per_k = best_time(scorer, text, args.repeat) / len(text) * 1e6
            baseline = baseline or per_k
            cells.append(f"{per_k:8.2f} ({per_k / baseline:4.1f})")
        print(f"{sentence.strip()[:40]:42}" + "".join(f"{cell:>16}" for cell in cells))


if __name__ == "__main__":
    main()
