"""Tag posts with the brands they name: names, aliases, handles, hashtags and subreddits.

Terms match on word boundaries and case-insensitively ("Kestrel's" and "#Kestrel" name Kestrel;
"KestrelCam" and "apexlegends" do not name "Kestrel" or "Apex"). A brand's ``exclude`` phrases
mask the text they cover before that brand is matched, so "American kestrel" is not a mention
while "saw an american kestrel, then my Kestrel order arrived" still is.

A message in the brand's own Discord community (``[community] brand``) names that brand even when
its text names none, as a post in the brand's subreddit does (rule ``community:discord``).

A brand with a ``query`` is matched by its query alone (the query language of ``earful.query``,
which can also look at the platform, author, subreddit and language). Topics are queries too:
a post carries every topic whose query it matches.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from earful.config import BrandConfig, TopicConfig
from earful.models import BrandMatch, Post, handle_key
from earful.query import Document, Query

_SPACES = re.compile(r"\s+")


# A brand name ends where Latin letters and digits end: "KestrelCam" is another word, but in
# Japanese "Kestrelの注文" the name is followed directly by kana and still names the brand.
_LATIN = r"0-9A-Za-z_\u00c0-\u024f"


_LATIN_CHAR = re.compile(rf"[{_LATIN}]")
_LEFT_BLOCKERS = re.compile(rf"[{_LATIN}@#]")


def _term_parts(term: str, *, left: bool = True) -> tuple[str, str, str]:
    """A term's pattern as (the character class that must not precede it, or "", its body,
    the look-ahead that ends it, or "")."""
    body = r"\s+".join(re.escape(word) for word in term.lower().split())
    needs_left = left and (term[0] in "@#" or _LATIN_CHAR.match(term[0]))
    before = rf"[{_LATIN}@#]" if needs_left else ""
    after = rf"(?![{_LATIN}])" if re.match(rf"[{_LATIN}]", term[-1]) else ""
    return before, body, after


def _term_pattern(term: str, *, left: bool = True) -> str:
    before, body, after = _term_parts(term, left=left)
    return (f"(?<!{before})" if before else "") + body + after


def _exclusion_pattern(terms: Sequence[str]) -> re.Pattern[str]:
    """Any of ``terms`` on word boundaries, longest first, case-insensitively.

    Grouped by first character, with the left boundary checked just after it: a pattern that
    opens with a look-behind makes ``re`` try every position, several times slower.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for term in sorted(terms, key=len, reverse=True):
        before, body, after = _term_parts(term)
        lead = re.escape(term.lower().split()[0][0])
        groups.setdefault((lead, before), []).append(body[len(lead):] + after)
    branches = []
    for (lead, before), tails in groups.items():
        behind = f"(?<!{before}{lead})" if before else ""
        branches.append(f"{lead}{behind}(?:{'|'.join(tails)})")
    return re.compile("|".join(branches), re.IGNORECASE)


class _Exclusion:
    """A brand's ``exclude`` phrases: where they occur in a lowercased text."""

    def __init__(self, terms: Sequence[str]) -> None:
        self.pattern = _exclusion_pattern(terms)
        # Most posts hold no excluded phrase. A phrase only occurs where each of its words
        # does, so where one word of each is missing (a few substring searches) none does.
        # Of each phrase, the word fewest phrases share ("falcon" in "kestrel falcon"), and of
        # those the longest. The pattern ignores case: in lowercased text an ASCII word
        # occurs as itself, or with "ı" for "i" or "ſ" for "s" (the only characters outside
        # ASCII that match an ASCII one, "İ" and the Kelvin sign lowercasing to ASCII).
        phrases = [term.lower().split() for term in terms]
        shared = Counter(word for words in phrases for word in set(words))
        chosen = {min(words, key=lambda word: (shared[word], -len(word))) for words in phrases}
        needles = tuple(sorted(w for w in chosen if not any(o != w and o in w for o in chosen)))
        self._needles = needles if all(word.isascii() for word in needles) else None

    def spans(self, lowered: str) -> list[tuple[int, int]]:
        if self._needles is not None and not any(map(lowered.__contains__, self._needles)) \
                and "ı" not in lowered and "ſ" not in lowered:
            return []
        return [m.span() for m in self.pattern.finditer(lowered)]


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).lower()


class Matcher:
    """Find configured brands in posts.

    Example::

        matcher = Matcher(settings.brands)
        matcher.match_text("switching from @NimbusMarket to Kestrel")
        # [BrandMatch('Nimbus', 'competitor', 'handle:@NimbusMarket'),
        #  BrandMatch('Kestrel', 'brand', 'name:Kestrel')]
    """

    def __init__(self, brands: Sequence[BrandConfig], topics: Sequence[TopicConfig] = (),
                 detect: Callable[[str], str] | None = None, *,
                 community: str | None = None) -> None:
        # detect: text → language code, for `lang:` filters on posts without a platform tag.
        # community: the brand our Discord community is about (`[community] brand`).
        self.detect = detect
        own = next((b for b in brands if community and b.name == community), None)
        self._community = (BrandMatch(own.name, own.role, "community:discord")
                           if own is not None else None)
        self._queries = [(Query(b.query), BrandMatch(b.name, b.role, f"query:{b.query}"))
                         for b in brands if b.query]
        by_query = {term.brand for _, term in self._queries}
        self._topics = [(topic.name, Query(topic.query)) for topic in topics]
        brands = [brand for brand in brands if brand.name not in by_query]
        # BrandMatch is immutable: one per term serves every post that names it.
        self._terms: dict[str, BrandMatch] = {}
        self._subreddits: dict[str, BrandMatch] = {}
        self._own_handles: dict[str, str] = {}
        self._exclusions: dict[str, _Exclusion] = {}
        for brand in brands:
            kinds = [("name", [brand.name]), ("name", [brand.display_name or brand.name]),
                     ("alias", brand.aliases), ("handle", brand.handles),
                     ("hashtag", brand.hashtags)]
            for kind, terms in kinds:
                for term in terms:
                    self._terms.setdefault(_norm(term), BrandMatch(brand.name, brand.role,
                                                              f"{kind}:{term}"))
            for subreddit in brand.subreddits:
                self._subreddits[subreddit.lower()] = BrandMatch(
                    brand.name, brand.role, f"subreddit:r/{subreddit}")
            for handle in brand.handles:
                self._own_handles[handle_key(handle)] = brand.name
            if brand.exclude:
                self._exclusions[brand.name] = _Exclusion(brand.exclude)
        # Longest first, so "Kestrel Goods" wins over "Kestrel" at the same position. The
        # pattern runs on lowercased text and checks the left boundary in Python: without
        # IGNORECASE and a leading look-behind, `re` can skip ahead by the terms' first letters.
        ordered = sorted(self._terms, key=len, reverse=True)
        self._pattern = (re.compile("|".join(_term_pattern(t, left=False) for t in ordered))
                         if ordered else None)

    def document(self, text: str, community: str | None = None, *, platform: str | None = None,
                 author: str | None = None, lang: str | None = None) -> Document:
        """What brand and topic queries see of a post."""
        language: str | Callable[[], str] | None = lang
        if not lang and self.detect is not None:
            detect = self.detect
            language = lambda: detect(text)  # noqa: E731
        return Document(text, platform=platform, author=author, community=community,
                        language=language)

    def match_text(self, text: str, community: str | None = None, *, platform: str | None = None,
                   author: str | None = None, lang: str | None = None,
                   doc: Document | None = None) -> list[BrandMatch]:
        """The brands a text names (each once, in order of first appearance; brands matched by
        their query after those)."""
        found = self._match_terms(text, community)
        for query, term in self._queries:
            if doc is None:
                doc = self.document(text, community, platform=platform, author=author, lang=lang)
            if query.matches(doc):
                found.append(term)
        if not found and self._community is not None and platform == "discord":
            found.append(self._community)  # a message in our own community is about us
        return found

    def topics(self, text: str, community: str | None = None, *, platform: str | None = None,
               author: str | None = None, lang: str | None = None,
               doc: Document | None = None) -> list[str]:
        """The configured topics whose query the post matches, in configured order."""
        if not self._topics:
            return []
        doc = doc or self.document(text, community, platform=platform, author=author, lang=lang)
        return [name for name, query in self._topics if query.matches(doc)]

    def _match_terms(self, text: str, community: str | None) -> list[BrandMatch]:
        found: dict[str, BrandMatch] = {}
        if community:
            term = self._subreddits.get(community.lower())
            if term is not None:
                found[term.brand] = term
        masked: dict[str, list[tuple[int, int]]] = {}
        lowered = text.lower()
        if self._pattern is None:
            return list(found.values())
        for hit in self._pattern.finditer(lowered):
            start = hit.start()
            if start and _LEFT_BLOCKERS.match(lowered, start - 1) and (
                    _LATIN_CHAR.match(lowered, start)
                    or lowered[start] in "@#"):
                continue  # "xkestrel" or "@@handle": not on a word boundary
            group = hit.group()
            term = self._terms.get(group) or self._terms[_norm(group)]  # "kestrel\n plus"
            if term.brand in found:
                continue
            exclusion = self._exclusions.get(term.brand)
            if exclusion is not None:
                spans = masked.get(term.brand)
                if spans is None:
                    spans = masked[term.brand] = exclusion.spans(lowered)
                if any(begin <= start < end for begin, end in spans):
                    continue
            found[term.brand] = term
        return list(found.values())

    def match(self, post: Post) -> list[BrandMatch]:
        """The brands a post names, including by the subreddit it was posted in."""
        return self.match_text(post.text, **self._post_fields(post))

    def post_topics(self, post: Post) -> list[str]:
        """The topics of a collected post."""
        return self.topics(post.text, **self._post_fields(post))

    @staticmethod
    def _post_fields(post: Post) -> dict[str, str | None]:
        author = post.author
        return {"community": post.community if post.platform == "reddit" else None,
                "platform": post.platform, "lang": post.lang,
                "author": (author.handle or author.native_id) if author else None}

    def own_brand(self, post: Post) -> str | None:
        """The brand whose own account wrote the post (a support reply), if any."""
        return self.own_handle(post.author.handle if post.author else None)

    def own_handle(self, handle: str | None) -> str | None:
        """The brand whose own account ``handle`` is, if any."""
        return self._own_handles.get(handle_key(handle)) if handle else None
