"""Train and cross-validate the English complaint model (optional "train" extra).

Usage::

    python -m listener.scoring.complaint_train --data PATH [--out PATH] [--folds 5]

The model is a logistic regression over :func:`listener.scoring.complaint.complaint_features`
with the VADER compound score as the ``sentiment`` input, computed by the same
:class:`~listener.scoring.sentiment.SentimentScorer` the runtime Scorer uses. The
regularisation strength, class weighting and decision threshold are chosen by cross-validation
on the training rows only; the exported intercept is shifted so that 0.5 is that threshold.

scikit-learn and numpy are imported inside functions so that importing this module (and the
runtime scorer) never requires them.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

from listener.scoring.complaint import DEFAULT_MODEL_PATH, complaint_features

MODEL_VERSION = 1
SOURCE = "complaints dev.csv (Preotiuc-Pietro et al. 2019)"
C_GRID: tuple[float, ...] = (0.1, 0.3, 1.0, 3.0)
CLASS_WEIGHTS: tuple[str | None, ...] = (None, "balanced")
INNER_FOLDS = 4
MIN_DF = 2
# Weights smaller than this change a log-odds by less than 1% of a typical feature; dropping
# them keeps the shipped JSON small without moving any prediction measurably.
PRUNE_BELOW = 0.01
WEIGHT_DECIMALS = 4

FoldHook = Callable[[int, Sequence[int], Sequence[int]], None]


def load_rows(path: str | Path) -> list[tuple[str, int]]:
    """Read a CSV with ``text`` and ``complaint`` columns as ``(text, label)`` pairs, label 0/1."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [(row["text"], int(row["complaint"])) for row in csv.DictReader(handle)]


def sentiment_source() -> tuple[str, Callable[[str], float]]:
    """Return ``(name, compound)``: the sentiment function the runtime feeds the model.

    That is Earful's :class:`~listener.scoring.sentiment.SentimentScorer` (VADER plus its
    customer-service lexicon layer) when importable, else plain VADER, whose compound score the
    layer only nudges.
    """
    try:
        from listener.scoring.sentiment import SentimentScorer

        scorer = SentimentScorer()
    except (ImportError, OSError):
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()
        return "vaderSentiment compound", lambda text: analyzer.polarity_scores(text)["compound"]

    def compound(text: str) -> float:
        value = scorer.score(text, "en").compound
        return 0.0 if value is None else value

    return "listener.scoring.sentiment.SentimentScorer compound (VADER + CS layer)", compound


def _vader_scores(texts: Sequence[str]) -> list[float]:
    _, compound = sentiment_source()
    return [compound(t) for t in texts]


def featurise(rows: Sequence[tuple[str, int]]) -> list[list[str]]:
    """Feature lists for ``rows``, computed as the runtime does (VADER compound as sentiment)."""
    texts = [text for text, _ in rows]
    return [
        complaint_features(text, sentiment)
        for text, sentiment in zip(texts, _vader_scores(texts), strict=True)
    ]


def _identity(features: list[str]) -> list[str]:
    return features


def _fit(
    docs: Sequence[list[str]], labels: Sequence[int], c: float, class_weight: str | None
) -> tuple[Any, Any]:
    """Fit vectoriser + logistic regression on ``docs``; returns ``(vectoriser, classifier)``."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    # Features seen in a single training tweet are dropped: they can only memorise that tweet.
    vectoriser = CountVectorizer(
        analyzer=_identity, binary=True, min_df=min(MIN_DF, max(1, len(docs) // 2))
    )
    x = vectoriser.fit_transform(docs)
    classifier = LogisticRegression(
        C=c, solver="liblinear", class_weight=class_weight, max_iter=1000
    )
    classifier.fit(x, labels)
    return vectoriser, classifier


def _predict(model: tuple[Any, Any], docs: Sequence[list[str]]) -> Any:
    vectoriser, classifier = model
    return classifier.predict_proba(vectoriser.transform(docs))[:, 1]


def _best_threshold(labels: Sequence[int], scores: Sequence[float]) -> tuple[float, float]:
    """Threshold on ``scores`` maximising complaint-class F1; returns ``(threshold, f1)``.

    The threshold is the midpoint between adjacent distinct scores, so it does not sit exactly
    on a training score.
    """
    import numpy as np

    y = np.asarray(labels)
    s = np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    tp = np.cumsum(y_sorted)
    predicted = np.arange(1, len(y) + 1)
    positives = max(int(y.sum()), 1)
    f1 = 2 * tp / (predicted + positives)
    # Only cut where the score changes, otherwise tied rows would be split arbitrarily.
    cut = np.r_[s_sorted[1:] != s_sorted[:-1], True]
    f1 = np.where(cut, f1, -1.0)
    i = int(np.argmax(f1))
    below = s_sorted[i + 1] if i + 1 < len(s_sorted) else 0.0
    threshold = float((s_sorted[i] + below) / 2)
    return min(max(threshold, 1e-4), 1 - 1e-4), float(f1[i])


def _stratified_splits(labels: Sequence[int], folds: int, seed: int) -> list[tuple[Any, Any]]:
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split([[0]] * len(labels), labels))


def select_hyperparameters(
    docs: Sequence[list[str]], labels: Sequence[int], folds: int = INNER_FOLDS, seed: int = 13
) -> dict[str, Any]:
    """Choose C, class weight and threshold by cross-validation over ``docs`` only.

    Every candidate is scored by the complaint-class F1 of its out-of-fold probabilities at
    their best threshold; returns ``{"C", "class_weight", "threshold", "inner_f1"}``.
    """
    import numpy as np

    labels_arr = np.asarray(labels)
    folds = max(2, min(folds, int(np.bincount(labels_arr, minlength=2).min())))
    splits = _stratified_splits(labels_arr, folds, seed)
    best: dict[str, Any] | None = None
    for class_weight in CLASS_WEIGHTS:
        for c in C_GRID:
            oof = np.zeros(len(labels_arr))
            for train_idx, test_idx in splits:
                model = _fit([docs[i] for i in train_idx], labels_arr[train_idx], c, class_weight)
                oof[test_idx] = _predict(model, [docs[i] for i in test_idx])
            threshold, f1 = _best_threshold(labels_arr, oof)
            if best is None or f1 > best["inner_f1"] + 1e-9:
                best = {
                    "C": c,
                    "class_weight": class_weight,
                    "threshold": threshold,
                    "inner_f1": f1,
                }
    assert best is not None
    return best


def _metrics(labels: Sequence[int], predicted: Sequence[int]) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

    return {
        "precision": float(precision_score(labels, predicted, zero_division=0)),
        "recall": float(recall_score(labels, predicted, zero_division=0)),
        "f1": float(f1_score(labels, predicted, zero_division=0)),
        "macro_f1": float(f1_score(labels, predicted, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(labels, predicted)),
    }


def cross_validate(
    rows: Sequence[tuple[str, int]],
    folds: int = 5,
    seed: int = 13,
    on_fold: FoldHook | None = None,
) -> dict[str, Any]:
    """Stratified ``folds``-fold estimate of how the exported model performs on unseen rows.

    For each outer fold the hyper-parameters and decision threshold are chosen by an inner
    cross-validation on the training part alone, the model is refitted on that part and only
    then applied to the held-out fold. ``on_fold(fold, train_indices, test_indices)`` is called
    before each fold is fitted (for auditing the split). Returns pooled out-of-fold
    ``precision``, ``recall``, ``f1`` (complaint class), ``macro_f1`` and ``accuracy``, the mean
    chosen ``threshold``, and per-fold ``thresholds``, ``fold_f1``, ``fold_macro_f1`` and
    ``params``.
    """
    import numpy as np

    labels = np.asarray([label for _, label in rows])
    docs = featurise(rows)
    predicted = np.full(len(rows), -1)
    thresholds: list[float] = []
    fold_f1: list[float] = []
    fold_macro: list[float] = []
    params: list[dict[str, Any]] = []
    for fold, (train_idx, test_idx) in enumerate(_stratified_splits(labels, folds, seed)):
        if on_fold is not None:
            on_fold(fold, train_idx.tolist(), test_idx.tolist())
        train_docs = [docs[i] for i in train_idx]
        chosen = select_hyperparameters(train_docs, labels[train_idx], seed=seed + fold + 1)
        model = _fit(train_docs, labels[train_idx], chosen["C"], chosen["class_weight"])
        scores = _predict(model, [docs[i] for i in test_idx])
        predicted[test_idx] = (scores >= chosen["threshold"]).astype(int)
        fold_metrics = _metrics(labels[test_idx], predicted[test_idx])
        thresholds.append(chosen["threshold"])
        fold_f1.append(fold_metrics["f1"])
        fold_macro.append(fold_metrics["macro_f1"])
        params.append({"C": chosen["C"], "class_weight": chosen["class_weight"]})
    assert (predicted >= 0).all(), "every row must be predicted exactly once"
    result: dict[str, Any] = _metrics(labels, predicted)
    result.update(
        folds=folds,
        seed=seed,
        rows=len(rows),
        threshold=float(np.mean(thresholds)),
        thresholds=thresholds,
        fold_f1=fold_f1,
        fold_macro_f1=fold_macro,
        params=params,
    )
    return result


def train(
    rows: Sequence[tuple[str, int]],
    cv: dict[str, Any] | None = None,
    seed: int = 13,
    folds: int = 5,
) -> dict[str, Any]:
    """Fit the final model on all ``rows`` and return the JSON-ready export.

    C, class weight and threshold come from cross-validation on ``rows``; the intercept is
    shifted by ``-logit(threshold)`` so the runtime's 0.5 cut equals that threshold. Weights with
    ``|w| < PRUNE_BELOW`` are dropped. ``cv`` (from :func:`cross_validate`) is embedded as the
    model's reported figures; when omitted it is computed here with ``folds`` folds.
    """
    if cv is None:
        cv = cross_validate(rows, folds=folds, seed=seed)
    labels = [label for _, label in rows]
    docs = featurise(rows)
    sentiment_name, _ = sentiment_source()
    chosen = select_hyperparameters(docs, labels, folds=folds, seed=seed)
    vectoriser, classifier = _fit(docs, labels, chosen["C"], chosen["class_weight"])
    threshold = chosen["threshold"]
    shift = math.log(threshold / (1 - threshold))
    weights = {
        feature: round(float(w), WEIGHT_DECIMALS)
        for feature, w in zip(vectoriser.get_feature_names_out(), classifier.coef_[0], strict=True)
        if abs(w) >= PRUNE_BELOW
    }
    summary_keys = (
        "precision", "recall", "f1", "macro_f1", "accuracy", "threshold", "thresholds",
        "fold_f1", "fold_macro_f1", "folds", "seed",
    )  # fmt: skip
    return {
        "version": MODEL_VERSION,
        "intercept": round(float(classifier.intercept_[0]) - shift, 6),
        "weights": dict(sorted(weights.items())),
        "threshold": round(threshold, 6),
        "hyperparameters": {
            "C": chosen["C"],
            "class_weight": chosen["class_weight"],
            "solver": "liblinear",
            "min_df": MIN_DF,
            "inner_f1": round(chosen["inner_f1"], 4),
        },
        "features": {
            "function": "listener.scoring.complaint.complaint_features",
            "sentiment": sentiment_name,
        },
        "trained_on": {"rows": len(rows), "source": SOURCE},
        "cv": {k: cv[k] for k in summary_keys if k in cv},
    }


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: print cross-validated figures for ``--data``, write the trained model to ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path, help="CSV with text,complaint columns")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH, help="model JSON to write")
    parser.add_argument("--folds", type=int, default=5, help="outer cross-validation folds")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    rows = load_rows(args.data)
    cv = cross_validate(rows, folds=args.folds, seed=args.seed)
    print(
        f"{args.folds}-fold CV on {len(rows)} rows ({sum(y for _, y in rows)} complaints): "
        f"P={cv['precision']:.3f} R={cv['recall']:.3f} F1={cv['f1']:.3f} "
        f"macro-F1={cv['macro_f1']:.3f} acc={cv['accuracy']:.3f} "
        f"threshold={cv['threshold']:.3f} (per fold: "
        + ", ".join(f"{t:.3f}" for t in cv["thresholds"])
        + ")"
    )
    model = train(rows, cv=cv, seed=args.seed, folds=args.folds)
    payload = orjson.dumps(model)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(payload)
    params = model["hyperparameters"]
    print(
        f"wrote {args.out} ({len(payload) / 1024:.0f} KiB, {len(model['weights'])} weights, "
        f"C={params['C']}, class_weight={params['class_weight']}, "
        f"threshold={model['threshold']:.3f}) in {time.perf_counter() - started:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
