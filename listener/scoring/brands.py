"""Brand names that are also words a scoring model weighs, masked in the posts naming them.

A brand's name is no evidence of how its author feels or whether they complain. But "Happy
Socks", "Best Buy" or "Free People" hold words VADER scores as positive, so every post naming
them would read as praise; and "Kestrel Plus" holds "plus", a complaint word to the complaint
model (+0.47 log-odds). In the posts that name the brand, such a name is read as one
:data:`BRAND_TOKEN`, a word no model knows, so it weighs nothing, as other names do.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

# What a masked brand name reads as: a word no model or lexicon here knows.
BRAND_TOKEN = "brandname"


class BrandWords:
    """A brand's names that hold a word a model weighs, as that model's tokens.

    Handles are never masked: the complaint model learnt from tweets to brands' handles
    (which it reads as ``@user``), and VADER does not know a handle as a word.

    Example::

        words = BrandWords.of(["Kestrel", "Kestrel Plus", "@KestrelHelp"], tokenise, weights)
        words.mask(tokenise("my Kestrel Plus order"))  # ['my', 'brandname', 'order']
    """

    __slots__ = ("names", "starts", "words")

    def __init__(self, names: Iterable[tuple[str, ...]], words: frozenset[str]) -> None:
        self.names = sorted(set(names), key=len, reverse=True)  # longest first
        self.words = words  # the weighed words among them: a post without one needs no mask
        # Each weighed word, with the names holding it and where: a name is looked for only
        # where one of its weighed words stands.
        self.starts: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for name in self.names:
            for offset, word in enumerate(name):
                if word in words:
                    self.starts.setdefault(word, []).append((offset, name))

    @classmethod
    def of(cls, terms: Iterable[str], tokenise: Callable[[str], list[str]],
           vocabulary: Collection[str]) -> BrandWords | None:
        """The names among ``terms`` that hold a word of ``vocabulary``, as ``tokenise``
        splits them; None when none does."""
        names = {tuple(tokenise(term)) for term in terms if not term.startswith(("@", "u/"))}
        names = {name for name in names if name and any(word in vocabulary for word in name)}
        if not names:
            return None
        return cls(names, frozenset(w for name in names for w in name if w in vocabulary))

    def spans(self, tokens: list[str]) -> list[tuple[int, int]]:
        """Where in ``tokens`` the names stand, as (start, end) indices, in order; of names
        overlapping, the one starting first, then the longest."""
        if self.words.isdisjoint(tokens):
            return []
        candidates = []
        for word, names in self.starts.items():
            index = -1
            while True:
                try:
                    index = tokens.index(word, index + 1)
                except ValueError:
                    break
                for offset, name in names:
                    start = index - offset
                    if start >= 0 and tuple(tokens[start : start + len(name)]) == name:
                        candidates.append((start, start + len(name)))
        candidates.sort(key=lambda span: (span[0], span[0] - span[1]))
        found: list[tuple[int, int]] = []
        for start, end in candidates:
            if not found or start >= found[-1][1]:
                found.append((start, end))
        return found

    def mask(self, tokens: list[str]) -> list[str]:
        """``tokens`` with each name replaced by :data:`BRAND_TOKEN`."""
        return replace(tokens, self.spans(tokens))


def replace(tokens: list[str], spans: list[tuple[int, int]]) -> list[str]:
    """``tokens`` with each of ``spans`` (from :meth:`BrandWords.spans`) one BRAND_TOKEN."""
    if not spans:
        return tokens
    masked: list[str] = []
    last = 0
    for start, end in spans:
        masked += tokens[last:start]
        masked.append(BRAND_TOKEN)
        last = end
    masked += tokens[last:]
    return masked
