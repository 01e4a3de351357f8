"""Topic terms: what posts talk about (words, bigrams, hashtags, subreddits) and how that changed
from one period to the next.

Extraction (:func:`extract`, one post at a time) is kept apart from counting
(:class:`TermCounts`) and comparison (:func:`compare`), so that a large report can count in
chunks, or read counts it aggregated earlier, and still compare the same way.

Every kind is counted in posts: a post that says "tent tent tent" is one post talking about
tents, so a term's count is the number of posts that mention it and its share is that count
over the period's posts.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from math import log, sqrt

KINDS = ("words", "bigrams", "hashtags", "communities")

# |z| of a two-sided test at the 5% level. Below it a change is within what chance alone moves a
# term between two periods of this size, so it is not reported as rising or falling.
Z_SIGNIFICANT = 1.96

# How much the prior weighs, as a share of both periods' mentions together: 0.5 makes it worth
# one average period. A prior as heavy as all the data (1.0) hides a term that goes from 0 to 10
# of 40 posts; a much lighter one lets a single post swing a rare term's score.
_PRIOR_WEIGHT = 0.5

# Languages merged when a post's language is unknown ("und", None, or a code with no list):
# undetected posts are mostly short English ones, but may be in any language a panel follows.
# The price is a few English words that are function words elsewhere ("car", "door", "war")
# going missing from those posts only.
_COMMON_LANGUAGES = ("en", "es", "de", "fr", "pt", "it", "nl")

# Social filler the general lists miss: retweet and HTML debris ("rt", "amp", "via"), laughter
# and chat shorthand. Kept short: each is a word no one would read as a topic.
_FILLER = frozenset({
    "rt", "amp", "via", "lol", "lmao", "omg", "haha", "jaja", "xd", "tbh", "imo", "idk", "im",
    "ive", "pls", "gonna", "wanna", "yeah",
})

# Words the general English list drops that name what customers post about ("problem with my
# order", "the website won't load"): topics for a social manager, not filler.
_TOPICAL = frozenset({
    "problem", "problems", "help", "fix", "order", "orders", "ordered", "buy", "free", "bill",
    "call", "work", "works", "working", "computer", "microsoft", "fire", "system", "home", "test",
    "website", "web", "page", "run",
})

# One pattern for every kind of token, so the gaps between matches are exactly what separates
# two words (which decides whether they form a bigram). Order matters: the first alternative
# that matches at a position wins, so a URL is never read as words.
_TOKEN = re.compile(r"""
      (?P<url>(?:https?://|www\.)\S+)
    | (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
    | (?P<mention>(?<![\w@])@\w+|(?<![\w/])/?[ur]/\w+)
    | (?P<hashtag>(?<![\w#&])\#\w*[^\W\d_]\w*)
    | (?P<word>[^\W_]+(?:['\-][^\W_]+)*)
""", re.VERBOSE)

# What may stand between two words that still make a bigram: spaces, markdown emphasis and
# quotes. Anything else (clause punctuation, a line break, an emoji, a slash or a standalone
# dash) ends the run, and so does any token that is dropped (a stopword, a number, a URL…).
_JOINS = re.compile(r"[^\S\n\r\v\f\u2028\u2029]*(?:[*_~\"“”'][^\S\n\r\v\f\u2028\u2029]*)*")

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
# French and Italian elided articles and pronouns ("l'envoi", "dell'ordine"), stripped so the
# noun counts the same with or without them.
_ELISION = re.compile(r"^(?:[cdjlmnst]|[a-z]*qu|dell|dall|nell|sull|all|un|quest|quell)'(?=\w)")
_POSSESSIVE = re.compile(r"'s$")
# Ordinals, times and decades ("2nd", "5pm", "1990s") are numbers in words; "10k" or "ps5" are
# things people talk about, so only these suffixes are dropped.
_NUMBERISH = re.compile(r"\d+(?:st|nd|rd|th|s|am|pm)")


@dataclass(slots=True, frozen=True)
class Terms:
    """What one post contributes to the topic report: each term once, in order of appearance."""

    words: tuple[str, ...] = ()  # content words, lowercased
    bigrams: tuple[str, ...] = ()  # "trail running": adjacent content words, see extract()
    hashtags: tuple[str, ...] = ()  # "#trailrunning"
    communities: tuple[str, ...] = ()  # ("r/ultralight",) for a Reddit post, else ()


def stopwords(language: str | None = None) -> frozenset[str]:
    """The words :func:`extract` drops for a post in ``language`` (ISO 639-1, "en-GB" accepted).

    A known language gets its own list plus English (posts mix in English); an unknown one, or
    None, gets the common languages' lists together. Filler ("rt", "lol") is always dropped.

    >>> "the" in stopwords("en"), "está" in stopwords("es"), "tent" in stopwords()
    (True, True, False)
    """
    return _stopwords(_language_code(language))


def extract(text: str, *, language: str | None = None, platform: str | None = None,
            community: str | None = None) -> Terms:
    """The terms one post mentions, each once.

    Words are lowercased runs of letters (accents kept, emoji dropped) that are not stopwords,
    URLs, e-mail addresses, @mentions or u/ r/ references, numbers or single characters. A
    possessive "'s" and French or Italian elisions ("l'envoi") are stripped; a hyphenated word
    is split into its parts ("trail-running" gives "trail" and "running") unless a part is a
    single character or has a digit ("e-bike", "covid-19" stay whole).

    A bigram is two content words that stand next to each other in the text, separated only by
    spaces, markdown emphasis or quotes (or the hyphen of a split word). A dropped token between
    them (a stopword, a number, a URL, a hashtag) or anything that ends a clause or a line
    (punctuation, a line break, an emoji) breaks the pair: "tent and stove" and "tent, stove"
    give no bigram, so bigrams are phrases people wrote rather than words that met after
    filtering.

    ``community`` is the post's subreddit when ``platform`` is "reddit"; other platforms'
    communities (Discord channels) are our own places, not topics, and give ().

    >>> terms = extract("Kestrel's trail-running shoes, at last! #TrailRunning https://x.co/a")
    >>> terms.words
    ('kestrel', 'trail', 'running', 'shoes')
    >>> terms.bigrams, terms.hashtags
    (('kestrel trail', 'trail running', 'running shoes'), ('#trailrunning',))
    """
    stop = _stopwords(_language_code(language))
    text = unicodedata.normalize("NFC", html.unescape(text)).translate(_APOSTROPHES)
    # dicts keep each term once, in the order the post first says it
    words: dict[str, None] = {}
    bigrams: dict[str, None] = {}
    hashtags: dict[str, None] = {}
    previous: str | None = None  # the last content word, while nothing has broken the run
    end = 0
    for match in _TOKEN.finditer(text):
        if not _JOINS.fullmatch(text, end, match.start()):
            previous = None
        end = match.end()
        if match.lastgroup == "hashtag":
            hashtags[match.group().lower()] = None
        if match.lastgroup != "word":
            previous = None
            continue
        for word in _content_words(match.group().lower(), stop):
            if word is None:
                previous = None
                continue
            words[word] = None
            if previous is not None and previous != word:
                bigrams[f"{previous} {word}"] = None
            previous = word
    return Terms(words=tuple(words), bigrams=tuple(bigrams), hashtags=tuple(hashtags),
                 communities=_communities(platform, community))


@dataclass(slots=True)
class TermCounts:
    """Per kind, how many posts mention each term; and how many posts there were.

    >>> counts = TermCounts.of([extract("tent tent tent"), extract("a new tent stove")])
    >>> counts.posts, counts.words["tent"], counts.words["stove"]
    (2, 2, 1)
    """

    posts: int = 0
    words: Counter[str] = field(default_factory=Counter)
    bigrams: Counter[str] = field(default_factory=Counter)
    hashtags: Counter[str] = field(default_factory=Counter)
    communities: Counter[str] = field(default_factory=Counter)

    def add(self, terms: Terms) -> None:
        """Count one post. A term listed twice in ``terms`` still counts once."""
        self.posts += 1
        self.words.update(set(terms.words))
        self.bigrams.update(set(terms.bigrams))
        self.hashtags.update(set(terms.hashtags))
        self.communities.update(set(terms.communities))

    @classmethod
    def of(cls, items: Iterable[Terms]) -> TermCounts:
        """Count every post in ``items``."""
        counts = cls()
        for terms in items:
            counts.add(terms)
        return counts


@dataclass(slots=True, frozen=True)
class TermChange:
    """One term in the current period against the previous one."""

    term: str
    now: int  # posts mentioning it in the current period
    before: int  # posts mentioning it in the previous period
    share_now: float  # now / posts in the current period
    share_before: float  # before / posts in the previous period
    score: float  # z-score of the change (see compare()); positive is rising
    status: str  # "new" | "rising" | "falling" | "gone" | "steady"


def compare(current: TermCounts, previous: TermCounts, *, kind: str = "words", top: int = 10,
            min_posts: int = 2) -> dict[str, list[TermChange]]:
    """The most mentioned terms of one ``kind`` now, and those that rose or fell the most.

    Returns ``{"top": [...], "rising": [...], "falling": [...]}``, each at most ``top`` long.
    "top" is the terms mentioned in the most posts now, with their change. The change's score
    is the weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn
    2008, "Fightin' Words"): the prior is the pooled counts of both periods scaled to one
    average period, so rare terms are pulled towards their pooled rate and a post or two cannot
    make them look like a trend. The score is a z-score: a term is "rising" or "falling" only
    when ``|z| >= Z_SIGNIFICANT`` and it is in at least ``min_posts`` posts in the period where
    it is larger. Status "new" (not in the previous period) and "gone" (not in the current one)
    take precedence, but a new or gone term is listed in rising or falling only on the same test:
    whatever the period's size, a term needs about nine posts to be reported as new and rising.

    Rising is ordered by score descending and falling by score ascending; ties, and "top", go
    by post count descending, then by term.

    With no previous posts the prior equals the current period, every score is 0 and there is
    no baseline to rise from: every term in "top" is "new" and rising and falling are empty,
    rather than repeating "top" as a trend.

    >>> before = TermCounts.of(extract("marathon pace") for _ in range(30))
    >>> now = TermCounts.of(extract("ultralight tent") for _ in range(30))
    >>> [(c.term, c.status) for c in compare(now, before)["rising"]]
    [('tent', 'new'), ('ultralight', 'new')]
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    # unary + drops zero and negative counts, which a caller's arithmetic on counters can leave
    now_counts: Counter[str] = +getattr(current, kind)
    before_counts: Counter[str] = +getattr(previous, kind)
    mentions_now, mentions_before = now_counts.total(), before_counts.total()
    changes: list[TermChange] = []
    for term in now_counts.keys() | before_counts.keys():
        now, before = now_counts[term], before_counts[term]
        z = _log_odds_z(now, before, mentions_now, mentions_before)
        if before == 0:
            status = "new"
        elif now == 0:
            status = "gone"
        elif _notable(z, now, before, min_posts):
            status = "rising" if z > 0 else "falling"
        else:
            status = "steady"
        changes.append(TermChange(
            term=term, now=now, before=before,
            share_now=now / current.posts if current.posts else 0.0,
            share_before=before / previous.posts if previous.posts else 0.0,
            score=z, status=status,
        ))
    notable = [c for c in changes if _notable(c.score, c.now, c.before, min_posts)]
    return {
        "top": sorted((c for c in changes if c.now), key=lambda c: (-c.now, c.term))[:top],
        "rising": sorted((c for c in notable if c.score > 0),
                         key=lambda c: (-c.score, -c.now, c.term))[:top],
        "falling": sorted((c for c in notable if c.score < 0),
                          key=lambda c: (c.score, -c.before, c.term))[:top],
    }


def _log_odds_z(now: int, before: int, mentions_now: int, mentions_before: int) -> float:
    """Monroe et al.'s z-score of one term's change, from its counts and each period's total."""
    # alpha_w = alpha_0 * pooled share, with alpha_0 = _PRIOR_WEIGHT * pooled mentions
    alpha = _PRIOR_WEIGHT * (now + before)
    alpha_0 = _PRIOR_WEIGHT * (mentions_now + mentions_before)
    rest_now = mentions_now + alpha_0 - now - alpha
    rest_before = mentions_before + alpha_0 - before - alpha
    if rest_now <= 0 or rest_before <= 0:
        return 0.0  # the only term of its kind in both periods: its share cannot change
    delta = log((now + alpha) / rest_now) - log((before + alpha) / rest_before)
    return delta / sqrt(1 / (now + alpha) + 1 / (before + alpha))


def _notable(z: float, now: int, before: int, min_posts: int) -> bool:
    return abs(z) >= Z_SIGNIFICANT and (now if z > 0 else before) >= min_posts


def _content_words(token: str, stop: frozenset[str]) -> list[str | None]:
    """A lowercased word token's content words in order, with None for each part dropped."""
    if token in stop:  # before any stripping: the lists hold contractions ("don't", "i'm")
        return [None]
    token = _POSSESSIVE.sub("", _ELISION.sub("", token))
    parts = token.split("-")
    if len(parts) > 1 and any(len(part) < 2 or not part.isalpha() for part in parts):
        parts = [token]
    return [part if _is_content(part, stop) else None for part in parts]


def _is_content(word: str, stop: frozenset[str]) -> bool:
    return (len(word) > 1 and word not in stop and any(char.isalpha() for char in word)
            and not _NUMBERISH.fullmatch(word))


def _communities(platform: str | None, community: str | None) -> tuple[str, ...]:
    if not community or (platform or "").lower() != "reddit":
        return ()
    name = community.strip().lower().removeprefix("/").removeprefix("r/")
    return (f"r/{name}",) if name else ()


def _language_code(language: str | None) -> str | None:
    code = (language or "").strip().lower().replace("_", "-").partition("-")[0]
    return None if code in ("", "und") else code


@cache
def _stopwords(code: str | None) -> frozenset[str]:
    # imported here so that importing the reports does not load the package's language table;
    # the lists themselves are read once per language, on first use
    from stop_words import StopWordError, get_stop_words

    words = set(_FILLER)
    for language in dict.fromkeys(("en", code) if code else _COMMON_LANGUAGES):
        try:
            listed = get_stop_words(language)
        except StopWordError:  # a language with no list: treat its posts as unknown
            return _stopwords(None)
        words.update(unicodedata.normalize("NFC", word.lower()) for word in listed)
    return frozenset(words - _TOPICAL)
