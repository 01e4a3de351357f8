from __future__ import annotations

import json

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from listener.scoring.language import LanguageDetector
from listener.scoring.sentiment import FastVader, SentimentScorer
from tests.conftest import ROOT

SAMPLE_TEXTS = [
    tweet["text"]
    for line in (ROOT / "listener" / "sample" / "x_search.ndjson").read_text().splitlines()
    for tweet in json.loads(line)["data"]
]
TRICKY = [
    "😡😡 @KestrelHelp", "hi😡there", " 👍 ok 👎 ", "never so good", "it isn't bad at all",
    "without doubt the best", "NOT good. not GOOD!!", "kind of ok", "the least bad option",
    "I don't hate it but it's meh", ":) :( :D", "Café was great 🙂 ñ", "",
    "no good or bad", "no way this is GOOD", "NO GOOD", "kind of great", "KIND OF great",
    "not the least bit helpful", "at least it works", "very least good", "sort of ok",
    "the bomb", "yeah right good", "good good but bad bad but good", "extremely GOOD stuff",
    "really REALLY bad!!!!!", "is it good??", "no no no", "so so good", "never so good",
]


def test_fast_vader_gives_vaders_own_scores() -> None:
    bare, fast = SentimentIntensityAnalyzer(), FastVader()
    for text in SAMPLE_TEXTS + TRICKY:
        assert fast.polarity_scores(text) == bare.polarity_scores(text), text


def test_lexicon_layer_scores_what_vader_misses() -> None:
    bare, ours = SentimentIntensityAnalyzer(), SentimentScorer()
    for text in ("what a ripoff", "the app keeps crashing", "@KestrelHelp 😡", "👎"):
        assert bare.polarity_scores(text)["compound"] == 0
        assert ours.score(text).compound < -0.05, text
    assert ours.score("these boots are 🔥").label == "positive"


def test_other_languages_are_not_given_an_english_score() -> None:
    ours = SentimentScorer()
    spanish = ours.score("Mi pedido no ha llegado", "es")
    assert spanish.compound is None and spanish.label == "unscored" and spanish.basis == "none"
    angry = ours.score("Mi pedido no ha llegado 😡", "es")
    assert angry.basis == "emoji" and angry.compound < 0


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(["en", "es", "fr", "de", "pt", "it", "nl", "ja"],
                            SentimentScorer().analyzer.lexicon)


@pytest.mark.parametrize(("text", "language"), [
    ("@KestrelHelp my order still hasn't arrived and nobody answers", "en"),
    ("Damn typos :(", "en"),
    ("outstanding!", "en"),
    ("Mi pedido todavía no ha llegado y nadie responde", "es"),
    ("Je vais résilier mon abonnement, toujours pas de remboursement", "fr"),
    ("Meine Bestellung ist immer noch nicht da", "de"),
    ("Adorei a jaqueta, chegou super rápido!", "pt"),
    ("Grazie mille, tutto perfetto", "it"),
    ("Kestrelの注文、もう届かない", "ja"),
    ("@KestrelHelp https://t.co/abc", "und"),
    # Emoji and curly apostrophes say nothing of the language (lingua read these as nl, de).
    ("@realDonaldTrump You’re an idiot.", "en"),
    ("@CoachFalco That’s awesome!!! Merry Christmas, coach!! 🎄", "en"),
    ("Adorei 😍 chegou super rápido!", "pt"),
    ("Pedido atrasado otra vez 😡 no lo puedo creer", "es"),
    # One English function word and nothing foreign settles it (lingua read these, from the
    # development data, as Portuguese, Dutch and Italian).
    ("Just posted a photo https://t.co/abc", "en"),
    ("A film of quiet power.", "en"),
    ("@TroviaShop sale this weekend, 30% off stoves 🤔", "en"),
    # ... but not a word that is also Italian ("i"), German ("was", "so") or Dutch ("is").
    ("i prodotti arrivati rotti", "it"),
    ("Kommt was heute noch?", "de"),
    ("ordine arrivato, is ok", "it"),
    # Short posts with one classic function word ("mi", shared "a", "de", "es"): lingua read
    # these as French and Portuguese. Frequent verbs and adverbs ("voy", "esto") settle them.
    ("Voy a cancelar mi cuenta de Kestrel", "es"),
    ("Esto es una estafa, pésimo servicio", "es"),
    ("Si mi pedido no llega esta semana, cancelo Kestrel Plus.", "es"),
])
def test_language(detector: LanguageDetector, text: str, language: str) -> None:
    assert detector.detect(text)[0] == language


def test_platform_tag_is_trusted_unless_it_is_not_a_language(detector) -> None:
    assert detector.detect("ok", hint="es") == ("es", 0.95)
    assert detector.detect("Meine Bestellung ist immer noch nicht da", hint="qme")[0] == "de"


def test_a_brand_named_with_a_sentiment_word_is_not_praise_by_name() -> None:
    # "Happy Socks", "Best Buy", "Free People": real shops whose names VADER reads as praise.
    # In a post naming the brand, the name reads as one unknown word, as "Acme" does; the
    # same words outside the name still count.
    from earful.config import parse_config
    from listener.scoring import Scorer

    scorer = Scorer(parse_config({"brands": [
        {"name": "Happy Socks", "handles": ["@HappySocks"]},
        {"name": "Best Buy", "role": "competitor"},
        {"name": "Acme", "role": "competitor"}]}))
    assert scorer.sentiment.brand_words(["Happy Socks", "@HappySocks"]).names == [
        "Happy Socks"]
    assert scorer.sentiment.brand_words(["Acme", "@AcmeHelp"]) is None

    def compound(text: str) -> float:
        return scorer.score_text(text).sentiment

    assert compound("My Happy Socks order arrived") == compound("My Acme order arrived") == 0
    assert compound("I'm happy with Happy Socks") == compound("I'm happy with Acme") > 0.5
    assert compound("Best Buy lost my order") == compound("Acme lost my order") < 0
    assert compound("HAPPY SOCKS!!! still waiting") == compound("ACME!!! still waiting")
    # The whole score, not only the compound: punctuation after the name stays with it.
    love = scorer.score_text("Love Happy Socks, great stuff")
    acme = scorer.score_text("Love Acme, great stuff")
    assert (love.positive, love.neutral, love.negative) == (acme.positive, acme.neutral,
                                                            acme.negative)
    assert compound("no Best Buy, good") == compound("no Acme, good")
    # Words of the name in other sentences are words: "Not happy." still counts.
    assert compound("Happy Socks sent the wrong size. Not happy. Socks too small") == \
        compound("Acme sent the wrong size. Not happy. Socks too small") < -0.6


def test_brand_names_are_masked_as_the_matcher_finds_them() -> None:
    from listener.scoring.brands import BRAND_TOKEN, BrandWords

    words = BrandWords.of(["Kestrel Plus", "Plus Club", "Kestrel", "@KestrelPlus"],
                          lambda term: term.lower().split(), {"plus", "club"})
    assert words is not None and words.names == ["Kestrel Plus", "Plus Club"]
    assert words.words == {"plus", "club"}

    def mask(text: str) -> str | None:
        return words.mask(text)

    # Case aside, whole words with spaces between; the first name to start wins.
    assert mask("KESTREL  plus club, and plus club") == f"{BRAND_TOKEN} club, and {BRAND_TOKEN}"
    assert mask("Kestrel. Plus club") == f"Kestrel. {BRAND_TOKEN}"
    assert mask("kestrelplus and plusclub") is None  # inside words
    assert mask("plain text") is None
