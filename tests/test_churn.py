"""Churn-intent detection: intent, target, destination, negation and hypotheticals, 6 languages.

Expected values come from the specification, not from the detector's output:
definite first person 0.85-1.0; "how do I cancel" 0.8; "about to" 0.8 (hypothetical);
"should I" ~0.6 and other hypotheticals 0.55-0.7; someone else 0.3-0.4; cancelling an order
~0.3; negated <= 0.1; no churn < 0.3.
"""

from __future__ import annotations

import pytest

from earful.models import BrandMatch, ChurnSignal
from listener.scoring.churn import BrandTerms, ChurnDetector

BRANDS = [
    BrandTerms("Kestrel", "brand", ("Kestrel", "Kestrel Goods", "Kestrel Plus", "@KestrelGoods",
                                    "@KestrelHelp", "#kestrelgoods")),
    BrandTerms("Trovia", "competitor", ("Trovia", "Trovia Club", "@TroviaShop")),
    BrandTerms("Nimbus", "competitor", ("Nimbus", "Nimbus Market", "Nimbus Prime",
                                        "@NimbusMarket")),
]

DEFINITE = (0.85, 1.0)
HOW = (0.75, 0.85)
IMMINENT = (0.75, 0.85)
SHOULD = (0.55, 0.65)
HYPOTHETICAL = (0.55, 0.7)
BLOCKED = (0.8, 0.9)
THIRD = (0.3, 0.4)
ORDER = (0.25, 0.35)
NEGATED = (0.0, 0.1)
NONE = (0.0, 0.29)

K, T, N = "Kestrel", "Trovia", "Nimbus"

# (text, language, intent range, target, destination, negated, hypothetical)
CASES = [
    # -- English: cancelling ------------------------------------------------------------
    ("Cancelling my membership, this is the third late delivery", "en", DEFINITE, None, None,
     False, False),
    ("just cancelled my Kestrel Plus", "en", DEFINITE, K, None, False, False),
    ("I'm cancelling.", "en", DEFINITE, None, None, False, False),
    ("Im cancelling my subscription today", "en", DEFINITE, None, None, False, False),
    ("i am cancelling my account", "en", DEFINITE, None, None, False, False),
    ("gonna cancel my membership", "en", DEFINITE, None, None, False, False),
    ("Please close my account @KestrelHelp", "en", DEFINITE, K, None, False, False),
    ("unsubscribing from Kestrel Plus", "en", DEFINITE, K, None, False, False),
    ("won't be renewing my Kestrel Plus membership", "en", DEFINITE, K, None, False, False),
    ("Not renewing my membership after this", "en", DEFINITE, None, None, False, False),
    ("Delete my account. Now.", "en", DEFINITE, None, None, False, False),
    # An order and, with it, the membership; an order and then another clause.
    ("@KestrelHelp cancel my order and my membership please", "en", DEFINITE, K, None, False,
     False),
    ("cancel my order and my card was charged anyway, Kestrel", "en", ORDER, K, None, False,
     False),
    ("cancel my order and my Kestrel Plus membership", "en", DEFINITE, K, None, False, False),
    ("please cancel my order and the plus size jeans, Kestrel", "en", ORDER, K, None, False,
     False),
    ("cancel my order and my account credit back please Kestrel", "en", ORDER, K, None, False,
     False),
    ("cancel my order and the plus-size leggings, Kestrel", "en", ORDER, K, None, False, False),
    ("cancel my order and refund my account please Kestrel", "en", ORDER, K, None, False,
     False),
    ("cancel my order and my membership because it's useless, Kestrel", "en", DEFINITE, K,
     None, False, False),
    ("cancel my order and my membership if it doesn't ship, Kestrel", "en", HYPOTHETICAL, K,
     None, False, True),
    ("Kestrel is dead to me", "en", DEFINITE, K, None, False, False),
    ("Trovia is dead to me, Kestrel all the way", "en", DEFINITE, T, None, False, False),
    ("my phone is dead to me", "en", NONE, None, None, False, False),
    ("How do I cancel my subscription?", "en", HOW, None, None, False, False),
    ("@KestrelHelp how do I cancel my membership?", "en", HOW, K, None, False, False),
    # -- English: switching and leaving ------------------------------------------------
    ("@KestrelHelp switching to Trovia", "en", DEFINITE, K, T, False, False),
    ("Moving to Nimbus, Kestrel shipping is a joke", "en", DEFINITE, K, N, False, False),
    ("going back to Trovia", "en", DEFINITE, None, T, False, False),
    ("Switched from Kestrel to Trovia and never looked back", "en", DEFINITE, K, T, False,
     False),
    ("Leaving Kestrel for Nimbus Prime", "en", DEFINITE, K, N, False, False),
    ("ditching Kestrel Goods", "en", DEFINITE, K, None, False, False),
    ("So done with @KestrelGoods", "en", DEFINITE, K, None, False, False),
    ("Kestrel just lost a customer", "en", DEFINITE, K, None, False, False),
    ("lost a customer, congrats", "en", DEFINITE, None, None, False, False),
    ("Taking my business elsewhere.", "en", DEFINITE, None, None, False, False),
    ("never ordering from Kestrel again", "en", DEFINITE, K, None, False, False),
    ("@KestrelHelp last time I order from you", "en", DEFINITE, K, None, False, False),
    ("@KestrelGoods I'm out.", "en", DEFINITE, K, None, False, False),
    ("bye Kestrel", "en", DEFINITE, K, None, False, False),
    ("Goodbye Kestrel, hello Trovia", "en", DEFINITE, K, T, False, False),
    ("I'll shop at Trovia from now on", "en", DEFINITE, None, T, False, False),
    ("Kestrel → Trovia", "en", (0.8, 0.9), K, T, False, False),
    ("I'm cancelling my membership and switching to Trovia", "en", DEFINITE, None, T, False,
     False),
    ("Im gonna switch to Trovia", "en", DEFINITE, None, T, False, False),
    ("switching from @NimbusMarket to Kestrel", "en", DEFINITE, N, K, False, False),
    # -- English: moving all of it; and ordinary posts that only sound like leaving -----
    ("Moving all my orders to Trovia after this Kestrel mess", "en", DEFINITE, K, T, False,
     False),
    ("Going to the Kestrel store tomorrow", "en", NONE, None, None, False, False),
    ("Kestrel is a great alternative to Trovia", "en", NONE, None, None, False, False),
    ("@KestrelHelp do you have any alternative delivery options?", "en", NONE, None, None,
     False, False),
    ("@KestrelHelp where can I find another store in Madrid?", "en", NONE, None, None, False,
     False),
    ("I deleted the app cache and now Kestrel works again", "en", NONE, None, None, False,
     False),
    ("My tent broke, I need a replacement from Kestrel", "en", NONE, None, None, False, False),
    # -- English: negation and its scope ------------------------------------------------
    ("I'm not cancelling", "en", NEGATED, None, None, True, False),
    # a threat taken back later in the post
    ("was ready to cancel Kestrel Plus but support sorted the refund in 24h. staying", "en",
     NEGATED, "Kestrel", None, True, False),
    ("Thought about switching to Nimbus but Kestrel turned it around, keeping my membership",
     "en", NEGATED, "Kestrel", "Nimbus", True, False),
    ("Kündige Kestrel Plus doch nicht, der Support hat alles gelöst", "de", NEGATED, "Kestrel",
     None, True, False),
    ("I am staying far from Kestrel, cancelled my membership", "en", DEFINITE, "Kestrel", None,
     False, False),
    ("I would never switch to Trovia", "en", NEGATED, None, T, True, False),
    ("no way I'm leaving Kestrel", "en", NEGATED, K, None, True, False),
    ("Not switching, Kestrel is fine", "en", NEGATED, K, None, True, False),
    ("I won't cancel my Kestrel Plus", "en", NEGATED, K, None, True, False),
    ("I didn't cancel anything", "en", NEGATED, None, None, True, False),
    ("No need to cancel your membership", "en", NEGATED, None, None, True, False),
    ("I'm not happy, cancelling my membership", "en", DEFINITE, None, None, False, False),
    ("Not thrilled with the delay but I'm not cancelling my membership", "en", NEGATED, None,
     None, True, False),
    # -- English: hypothetical, questions, blocked ------------------------------------
    ("If this isn't fixed I'll cancel", "en", HYPOTHETICAL, None, None, False, True),
    ("One more late delivery and I'm switching to Trovia @KestrelHelp", "en", HYPOTHETICAL, K,
     T, False, True),
    ("might cancel my Kestrel Plus", "en", HYPOTHETICAL, K, None, False, True),
    ("Thinking about cancelling my membership", "en", HYPOTHETICAL, None, None, False, True),
    ("considering switching to Nimbus", "en", HYPOTHETICAL, None, N, False, True),
    ("I'll cancel if the refund doesn't come through", "en", HYPOTHETICAL, None, None, False,
     True),
    ("about to cancel my subscription", "en", IMMINENT, None, None, False, True),
    ("Should I cancel?", "en", SHOULD, None, None, False, True),
    ("I can't cancel my membership, the button does nothing", "en", BLOCKED, None, None, False,
     False),
    ("tried to cancel three times and still got charged", "en", BLOCKED, None, None, False,
     False),
    # -- English: someone else, orders, no churn ---------------------------------------
    ("my sister cancelled hers last week", "en", THIRD, None, None, False, False),
    ("everyone is switching to Trovia", "en", THIRD, None, T, False, False),
    ("please cancel my order", "en", ORDER, None, None, False, False),
    ("I cancelled the order, it was taking forever", "en", ORDER, None, None, False, False),
    ("my order is out for delivery", "en", NONE, None, None, False, False),
    ("they cancelled the concert", "en", NONE, None, None, False, False),
    ("the switch on my lamp broke", "en", NONE, None, None, False, False),
    ("cancel culture is exhausting", "en", NONE, None, None, False, False),
    ("I left Kestrel a five-star review", "en", NONE, None, None, False, False),
    ("Dropped my Kestrel mug and it survived", "en", NONE, None, None, False, False),
    ("I'm out of town until Monday, can you hold my package?", "en", NONE, None, None, False,
     False),
    ("won't be back in stock until May?", "en", NONE, None, None, False, False),
    ("Kestrel vs Trovia -> which ships faster?", "en", NONE, None, None, False, False),
    # -- Spanish ------------------------------------------------------------------------
    ("voy a cancelar mi suscripción", "es", DEFINITE, None, None, False, False),
    ("Me doy de baja, estoy harta", "es", DEFINITE, None, None, False, False),
    ("quiero darme de baja de Kestrel Plus", "es", DEFINITE, K, None, False, False),
    ("me cambio a Trovia", "es", DEFINITE, None, T, False, False),
    ("@KestrelHelp me paso a Nimbus", "es", DEFINITE, K, N, False, False),
    ("nunca más compro en Kestrel", "es", DEFINITE, K, None, False, False),
    ("cancelé mi cuenta de Kestrel", "es", DEFINITE, K, None, False, False),
    ("Kestrel, habéis perdido un cliente", "es", DEFINITE, K, None, False, False),
    ("no voy a cancelar", "es", NEGATED, None, None, True, False),
    ("si no lo arreglan me doy de baja", "es", HYPOTHETICAL, None, None, False, True),
    ("¿cómo cancelo mi membresía?", "es", HOW, None, None, False, False),
    ("mi hermana canceló la suya", "es", THIRD, None, None, False, False),
    ("quiero cancelar mi pedido", "es", ORDER, None, None, False, False),
    ("me di cuenta de que el pedido llegó tarde", "es", NONE, None, None, False, False),
    # -- French -------------------------------------------------------------------------
    ("je vais résilier mon abonnement", "fr", DEFINITE, None, None, False, False),
    ("Je résilie.", "fr", DEFINITE, None, None, False, False),
    ("je me désabonne", "fr", DEFINITE, None, None, False, False),
    ("je passe chez Trovia", "fr", DEFINITE, None, T, False, False),
    ("plus jamais chez Kestrel", "fr", DEFINITE, K, None, False, False),
    ("j'ai annulé mon abonnement Kestrel Plus", "fr", DEFINITE, K, None, False, False),
    ("je ne vais pas résilier", "fr", NEGATED, None, None, True, False),
    ("si ça continue je résilie", "fr", HYPOTHETICAL, None, None, False, True),
    ("comment résilier mon abonnement ?", "fr", HOW, None, None, False, False),
    ("j'ai annulé ma commande", "fr", ORDER, None, None, False, False),
    ("je passe chez ma mère ce week-end", "fr", NONE, None, None, False, False),
    # -- German -------------------------------------------------------------------------
    ("Ich kündige!", "de", DEFINITE, None, None, False, False),
    ("Ich kündige bei Kestrel, reicht mir", "de", DEFINITE, K, None, False, False),
    ("ich kündige bei Kestrel nicht, alles gut", "de", NEGATED, K, None, True, False),
    ("ich kündige bei Kestrel Plus nicht", "de", NEGATED, K, None, True, False),
    ("Ich kündige bei Kestrel sofort, nicht erst morgen", "de", DEFINITE, K, None, False,
     False),
    ("ich habe gekündigt", "de", DEFINITE, None, None, False, False),
    ("Abo kündigen, sofort.", "de", DEFINITE, None, None, False, False),
    ("ich wechsle zu Trovia", "de", DEFINITE, None, T, False, False),
    ("nie wieder bei Kestrel", "de", DEFINITE, K, None, False, False),
    ("ich bin von Kestrel zu Nimbus gewechselt", "de", DEFINITE, K, N, False, False),
    ("ich kündige nicht", "de", NEGATED, None, None, True, False),
    ("ich habe mein Abo nicht gekündigt", "de", NEGATED, None, None, True, False),
    ("wie kann ich mein Abo kündigen?", "de", HOW, None, None, False, False),
    ("ich überlege zu kündigen", "de", HYPOTHETICAL, None, None, False, True),
    ("ich habe meine Bestellung storniert", "de", ORDER, None, None, False, False),
    ("ich gehe zur Arbeit", "de", NONE, None, None, False, False),
    # -- Portuguese ---------------------------------------------------------------------
    ("vou cancelar minha assinatura", "pt", DEFINITE, None, None, False, False),
    ("Cancelei.", "pt", DEFINITE, None, None, False, False),
    ("vou mudar para Trovia", "pt", DEFINITE, None, T, False, False),
    ("nunca mais compro na Kestrel", "pt", DEFINITE, K, None, False, False),
    ("troquei a Kestrel pela Trovia", "pt", DEFINITE, K, T, False, False),
    ("não vou cancelar", "pt", NEGATED, None, None, True, False),
    ("se atrasar de novo vou cancelar", "pt", HYPOTHETICAL, None, None, False, True),
    ("como cancelo minha assinatura?", "pt", HOW, None, None, False, False),
    ("quero cancelar meu pedido", "pt", ORDER, None, None, False, False),
    # -- Italian ------------------------------------------------------------------------
    ("disdico l'abbonamento", "it", DEFINITE, None, None, False, False),
    ("ho disdetto Kestrel Plus", "it", DEFINITE, K, None, False, False),
    ("passo a Trovia", "it", DEFINITE, None, T, False, False),
    ("mai più da Kestrel", "it", DEFINITE, K, None, False, False),
    ("ho lasciato Kestrel per Nimbus", "it", DEFINITE, K, N, False, False),
    ("non disdico", "it", NEGATED, None, None, True, False),
    ("sto per disdire", "it", IMMINENT, None, None, False, True),
    ("voglio annullare l'ordine", "it", ORDER, None, None, False, False),
    ("ciao Kestrel, il mio ordine è in ritardo", "it", NONE, None, None, False, False),
    # -- undetermined language: every table runs ----------------------------------------
    ("voy a cancelar mi suscripción", "und", DEFINITE, None, None, False, False),
    ("ich kündige mein Abo", "und", DEFINITE, None, None, False, False),
    # -- a farewell too short for its language to be told (lingua read this one as French) --
    ("Tchau Kestrel", "fr", DEFINITE, K, None, False, False),
    ("Tschüss Kestrel, hallo Trovia", "en", DEFINITE, K, T, False, False),
]


@pytest.fixture(scope="module")
def detector() -> ChurnDetector:
    return ChurnDetector(BRANDS)


@pytest.mark.parametrize(
    ("text", "language", "intent", "target", "destination", "negated", "hypothetical"),
    CASES, ids=[f"{lang}:{text[:40]}" for text, lang, *_ in CASES],
)
def test_churn_table(detector: ChurnDetector, text: str, language: str,
                     intent: tuple[float, float], target: str | None, destination: str | None,
                     negated: bool, hypothetical: bool) -> None:
    signal = detector.detect(text, language)
    low, high = intent
    assert low <= signal.intent <= high, signal
    assert signal.target == target, signal
    assert signal.destination == destination, signal
    assert signal.negated is negated, signal
    assert signal.hypothetical is hypothetical, signal


def test_table_covers_every_language() -> None:
    languages = {lang for _, lang, *_ in CASES}
    assert {"en", "es", "fr", "de", "pt", "it"} <= languages
    assert len(CASES) >= 60


def test_phrases_are_surface_text_and_at_most_three(detector: ChurnDetector) -> None:
    text = ("@KestrelHelp I'm cancelling my Kestrel Plus membership. Done with Kestrel. "
            "Switching to Trovia. Never ordering from Kestrel again. Bye Kestrel")
    signal = detector.detect(text)
    assert 1 <= len(signal.phrases) <= 3
    assert all(phrase in text for phrase in signal.phrases)
    assert signal.phrases[0] == "cancelling my Kestrel Plus membership"
    assert (signal.target, signal.destination) == ("Kestrel", "Trovia")


def test_order_cancellation_records_its_phrase(detector: ChurnDetector) -> None:
    assert detector.detect("please cancel my order").phrases == ["cancel my order"]


def test_no_churn_wording_returns_an_empty_signal(detector: ChurnDetector) -> None:
    assert detector.detect("Loving the new linen shirts from Kestrel!") == ChurnSignal()
    assert detector.detect("") == ChurnSignal()


def test_other_languages_run_only_when_detected(detector: ChurnDetector) -> None:
    # English patterns always run; Spanish ones only for "es" (or "und").
    assert detector.detect("me doy de baja", "en").intent == 0.0
    assert detector.detect("me doy de baja", "es").intent >= 0.85
    assert detector.detect("I'm cancelling my membership", "de").intent >= 0.85


def test_matches_name_the_target_when_the_text_does_not(detector: ChurnDetector) -> None:
    # A subreddit match: the brand is known though the text never names it.
    matches = [BrandMatch("Kestrel", "brand", "subreddit:r/Kestrel")]
    assert detector.detect("I'm cancelling my membership", "en", matches).target == "Kestrel"


def test_matches_override_brands_found_by_terms(detector: ChurnDetector) -> None:
    # The matcher excluded "american kestrel" (the bird); only Trovia was matched.
    matches = [BrandMatch("Trovia", "competitor", "name:Trovia")]
    signal = detector.detect("saw an American kestrel today. Leaving Trovia", "en", matches)
    assert (signal.target, signal.destination) == ("Trovia", None)
    signal = detector.detect("American kestrel spotted! cancelling my membership", "en",
                             [BrandMatch("Trovia", "competitor", "subreddit:r/Trovia")])
    assert signal.target == "Trovia"


def test_without_configured_brands_nothing_is_resolved() -> None:
    signal = ChurnDetector([]).detect("switching from Kestrel to Trovia")
    assert signal.intent >= 0.85
    assert (signal.target, signal.destination) == (None, None)


@pytest.mark.parametrize(("sentence", "separator"), [
    ("I'm cancelling my Kestrel membership, switching to Trovia", ". "),
    ("not cancelling Kestrel", " "),  # one unbroken "sentence" thousands of characters long
    ("done with Nimbus, moving all my orders to Kestrel", "! "),
])
def test_a_long_post_of_one_sentence_repeated_reads_as_the_sentence(
        detector: ChurnDetector, sentence: str, separator: str) -> None:
    # A 40,000-character Reddit post is rare but real, and a spammer's is not rare. Repeating
    # a sentence adds no meaning: the long post reads as its sentence (target, destination,
    # polarity, the phrase once). Each phrase reads only a few hundred characters around it,
    # and finds the brands next to it by bisection: checking every brand, every cue of the
    # whole run for every phrase took 52 s for 800 × "Kestrel never again." (now 15 ms).
    one = detector.detect(sentence)
    long = detector.detect(separator.join([sentence] * 700))
    assert len(separator.join([sentence] * 700)) > 15_000
    assert (long.intent, long.target, long.destination, long.negated, long.hypothetical) == (
        one.intent, one.target, one.destination, one.negated, one.hypothetical)
    assert long.phrases == one.phrases


def test_cues_are_read_near_the_phrase_not_anywhere_in_a_sentence_that_never_ends(
        detector: ChurnDetector) -> None:
    # "not" right before the phrase negates it; "if" hundreds of words back, with no break
    # in between (a run-on post of filler), is no longer part of its clause.
    filler = " ".join(["and the parcel sat in the depot for ages"] * 30)
    assert detector.detect(f"{filler} and I'm not cancelling Kestrel").negated
    far = detector.detect(f"if they ever fix it {filler} and I'm cancelling Kestrel")
    near = detector.detect("if they ever fix it I'm cancelling Kestrel")
    assert near.hypothetical and not far.hypothetical
    assert far.intent >= DEFINITE[0] and far.target == "Kestrel"
