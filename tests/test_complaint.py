"""Complaint signal: shipped model, reasons, multilingual fallback, featuriser, training CV."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from listener.scoring.brands import BRAND_TOKEN
from listener.scoring.complaint import (
    DEFAULT_MODEL_PATH,
    ComplaintModel,
    complaint_features,
    tokenise,
)

COMPLAINTS = [
    "@AcmeHelp my order still hasn't arrived after 3 weeks and nobody answers my emails",
    "Worst customer service ever, I want a refund now",
]
NON_COMPLAINTS = [
    "@AcmeHelp thanks so much, the jacket fits perfectly!",
    "Do you ship to Canada?",
]


@pytest.fixture(scope="module")
def model() -> ComplaintModel:
    return ComplaintModel.load()


@pytest.fixture(scope="module")
def vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return lambda text: analyzer.polarity_scores(text)["compound"]


def _named_words(reason: str) -> list[str]:
    """The quoted words a reason names ("'refund'", "negation ('hasn't')")."""
    _, _, listed = reason.partition(": ")
    words = []
    for item in listed.split(", "):
        item = item.split(" (")[0] if not item.startswith("negation") else item[10:-1]
        if item.startswith("'") and item.endswith("'"):
            words.append(item[1:-1])
    return words


# (a) shipped model ------------------------------------------------------------------------------


def test_shipped_model_loads_with_metadata(model: ComplaintModel) -> None:
    assert DEFAULT_MODEL_PATH.is_file()
    assert DEFAULT_MODEL_PATH.stat().st_size < 1.5 * 1024 * 1024
    assert model.weights
    assert 0.0 < model.meta["threshold"] < 1.0
    cv = model.meta["cv"]
    assert {"precision", "recall", "f1", "macro_f1", "accuracy", "threshold"} <= cv.keys()
    assert model.meta["trained_on"]["rows"] > 0


@pytest.mark.parametrize("text", COMPLAINTS)
def test_clear_complaints_score_above_half(model: ComplaintModel, vader, text: str) -> None:
    for sentiment in (vader(text), None):
        probability, reason = model.predict(text, sentiment)
        assert probability > 0.5, (sentiment, reason)
        assert reason.startswith("complaint cues: ")


@pytest.mark.parametrize("text", NON_COMPLAINTS)
def test_clear_non_complaints_score_below_half(model: ComplaintModel, vader, text: str) -> None:
    for sentiment in (vader(text), None):
        probability, reason = model.predict(text, sentiment)
        assert probability < 0.5, (sentiment, reason)
        assert not reason.startswith("complaint cues")


def test_probability_is_bounded_for_extreme_input(model: ComplaintModel) -> None:
    for text in ("", "still waiting refund " * 500, "thanks love it " * 500):
        probability, reason = model.predict(text, 0.0)
        assert 0.0 <= probability <= 1.0
        assert reason


def test_model_round_trips_through_a_custom_path(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text('{"intercept": 0.0, "weights": {"refund": 2.0}, "threshold": 0.5}')
    custom = ComplaintModel.load(path)
    assert custom.predict("refund please")[0] > 0.8
    assert custom.predict("hello")[0] == pytest.approx(0.5)
    path.write_text("[]")
    with pytest.raises(ValueError):
        ComplaintModel.load(path)


# (b) reasons name what the author wrote --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        *COMPLAINTS,
        "@AcmeHelp still waiting for my refund, no response to 2 emails http://t.co/x",
        "Kestrel app keeps crashing and support never replies. Useless.",
    ],
)
def test_reason_names_words_present_in_text(model: ComplaintModel, vader, text: str) -> None:
    _, reason = model.predict(text, vader(text))
    words = _named_words(reason)
    assert words, reason
    normalised = f" {' '.join(tokenise(text))} "
    for word in words:
        assert f" {word} " in normalised, (word, reason)
    assert "@user" not in reason and "http" not in reason


def test_reason_never_quotes_a_number_as_read(model: ComplaintModel, vader) -> None:
    # The model reads every digit as "0"; a reason quoting "'0th'" would misquote "4th".
    text = "@KestrelHelp still nothing since the 4th, where is my order??"
    probability, reason = model.predict(text, vader(text))
    assert probability >= 0.5 and reason.startswith("complaint cues: ")
    assert "0" not in reason


def test_reason_for_low_score_does_not_claim_a_complaint(model: ComplaintModel) -> None:
    probability, reason = model.predict("@AcmeHelp thanks so much, the jacket fits perfectly!")
    assert probability < 0.5
    assert reason == "no complaint cues" or reason.startswith("weak complaint cues: ")


# (c) non-English fallback ----------------------------------------------------------------------


def test_a_brand_name_holding_a_weighed_word_is_masked_only_as_the_name(
        model: ComplaintModel) -> None:
    # "plus" is a complaint word to the model ("plus shipping", "plus customs"), and "Kestrel
    # Plus" the membership's name: as a name it is no evidence. Plain names the model does not
    # know, and handles (read as @user, as in the tweets it learnt from), are not masked.
    assert model.weights["plus"] > 0.15  # the premise: worth naming as a reason
    words = model.brand_words(["Kestrel", "Kestrel Goods", "Kestrel Plus", "@KestrelHelp",
                               "u/KestrelGoods", "#kestrelgoods"])
    assert words is not None and words.names == ["Kestrel Plus"]

    def masked(text: str) -> list[str]:
        return tokenise(words.mask(text) or text)

    assert masked("my Kestrel  plus order, plus customs") == [
        "my", BRAND_TOKEN, "order", "plus", "customs"]
    # Only as the matcher finds a name: not across a sentence break.
    assert masked("Ordered from Kestrel. Plus the fee!") == [
        "ordered", "from", "kestrel", "plus", "the", "fee"]
    assert model.brand_words(["Kestrel", "@KestrelHelp"]) is None
    assert BRAND_TOKEN not in model.weights


def test_a_post_naming_the_membership_scores_as_one_naming_the_brand(model: ComplaintModel) -> None:
    from earful.config import load_config
    from listener.scoring import Scorer
    from tests.conftest import ROOT

    scorer = Scorer(load_config(ROOT / "config.toml"))
    plus = scorer.score_text("cancelling my Kestrel Plus membership, 29 days for a parcel")
    plain = scorer.score_text("cancelling my Kestrel membership, 29 days for a parcel")
    assert plus.complaint == pytest.approx(plain.complaint)
    assert "'plus'" not in (plus.complaint_reason or "")
    # Outside the name the word still counts.
    extra = scorer.score_text("Kestrel charged me shipping plus customs")
    assert extra.complaint > scorer.score_text("Kestrel charged me shipping and customs").complaint


def test_spanish_complaint_and_thanks(model: ComplaintModel) -> None:
    complaint = "Mi pedido todavía no ha llegado y nadie responde, quiero un reembolso"
    probability, reason = model.predict(complaint, None, "es")
    assert probability > 0.5
    assert "reembolso" in reason and "nadie responde" in reason
    probability, reason = model.predict("¡Muchas gracias! El pedido llegó perfecto", None, "es")
    assert probability < 0.5
    assert reason.startswith("no complaint cues")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Toujours pas reçu ma commande, je veux un remboursement", "fr"),
        ("Meine Rückerstattung ist immer noch nicht da, unverschämt", "de"),
        ("Meu pedido ainda nao chegou, pessimo atendimento", "pt"),  # accents omitted
        ("Il pacco non è arrivato, voglio un rimborso", "it"),
        ("todavía no ha llegado mi pedido", "ca"),  # no Catalan lexicon: all lexicons are tried
        # Everyday ways to say it, each on its own cue.
        ("El pedido sigue sin llegar y nadie me dice nada", "es"),
        ("Quiero mi dinero de vuelta ya", "es"),
        ("Rien ne marche sur votre site depuis hier", "fr"),
        ("Trois commandes, trois retards. Ça suffit", "fr"),
        ("Wo bleibt meine Lieferung?", "de"),
        ("Kundenservice reagiert überhaupt nicht", "de"),
        ("Entrega atrasada de novo, que raiva", "pt"),
        ("Ordine sbagliato per la seconda volta", "it"),
    ],
)
def test_other_languages_complaints(model: ComplaintModel, text: str, language: str) -> None:
    probability, reason = model.predict(text, None, language)
    assert probability > 0.5, reason
    assert reason.startswith("complaint cues: ")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Sin problema, gracias por la ayuda", "es"),
        ("Livraison en avance, merci", "fr"),
        ("Alles super angekommen, danke", "de"),
        ("Vocês entregam no Porto?", "pt"),
        ("Arrivato tutto in perfetto stato", "it"),
    ],
)
def test_other_languages_praise_and_questions(model: ComplaintModel, text: str,
                                              language: str) -> None:
    probability, reason = model.predict(text, None, language)
    assert probability < 0.5, reason


def test_non_english_never_uses_the_english_model(model: ComplaintModel) -> None:
    # English complaint words in a post tagged German carry no German cues.
    probability, reason = model.predict("refund refund still waiting", None, "de")
    assert probability < 0.5
    assert "de lexicon" in reason
    # "und" (undetermined) is scored by the English model.
    assert model.predict(COMPLAINTS[0], None, "und")[0] > 0.5


# (d) featuriser --------------------------------------------------------------------------------


def test_features_are_deterministic_and_deduplicated() -> None:
    text = "@AcmeHelp still waiting, still waiting!! Order #4411 https://t.co/AbC?"
    first = complaint_features(text, -0.7)
    assert first == complaint_features(text, -0.7)
    assert len(first) == len(set(first))
    assert "still waiting" in first
    assert {"cue:question", "cue:exclaim", "sent:neg2"} <= set(first)


def test_features_normalise_handles_urls_and_digits() -> None:
    a = complaint_features("@AcmeHelp order 12345 late, see https://t.co/xYz9 &amp; fix", None)
    b = complaint_features("@Other_Brand Order 987 LATE, see http://bit.ly/q &amp; fix", None)
    assert a == b
    assert {"@user", "http", "0", "order 0", "@user order"} <= set(a)
    joined = " ".join(a)
    for leaked in ("acmehelp", "other_brand", "12345", "987", "t.co", "xyz", "amp"):
        assert leaked not in joined


def test_features_tokens_and_cues() -> None:
    text = "I CAN\u2019T believe it hasn't shipped. \u201cSoon\u201d they said"
    features = complaint_features(text, None)
    assert {"can't", "hasn't", "soon", "cue:negation", "hasn't shipped"} <= set(features)
    assert not any(f.startswith("sent:") for f in features)
    assert complaint_features("", None) == []
    bins = {s: complaint_features("ok", s)[-1] for s in (-0.9, -0.2, 0.0, 0.3, 0.9)}
    assert list(bins.values()) == ["sent:neg2", "sent:neg1", "sent:neu", "sent:pos1", "sent:pos2"]


# (e) training and cross-validation -------------------------------------------------------------


def _synthetic_rows(n: int = 90, seed: int = 5) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    bad = ["still waiting", "no refund", "broken again", "nobody answers", "worst service"]
    good = ["thanks a lot", "love the new", "do you ship", "great job", "happy with"]
    things = ["order", "jacket", "app", "flight", "phone", "parcel"]
    rows = []
    for i in range(n):
        label = int(i % 3 == 0)
        phrase = rng.choice(bad if label else good)
        rows.append((f"@Brand{i} {phrase} my {rng.choice(things)} {rng.randint(1, 99)}", label))
    return rows


def test_cross_validate_never_scores_rows_it_trained_on(monkeypatch) -> None:
    pytest.importorskip("sklearn")
    from listener.scoring import complaint_train as ct

    rows = _synthetic_rows()
    trained_on: dict[int, set[int]] = {}
    leaks: list[int] = []
    real_fit, real_predict = ct._fit, ct._predict

    def spy_fit(docs, labels, c, class_weight):
        model = real_fit(docs, labels, c, class_weight)
        trained_on[id(model)] = {id(d) for d in docs}
        return model

    def spy_predict(model, docs):
        leaks.extend(id(d) for d in docs if id(d) in trained_on[id(model)])
        return real_predict(model, docs)

    monkeypatch.setattr(ct, "_fit", spy_fit)
    monkeypatch.setattr(ct, "_predict", spy_predict)

    folds_seen: list[tuple[int, list[int], list[int]]] = []
    result = ct.cross_validate(rows, folds=3, seed=1, on_fold=lambda *f: folds_seen.append(f))

    # Every fit/predict pair, inner (threshold and C selection) and outer, is disjoint.
    assert trained_on and not leaks
    assert [fold for fold, _, _ in folds_seen] == [0, 1, 2]
    tested: list[int] = []
    for _, train_idx, test_idx in folds_seen:
        assert not set(train_idx) & set(test_idx)
        assert set(train_idx) | set(test_idx) == set(range(len(rows)))
        tested.extend(test_idx)
    assert sorted(tested) == list(range(len(rows)))  # each row is tested exactly once

    for key in ("precision", "recall", "f1", "macro_f1", "accuracy", "threshold"):
        assert 0.0 <= result[key] <= 1.0
    assert len(result["thresholds"]) == 3
    assert result["f1"] > 0.8  # the synthetic classes are separable


def test_train_exports_a_loadable_calibrated_model(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from listener.scoring import complaint_train as ct

    data = tmp_path / "rows.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "complaint", "domain"])
        for i, (text, label) in enumerate(_synthetic_rows()):
            writer.writerow([i, text, label, "synthetic"])
    assert ct.load_rows(data)[0] == (_synthetic_rows()[0][0], 1)

    out = tmp_path / "model.json"
    assert ct.main(["--data", str(data), "--out", str(out), "--folds", "3"]) == 0
    exported = ComplaintModel.load(out)
    meta = exported.meta
    assert meta["version"] == ct.MODEL_VERSION
    assert meta["trained_on"]["rows"] == 90
    assert 0.0 < meta["threshold"] < 1.0
    assert {"precision", "recall", "f1", "macro_f1", "accuracy"} <= meta["cv"].keys()
    assert all(abs(w) >= ct.PRUNE_BELOW for w in exported.weights.values())
    assert exported.predict("@Acme still waiting, no refund for my parcel")[0] > 0.5
    assert exported.predict("@Acme thanks a lot, great job")[0] < 0.5
