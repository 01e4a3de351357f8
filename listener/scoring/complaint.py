"""Complaint signal: is the author of a post complaining?

Runtime half of the complaint scorer. English text is scored by a small logistic-regression
model over word n-grams and a few cue flags (weights shipped as JSON, trained by
:mod:`listener.scoring.complaint_train`); other languages fall back to a cue lexicon. Both
paths return a probability in [0, 1] where 0.5 is the decision threshold, plus a short reason
a brand team can read.

This module must stay importable without scikit-learn: only the standard library and orjson.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from itertools import repeat
from pathlib import Path
from typing import Any

import orjson

from listener.scoring.brands import BrandWords

__all__ = [
    "DEFAULT_MODEL_PATH",
    "ComplaintModel",
    "complaint_features",
    "multilingual_complaint",
]

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "data" / "complaint_model.json"

# --------------------------------------------------------------------------------------------
# Featuriser (shared by training and inference)
# --------------------------------------------------------------------------------------------

# Case-sensitive on purpose: IGNORECASE makes the scan ~2.5x slower and "HTTP://" is rare.
_URL_RE = re.compile(r"https?://\S+|www\.\S+")
_MENTION_RE = re.compile(r"@\w+")
# Non-ASCII punctuation, symbols and emoji become spaces; letters in any script are kept.
_NON_ASCII_SEPARATOR_RE = re.compile(r"[^\w\s'@]|_")
# The non-ASCII characters common in English tweets, replaced cheaply so most such tweets can
# take the ASCII fast path ("\ufffd" is what mangled emoji decode to).
_COMMON_NON_ASCII = (
    ("\u2019", "'"), ("\u2018", "'"), ("\u201c", " "), ("\u201d", " "), ("\u2026", " "),
    ("\ufffd", " "), ("\u2014", " "), ("\u2013", " "), ("\u00a0", " "),
)  # fmt: skip


def _byte_table() -> bytes:
    """ASCII translation: lowercase letters, every digit -> "0", punctuation -> space.

    "@" survives for the ``@user`` token and "'" for contractions ("hasn't"). Bytes >= 0x80
    (UTF-8 continuation bytes) map to themselves so non-ASCII text decodes unchanged.
    """
    table = bytearray(range(256))
    for byte in range(128):
        char = chr(byte)
        if char.isdigit():
            table[byte] = ord("0")
        elif char.isupper():
            table[byte] = ord(char.lower())
        elif not char.isalnum() and char not in "@'":
            table[byte] = ord(" ")
    return bytes(table)


# Translating bytes is several times faster than str.translate or a regex, and normalisation is
# most of predict()'s time budget.
_BYTE_TABLE = _byte_table()

_NEGATIONS_BARE = (
    "not", "no", "never", "nobody", "nothing", "none", "nowhere", "neither", "nor", "cannot",
    "cant", "dont", "doesnt", "didnt", "wont", "isnt", "wasnt", "arent", "werent", "hasnt",
    "havent", "hadnt", "couldnt", "shouldnt", "wouldnt",
)  # fmt: skip
_NEGATIONS = frozenset(
    [*_NEGATIONS_BARE, *(w[:-2] + "n't" for w in _NEGATIONS_BARE if w.endswith("nt"))]
)

URL_TOKEN = "http"
MENTION_TOKEN = "@user"
NUMBER_TOKEN = "0"
_PLACEHOLDERS = frozenset((URL_TOKEN, MENTION_TOKEN, NUMBER_TOKEN))


def normalise(text: str) -> str:
    """Return ``text`` lowercased, URLs -> ``http``, @mentions -> ``@user``, digit runs -> ``0``.

    HTML entities (``&amp;``) are unescaped, typographic apostrophes become ``'``, and all other
    punctuation, symbols and emoji become spaces, so ``normalise(text).split()`` is the token
    sequence (with quote marks around words still to strip, see :func:`tokenise`).
    """
    if "&" in text:
        text = html.unescape(text)
    if "http" in text or "www." in text:
        text = _URL_RE.sub(" http ", text)
    if "@" in text:
        text = _MENTION_RE.sub(" @user ", text)
    if text.isascii():
        text = text.encode("ascii").translate(_BYTE_TABLE).decode("ascii")
    else:
        for char, replacement in _COMMON_NON_ASCII:
            if char in text:
                text = text.replace(char, replacement)
        if not text.isascii():
            text = _NON_ASCII_SEPARATOR_RE.sub(" ", text)
        if text.isascii():
            text = text.encode("ascii").translate(_BYTE_TABLE).decode("ascii")
        else:
            # Letters outside ASCII ("café"): the byte table leaves UTF-8 bytes >= 0x80 alone,
            # so they are lowercased here.
            text = text.lower().encode().translate(_BYTE_TABLE).decode()
    while "00" in text:
        text = text.replace("00", "0")
    return text


def tokenise(text: str) -> list[str]:
    """Return the word tokens of ``text`` after :func:`normalise`, without surrounding quotes."""
    text = normalise(text)
    if "'" in text:
        # Quote marks around words are not part of them; apostrophes inside ("hasn't") are.
        text = f" {text} "
        if " '" in text or "' " in text:
            text = text.replace(" '", " ").replace("' ", " ").replace(" '", " ")
    return text.split()


def complaint_features(text: str, sentiment: float | None) -> list[str]:
    """Return the de-duplicated feature names for ``text``, in first-seen order.

    Features are lowercased word unigrams (``refund``) and bigrams (``still waiting``) of
    :func:`tokenise`'s tokens (handles are ``@user``, links ``http``, numbers ``0``), plus cue
    flags: ``cue:question``, ``cue:exclaim``, ``cue:negation`` (a negation word or "n't") and,
    when ``sentiment`` (a VADER compound score in [-1, 1]) is given, one of ``sent:neg2``,
    ``sent:neg1``, ``sent:neu``, ``sent:pos1``, ``sent:pos2``. The output depends only on the
    arguments, so training and inference see identical features.
    """
    return list(_features(text, sentiment))


def _features(text: str, sentiment: float | None,
              brands: Sequence[BrandWords] = ()) -> dict[str, None]:
    """:func:`complaint_features` as the keys of a dict, in the same order; the names of
    ``brands`` read as one word the model does not know."""
    for brand in brands:
        text = brand.mask(text) or text
    tokens = tokenise(text)
    # zip, not pairwise (a third slower here): " ".join frees each pair at once, and zip
    # then reuses one tuple for all of them.
    feats = tokens + list(map(" ".join, zip(tokens, tokens[1:], strict=False)))  # noqa: RUF007
    if "?" in text:
        feats.append("cue:question")
    if "!" in text:
        feats.append("cue:exclaim")
    if not _NEGATIONS.isdisjoint(tokens) or "n't" in text or "n\u2019t" in text:
        feats.append("cue:negation")
    if sentiment is not None:
        feats.append(
            "sent:neg2" if sentiment <= -0.5
            else "sent:neg1" if sentiment <= -0.05
            else "sent:neu" if sentiment < 0.05
            else "sent:pos1" if sentiment < 0.5
            else "sent:pos2"
        )  # fmt: skip
    # Training counts each feature once (binary), so inference must not count repeats twice.
    return dict.fromkeys(feats)


_CUE_LABELS = {
    "cue:question": "question mark",
    "cue:exclaim": "exclamation mark",
    "cue:negation": "negation",
    "sent:neg2": "very negative tone",
    "sent:neg1": "negative tone",
    "sent:neu": "neutral tone",
    "sent:pos1": "positive tone",
    "sent:pos2": "very positive tone",
}


def _readable(feature: str) -> str | None:
    """Human label for a feature, or None when it would not name anything the author wrote."""
    label = _CUE_LABELS.get(feature)
    if label is not None:
        return label
    # Digits are all read as "0": "0th" would misquote the author's "4th".
    if any(part in _PLACEHOLDERS or NUMBER_TOKEN in part for part in feature.split(" ")):
        return None
    return f"'{feature}'"


# --------------------------------------------------------------------------------------------
# Non-English fallback: cue lexicon
# --------------------------------------------------------------------------------------------

# Cue -> strength. 1.0 is enough on its own to cross 0.5; 0.6 needs company; negative values
# are thanks/praise phrases that pull a message back down. A trailing "*" matches word prefixes
# (German compounds: "Rückerstattungsantrag").
_LEXICON: dict[str, dict[str, float]] = {
    "es": {
        "reembolso": 1.0, "devolución del dinero": 1.0, "devuelvan mi dinero": 1.0,
        "todavía no": 0.8, "aún no": 0.8, "no ha llegado": 1.0, "no me ha llegado": 1.0,
        "nunca llegó": 1.0, "no llegó": 0.8, "sigo esperando": 1.0, "llevo esperando": 1.0,
        "nadie responde": 1.0, "nadie contesta": 1.0, "sin respuesta": 0.8,
        "pésimo": 1.0, "pésima": 1.0, "vergüenza": 1.0, "estafa": 1.0, "queja": 1.0,
        "reclamo": 0.8, "reclamación": 0.8, "no funciona": 1.0, "roto": 0.6, "rota": 0.6,
        "defectuoso": 1.0, "harto": 1.0, "harta": 1.0, "inaceptable": 1.0, "lamentable": 0.8,
        "peor servicio": 1.0, "me cobraron": 0.6, "cobro indebido": 1.0,
        "no llega": 1.0, "no me llega": 1.0, "sigue sin llegar": 1.0, "tengo un problema": 0.8,
        "problema con": 0.6, "dinero de vuelta": 1.0, "quiero mi dinero": 1.0, "retraso": 0.8,
        "atrasado": 0.8, "equivocado": 0.8, "equivocada": 0.8, "decepcionado": 0.8,
        "decepcionada": 0.8, "mal servicio": 1.0,
        "muchas gracias": -0.8, "gracias por": -0.6, "excelente": -0.6,
    },
    "fr": {
        "remboursement": 1.0, "rembourser": 0.8, "remboursez": 1.0, "toujours pas": 1.0,
        "toujours rien": 1.0, "jamais reçu": 1.0, "pas reçu": 1.0, "pas encore reçu": 1.0,
        "j'attends toujours": 1.0, "aucune réponse": 1.0, "personne ne répond": 1.0,
        "sans réponse": 0.8, "arnaque": 1.0, "escroquerie": 1.0, "honteux": 1.0, "honte": 0.8,
        "scandaleux": 1.0, "inadmissible": 1.0, "inacceptable": 1.0, "nul": 0.6,
        "lamentable": 0.8, "déçu": 0.8, "déçue": 0.8, "ne fonctionne pas": 1.0,
        "ne marche pas": 1.0, "en panne": 0.8, "cassé": 0.6, "plainte": 1.0,
        "réclamation": 0.8, "pire service": 1.0, "débité": 0.6,
        "rien ne marche": 1.0, "ne marche plus": 1.0, "ne fonctionne plus": 1.0,
        "être remboursé": 1.0, "en retard": 0.8, "toujours en attente": 1.0,
        "colis perdu": 1.0, "mauvaise taille": 0.8, "service client nul": 1.0,
        "retards": 0.8, "trop de retard": 0.8, "ça suffit": 0.8,
        "merci beaucoup": -0.8, "merci pour": -0.6, "parfait": -0.6,
    },
    "de": {
        "rückerstattung*": 1.0, "erstattung*": 0.8, "geld zurück": 1.0, "immer noch nicht": 1.0,
        "immer noch kein": 1.0, "noch nicht angekommen": 1.0, "nie angekommen": 1.0,
        "nicht erhalten": 1.0, "nie erhalten": 1.0, "warte seit": 1.0, "keine antwort": 1.0,
        "niemand antwortet": 1.0, "kaputt": 1.0, "defekt": 1.0, "beschwerde": 1.0,
        "reklamation": 0.8, "unverschämt": 1.0, "frechheit": 1.0, "katastrophe": 1.0,
        "katastrophal": 1.0, "enttäuscht": 0.8, "schlechtester service": 1.0,
        "funktioniert nicht": 1.0, "geht nicht": 0.6, "betrug": 1.0, "abzocke": 1.0,
        "ärgerlich": 0.8, "inakzeptabel": 1.0,
        "nicht angekommen": 1.0, "wo bleibt": 1.0, "reagiert nicht": 1.0,
        "reagiert überhaupt nicht": 1.0, "keine reaktion": 1.0, "warte ich": 0.8,
        "seit wochen": 0.8, "verspätet": 0.8, "verspätung": 0.8, "falsche größe": 0.8,
        "falscher artikel": 1.0, "mein geld": 0.6,
        "vielen dank": -0.8, "danke für": -0.6, "perfekt": -0.6,
    },
    "pt": {
        "reembolso": 1.0, "estorno": 1.0, "ainda não chegou": 1.0, "ainda não recebi": 1.0,
        "não chegou": 1.0, "nunca chegou": 1.0, "não recebi": 1.0, "continuo esperando": 1.0,
        "ninguém responde": 1.0, "sem resposta": 0.8, "péssimo": 1.0, "péssima": 1.0,
        "vergonha": 1.0, "absurdo": 1.0, "golpe": 0.8, "reclamação": 1.0,
        "não funciona": 1.0, "quebrado": 0.8, "quebrou": 0.8, "defeito": 1.0,
        "decepcionado": 0.8, "descaso": 1.0, "pior atendimento": 1.0,
        "cobrança indevida": 1.0, "palhaçada": 1.0, "lixo": 0.8,
        "muito obrigado": -0.8, "muito obrigada": -0.8, "obrigado pela": -0.6,
        "tenho um problema": 0.8, "problema com": 0.6, "dinheiro de volta": 1.0,
        "atrasada": 0.8, "atrasado": 0.8, "atraso": 0.8, "que raiva": 1.0, "e nada": 0.8,
        "até agora nada": 1.0, "errado": 0.6, "errada": 0.6,
        "obrigada pela": -0.6, "perfeito": -0.6,
    },
    "it": {
        "rimborso": 1.0, "non è arrivato": 1.0, "non è ancora arrivato": 1.0,
        "mai arrivato": 1.0, "non ho ricevuto": 1.0, "mai ricevuto": 1.0,
        "ancora niente": 1.0, "ancora nulla": 1.0, "sto ancora aspettando": 1.0,
        "nessuna risposta": 1.0, "nessuno risponde": 1.0, "vergogna": 1.0,
        "vergognoso": 1.0, "pessimo": 1.0, "pessima": 1.0, "schifo": 1.0, "truffa": 1.0,
        "reclamo": 1.0, "non funziona": 1.0, "rotto": 0.8, "guasto": 0.8, "difettoso": 1.0,
        "deluso": 0.8, "delusa": 0.8, "inaccettabile": 1.0, "peggior servizio": 1.0,
        "disservizio": 1.0, "addebito": 0.6,
        "ordine sbagliato": 1.0, "in ritardo": 0.8, "ancora in attesa": 1.0,
        "nessuna notizia": 1.0,
        "grazie mille": -0.8, "grazie per": -0.6, "perfetto": -0.6,
    },
}  # fmt: skip

_LANGUAGE_ALIASES = {
    "spa": "es", "spanish": "es", "fra": "fr", "fre": "fr", "french": "fr",
    "deu": "de", "ger": "de", "german": "de", "por": "pt", "portuguese": "pt",
    "ita": "it", "italian": "it",
}  # fmt: skip

# Logistic squash of the summed cue strengths: no cues -> ~0.14, one strong cue -> ~0.6.
_LEX_SLOPE = 2.2
_LEX_BIAS = -1.8


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _uncombined(found: re.Match[str]) -> str:
    """A non-ASCII character, or nothing for a combining one (an accent after NFKD): only
    these few characters of a text are looked at."""
    char = found.group()
    return "" if unicodedata.combining(char) else char


_LETTERS_DIGITS = re.compile(r"[^\W_]+")


def _fold(text: str) -> str:
    """Lowercase, strip accents, replace non-word characters with single spaces, pad with spaces.

    Accents are stripped because people type "todavia", "recu" and "Ruckerstattung" too.
    """
    text = text.replace("ß", "ss").lower()
    if not text.isascii():  # ASCII has no accents to strip
        text = _NON_ASCII.sub(_uncombined, unicodedata.normalize("NFKD", text))
    if "http" in text or "www." in text:
        text = _URL_RE.sub(" ", text)
    if "@" in text:
        text = _MENTION_RE.sub(" ", text)
    return " " + " ".join(_LETTERS_DIGITS.findall(text)) + " "


def _compile_lexicon(entries: dict[str, float]) -> tuple[tuple[str, str, float], ...]:
    """``(label, folded pattern, strength)`` per cue; prefix cues lose their trailing space."""
    compiled = []
    for cue, strength in entries.items():
        label = cue.rstrip("*")
        pattern = _fold(label).rstrip() if cue.endswith("*") else _fold(label)
        compiled.append((label, pattern, strength))
    return tuple(compiled)


_COMPILED_LEXICON = {lang: _compile_lexicon(entries) for lang, entries in _LEXICON.items()}
_ALL_LANGUAGES = tuple(_COMPILED_LEXICON.values())


def _lexicon_language(language: str) -> str | None:
    code = language.strip().lower().replace("_", "-").split("-")[0]
    code = _LANGUAGE_ALIASES.get(code, code)
    return code if code in _COMPILED_LEXICON else None


def multilingual_complaint(text: str, language: str) -> tuple[float, str]:
    """Score a non-English ``text`` from the cue lexicon of ``language`` (ISO 639-1/-3 code).

    Returns ``(probability, reason)``; 0.5 is the decision threshold. For a language without its
    own lexicon (or an unrecognised code) every lexicon is consulted. The reason names the cues
    found, in their dictionary spelling.
    """
    lang = _lexicon_language(language)
    lexicons = (_COMPILED_LEXICON[lang],) if lang else _ALL_LANGUAGES
    folded = _fold(text)
    score = 0.0
    found: list[tuple[float, str]] = []
    seen: set[str] = set()
    for lexicon in lexicons:
        for label, pattern, strength in lexicon:
            # Prefix patterns carry no trailing space, so they also match longer compounds.
            if pattern in folded and pattern not in seen:
                seen.add(pattern)
                score += strength
                if strength > 0:
                    found.append((strength, label))
    probability = 1.0 / (1.0 + math.exp(-(_LEX_SLOPE * score + _LEX_BIAS)))
    scope = f"{lang} lexicon" if lang else "multilingual lexicon"
    if not found:
        return probability, f"no complaint cues ({scope})"
    found.sort(key=lambda item: -item[0])
    cues = ", ".join(f"'{label}'" for _, label in found[:4])
    prefix = "complaint cues" if probability >= 0.5 else "weak complaint cues"
    return probability, f"{prefix}: {cues} ({scope})"


# --------------------------------------------------------------------------------------------
# English model
# --------------------------------------------------------------------------------------------

_ENGLISH = frozenset(("en", "und", "eng", "english", ""))
_REASON_TOP = 3
# A feature must add at least this much log-odds to be worth naming in a reason.
_REASON_MIN_WEIGHT = 0.15
# Named only when nothing more telling is present: "my" predicts complaints but explains little.
_FUNCTION_WORDS = frozenset((
    "a", "an", "the", "i", "me", "my", "mine", "we", "us", "our", "you", "your", "it", "its",
    "this", "that", "these", "those", "he", "she", "they", "them", "their", "is", "are", "was",
    "were", "be", "been", "being", "am", "do", "does", "did", "have", "has", "had", "to", "of",
    "in", "on", "at", "for", "with", "by", "from", "and", "or", "but", "so", "as", "if", "just",
))  # fmt: skip
_NO_CUES = "no complaint cues"
_OVERALL = "complaint signal from overall wording"
_ZEROS = repeat(0.0)


def _reason_rank(feature: str, weight: float) -> tuple[int, float]:
    """Sort key for reason candidates: content words first, then cue flags, then function words."""
    if ":" in feature:
        tier = 1
    elif all(part in _FUNCTION_WORDS for part in feature.split(" ")):
        tier = 2
    else:
        tier = 0
    return tier, -weight


def _negation_word(features: Iterable[str]) -> str | None:
    return next((f for f in features if f in _NEGATIONS or f.endswith("n't")), None)


class ComplaintModel:
    """Linear complaint model over :func:`complaint_features`, loaded from exported JSON.

    ``intercept`` already includes the threshold shift, so ``predict(...)[0] >= 0.5`` is the
    cross-validated F1-optimal decision.
    """

    __slots__ = ("_entries", "_get", "_reason_keys", "intercept", "meta", "weights")

    def __init__(
        self, intercept: float, weights: dict[str, float], meta: dict[str, Any] | None = None
    ) -> None:
        self.intercept = float(intercept)
        self.weights = weights
        self.meta = meta or {}
        self._get = weights.get
        # Reason candidates are fixed by the weights, so rank and label them once, not per call.
        self._entries: dict[str, tuple[int, float, str, str, frozenset[str]]] = {}
        for feature, weight in weights.items():
            label = _readable(feature) if weight >= _REASON_MIN_WEIGHT else None
            if label is not None:
                words = frozenset(feature.split(" "))
                self._entries[feature] = (*_reason_rank(feature, weight), feature, label, words)
        self._reason_keys = frozenset(self._entries)

    @classmethod
    def load(cls, path: Path | None = None) -> ComplaintModel:
        """Load the model JSON at ``path`` (default: the model shipped with the package).

        Raises ``FileNotFoundError`` when the file is missing and ``ValueError`` when it is not a
        complaint model export.
        """
        source = Path(path) if path is not None else DEFAULT_MODEL_PATH
        data = orjson.loads(source.read_bytes())
        if not isinstance(data, dict) or "intercept" not in data or "weights" not in data:
            raise ValueError(f"{source} is not a complaint model export")
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        meta = {k: v for k, v in data.items() if k != "weights"}
        return cls(data["intercept"], weights, meta)

    def brand_words(self, terms: Iterable[str]) -> BrandWords | None:
        """A brand's names (``terms``) that hold a word this model weighs: "Kestrel Plus"
        holds "plus", a complaint word to it (see :mod:`listener.scoring.brands`)."""
        return BrandWords.of(terms, tokenise, {f for f in self.weights if " " not in f})

    def predict(
        self, text: str, sentiment: float | None = None, language: str = "en",
        brands: Sequence[BrandWords] = (),
    ) -> tuple[float, str]:
        """Return ``(probability, reason)`` that the author of ``text`` is complaining.

        ``sentiment`` is the VADER compound score of ``text`` (pass the value the pipeline
        computed; ``None`` omits the tone feature). ``language`` other than English/undetermined
        is scored by the multilingual cue lexicon instead of the model. The probability is in
        [0, 1] with 0.5 as the decision threshold; the reason names up to three present features
        that push hardest towards "complaint" (words first), or says there are none.
        ``brands``: names of the brands the post names, masked (:meth:`brand_words`).
        """
        if language not in _ENGLISH and language.lower() not in _ENGLISH:
            return multilingual_complaint(text, language)
        features = _features(text, sentiment, brands)
        z = self.intercept + sum(map(self._get, features, _ZEROS))
        # Clamp so math.exp cannot overflow on adversarially long inputs.
        z = -30.0 if z < -30.0 else 30.0 if z > 30.0 else z
        probability = 1.0 / (1.0 + math.exp(-z))
        candidates = self._reason_keys.intersection(features)
        if not candidates:
            return probability, _OVERALL if probability >= 0.5 else _NO_CUES
        labels: list[str] = []
        named: set[str] = set()
        for tier, _weight, feature, label, words in sorted(
            map(self._entries.__getitem__, candidates)
        ):
            if tier == 2 and labels:
                break  # function words only when nothing more telling is present
            if feature == "cue:negation":
                word = _negation_word(features)
                if word is not None:
                    label, words = f"negation ('{word}')", frozenset((word,))
            # "my order" after "order" (or "never" after "never") would repeat the evidence.
            if not named.isdisjoint(words):
                continue
            named |= words
            labels.append(label)
            if len(labels) == _REASON_TOP:
                break
        prefix = "complaint cues: " if probability >= 0.5 else "weak complaint cues: "
        return probability, prefix + ", ".join(labels)
