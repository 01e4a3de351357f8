"""Language identification: the platform's own tag, a function-word fast path, then lingua.

lingua is accurate but costs more than VADER itself per post; most posts a brand receives are
plainly English, and function words ("the", "my", "is") settle those in microseconds. Only text
that is not clearly English goes to lingua, restricted to the configured languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cached_property

_WORDS = re.compile(r"[a-zà-öø-ÿ']+")
_NON_LATIN = re.compile(
    r"[^\x00-\u024f\u1e00-\u1eff\u2000-\u2bff\U0001f000-\U0001faff\ufe0f\u200d]")
_URLS_HANDLES = re.compile(r"https?://\S+|[@#]\w+")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")

# Frequent words that are (nearly) unique to one language; ambiguous ones ("a", "no", "me",
# "in", "die", "son") are left out on purpose.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the and is are my you your this that with for have was not it i i'm im it's don't "
        "can't didn't won't just they what when will be been has had would get got still why "
        "how any there their about our we from of to at or if out up so but do does did".split()
    ),
    "es": frozenset(
        "el la los las que del y por para con una es mi mis pero muy ya lo su al está estoy "
        "todavía gracias cuando porque también hasta nada pedido voy tengo quiero puedo esto "
        "eso ahora hoy llega llegó".split()
    ),
    "fr": frozenset(
        "le les des est et une je pas mon ma mes vous avec pour dans sur toujours merci "
        "c'est j'ai très mais ils elle nous votre commande vais suis veux peux ça rien "
        "depuis".split()
    ),
    "de": frozenset(
        "der das und ist nicht ich mein meine mit für ein eine auf noch nach sie wir ihr "
        "bestellung aber schon auch bitte danke immer habe werde heute wieder seit keine kein "
        "nichts".split()
    ),
    "pt": frozenset(
        "o os as do da dos das não meu minha com para um uma é mas muito já ainda obrigado "
        "obrigada pedido você vocês vou tenho quero agora hoje isso isto chegou".split()
    ),
    "it": frozenset(
        "il gli della che di è non mio mia con per una sono ma molto ancora grazie ordine "
        "questo questa vado voglio oggi niente perché".split()
    ),
    "nl": frozenset("het een niet ik mijn met voor maar nog wel dank bestelling".split()),
}
# Each function word belongs to exactly one language (any shared word would be evidence for two).
_WORD_LANGUAGE = {
    word: code
    for code, vocabulary in _FUNCTION_WORDS.items()
    for word in vocabulary
    if sum(word in other for other in _FUNCTION_WORDS.values()) == 1
}
# English function words that are also everyday words of the other languages here: Italian
# "i" (the), Dutch "is", German "was", "will", "so", "im", French "or", "but", Spanish "has",
# Italian "are". Alone, they are no evidence of English.
_SHARED_WITH_OTHERS = frozenset("i is was will so im or but has are".split())
_ENGLISH_ONLY = _FUNCTION_WORDS["en"] - _SHARED_WITH_OTHERS
# X tags that are not languages: undetermined, hashtags/mentions/links/media only, etc.
_NOT_LANGUAGES = frozenset({"und", "qme", "qht", "qam", "qst", "zxx", "art"})


_FIRST = next(iter(_FUNCTION_WORDS))


def _ranked(codes: list[str]) -> tuple[str, int, int, int]:
    """From the languages of a text's function words (one entry per word): the language with
    the most (the first in ``_FUNCTION_WORDS`` order on a tie), its count, the next highest
    count and the count for English."""
    if not codes:
        return _FIRST, 0, 0, 0
    first, top = codes[0], len(codes)
    if codes.count(first) == top:  # the usual case: one language
        return first, top, 0, top if first == "en" else 0
    counts: dict[str, int] = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    top = max(counts.values())
    best = next(code for code in _FUNCTION_WORDS if counts.get(code) == top)
    ordered = sorted(counts.values(), reverse=True)
    return best, top, ordered[1], counts.get("en", 0)


class LanguageDetector:
    """Decide the language of a post: ``(iso_639_1 or "und", confidence 0–1)``."""

    def __init__(self, languages: Sequence[str] = ("en", "es", "fr", "de", "pt", "it"),
                 english_vocabulary: Iterable[str] = ()) -> None:
        # Words that only make sense as English (VADER's lexicon): short posts such as
        # "Damn typos :(" or "outstanding!" have no function words, and lingua guesses wildly
        # on them; one such word and no foreign function word settles them as English.
        other = frozenset().union(*(v for k, v in _FUNCTION_WORDS.items() if k != "en"))
        self.english_vocabulary = frozenset(
            word for word in english_vocabulary if word.isalpha() and word not in other)
        self._english_evidence = self.english_vocabulary | _FUNCTION_WORDS["en"]
        self.languages = tuple(dict.fromkeys(code.lower() for code in languages))
        unknown = [code for code in self.languages if len(code) != 2 or not code.isalpha()]
        if unknown:
            raise ValueError(f"not ISO 639-1 language codes: {unknown}")

    @cached_property
    def _lingua(self):
        # Built on first need: the CLI's `score` of one English text never pays for it.
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = [IsoCode639_1.from_str(code) for code in self.languages]
        if len(codes) == 1:
            return None
        return (LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
                .with_low_accuracy_mode().build())

    def detect(self, text: str, hint: str | None = None) -> tuple[str, float]:
        """The language of ``text``; ``hint`` is the platform's own tag, trusted when usable."""
        if hint:
            hint = hint.lower().split("-")[0]
            if hint in self.languages and hint not in _NOT_LANGUAGES:
                return hint, 0.95
        stripped = _URLS_HANDLES.sub(" ", text) if "http" in text or "@" in text \
            or "#" in text else text
        # Letters all ASCII: emoji and curly quotes say nothing of the language, and English
        # posts are full of them. (isascii is a flag CPython keeps: no scan.)
        plain = stripped.isascii() or not _NON_ASCII_LETTER.search(stripped)
        if plain or not _NON_LATIN.search(stripped):
            words = _WORDS.findall(stripped.lower())
            if not words:
                return "und", 0.0
            best, top, second, english = _ranked(list(filter(None, map(_WORD_LANGUAGE.get,
                                                                         words))))
            # Function words settle plain text in any of the languages that have them.
            if top >= 2 and top >= 4 * second and best in self.languages:
                return best, min(0.99, 0.75 + 0.05 * top)
            if top == english and second == 0 and "en" in self.languages and plain:
                # One English function word (not one that is also a word over there), none
                # of another language's, no letter outside ASCII: English. Of such posts in
                # the development data that the evidence rule below leaves to lingua, lingua
                # called 56 of 853 something else, and all 56 are English ("Just posted a
                # photo" as Portuguese, "A film of quiet power." as Dutch).
                if english and not _ENGLISH_ONLY.isdisjoint(words):
                    return "en", 0.6
                evidence = sum(map(self._english_evidence.__contains__, words))
                if evidence and evidence * 3 >= len(words):
                    return "en", 0.6
        return self._lingua_detect(stripped)

    def _lingua_detect(self, text: str) -> tuple[str, float]:
        detector = self._lingua
        if detector is None:
            return self.languages[0], 1.0
        values = detector.compute_language_confidence_values(text)
        if not values or values[0].value <= 0:
            return "und", 0.0
        best = values[0]
        # Rounded: lingua's last digits differ from process to process.
        return best.language.iso_code_639_1.name.lower(), round(float(best.value), 4)
