"""Brand names that are also words a scoring model weighs, masked in the posts naming them.

A brand's name is no evidence of how its author feels or whether they complain. But "Happy
Socks", "Best Buy" or "Free People" hold words VADER scores as positive, so every post naming
them would read as praise; and "Kestrel Plus" holds "plus", a complaint word to the complaint
model (+0.47 log-odds). In the posts that name the brand, such a name is replaced by
:data:`BRAND_TOKEN`, a word no model knows, so it weighs nothing, as other names do. A name is
found as the matcher finds it: its words in order, with only spaces between them ("Happy
Socks", not "… not happy. Socks too small").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable

# What a masked brand name reads as: a word no model or lexicon here knows.
BRAND_TOKEN = "brandname"


def _name_pattern(name: str) -> str:
    """``name`` as a whole word or words. The left boundary is checked after the first
    character: a pattern that opens with a look-behind is tried at every position, twice as
    slow here."""
    body = r"\s+".join(map(re.escape, name.split()))
    end = r"(?!\w)" if re.match(r"\w", name[-1]) else ""
    first = re.escape(name[0])
    if not re.match(r"\w", name[0]):
        return rf"(?<![\w@#]){body}{end}"
    return rf"{first}(?<![\w@#]{first}){body[len(first):]}{end}"


class BrandWords:
    """A brand's names that hold a word a model weighs.

    Handles are never masked: the complaint model learnt from tweets to brands' handles
    (which it reads as ``@user``), and VADER does not know a handle as a word.

    Example::

        words = BrandWords.of(["Kestrel", "Kestrel Plus", "@KestrelHelp"], tokenise, weights)
        words.mask("my Kestrel Plus order")
        # 'my brandname order'
    """

    __slots__ = ("names", "pattern", "words")

    def __init__(self, names: Iterable[str], words: frozenset[str]) -> None:
        self.names = sorted(set(names), key=len, reverse=True)  # longest first
        self.words = words  # the weighed words in them: a post without one needs no mask
        # Case aside, as the matcher finds them: whole words, spaces between them.
        self.pattern = re.compile("|".join(map(_name_pattern, self.names)), re.IGNORECASE)

    @classmethod
    def of(cls, terms: Iterable[str], tokenise: Callable[[str], list[str]],
           vocabulary: Collection[str]) -> BrandWords | None:
        """The names among ``terms`` that hold a word of ``vocabulary`` once ``tokenise``
        has split them; None when none does."""
        names: list[str] = []
        words: set[str] = set()
        for term in terms:
            if term.startswith(("@", "u/")) or not term.strip():
                continue
            weighed = [word for word in tokenise(term) if word in vocabulary]
            if weighed:
                names.append(" ".join(term.split()))
                words.update(weighed)
        return cls(names, frozenset(words)) if names else None

    def mask(self, text: str) -> str | None:
        """``text`` with each of the names replaced by :data:`BRAND_TOKEN`, or None when it
        holds none. Most texts are settled by substring search: without a weighed word, no
        name is there."""
        lowered = text.lower()
        if not any(map(lowered.__contains__, self.words)):
            return None
        # No word character touches a name (see the pattern): the token stands alone as it is,
        # and punctuation after it stays attached, as it was to the name.
        masked, count = self.pattern.subn(BRAND_TOKEN, text)
        return masked if count else None
