"""VADER sentiment with a customer-service lexicon layer.

VADER is English-only, and scores 0 for words like "crashing" or "ripoff" and for emoji such as
😡 or 👎. The layer (``data/lexicon_cs.tsv`` and ``data/emoji_cs.tsv``) adds those on VADER's own
scale; ``benchmarks/evaluate.py`` checks that VADER's correlation with its human ground truth does
not drop. Text in other languages is not given an English score: only its emoji are scored.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Sequence
from importlib import resources
from typing import NamedTuple

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    normalize,
    scalar_inc_dec,
)

from listener.scoring.brands import BrandWords

SCORED_LANGUAGES = frozenset({"en", "und"})
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NEGATE = frozenset(NEGATE)
_BOOSTERS = frozenset(BOOSTER_DICT)
_PUNCTUATION = string.punctuation


def _table(name: str) -> list[tuple[str, str]]:
    text = resources.files("listener.scoring").joinpath("data", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("\t")
            rows.append((key, value.strip()))
    return rows


# Every word of the idioms and booster phrases VADER looks up: every phrase it builds around a
# sentiment word holds one of the two words before it or the word itself, so when none of
# those is here no phrase can match.
_IDIOM_WORDS = frozenset(word for key in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in key
                         for word in key.split(" "))


def _idioms(valence: float, lowered: list[str], i: int) -> float:
    """VADER's ``_special_idioms_check`` on words already lowercased."""
    one, two, zero = lowered[i - 1], lowered[i - 2], lowered[i]
    if one not in _IDIOM_WORDS and two not in _IDIOM_WORDS and zero not in _IDIOM_WORDS:
        return valence
    three = lowered[i - 3]
    onezero = f"{one} {zero}"
    twoonezero = f"{two} {one} {zero}"
    twoone = f"{two} {one}"
    threetwoone = f"{three} {two} {one}"
    threetwo = f"{three} {two}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(lowered) - 1 > i:
        zeroone = f"{zero} {lowered[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lowered) - 1 > i + 1:
        zeroonetwo = f"{zero} {lowered[i + 1]} {lowered[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    # booster/dampener bi-grams such as "sort of" or "kind of"
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _words(text: str) -> tuple[list[str], list[str]]:
    """SentiText's words, and each lowercased, without a Python call per word: a token
    stripped of punctuation to two characters or fewer is kept whole (an emoticon, ":)")."""
    words = [stripped if len(stripped := token.strip(_PUNCTUATION)) > 2 else token
             for token in text.split()]
    # No word holds a space, and none lowercases to one.
    return words, " ".join(words).lower().split()


class FastVader(SentimentIntensityAnalyzer):
    """VADER with the same scores, at about half its cost.

    ``polarity_scores`` rebuilds every text one character at a time to swap emoji for their
    descriptions; most posts are ASCII and have none, and a regex does the same swap for the
    rest. It then walks every word through ``sentiment_valence``, lowercasing the post again
    for each check, though most words are in no lexicon and score 0: here only the words in
    the lexicon are read, each lowercased once. ``benchmarks/evaluate.py`` and the tests check
    the scores equal VADER's own.
    """

    def _describe(self, text: str) -> str:
        parts: list[str] = []
        last = 0
        for found in _NON_ASCII.finditer(text):
            description = self.emojis.get(found.group())
            if description is None:
                continue
            start = found.start()
            parts.append(text[last:start])
            # VADER puts a space before a description unless one is already there.
            if start and text[start - 1] != " ":
                parts.append(" ")
            parts.append(description)
            last = start + 1
        parts.append(text[last:])
        return "".join(parts)

    def polarity_scores(self, text: str,
                        brands: Sequence[BrandWords] = ()) -> dict[str, float]:
        """VADER's scores of ``text``; the names of ``brands`` read as one unknown word."""
        text = (text if text.isascii() else self._describe(text)).strip()
        for brand in brands:
            text = brand.mask(text) or text
        words, lowered = _words(text)
        sentiments: list[float] = [0] * len(words)
        # Most words are in neither the lexicon nor the booster list and score 0 (VADER walks
        # every one of them through sentiment_valence to find that out): only the others are read.
        found = self.lexicon.keys() & lowered
        if found:
            found -= _BOOSTERS
        if found:
            upper = sum(map(str.isupper, words))
            cap_differential = 0 < upper < len(words)  # some words ALL CAPS, not all
            last = len(words) - 1
            for word in found:
                i = -1
                for _ in range(lowered.count(word)):
                    i = lowered.index(word, i + 1)
                    if word == "kind" and i < last and lowered[i + 1] == "of":
                        continue
                    sentiments[i] = self._valence(words, lowered, i, cap_differential)
        if "but" in lowered:
            sentiments = self._but_check(words, sentiments)
        return self.score_valence(sentiments, text)

    def score_valence(self, sentiments: list[float], text: str) -> dict[str, float]:
        """VADER's own, with its per-word loop over the words that score (most score 0);
        every sum adds the same numbers in the same order, so the floats are equal."""
        if not sentiments:
            return {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
        sum_s = float(sum(sentiments))
        # VADER's _punctuation_emphasis, inline: up to four "!", and two or more "?"
        exclaimed = text.count("!")
        questioned = text.count("?")
        punct_emph_amplifier = (4 if exclaimed > 4 else exclaimed) * 0.292 + (
            0 if questioned <= 1 else questioned * 0.18 if questioned <= 3 else 0.96)
        if sum_s > 0:
            sum_s += punct_emph_amplifier
        elif sum_s < 0:
            sum_s -= punct_emph_amplifier
        compound = normalize(sum_s)
        pos_sum = 0.0
        neg_sum = 0.0
        scoring = [score for score in sentiments if score]
        neu_count = len(sentiments) - len(scoring)
        for score in scoring:
            if score > 0:
                pos_sum += (float(score) + 1)  # compensates for neutral words counted as 1
            else:
                neg_sum += (float(score) - 1)
        if pos_sum > math.fabs(neg_sum):
            pos_sum += punct_emph_amplifier
        elif pos_sum < math.fabs(neg_sum):
            neg_sum -= punct_emph_amplifier
        total = pos_sum + math.fabs(neg_sum) + neu_count
        return {"neg": round(math.fabs(neg_sum / total), 3),
                "neu": round(math.fabs(neu_count / total), 3),
                "pos": round(math.fabs(pos_sum / total), 3),
                "compound": round(compound, 4)}

    def _valence(self, words: list[str], lowered: list[str], i: int,
                 cap_differential: bool) -> float:
        """VADER's ``sentiment_valence`` of the lexicon word at ``i``, reading the lowercased
        words once instead of lowercasing them again for every check."""
        lexicon = self.lexicon
        lower = lowered[i]
        valence = lexicon[lower]
        if lower == "no" and i != len(words) - 1 and lowered[i + 1] in lexicon:
            valence = 0.0  # "no" negates the next word instead of scoring itself
        if (i > 0 and lowered[i - 1] == "no") or (i > 1 and lowered[i - 2] == "no") or (
                i > 2 and lowered[i - 3] == "no" and lowered[i - 1] in ("or", "nor")):
            valence = lexicon[lower] * N_SCALAR
        if cap_differential and words[i].isupper():
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
        for start_i in range(min(i, 3)):
            before = lowered[i - (start_i + 1)]
            if before in lexicon:
                continue
            s = (scalar_inc_dec(words[i - (start_i + 1)], valence, cap_differential)
                 if before in BOOSTER_DICT else 0.0)
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            # VADER's _negation_check, inline: ``before`` is the word start_i + 1 back.
            if start_i == 0:
                if before in _NEGATE or "n't" in before:
                    valence = valence * N_SCALAR
            elif start_i == 1:
                one = lowered[i - 1]
                if before == "never" and (one == "so" or one == "this"):
                    valence = valence * 1.25
                elif before == "without" and one == "doubt":
                    pass
                elif before in _NEGATE or "n't" in before:
                    valence = valence * N_SCALAR
            else:
                two, one = lowered[i - 2], lowered[i - 1]
                if (before == "never" and (two == "so" or two == "this")) or (
                        one == "so" or one == "this"):
                    valence = valence * 1.25
                elif before == "without" and (two == "doubt" or one == "doubt"):
                    pass
                elif before in _NEGATE or "n't" in before:
                    valence = valence * N_SCALAR
                valence = _idioms(valence, lowered, i)
        # "least" negates, except in "at least" and "very least"
        if i > 1 and lowered[i - 1] not in lexicon and lowered[i - 1] == "least":
            if lowered[i - 2] != "at" and lowered[i - 2] != "very":
                valence = valence * N_SCALAR
        elif i > 0 and lowered[i - 1] not in lexicon and lowered[i - 1] == "least":
            valence = valence * N_SCALAR
        return valence


class Sentiment(NamedTuple):  # not a frozen dataclass: one is made per post, and that is slower
    compound: float | None
    positive: float | None
    neutral: float | None
    negative: float | None
    label: str  # positive | neutral | negative | unscored
    basis: str  # text | emoji | none


class SentimentScorer:
    """VADER plus the lexicon layer; one instance is reused for every post."""

    def __init__(self, positive: float = 0.05, negative: float = -0.05,
                 lexicon_layer: bool = True) -> None:
        self.analyzer = FastVader()
        self.positive, self.negative = positive, negative
        if lexicon_layer:
            self.analyzer.lexicon.update((word, float(v)) for word, v in _table("lexicon_cs.tsv"))
            self.analyzer.emojis.update(_table("emoji_cs.tsv"))
        self._emojis = self.analyzer.emojis

    def label(self, compound: float) -> str:
        if compound >= self.positive:
            return "positive"
        if compound <= self.negative:
            return "negative"
        return "neutral"

    def brand_words(self, terms: Sequence[str]) -> BrandWords | None:
        """A brand's names (``terms``) that hold a word VADER weighs, a negation or a booster:
        "Best Buy", "Happy Socks" (see :mod:`listener.scoring.brands`)."""
        vocabulary = self.analyzer.lexicon.keys() | _BOOSTERS | _NEGATE
        return BrandWords.of(terms, lambda term: _words(term)[1], vocabulary)

    def score(self, text: str, language: str = "en",
              brands: Sequence[BrandWords] = ()) -> Sentiment:
        """Score English (or undetermined) text; for other languages score only its emoji.
        The names of ``brands`` (those the post names, see :meth:`brand_words`) weigh nothing."""
        if language in SCORED_LANGUAGES:
            basis, target = "text", text
        else:
            emojis = [char for char in text if char in self._emojis]
            if not emojis:
                return Sentiment(None, None, None, None, "unscored", "none")
            basis, target = "emoji", " ".join(emojis)
        scores = self.analyzer.polarity_scores(target, brands if basis == "text" else ())
        compound = scores["compound"]
        return Sentiment(compound, scores["pos"], scores["neu"], scores["neg"],
                         self.label(compound), basis)
