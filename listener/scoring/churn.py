"""Churn intent: is the author leaving a brand, which one, and for whom?

:class:`ChurnDetector` recognises churn phrases ("cancelling my membership", "switching to X",
"me doy de baja", "ich kündige") in English, Spanish, French, German, Portuguese and Italian,
then qualifies each by its context:

* negated ("I'm not cancelling", "ich kündige nicht") -> ``negated``, intent 0.05;
* blocked ("I can't cancel", "tried to cancel") -> 0.85, they want out;
* "how do I cancel?" -> 0.8; "about to cancel" -> 0.8 and ``hypothetical``;
* "should I cancel?" -> 0.6; tentative ("might", "thinking about") -> 0.6; conditional
  ("if this isn't fixed", "one more late delivery and") -> 0.65; all three ``hypothetical``;
* someone else ("my sister cancelled hers", "everyone is switching") -> 0.35;
* cancelling an *order*, not the relationship -> 0.3;
* otherwise the phrase's own strength, 0.75-0.95.

Most posts contain no churn wording, so a single precompiled regex of trigger stems runs first
and settles those in about a microsecond; the full analysis runs only on its hits.

Out of scope: sarcasm, and pronoun references across sentences ("they" = which brand?).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice, pairwise
from operator import itemgetter
from typing import NamedTuple

from earful.models import BrandMatch, ChurnSignal
from listener.scoring import churn_patterns as P
from listener.scoring.churn_patterns import Language, Rule

__all__ = ["BrandTerms", "ChurnDetector", "normalise"]

MAX_PHRASES = 3

_FOLD = str.maketrans({
    **dict.fromkeys("áàâäãå", "a"), **dict.fromkeys("éèêë", "e"), **dict.fromkeys("íìîï", "i"),
    **dict.fromkeys("óòôöõ", "o"), **dict.fromkeys("úùûü", "u"), "ç": "c", "ñ": "n",
    **dict.fromkeys("’‘`´", "'"),
})
_SENTENCE_BREAK = re.compile(r"[.!?;\n]+")
_WORD = re.compile(r"[@#]?\w+(?:'\w+)*")
_PROPER = re.compile(r"\s+(?:the\s+)?(?!I\b|I')[A-Z][\w&'.-]*")  # "switching to Amazon"
_ARROW = re.compile(r"\s*(?:->|→|=>|➡️?|⟶|>>)\s*")
_WORD_CHAR = re.compile(r"\w")
_WORD_TAIL = re.compile(r"[\w']*$")
# What may precede a stem; the prefilter searches " " + text so the first word counts too.
_BOUNDARY = r"[\s\"'’‘“”«»()\[\]{}#¿¡.,;:!?/*_~=>|&+-]"
_LEADING_HANDLES = re.compile(r"\s*(?:[@#]\w+[\s,:]*)*")


def normalise(text: str) -> str:
    """Lowercase, strip accents and straighten apostrophes, keeping every offset unchanged."""
    low = text.lower()
    if len(low) != len(text):  # "İ" lowercases to two characters; keep offsets aligned
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return low if low.isascii() else low.translate(_FOLD)


def _prefilter(stems: Iterable[str]) -> re.Pattern[str]:
    """One regex for "does any stem start a word here?", shaped for the regex engine's speed.

    It begins with a single character class (a word boundary character), which lets ``re``
    skip straight to candidate positions, and groups the stems by first letter, so at each
    candidate only one group is tried: about a microsecond for a 150-character post.
    """
    groups: dict[str, list[str]] = {}
    for stem in sorted(set(stems)):
        tails = groups.setdefault(stem[0], [])
        if not any(stem[1:].startswith(tail) for tail in tails):  # "cancel" covers "cancels"
            tails.append(stem[1:])
    branches = []
    for first, tails in groups.items():
        body = "|".join(re.escape(tail) for tail in tails)
        branches.append(re.escape(first) + ("" if "" in tails else f"(?:{body})"))
    return re.compile(f"{_BOUNDARY}(?:{'|'.join(branches)})")


def _tables(language: str) -> tuple[Language, ...]:
    if language == "und":
        return tuple(P.LANGUAGES.values())
    extra = P.LANGUAGES.get(language)
    return (P.EN,) if extra is None or extra is P.EN else (P.EN, extra)


_PREFILTERS: dict[str, re.Pattern[str]] = {
    code: _prefilter(stem for table in _tables(code) for stem in table.stems)
    for code in (*P.LANGUAGES, "und")
}


@dataclass(frozen=True)
class BrandTerms:
    """A brand as the detector sees it: canonical name, role, and every surface form."""

    name: str  # canonical, as reported in ChurnSignal.target / destination
    role: str  # "brand" (ours) | "competitor"
    terms: tuple[str, ...]  # aliases, @handles, #hashtags, product/membership names


# Named tuples, not frozen dataclasses: several are made per candidate post, and a frozen
# dataclass sets each field through object.__setattr__.
class _Mention(NamedTuple):
    start: int
    end: int
    brand: str
    handle: bool


# Mentions come in text order and do not overlap: their starts and their ends are in order,
# and the one nearest a position is found by bisection (a scan of all of them per phrase made
# long texts with many mentions quadratic).
def _first_from(mentions: list[_Mention], position: int) -> _Mention | None:
    """The first mention starting at or after ``position``."""
    index = bisect_left(mentions, position, key=_start)
    return mentions[index] if index < len(mentions) else None


def _last_by(mentions: list[_Mention], position: int) -> _Mention | None:
    """The last mention ending at or before ``position``."""
    index = bisect_right(mentions, position, key=_end)
    return mentions[index - 1] if index else None


_start, _end = itemgetter(0), itemgetter(1)  # a _Mention's fields, read in C


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    intent: float
    negated: bool = False
    hypothetical: bool = False
    target: str | None = None
    dest: str | None = None


class _Context(NamedTuple):
    pre_clause: str
    pre_sentence: str
    post_clause: str
    post_sentence: str
    clause_start: int


# How far from a phrase its context reaches, at most. Cues are read within a few words of a
# phrase, but a "sentence" with no break in it may be a whole 40,000-character post, and
# reading all of it for each phrase made long texts quadratic (3 s for 800 repeats of "not
# cancelling Kestrel"). Ordinary sentences are much shorter, and read whole.
CONTEXT_CHARS = 240


def _context(norm: str, start: int, end: int, table: Language) -> _Context:
    floor, ceiling = 0, len(norm)
    if start > CONTEXT_CHARS:  # cut at a space, not in a word
        space = norm.find(" ", start - CONTEXT_CHARS, start)
        floor = space + 1 if space >= 0 else start - CONTEXT_CHARS
    if ceiling - end > CONTEXT_CHARS:
        space = norm.rfind(" ", end, end + CONTEXT_CHARS)
        ceiling = space if space >= 0 else end + CONTEXT_CHARS
    sentence_start = floor
    for found in _SENTENCE_BREAK.finditer(norm, floor, start):
        sentence_start = found.end()
    found = _SENTENCE_BREAK.search(norm, end, ceiling)
    sentence_end = found.start() if found else ceiling
    clause_start = sentence_start
    for found in table.clause_break.finditer(norm, sentence_start, start):
        clause_start = found.end()
    found = table.clause_break.search(norm, end, sentence_end)
    clause_end = found.start() if found else sentence_end
    return _Context(norm[clause_start:start], norm[sentence_start:start], norm[end:clause_end],
                    norm[end:sentence_end], clause_start)


def _matches_at(regex: re.Pattern[str], text: str,
                starts: list[int]) -> Iterator[re.Match[str]]:
    """``regex``'s matches beginning at ``starts`` (ascending), none inside another: what
    ``finditer`` finds there, without scanning the rest of the text."""
    end = 0
    for start in starts:
        if start >= end and (found := regex.match(text, start)) is not None:
            end = max(found.end(), start + 1)
            yield found


def _bare_word(token: str) -> str:
    head, apostrophe, tail = token.partition("'")
    return tail if apostrophe and head in P.ELISIONS else token


class ChurnDetector:
    """Detect churn intent in a text and resolve the brand left (target) and joined (destination).

    Example::

        detector = ChurnDetector([BrandTerms("Kestrel", "brand", ("Kestrel", "@KestrelHelp")),
                                  BrandTerms("Trovia", "competitor", ("Trovia",))])
        detector.detect("@KestrelHelp switching to Trovia")
        # ChurnSignal(intent=0.9, target='Kestrel', destination='Trovia',
        #             phrases=['switching to Trovia'], negated=False, hypothetical=False)
    """

    def __init__(self, brands: Sequence[BrandTerms]) -> None:
        self._brands: dict[str, tuple[str, bool]] = {}
        for brand in brands:
            for term in (brand.name, *brand.terms):
                key = normalise(" ".join(term.split()))
                if key:
                    self._brands.setdefault(key, (brand.name, key[0] in "@#"))
        # Grouped by first character, the boundary checked just after it: the regex then
        # opens with literals and `re` skips to candidate positions (10x faster than a
        # leading lookbehind). Longest first, so "Kestrel Plus" wins over "Kestrel".
        groups: dict[str, list[str]] = {}
        for key in sorted(self._brands, key=len, reverse=True):
            groups.setdefault(key[0], []).append(
                r"\s+".join(re.escape(word) for word in key.split())[len(re.escape(key[0])):])
        branches = []
        for first, tails in groups.items():
            left = r"[\w@#]" if first in "@#" else r"\w"
            char = re.escape(first)
            branches.append(f"{char}(?<!{left}{char})(?:{'|'.join(tails)})(?!\\w)")
        self._mention_re = re.compile("|".join(branches)) if branches else None

    def detect(self, text: str, language: str = "en",
               matches: Sequence[BrandMatch] = ()) -> ChurnSignal:
        """Churn intent in ``text`` (0 when there is none), with target, destination and phrases.

        ``language`` is an ISO 639-1 code: English patterns always run, plus that language's
        (all of them for "und"). ``matches`` are the brands the matcher found in the post;
        when empty, brands are found from the configured terms.
        """
        prefilter = _PREFILTERS.get(language, _PREFILTERS["en"])
        if not text or prefilter.search(" " + text.lower()) is None:
            return ChurnSignal()
        norm = normalise(text)
        mentions = self._mentions(norm, matches)
        hits: list[_Hit] = []
        for table in _tables(language):
            # Only the rules some word of the text begins like (most rules, most texts: none),
            # tried only where such a word starts.
            for index, starts in table.index.starts(norm):
                rule = table.rules[index]
                found_all = (rule.regex.finditer(norm) if starts is None
                             else _matches_at(rule.regex, norm, starts))
                for found in found_all:
                    if found.start() and _WORD_CHAR.match(norm, found.start() - 1):
                        continue  # rules match at word starts only ("cannot" is no "not")
                    hit = self._hit(text, norm, found, rule, table, mentions)
                    if hit is not None:
                        hits.append(hit)
        hits.extend(_arrows(norm, mentions))
        if not hits:
            return ChurnSignal()
        return self._signal(text, norm, hits, mentions, matches)


    def _mentions(self, norm: str, matches: Sequence[BrandMatch]) -> list[_Mention]:
        if self._mention_re is None:
            return []
        allowed = {match.brand for match in matches}
        found = []
        for hit in self._mention_re.finditer(norm):
            brand, handle = self._brands[" ".join(hit.group().split())]
            if not allowed or brand in allowed:  # the matcher's exclusions win
                found.append(_Mention(hit.start(), hit.end(), brand, handle))
        return found


    def _hit(self, text: str, norm: str, found: re.Match[str], rule: Rule, table: Language,
             mentions: list[_Mention]) -> _Hit | None:
        start, end = found.span()
        ctx = _context(norm, start, end, table)
        if rule.requires is not None and not (
                rule.requires.search(ctx.pre_sentence) or rule.requires.search(found.group())
                or rule.requires.search(ctx.post_sentence)):
            return None
        hit = _Hit(start, end, rule.intent)
        order = pronoun = third = False
        if rule.objects is not None:
            kind, object_end, object_brand, third = _object(norm, found, rule, ctx, mentions)
            if kind is None:
                return None
            order, pronoun = kind == "order", kind == "pronoun"
            hit.end = max(hit.end, object_end)
            hit.target = object_brand
        if not self._slots(text, norm, hit, rule, mentions, end):
            return None
        if hit.target is None and hit.dest is None:
            first = _first_from(mentions, start)  # the first brand named inside the hit
            if first is not None and first.end <= hit.end:
                hit.target = first.brand
        _qualify(hit, rule, table, ctx, order=order, pronoun=pronoun, third=third)
        return hit

    def _slots(self, text: str, norm: str, hit: _Hit, rule: Rule,
               mentions: list[_Mention], end: int) -> bool:
        """Fill target/destination from nearby brands; False when the rule needs one, absent."""
        after = before = None
        # Only the nearest brand on each side can be near: a farther one's gap holds the
        # nearer one's and more (checking every one made long texts cubic: minutes for 800
        # repeated sentences).
        if rule.after:
            after = _first_from(mentions, end)
            if after is not None and not _near(norm[end:after.start], 2, commas=False):
                after = None
            if after is not None and rule.reject_after and not P.LEAVE_END.match(norm, after.end):
                return False
        if rule.before:
            before = _last_by(mentions, hit.start)
            if before is not None and not _near(norm[before.end:hit.start], 4):
                before = None
        if rule.need and (after if rule.after else before) is None:
            if not rule.after:
                return False
            if not (P.GENERIC.match(norm, end) or (rule.proper and _PROPER.match(text, end))):
                return False
        for mention, role in ((after, rule.after), (before, rule.before)):
            if mention is None:
                continue
            linked = None
            if role == "target" and hit.target is None:
                hit.target = mention.brand
                if hit.dest is None:
                    linked = _linked(norm, mention, mentions, P.TOWARD)
                    hit.dest = linked.brand if linked else None
            elif role == "dest" and hit.dest is None:
                hit.dest = mention.brand
                if hit.target is None:
                    linked = (_linked(norm, mention, mentions, P.FROMWARD)
                              or _linked(norm, mention, mentions, P.TOWARD, forward=False))
                    hit.target = linked.brand if linked else None
            for named in (mention, linked):
                if named is not None:
                    hit.start, hit.end = min(hit.start, named.start), max(hit.end, named.end)
        if hit.target == hit.dest:
            hit.dest = None
        return True


    def _signal(self, text: str, norm: str, hits: list[_Hit], mentions: list[_Mention],
                matches: Sequence[BrandMatch]) -> ChurnSignal:
        # Overlapping readings of the same words: keep the strongest, then the longest.
        hits.sort(key=lambda h: (-h.intent, h.start - h.end, h.start))
        kept: list[_Hit] = []
        # The kept spans in text order (they do not overlap, so their ends are in order too):
        # only the last one starting before a hit ends can overlap it.
        starts: list[int] = []
        ends: list[int] = []
        for hit in hits:
            index = bisect_left(starts, hit.end)
            if index and ends[index - 1] > hit.start:
                continue
            kept.append(hit)
            starts.insert(index, hit.start)
            ends.insert(index, hit.end)
        best = kept[0]
        if not best.negated and _REVERSAL.search(norm):
            # "was ready to cancel, but support sorted it. staying": the threat was withdrawn.
            best.intent, best.negated, best.hypothetical = 0.05, True, False
        # Slots come from the strongest hit, then from others of the same polarity.
        pool = [h for h in kept if h.negated == best.negated]
        target = best.target or next((h.target for h in pool if h.target), None)
        dest = best.dest or next((h.dest for h in pool if h.dest and h.dest != target), None)
        if target is None:
            target = _implicit_target(norm, mentions, matches, dest)
        phrases: dict[str, None] = {}
        for hit in kept:
            phrase = text[hit.start:hit.end].strip()
            if phrase:
                phrases[phrase] = None
                if len(phrases) == MAX_PHRASES:
                    break
        return ChurnSignal(intent=best.intent, target=target,
                           destination=dest if dest != target else None,
                           phrases=list(phrases), negated=best.negated,
                           hypothetical=best.hypothetical)


# Words that take a churn threat back. Searched in the normalised (lowercased, unaccented) text.
# Grouped by first letter, the left boundary checked after it (a pattern that opens with \b is
# tried at every position): "\b(?:keep(?:ing)? my (?:membership|...)|(?:i'?m|i am|i'?ll|
# we'?re|will be) staying\b(?!...)|staying\s*[.!]?\s*$|after all|changed my mind|...)\b".
_STAYING = r"staying\b(?!\s+(?:far|away|clear))"
_REVERSAL = re.compile(
    r"(?:k(?<!\wk)eep(?:ing)? my (?:membership|subscription|sub|plus|account)|"
    rf"i(?<!\wi)(?:(?:'?m| am|'?ll) {_STAYING}|ch bleibe)|"
    rf"w(?<!\ww)(?:e'?re|ill be) {_STAYING}|"
    r"s(?<!\ws)taying\s*[.!]?\s*$|a(?<!\wa)fter all|c(?<!\wc)hanged my mind|"
    r"t(?<!\wt)urned (?:it|things) around|d(?<!\wd)och nicht|m(?<!\wm)e quedo|"
    r"j(?<!\wj)e reste|v(?<!\wv)ou ficar|r(?<!\wr)esto cliente)\b"
)


def _near(gap: str, max_words: int, *, commas: bool = True) -> bool:
    words = len(_WORD.findall(gap))
    # "bye, Kestrel" is near; "bye bye summer, hello Kestrel" is not.
    return (not _SENTENCE_BREAK.search(gap) and words <= max_words
            and (commas or not words or "," not in gap))


def _linked(norm: str, mention: _Mention, mentions: list[_Mention], link: re.Pattern[str],
            *, forward: bool = True) -> _Mention | None:
    """The brand named next to ``mention`` across a link word: "X *for* Y", "Y *from* X"."""
    other = _first_from(mentions, mention.end) if forward else _last_by(mentions, mention.start)
    if other is None:
        return None
    gap = norm[mention.end:other.start] if forward else norm[other.end:mention.start]
    linked = gap.strip(" ,") and link.fullmatch(gap) and other.brand != mention.brand
    return other if linked else None


def _implicit_target(norm: str, mentions: list[_Mention], matches: Sequence[BrandMatch],
                     dest: str | None) -> str | None:
    """The brand left when the phrase names none: the one addressed, or the only one named."""
    lead = _LEADING_HANDLES.match(norm).end()  # type: ignore[union-attr]  # all optional
    addressed = [m.brand for m in mentions if m.handle and m.end <= lead and m.brand != dest]
    if addressed:
        return addressed[0]
    named = list(dict.fromkeys([*(m.brand for m in mentions), *(b.brand for b in matches)]))
    others = [brand for brand in named if brand != dest]
    if dest is not None:
        return others[0] if others else None
    return others[0] if len(others) == 1 else None


def _object(norm: str, found: re.Match[str], rule: Rule, ctx: _Context,
            mentions: list[_Mention]) -> tuple[str | None, int, str | None, bool]:
    """What a cancel/switch verb acts on: (kind, end of the object, brand named, third person).

    kind is "relation" (membership, account, a brand), "order", "pronoun", "bare" (no
    object), or None when it is something else ("cancel culture", "the concert").
    """
    end = found.end()
    vocab = P.MEMBERSHIP if rule.objects == "membership" else P.SWITCH_OBJECT
    tokens = [(end + t.start(), end + t.end(), _bare_word(t.group()))
              for t in islice(_WORD.finditer(ctx.post_clause), 6)]
    third = bool(tokens) and tokens[0][2] in P.POSSESSIVE_THIRD
    index = 0
    while index < len(tokens):
        t_start, t_end, word = tokens[index]
        mention = _first_from(mentions, t_start)
        if mention is not None and mention.start == t_start:
            following = [t for t in tokens if t[0] >= mention.end][:1]
            if following and following[0][2] in P.ORDER and rule.objects == "membership":
                return _order_or_more(norm, following[0][1], mention.brand, third)
            if following and following[0][2] in vocab:
                return "relation", following[0][1], mention.brand, third
            return "relation", mention.end, mention.brand, third
        if word in ("this", "that") and (index + 1 == len(tokens)
                                         or tokens[index + 1][2] in P.SKIP_ADVERBS):
            return "pronoun", t_end, None, third
        if word in P.CLAUSE_WORDS:
            break
        if (word in P.SKIP_DETERMINERS or word in P.SKIP_ADVERBS or word.isdigit()) \
                and index + 1 < len(tokens):
            index += 1
            continue
        if word in P.ORDER and rule.objects == "membership":
            return _order_or_more(norm, t_end, None, third)
        if word in vocab:
            return "relation", t_end, None, third
        if word in P.PRONOUN_OBJECT or word in P.POSSESSIVE_THIRD:
            return "pronoun", t_end, None, third
        if word in P.SKIP_ADVERBS or word in P.CLAUSE_WORDS or word.isdigit():
            break
        return None, end, None, third
    # No object after the verb: it may stand before it ("mein Abo kündigen", "my order was
    # cancelled"), or the verb must have a subject or auxiliary ("I'm cancelling").
    before = [_bare_word(t.group()) for t in _WORD.finditer(ctx.pre_clause)]
    last = next((w for w in reversed(before) if w not in P.SKIP_ADVERBS), None)
    if last in P.PASSIVE and found.group().endswith("ed"):
        return ("order" if any(w in P.ORDER for w in before) else None), end, None, third
    window = before[-3:]
    if any(w in P.ORDER for w in window):
        return "order", end, None, third
    if any(w in P.OTHER_OBJECT for w in window):
        return None, end, None, third
    if any(w in vocab for w in window):
        return "relation", end, None, third
    if not rule.bare and last is not None and last not in P.BARE_OK:
        return None, end, None, third
    return "bare", end, None, third


# "cancel my order and my membership": more than the order goes. The clause ends at "and", so
# the second object is looked for right after the order: "my" (or "the") and a membership word
# that ends the request or its clause ("… please", "… with Kestrel", "… because …", a full
# stop), not one that goes on ("… and the plus size jeans", "… and the plus-size leggings",
# "… and my account is still charged"), nor one of a verb of its own ("… and refund my
# account").
_AND_RELATION = re.compile(
    r"\s*,?\s*(?:and|&|as well as|plus)\s+(?:my|the|our|that)\s+(?:[\w@#'+-]+\s+){0,2}?"
    r"(?:memberships?|subscriptions?|subs?|account|acct|plan|prime|plus|premium|pass|club|"
    r"loyalty|rewards|auto-?renew(?:al)?)"
    r"(?=\s*(?:$|[^\w\s'’-]|(?:please|pls|plz|too|also|as well|today|now|asap|immediately|"
    r"right away|thanks|thank you|thx|with|at|from|on|for good|because|since|as|if|unless|"
    r"cause|cuz|bc|so|but|and|or|until|till|effective|starting)\b))")


def _order_or_more(norm: str, end: int, brand: str | None,
                   third: bool) -> tuple[str, int, str | None, bool]:
    """An order cancelled, or with it what makes it churn ("… and my membership")."""
    more = _AND_RELATION.match(norm, end)
    if more is not None:
        return "relation", more.end(), brand, third
    return "order", end, brand, third


def _qualify(hit: _Hit, rule: Rule, table: Language, ctx: _Context, *, order: bool,
             pronoun: bool, third: bool) -> None:
    """Set the hit's intent and flags from the cues around it."""
    pre = ctx.pre_clause
    cue = None
    blocked = table.blocked.search(pre)
    negation = None if blocked else table.negation.search(pre)
    negated = negation is not None or bool(
        table.post_negation and table.post_negation.match(ctx.post_clause))
    tentative = bool(table.tentative.search(pre))
    conditional = bool(table.conditional.search(ctx.pre_sentence)
                       or table.conditional_after.search(ctx.post_sentence))
    third = rule.person and (third or bool(table.third.search(pre)))
    imminent = table.imminent.search(pre)
    if order:
        hit.intent, hit.negated = (0.05, True) if negated else (0.3, False)
        cue = negation
    elif negated:
        hit.intent, hit.negated, cue = 0.05, True, negation
    elif blocked:
        hit.intent, cue = 0.85, blocked
    elif table.how.search(pre):
        hit.intent = 0.8
    elif table.should.search(pre):
        hit.intent, hit.hypothetical = 0.6, True
    elif imminent:
        hit.intent, hit.hypothetical, cue = 0.8, True, imminent
    elif third:
        hit.intent = 0.3 if tentative or conditional else 0.35
        hit.hypothetical = tentative or conditional
    elif tentative:
        hit.intent, hit.hypothetical = 0.6, True
    elif conditional:
        hit.intent, hit.hypothetical = 0.65, True
    elif pronoun:
        hit.intent -= 0.1
    if cue is not None:  # the phrase reads "won't cancel", "about to cancel"
        word = _WORD_TAIL.search(pre, 0, cue.start())  # whole words: "won't", not "n't"
        hit.start = min(hit.start, ctx.clause_start + (word.start() if word else cue.start()))


def _arrows(norm: str, mentions: list[_Mention]) -> list[_Hit]:
    """"Kestrel → Trovia": a switch written as an arrow between two brands."""
    hits = []
    for left, right in pairwise(mentions):
        if left.brand != right.brand and _ARROW.fullmatch(norm, left.end, right.start):
            hits.append(_Hit(left.start, right.end, 0.85, target=left.brand, dest=right.brand))
    return hits
