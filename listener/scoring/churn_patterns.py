"""Per-language tables for :mod:`listener.scoring.churn`: trigger stems, churn phrases and cues.

Every pattern runs on *normalised* text: lowercased, accents stripped (``é`` -> ``e``,
``ü`` -> ``u``; ``ß`` stays) and typographic apostrophes turned into ``'``, with offsets equal
to the original's. Stems (for the prefilter) run on the merely lowercased text, so they list
accented and unaccented spellings.

A :class:`Rule` recognises the churn phrase itself ("switching to", "me doy de baja"); the
cues of its :class:`Language` then decide how strongly it is meant (negated, hypothetical,
a question, someone else). Brand slots are resolved by the detector: ``after`` is the role of
a brand named right after the phrase, ``before`` of one named right before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from listener.scoring.heads import Gate, GateIndex, heads

__all__ = [
    "BARE_OK",
    "CLAUSE_WORDS",
    "ELISIONS",
    "FROMWARD",
    "GENERIC",
    "LANGUAGES",
    "LEAVE_END",
    "MEMBERSHIP",
    "ORDER",
    "OTHER_OBJECT",
    "PASSIVE",
    "POSSESSIVE_THIRD",
    "PRONOUN_OBJECT",
    "SKIP_ADVERBS",
    "SKIP_DETERMINERS",
    "SWITCH_OBJECT",
    "TOWARD",
    "Language",
    "Rule",
]


@dataclass(frozen=True, slots=True)
class Rule:
    """One churn phrase. ``intent`` is its strength said plainly by the customer themself."""

    regex: re.Pattern[str]  # its match must start a word; the detector checks that
    intent: float
    # "membership"/"switch": the verb's object decides (subscription = churn, order = 0.3,
    # anything else = not churn); None: the phrase is churn by itself.
    objects: str | None = None
    bare: bool = True  # an object-less verb counts without a subject/auxiliary before it
    after: str | None = None  # "target" | "dest": role of a brand right after the phrase
    before: str | None = None  # role of a brand right before the phrase
    need: bool = False  # the main slot must name a brand or a generic referent ("them")
    proper: bool = False  # ... or an unknown Capitalised name ("switching to Amazon")
    person: bool = True  # the customer is the subject (not in "X lost a customer")
    requires: re.Pattern[str] | None = None  # must also occur in the same sentence
    reject_after: bool = False  # "leave Kestrel a review" is not leaving
    gate: Gate | None = None  # how its matches begin (see heads.py); None: always run


def rule(pattern: str, intent: float, *, objects: str | None = None, bare: bool = True,
         after: str | None = None, before: str | None = None, need: bool = False,
         proper: bool = False, person: bool = True, requires: str | None = None,
         reject_after: bool = False) -> Rule:
    """A :class:`Rule`. A leading ``\\b`` is checked by the detector instead (see ``regex``)."""
    # A pattern that opens with a literal or a set of literals lets `re` jump to candidate
    # positions; one that opens with \b is tried at every character, several times slower.
    if pattern.startswith(r"\b"):
        pattern = pattern[2:]
    regex = re.compile(pattern)
    return Rule(regex, intent, objects=objects, bare=bare, after=after,
                before=before, need=need, proper=proper, person=person,
                requires=re.compile(requires) if requires else None, reject_after=reject_after,
                gate=heads(regex))


@dataclass(frozen=True, slots=True)
class Language:
    """A language's churn phrases and the cues that qualify them."""

    code: str
    stems: tuple[str, ...]  # each starts a word: the prefilter anchors them after a boundary
    rules: tuple[Rule, ...]
    negation: re.Pattern[str]  # must end the clause before the phrase
    post_negation: re.Pattern[str] | None  # must start the clause after it (de "kündige nicht")
    blocked: re.Pattern[str]  # "can't cancel": wants to leave and cannot; ends the clause
    imminent: re.Pattern[str]  # "about to"; ends the clause
    how: re.Pattern[str]  # anywhere in the clause before
    should: re.Pattern[str]
    tentative: re.Pattern[str]
    third: re.Pattern[str]  # someone else is the subject; ends the clause
    conditional: re.Pattern[str]  # anywhere in the sentence before
    conditional_after: re.Pattern[str]  # anywhere in the sentence after
    clause_break: re.Pattern[str]
    index: GateIndex  # which rules may match a text (see heads.py)


_PUNCT_BREAK = r"[,:;()\[\]\"“”«»]|\s[-–—]\s|[–—]"


def _whole_words(words: str) -> str:
    """``\\b(?:words)\\b`` for "|"-separated plain words, shaped for the regex engine's speed:
    grouped by first letter, the left boundary checked just after it. The same matches; but
    a pattern that opens with ``\\b`` is tried at every position, several times slower."""
    groups: dict[str, list[str]] = {}
    for word in words.split("|"):
        assert re.fullmatch(r"\w[\w' ]*", word), word
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(rf"{re.escape(first)}(?<!\w{re.escape(first)})(?:{'|'.join(tails)})\b"
                    for first, tails in groups.items())


def _tail(cue: str, filler: str) -> re.Pattern[str]:
    # The cue, then only filler words ("not *going to* cancel"), then the phrase.
    return re.compile(rf"(?:{cue})(?:[\s']*\b(?:{filler})\b)*[\s']*$")


def language(code: str, *, stems: str, rules: list[Rule], neg: str, filler: str,
             blocked: str, imminent: str, how: str, should: str, tentative: str, third: str,
             third_filler: str, conditional: str, conditional_after: str, breaks: str,
             post_negation: str | None = None) -> Language:
    return Language(
        code=code,
        stems=tuple(stems.split("|")),
        rules=tuple(rules),
        negation=_tail(neg, filler),
        post_negation=re.compile(post_negation) if post_negation else None,
        blocked=_tail(blocked, filler),
        imminent=_tail(imminent, filler),
        how=re.compile(how),
        should=re.compile(should),
        tentative=re.compile(tentative),
        third=_tail(third, third_filler),
        conditional=re.compile(conditional),
        conditional_after=re.compile(conditional_after),
        clause_break=re.compile(rf"{_PUNCT_BREAK}|{_whole_words(breaks)}"),
        index=GateIndex([rule.gate for rule in rules]),
    )


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# What a cancel verb's object may be. Tokens are compared with French/Italian elisions
# ("l'abonnement") stripped.
MEMBERSHIP = _words(
    "membership memberships subscription subscriptions sub subs account acct plan prime plus "
    "premium pass club card loyalty rewards auto autorenew renew renewal trial contract box "
    "service suscripcion suscripciones membresia cuenta abono socio contrato servicio "
    "abonnement abonnements compte adhesion forfait carte contrat inscription abo abos "
    "mitgliedschaft konto vertrag kundenkonto assinatura assinaturas conta plano mensalidade "
    "servico inscricao abbonamento abbonamenti conto iscrizione tessera piano contratto"
)
SWITCH_OBJECT = _words(
    "providers provider brands stores shops sites companies retailers suppliers services "
    "apps platforms"
)
ORDER = _words(
    "order orders purchase package parcel delivery shipment preorder return item items "
    "payment transaction booking reservation cart pedido pedidos compra orden envio "
    "devolucion commande commandes colis livraison achat bestellung bestellungen lieferung "
    "paket kauf auftrag encomenda entrega ordine ordini spedizione pacco acquisto consegna"
)
OTHER_OBJECT = _words("job work arbeit stelle wohnung mietvertrag trabajo travail boulot lavoro")
PRONOUN_OBJECT = _words(
    "it them hers his theirs mine everything all shit crap bs garbage nonsense lo la le "
    "anything nothing nada rien nichts niente nulla tout todo tudo tutto alles"
)
POSSESSIVE_THIRD = _words(
    "his her hers their theirs su sus suya suyo son sa ses sein seine seinen ihr ihre ihren "
    "seu sua dele dela suo"
)
SKIP_DETERMINERS = _words(
    "the my our a an your this that these those from of de del la el los las mi mis un una "
    "le les mon ma mes du des mein meine meinen meinem das die den dem der o os as minha meu "
    "meus minhas do da no na il lo gli mio mia miei dal dalla al alla his her their son sa "
    "ses sein seine seinen ihr ihre ihren seu sua suo bei"
)
# Words after an object-less verb that keep it object-less ("I'm cancelling today").
SKIP_ADVERBS = _words(
    "now today tomorrow asap immediately too also well good forever lol lmao then already "
    "right away effective tbh honestly month week year weekend time tonight ya hoy ahora "
    "manana tambien mismo maintenant demain aussi deja jetzt sofort heute auch morgen gleich "
    "ich dann endlich agora hoje ja tambem amanha logo eu ora oggi subito domani anche gia io "
    "adesso just finally officially literally actually definitely def seriously totally "
    "really please not no never nicht nie pas jamais non nao mai probably prolly maybe "
    "possibly perhaps surely again by yesterday last earlier instead twice two three four "
    "five one multiple several many times"
)
# ... and words that start a new clause, so the verb had no object: "I'll cancel if ...".
CLAUSE_WORDS = _words(
    "after once when unless if because cause cuz since si cuando quand wenn falls weil se "
    "caso quando perche car parce porque pois sauf"
)
# Subject/auxiliary words that may stand right before an object-less verb: "I'm cancelling",
# "going to cancel", "voy a cancelar", "ich werde kündigen". Without one, "cancel culture".
BARE_OK = _words(
    "i i'm im i've ive i'll ill i'd id we we're we've we'll am are is will gonna wanna to do "
    "did does not never don't dont won't wont didn't didnt can't cant cannot might may could "
    "should would can about considering of and so he she they everyone everybody people or "
    "voy a vamos quiero yo no he hemos acabo de puedo debo deberia como que para lo "
    "je j'ai ai vais veux pour d' on pas dois peux va vont ils elle il faut comment ne "
    "ich werde will habe hab zu wir soll kann nicht wie muss mochte moechte "
    "vou eu pra vai nao acabei preciso ho sto voglio di per devo posso non vado come"
)
PASSIVE = _words("was were been be is are get got gets getting being")
ELISIONS = _words("l d j m n s t c qu dell all dall nell sull un")  # "l'abonnement"
# After "leaving X" / "done with X" the clause must end or go on to where or when: "ditching
# Kestrel for Trovia", "done with Kestrel forever" but not "left Kestrel a review", "dropped my
# Kestrel mug", "done with my Kestrel haul".
LEAVE_END = re.compile(
    r"(?!'s\b)\s*(?:$|[^\w\s@#]|(?:for|to|in|after|because|cause|cuz|since|and|but|today|now|"
    r"forever|already|too|completely|altogether|entirely|asap|finally|lol|tbh|over|at|this|"
    r"membership|subscription|account|per|pour|por|pela|pelo|zu|para|pra|par)\b)"
)
# A brand slot may instead hold someone unnamed: "done with them", "switching to another store".
GENERIC = re.compile(
    r"\s*(?:you(?: guys| all| people)?|y'?all|them|"
    r"(?:this|that|your|their|the) (?:company|brand|store|shop|app|site|website|service|place|"
    r"platform|business|retailer|crap|shit|nonsense|bs|garbage|joke)|"
    r"(?:another|a different|a new|a better|a cheaper|other) (?:store|shop|brand|company|site|"
    r"retailer|provider|service|app|platform|seller|one)|"
    r"(?:the|a) competitor|the competition|competitors?|"
    r"la competencia|otr[ao] (?:tienda|marca|empresa|sitio|pagina|proveedor)|"
    r"la concurrence|(?:un autre|une autre) (?:site|magasin|vendeur|marque|boutique|enseigne)|"
    r"(?:die )?konkurrenz|(?:einen|einem) anderen (?:shop|anbieter|handler|haendler)|"
    r"(?:a )?concorrencia|outr[ao] (?:loja|marca|empresa|site)|"
    r"la concorrenza|(?:un altro|un'altra) (?:negozio|sito|marca|azienda))\b"
)
# Between a brand being left and the next brand named: "Kestrel *for* Trovia", "X → Y".
TOWARD = re.compile(
    r"[\s,]*(?:->|→|=>|➡️?|⟶|>>|to|for|in favou?r of|over to|hello|hi|welcome|a|al|para|pra|"
    r"pro|por|pelo|pela|hola|pour|chez|au|bonjour|zu|zum|zur|fur|hallo|per|con|verso|oi|ola)?"
    r"\s*(?:the\s+|el\s+|la\s+|le\s+|die\s+|a\s+|o\s+|il\s+)?"
)
FROMWARD = re.compile(r"[\s,]*(?:from|instead of|de|del|desde|von|vom|da|dal|dalla|do)\s*")

# r"\b(?:(?<!even )if|unless|until|till|in case)\b", grouped by first letter (_whole_words)
_CONDITION_AFTER = r"i(?<!\wi)(?:(?<!even i)f|n case)\b|u(?<!\wu)n(?:less|til)\b|t(?<!\wt)ill\b"

EN = language(
    "en",
    stems=(
        "cancel|unsub|renew|switch|move to|moving|moved|move over|move my|go back|going back|"
        "went back|heading|head over|head back|jump|migrat|leav|left|ditch|dump|drop|quit|"
        "abandon|boycott|done with|finished with|through with|lost|elsewhere|somewhere else|"
        "take my|taking my|took my|takes my|never|again|anymore|any more|no longer|until|"
        "unless|won't be|wont be|won’t be|will not be|not coming|not returning|account|acct|"
        "membership|subscription|profile|last time|my last|my final|i'm out|im out|i’m out|"
        "i am out|we're out|we’re out|were out|bye|goodbye|good bye|farewell|so long|adios|"
        "dead to|"
        "tchau|adeus|tschüss|tschuss|tschuess|adieu|addio|"
        "adiós|from now on|going forward|from here on|now on|instead|exclusively|→|➡|⟶|>"
    ),
    rules=[
        rule(r"\bcancel(?:l?ing|l?ed|s)?\b", 0.95, objects="membership", bare=False),
        rule(r"\b(?:submitted|sent|requested|put in|filed)\s+(?:my|a|the)\s+cancellation\b",
             0.9),
        rule(r"\bunsubscrib(?:e|ed|es|ing)\b", 0.9, objects="membership", bare=False),
        rule(r"\bswitching\b(?!\s+(?:to|from|over|back|away)\b)", 0.9, objects="switch",
             bare=False),
        rule(r"\b(?:won'?t|will not|not|never|no longer|ain'?t)\s+(?:be\s+|going to\s+|gonna\s+"
             r"|planning (?:on|to)\s+|ever\s+|bother(?:ing)?\s+(?:to\s+)?)*renew(?:ing)?\b", 0.9,
             after="target"),
        rule(r"\bturn(?:ed|ing)?\s+off\s+(?:the\s+|my\s+)?auto[- ]?renew(?:al)?\b", 0.85),
        rule(r"\b(?:clos|delet|deactivat|remov|terminat|nuk)\w*\s+(?:my|our)\s+"
             r"(?:[\w@#'-]+\s+){0,2}?(?:account|acct|profile|membership|subscription)\b", 0.9),
        rule(r"\bmy\s+(?:[\w@#'-]+\s+){0,2}?(?:account|membership|subscription|sub)\s+"
             r"(?:is\s+|has been\s+|now\s+|just\s+|officially\s+)*"
             r"(?:deleted|closed|cancell?ed|terminated)\b", 0.85),
        rule(r"\bswitch(?:ing|ed|es)?\s+(?:over\s+|back\s+|everything\s+)?to\b", 0.9,
             after="dest", need=True, proper=True),
        rule(r"\bswitch(?:ing|ed|es)?\s+(?:over\s+|away\s+)?from\b", 0.9, after="target",
             need=True, proper=True),
        rule(r"\b(?:mov(?:e|ed|ing)|migrat(?:e|ed|ing))\s+(?:over\s+|away\s+)?from\b", 0.9,
             after="target", need=True),
        rule(r"\b(?:mov(?:e|ed|ing)|go(?:ing)? back|went back|head(?:ing)? (?:back )?over|"
             r"jump(?:ing|ed)? ship|migrat(?:e|ed|ing))\s+(?:over\s+|back\s+|"
             r"(?:all\s+(?:of\s+)?)?my \w+\s+|everything\s+)?to\b", 0.9, after="dest",
             need=True),
        rule(r"\bjump(?:ing|ed)? ship\b(?!\s+to\b)", 0.85),
        rule(r"\b(?:leav(?:e|ing)|left|ditch(?:ing|ed)?|dump(?:ing|ed)?|drop(?:ping|ped)?|"
             r"quit(?:ting)?|abandon(?:ing|ed)?|boycott(?:ing|ed)?)\b", 0.9, after="target",
             need=True, reject_after=True),
        rule(r"\b(?:i'?m|i am|we'?re|we are)\s+(?:so\s+|officially\s+|finally\s+|definitely\s+)?"
             r"(?:leaving|outta here|out of here|gone)(?=\s*(?:$|[^\w\s']|for good\b|forever\b|"
             r"now\b|too\b|lol\b|bye\b))", 0.85),
        rule(r"\b(?:done|finished|through)\s+with\b", 0.9, after="target", need=True,
             reject_after=True),
        rule(r"\bdead\s+to\s+(?:me|us)\b", 0.85, before="target", need=True),
        rule(r"\blost\s+(?:(?:a|another|one|an?\s+\w+(?:[- ]\w+)?)\s+customer\b|me\b|"
             r"my business\b|my custom\b)", 0.9, before="target", after="dest", person=False),
        rule(r"\b(?:tak(?:e|es|ing)|took)\s+my\s+(?:business|money|custom|shopping|orders?)\s+"
             r"(?:elsewhere|somewhere else|to\s+(?:another|a different|other|the competition|"
             r"a competitor|your competitors?))\b", 0.9),
        rule(r"\b(?:tak(?:e|es|ing)|took)\s+my\s+(?:business|money|custom)\s+to\b", 0.9,
             after="dest", need=True),
        rule(r"\b(?:shop(?:ping)?|order(?:ing)?|buy(?:ing)?|go(?:ing)?)\s+(?:elsewhere|"
             r"somewhere else)\b", 0.85),
        rule(r"\b(?:never|won'?t|will not|not|no longer|ain'?t)\s+(?:be\s+|ever\s+|gonna\s+|"
             r"going to\s+)*(?:order|buy|shop|purchas)\w*\s+(?:anything\s+|again\s+)?"
             r"(?:from|at|with|on|here|there)\b", 0.9, after="target",
             requires=r"\b(?:again|anymore|any more|never|no longer|until|unless)\b"),
        # Only where it ends the clause or goes on to buying: not "never again will I doubt".
        rule(r"\bnever\s+again\b(?=\s*(?:$|[^\w\s']|[@#]?\w+\s*(?:$|[^\w\s'])|"
             r"(?:with|from|at|on)\b|(?:will i|i'?ll|i will) (?:order|buy|shop|use)|"
             r"(?:buying|ordering|shopping|purchasing)\b))", 0.8, after="target"),
        rule(r"\b(?:won'?t|will not|never|not)\s+(?:be\s+)?(?:coming\s+back|back|returning|"
             r"shopping here|ordering here)\b(?!\s+(?:in|to|on|with|for|soon)\b)", 0.85),
        rule(r"\blast\s+time\s+(?:(?:that\s+)?i(?:'ll|'m| will| am)?\s+|i'?m\s+|ever\s+|"
             r"we\s+)*(?:order|buy|shop|purchas|use)\w*\b", 0.9, after="target"),
        rule(r"\b(?:was|is|will be)\s+my\s+(?:last|final)\s+(?:order|purchase)\b", 0.85),
        rule(r"\b(?:i'?m|i am|we'?re)\s+out\b(?=\s*(?:$|[^\w\s']|for good\b|forever\b|"
             r"bye\b|peace\b|lol\b|done\b))", 0.85),
        # With every language's farewells: "Tchau Kestrel" is too short for its language to
        # be told, and no farewell here means hello too ("ciao" does: not listed).
        rule(r"\b(?:good\s?bye|bye(?:\s+bye)?|farewell|so long|adios|tchau|adeus|tschuss|"
             r"tschuess|adieu|addio)\b", 0.85, after="target",
             need=True),
        rule(r"\b(?:shop(?:ping)?|order(?:ing)?|buy(?:ing)?|purchas(?:e|ing)|get(?:ting)?\s+"
             r"(?:my\s+\w+|everything|stuff))\s+(?:at|from|with|on|through)\b", 0.85,
             after="dest", need=True,
             requires=r"\b(?:from now on|going forward|from here on|instead|now on|"
                      r"exclusively)\b"),
    ],
    neg=r"n't\b|\b(?:not|never|no|nor|neither|nope|nah|cannot|dont|wont|didnt|cant|wouldnt|"
        r"shouldnt|couldnt|aint|isnt|arent|wasnt|werent|havent|hasnt|doesnt)\b",
    filler=r"i|m|im|ive|ve|ll|ill|d|id|we|re|am|are|is|be|been|being|ever|even|really|actually|"
           r"seriously|honestly|definitely|totally|just|gonna|going|to|wanna|want|planning|"
           r"plan|plans|on|intend|intending|intention|any|of|thinking|think|about|need|reason|"
           r"have|gotta|got|will|would|could|should|can|do|did|does|so|it|yet|probably|way|"
           r"chance|hell|in|ready|trying|try|able|time|soon|anytime|sure|the|a|hurry|rush|"
           r"interest|interested|bother|bothering|that|there|s|needed|never|not|no",
    blocked=r"\b(?:can'?t|cannot|couldn'?t|unable to|won'?t let me|doesn'?t let me|"
            r"didn'?t let me|not letting me|impossible to|hard to|difficult to|"
            r"(?:been |keep |kept )?tr(?:ying|ied|y) to|attempt(?:ing|ed)? to|struggling to|"
            r"no (?:option|button) to)",
    imminent=r"\b(?:about to|close to|ready to|verge of|point of|one step away from|"
             r"seconds away from|minutes away from)",
    how=r"\bhow\b|\bwhere (?:do|can|would|should) (?:i|you|we)\b|\bway to\b|\bsteps to\b|"
        r"\bhelp me\b",
    should=r"\b(?:should|shall) (?:i|we)\b|\bdo i just\b|\bis it (?:time|worth)\b|"
           r"\bwould you\b",
    tentative=r"\b(?:might|may|maybe|perhaps|probably|prolly|possibly|could|thinking|"
              r"think i'?(?:ll|d)|considering|contemplating|debating|tempted|weighing|"
              r"toying with|on the fence|wondering|half a mind)\b",
    third=r"\b(?:my|our) (?:\w+ )?(?:sister|brother|mom|mum|mother|dad|father|wife|husband|"
          r"partner|friend|friends|bf|gf|boyfriend|girlfriend|roommate|flatmate|neighbou?r|"
          r"cousin|coworker|colleague|boss|family|parents|kids|son|daughter|aunt|uncle)\b|"
          r"\b(?:he|she|they|everyone|everybody|anyone|anybody|people|folks|customers|users|"
          r"members|others|someone|somebody|lots of (?:people|folks))\b",
    third_filler=r"is|are|was|were|has|have|had|just|already|all|also|too|finally|recently|"
                 r"gonna|going|to|will|would|s|re|ve|ll|been|keeps|keep|apparently|literally|"
                 r"started|starting|now|seem|seems|be|ever|even",
    # "(?<!even )\bif\b|\bunless\b|\bone more\b|\banother (?:\w+ ){0,3}and\b|\bnext time\b|
    # \bonce more\b|\bor else\b|\bor i(?:'?m|'?ll| will| am)\b|\botherwise\b|
    # \bkeep (?:this|it|that) up\b", grouped by first letter (see _whole_words): it runs on
    # the sentence before every churn phrase.
    conditional=r"i(?<!\wi)(?<!even i)f\b|u(?<!\wu)nless\b|"
                r"o(?<!\wo)(?:ne more|nce more|r else|r i(?:'?m|'?ll| will| am)|therwise)\b|"
                r"a(?<!\wa)nother (?:\w+ ){0,3}and\b|n(?<!\wn)ext time\b|"
                r"k(?<!\wk)eep (?:this|it|that) up\b",
    conditional_after=_CONDITION_AFTER,
    breaks=r"but|and|though|although|because|cause|cuz|so|yet",
)


ES = language(
    "es",
    stems=(
        "cancel|anul|baja|me cambi|me pas|me mud|nunca|jamas|jamás|no vuelvo|no volver|cerr|"
        "cierr|elimin|borr|adios|adiós|chao|hasta nunca|un client|una client|otro client|"
        "otra client|renov|me voy|me fui|me largo|dej|abandon|vuelvo|volvi|volví|regres|"
        "desuscri|desinscri|ultim|últim"
    ),
    rules=[
        rule(r"\b(?:cancel(?:ar|a|en|o|e|are|amos|ando|ado|aria)|anul(?:ar|o|e|are|ando|ado))\b",
             0.95, objects="membership", bare=False),
        rule(r"\b(?:me\s+(?:doy|di|he dado|dare|estoy dando|voy a dar|acabo de dar)|dar|darme|"
             r"darse|dado|nos\s+(?:damos|dimos)|se\s+(?:dio|da|ha dado|va a dar))\s+de\s+baja\b",
             0.95, objects="membership"),
        rule(r"\bme\s+(?:cambio|cambie|cambiare|voy a cambiar|he cambiado|paso|pase|pasare|"
             r"voy a pasar|he pasado|mudo|mude|voy a mudar|mudare)\s+(?:a|al|para|con)\b", 0.9,
             after="dest", need=True),
        rule(r"\bme\s+(?:cambio|cambie|paso|pase|voy|fui|largo)\s+del?\b", 0.9, after="target",
             need=True),
        rule(r"\b(?:nunca|jamas)\s+(?:mas\s+|vuelvo a\s+|volvere a\s+)?(?:le\s+|les\s+)?"
             r"(?:compro|comprare|pido|pedire|comprar|pedir)\s+(?:nada\s+|algo\s+)?"
             r"(?:en|a|de|por|con)\b", 0.9, after="target"),
        rule(r"\bnunca\s+mas\b", 0.75, after="target"),
        rule(r"\bno\s+(?:vuelvo|volvere|pienso volver|voy a volver)\s+a\s+(?:comprar|pedir|"
             r"usar)\w*(?:\s+(?:nada\s+)?(?:en|a|de|con)\b)?", 0.9, after="target"),
        rule(r"\b(?:cerr|elimin|borr|cierr)\w*\s+(?:mi|la)\s+(?:\w+\s+)?cuenta\b", 0.9),
        rule(r"\b(?:adios|chao|hasta nunca)\b", 0.85, after="target", need=True),
        rule(r"\bperd(?:ido|ieron|isteis|iste|io|er)\s+(?:a\s+)?(?:un|una|otro|otra)\s+"
             r"client[ae]\b", 0.9, before="target", after="dest", person=False),
        rule(r"\bno\s+(?:voy a\s+|pienso\s+|vamos a\s+|la\s+|lo\s+|le\s+)*"
             r"renov(?:ar|are|amos|aremos|o)\b", 0.9, after="target"),
        rule(r"\bme\s+voy\s+(?:a|al|con)\b", 0.9, after="dest", need=True),
        rule(r"\bdej(?:o|e|are|ar|ando|amos)\s+de\s+(?:comprar|pedir|usar)\w*"
             r"(?:\s+(?:en|a|de|con)\b)?", 0.9, after="target"),
        rule(r"\b(?:dejo|deje|dejare|abandono|abandone)\b", 0.9, after="target", need=True),
        rule(r"\b(?:vuelvo|volvi|regreso|regrese)\s+(?:a|al|con)\b", 0.85, after="dest",
             need=True),
        rule(r"\b(?:desuscrib|desinscrib)\w*", 0.9, objects="membership"),
        rule(r"\b(?:es|fue|sera)\s+(?:mi\s+|el\s+|la\s+)?ultim[oa]\s+(?:pedido|compra|vez)\b",
             0.85),
    ],
    neg=r"\b(?:no|nunca|jamas|tampoco|ni de broma|ni loc[oa]|ni hablar|de ninguna manera)\b",
    filler=r"voy|a|vamos|pienso|quiero|me|te|lo|la|le|se|he|hemos|ha|estoy|pensando|en|yo|"
           r"creo|hace|falta|necesito|para|ni|siquiera|tengo|que|hay|por|ahora|mas|nada|"
           r"intencion|de|planeo|debo|ningun|motivo",
    blocked=r"\b(?:no (?:puedo|me dejan|me deja|consigo|logro)|intent(?:o|e|ando)(?: de)?|"
            r"trat(?:o|e|ando) de|imposible)",
    imminent=r"\b(?:a punto de|apunto de|casi)",
    how=r"\bcomo\b|\bdonde (?:puedo|se)\b|\balguien sabe\b",
    should=r"\b(?:deberia|debo|conviene|vale la pena)\b",
    tentative=r"\b(?:quizas?|quiza|tal vez|a lo mejor|igual|puede que|podria|pensando|"
              r"me planteo|planteando|considerando|probablemente)\b",
    third=r"\bmi (?:hermana|hermano|madre|mama|padre|papa|amig[oa]s?|mujer|marido|espos[oa]|"
          r"novi[oa]|prim[oa]|vecin[oa]|jefe|companer[oa]s?|familia|hij[oa]s?)\b|"
          r"\b(?:ella|ellos|ellas|todo el mundo|todos|todas|la gente|mucha gente|muchos)\b",
    third_filler=r"ya|tambien|se|ha|han|va|van|a|acaba|acaban|de|esta|estan|lo|la|le|les",
    conditional=r"\bsi\b(?!\s*[,.!?])|\bcomo (?:vuelva|sigan?|no)\b|"
                r"\b(?:otr[ao]|una) (?:\w+ ){0,2}(?:mas )?y\b|\ba la proxima\b|"
                r"\bla proxima vez\b",
    conditional_after=r"\b(?:si|a menos que|hasta que|salvo que)\b",
    breaks=r"pero|aunque|y|sino|porque",
)

FR = language(
    "fr",
    stems=(
        "resili|résili|annul|desabonn|désabonn|desinscri|désinscri|desabo|désabo|chez|"
        "concurrence|change pour|changer pour|passe à|passe a |passer à|passerai|plus jamais|"
        "jamais plus|supprim|ferme|fermer|clotur|clôtur|adieu|au revoir|perdu|perdre|"
        "un client de|quitt|renouvel|dernière|derniere"
    ),
    rules=[
        rule(r"\bresili\w*", 0.95, objects="membership"),
        rule(r"\bannul\w*", 0.95, objects="membership", bare=False),
        rule(r"\b(?:desabonn|desinscri|desabo)\w*", 0.95, objects="membership"),
        rule(r"\b(?:passe|passerai|passons|passer|vais passer|suis passee?|sommes passes|pars|"
             r"partir|partirai|vais partir|suis partie?|retourne|retournerai|vais retourner|"
             r"suis retournee?|vais|irai|aller|change|changer|changerai|vais changer)\s+"
             r"(?:chez|pour|a|au|vers)\b", 0.9, after="dest", need=True),
        rule(r"\bplus\s+jamais\b|\bjamais\s+plus\b", 0.85, after="target"),
        rule(r"\b(?:ne\s+|n')(?:[\w']+\s+){0,2}?(?:plus|jamais)\s+(?:jamais\s+|rien\s+)?"
             r"(?:[\w']+\s+){0,2}?(?:chez|sur|aupres de)\b", 0.9, after="target"),
        rule(r"\b(?:supprim|ferm|clotur)\w*\s+(?:mon|le|ce)\s+(?:\w+\s+)?compte\b", 0.9),
        rule(r"\b(?:adieu|au revoir)\b", 0.85, after="target", need=True),
        rule(r"\b(?:perdu|perdre)\s+(?:un|une)\s+cliente?\b|\bun\s+client\s+de\s+"
             r"(?:perdu|moins)\b", 0.9, before="target", after="dest", person=False),
        rule(r"\bje\s+vous\s+quitte\b", 0.9),
        rule(r"\b(?:quitte|quitter|quitterai|quittons)\b", 0.9, after="target", need=True),
        rule(r"\b(?:ne|n')\s*(?:vais|compte|pense|veux)\s+(?:pas|plus|jamais)\s+"
             r"(?:le\s+|la\s+|l')?renouvel\w*|\b(?:ne|n')\s*(?:le\s+|la\s+|l')?renouvel\w*\s+"
             r"(?:pas|plus|jamais)\b|\bpas\s+(?:le\s+|l')?renouvel\w*", 0.9, after="target"),
        rule(r"\b(?:ma\s+|la\s+)?derniere\s+(?:commande|fois)\s+(?:chez|sur|que)\b", 0.85,
             after="target"),
    ],
    neg=r"\b(?:ne|pas|jamais|aucune?|hors de question de|pas question de)\b|\bn'",
    filler=r"je|j|vais|veux|compte|pense|me|m|te|le|la|l|les|y|en|suis|ai|pas|vraiment|du|"
           r"tout|besoin|de|d|peux|aller|plus|jamais|encore|rien|pour|instant|ne|n|va|on|"
           r"faut|il|question|raison",
    blocked=r"\b(?:n'arrive pas a|arrive pas a|ne peux pas|peux pas|impossible d[e']|"
            r"j'essaie de|essaie de|essaye de|j'essaye de|tente de)",
    imminent=r"\b(?:sur le point de|a deux doigts de|pret a|prete a)",
    how=r"\bcomment\b|\bou (?:puis-je|je peux|peut-on)\b",
    should=r"\b(?:dois-je|devrais-je|je devrais|faut-il|est-ce que je dois)\b",
    tentative=r"\b(?:peut-etre|peut etre|envisage|songe|hesite|pense a|je pense|reflechis|"
              r"pourrais|pourrait|risque de|probablement)\b",
    third=r"\b(?:ma (?:soeur|mere|femme|copine|cousine|voisine|collegue|fille|tante|amie)|"
          r"mon (?:frere|pere|mari|copain|ami|cousin|voisin|collegue|fils|oncle)|"
          r"mes (?:amis|parents|collegues|potes)|il|elle|ils|elles|tout le monde|"
          r"beaucoup de gens|les gens)\b",
    third_filler=r"a|ont|va|vont|est|sont|vient|viennent|de|d|aussi|deja|l|la|le|les|s|se|"
                 r"sa|son|ses|enfin|meme",
    conditional=r"\bsi\b|\bs'il\b|\bencore (?:un|une) (?:\w+ ){0,2}et\b|\bla prochaine fois\b|"
                r"\bau prochain\b|\bune (?:fois )?de plus et\b",
    conditional_after=r"\b(?:si|s'il|sauf si|a moins que|tant que)\b",
    breaks=r"mais|et|ou|car|donc|parce que",
    post_negation=r"\s*(?:pas|jamais|point)\b",
)

DE = language(
    "de",
    stems=(
        "kündig|kundig|kuendig|gekündig|gekundig|gekuendig|storn|beend|lösch|losch|loesch|"
        "gelösch|gelosch|geloesch|schließ|schliess|geschlossen|auflös|auflos|aufloes|aufgel|"
        "wechs|gewechs|nie wieder|nie mehr|niemals|nicht mehr|tschüss|tschuss|tschuess|"
        "auf wiedersehen|lebewohl|verloren|kunden weniger|verläng|verlang|verlaeng|ab jetzt|"
        "ab sofort|ab heute|nur noch|künftig|kunftig|kuenftig|in zukunft|stattdessen|lieber|"
        "gehe |geh |ziehe |anbieter"
    ),
    rules=[
        rule(r"\b(?:gek|k)(?:u|ue)ndig\w*", 0.95, objects="membership"),
        rule(r"\bstorn\w*", 0.95, objects="membership", bare=False),
        rule(r"\b(?:abo|abonnement|mitgliedschaft|konto|account|kundenkonto|vertrag)\s+"
             r"(?:\w+\s+)?(?:beend\w*|losch\w*|loesch\w*|geloscht|geloescht|schliess\w*|"
             r"schließ\w*|geschlossen|auflos\w*|aufloes\w*|aufgelost|aufgeloest)", 0.95),
        rule(r"\b(?:beende|losche|loesche|schliesse|schließe)\s+(?:mein|meine|meinen)\s+"
             r"(?:\w+\s+)?(?:konto|account|abo|mitgliedschaft|kundenkonto)\b", 0.95),
        rule(r"\b(?:wechsle|wechsel|wechsele|wechseln|gehe|geh|ziehe)\s+(?:jetzt\s+|ab jetzt\s+|"
             r"nun\s+|lieber\s+|wieder\s+|zuruck\s+|zurueck\s+|dann\s+|halt\s+|eben\s+|"
             r"ich\s+)*(?:zu|zum|zur|nach)\b", 0.9, after="dest", need=True),
        rule(r"\bwechs\w*\s+(?:ich\s+)?von\b", 0.9, after="target", need=True),
        rule(r"\bgewechselt\b", 0.9, before="dest", need=True),
        rule(r"\b(?:anbieter|shop|handler|haendler|laden)\s+gewechselt\b", 0.85),
        rule(r"\b(?:nie|niemals)\s+(?:wieder|mehr)\b", 0.85, after="target"),
        rule(r"\bnicht\s+mehr\s+(?:bei|von|uber|ueber)\b", 0.9, after="target", need=True),
        rule(r"\b(?:tschuss|tschuess|auf wiedersehen|lebewohl)\b", 0.85, after="target",
             need=True),
        rule(r"\b(?:einen|eine|noch einen)\s+kund(?:en|in)\s+(?:weniger|verloren)\b|"
             r"\bkunde\s+verloren\b", 0.9, before="target", after="dest", person=False),
        rule(r"\b(?:nicht|nie)\s+(?:mehr\s+)?verla(?:e)?nger\w*|"
             r"\bverla(?:e)?nger\w*\s+(?:\w+\s+){0,2}?nicht\b", 0.9),
        rule(r"\b(?:bestelle|kaufe|shoppe)\s+(?:ich\s+)?(?:ab jetzt\s+|ab sofort\s+|"
             r"ab heute\s+|nur noch\s+|lieber\s+|jetzt\s+|kunftig\s+|kuenftig\s+)*(?:bei|von)\b",
             0.85, after="dest", need=True,
             requires=r"\b(?:ab jetzt|ab sofort|ab heute|nur noch|kunftig|kuenftig|"
                      r"in zukunft|stattdessen|lieber)\b"),
    ],
    neg=r"\b(?:nicht|nie|niemals|kein|keine|keinen|keinesfalls|auf keinen fall)\b",
    filler=r"ich|werde|will|wollte|habe|hab|bin|mein|meine|meinen|abo|das|es|den|die|jetzt|"
           r"doch|gar|zu|erst|einmal|mal|muss|brauche|wirklich|sicher|grund|bedarf|"
           r"naturlich|mitgliedschaft|konto|ja|noch|so|wir",
    blocked=r"\b(?:kann (?:ich )?(?:nicht|nirgends)|kann man nicht|versuche|versuch|versucht|"
            r"schaffe es nicht|unmoglich|unmoeglich)",
    imminent=r"\b(?:kurz davor|kurz vor|drauf und dran)",
    how=r"\bwie\b|\bwo kann\b",
    should=r"\b(?:soll ich|sollte ich|sollen wir|lohnt es sich)\b",
    tentative=r"\b(?:vielleicht|eventuell|evtl|uberlege|ueberlege|uberlegen|ueberlegen|"
              r"denke|konnte|koennte|wurde|wuerde|wahrscheinlich|spiele)\b",
    third=r"\b(?:meine (?:schwester|mutter|frau|freundin|kollegin|tochter)|"
          r"mein (?:bruder|vater|mann|freund|kollege|sohn)|er|alle|jeder|viele|die leute|"
          r"leute|freunde)\b",
    third_filler=r"hat|haben|ist|sind|hatte|hatten|auch|schon|jetzt|gerade|bereits|ihr|ihre|"
                 r"ihren|sein|seine|seinen|abo|will|wollen|wird|werden",
    conditional=r"\bwenn\b|\bfalls\b|\bsollte\b|\bnoch (?:ein|eine|einmal|mal)\b|"
                r"\bbeim (?:nachsten|naechsten)\b|\bob\b",
    conditional_after=r"\b(?:wenn|falls|sofern|ausser|es sei denn|bis)\b",
    breaks=r"aber|und|oder|sondern|denn|weil",
    post_negation=r"\s*(?:(?:ich|es|das|mein|meine|meinen|abo|jetzt|doch|sicher|bestimmt|"
                  r"wirklich|naturlich|die|den|mitgliedschaft|konto|"
                  r"bei(?:\s+(?!(?:sofort|jetzt|heute|morgen|endlich|gleich|direkt|bald|"
                  r"erst|schon|noch)\b)[@#]?[\w+]+){1,3}?)\s+){0,3}"
                  r"(?:nicht|nie|niemals|keinesfalls)\b",
)

PT = language(
    "pt",
    stems=(
        "cancel|mudar|mudei|mudando|trocar|troquei|trocando|troco|migr|passar p|passei p|"
        "indo p|larg|deix|abandon|parei|parar de|paro de|nunca mais|encerr|exclu|delet|fech|"
        "apag|tchau|adeus|perde|renov|descadastr|desinscrev|volt|retorn|ultim|últim"
    ),
    rules=[
        rule(r"\bcancel(?:ar|a|e|em|o|ei|ou|ando|ado|amos|arei|aria)\b", 0.95, objects="membership",
             bare=False),
        rule(r"\b(?:vou|vamos|to|estou|ja)\s+(?:mudar|trocar|migrar|passar|indo|mudando|"
             r"migrando|trocando)\s+(?:para|pra|pro|pela|pelo)\b|\b(?:mudei|troquei|migrei|"
             r"mudando|trocando|migrando|passei|fui)\s+(?:para|pra|pro)\b", 0.9, after="dest",
             need=True),
        rule(r"\b(?:troquei|trocar|troco|larguei|largar|largo|deixei|deixar|deixo|abandonei|"
             r"abandonar|abandono)\b", 0.9, after="target", need=True),
        rule(r"\b(?:deix|par)\w*\s+de\s+(?:comprar|pedir|usar)(?:\s+(?:na|no|da|do|em|de|com)\b)?",
             0.9, after="target"),
        rule(r"\bnunca\s+mais\b", 0.85, after="target"),
        rule(r"\b(?:encerr|exclu|delet|fech|apag)\w*\s+(?:a\s+)?(?:minha\s+)?conta\b", 0.9),
        rule(r"\b(?:tchau|adeus)\b", 0.85, after="target", need=True),
        rule(r"\bperde(?:ram|u|ste|r)\s+(?:mais\s+)?(?:um|uma)\s+client[ea]\b", 0.9,
             before="target", after="dest", person=False),
        rule(r"\bnao\s+(?:vou\s+|pretendo\s+|irei\s+|vamos\s+|quero\s+)?"
             r"renov(?:ar|o|arei|amos)\b", 0.9, after="target"),
        rule(r"\b(?:descadastr|desinscrev)\w*", 0.9, objects="membership"),
        rule(r"\b(?:volt(?:ei|o|ando|ar)|retorn\w*)\s+(?:para|pra|pro)\b", 0.85, after="dest",
             need=True),
        rule(r"\b(?:foi|e|sera)\s+(?:a|o)\s+(?:minha\s+|meu\s+)?ultim[ao]\s+"
             r"(?:vez|pedido|compra)\b", 0.85),
    ],
    neg=r"\b(?:nao|nunca|jamais|nem pensar|de jeito nenhum|de forma alguma|nem)\b",
    filler=r"vou|vamos|eu|quero|pretendo|penso|em|me|o|a|ja|preciso|precisa|ha|necessidade|"
           r"de|estou|to|acho|que|tenho|vai|irei|nem|mais|por|agora|para|pra|motivo",
    blocked=r"\b(?:nao (?:consigo|da para|da pra|deixam|me deixam)|tentando|tentei|tento|"
            r"impossivel)",
    imminent=r"\b(?:prestes a|a ponto de|quase)",
    how=r"\bcomo\b|\bonde (?:eu )?(?:posso|consigo|faco)\b",
    should=r"\b(?:devo|deveria|vale a pena)\b",
    tentative=r"\b(?:talvez|pensando|cogitando|considerando|quem sabe|acho que|"
              r"provavelmente|posso|poderia)\b",
    third=r"\b(?:minha (?:irma|mae|esposa|mulher|namorada|amiga|prima|vizinha|filha)|"
          r"meu (?:irmao|pai|marido|namorado|amigo|primo|vizinho|filho)|ela|ele|eles|elas|"
          r"todo mundo|todos|a galera|o pessoal|muita gente)\b",
    third_filler=r"ja|tambem|vai|vao|acabou|acabaram|de|foi|a|o|sua|seu|ta|esta|estao|tao|"
                 r"estava",
    conditional=r"\bse\b|\bcaso\b|\bmais (?:um|uma) (?:\w+ ){0,2}e\b|\bda proxima vez\b|"
                r"\bna proxima\b",
    conditional_after=r"\b(?:se|caso|a menos que|ate que)\b",
    breaks=r"mas|porem|e|ou|porque",
)

IT = language(
    "it",
    stems=(
        "disdi|disdett|annull|cancell|passo |passerò|passero|passat|vado |andrò|andro |torno|"
        "tornerò|tornero|mi sposto|cambio |migro|mai più|mai piu|ordino|ordinerò|ordinero|"
        "compro|comprerò|comprero|acquisto più|acquisto piu|acquisterò|acquistero|chiud|"
        "elimin|addio|arrivederci|perso un|persa una|perso una|in meno|rinnov|disiscriv|"
        "desiscriv|lascio|lascerò|lascero|lasciato|abbandon|mollo|ultim"
    ),
    rules=[
        rule(r"\bdisd(?:ic|ett|ir)\w*", 0.95, objects="membership"),
        rule(r"\b(?:annull|cancell)\w*", 0.95, objects="membership", bare=False),
        rule(r"\b(?:passo|passero|sono passat[oa]|siamo passati|vado|andro|torno|tornero|"
             r"mi sposto|cambio|migro)\s+(?:a|ad|da|su|con|verso|al|alla|allo|dal|dalla)\b", 0.9,
             after="dest", need=True),
        rule(r"\bmai\s+piu\b", 0.85, after="target"),
        rule(r"\bnon\s+(?:\w+\s+){0,2}?(?:ordin|compr|acquist)\w*\s+(?:mai\s+)?piu\b", 0.9,
             after="target"),
        rule(r"\b(?:chiud|elimin|cancell)\w*\s+(?:il\s+)?(?:mio\s+)?(?:account|conto|profilo)\b",
             0.9),
        rule(r"\b(?:addio|arrivederci)\b", 0.85, after="target", need=True),
        rule(r"\bpers[oa]\s+(?:un|una|un'altra|un altro)\s+client[ea]\b|"
             r"\bun\s+cliente\s+in\s+meno\b", 0.9, before="target", after="dest", person=False),
        rule(r"\bnon\s+(?:lo\s+|la\s+|l')?(?:ho intenzione di\s+|voglio\s+|intendo\s+|"
             r"vado a\s+)?rinnov\w*", 0.9, after="target"),
        rule(r"\b(?:disiscriv|desiscriv)\w*|\bmi\s+cancello\b", 0.9, objects="membership"),
        rule(r"\b(?:lascio|lascero|ho lasciato|abbandono|ho abbandonato|mollo)\b", 0.9,
             after="target", need=True),
        rule(r"\b(?:e|sara|era)\s+(?:stat[oa]\s+)?(?:l'|il mio\s+|la mia\s+|il\s+)?"
             r"ultim[oa]\s+(?:volta|ordine|acquisto)\b", 0.85),
    ],
    neg=r"\b(?:non|mai|neanche|nemmeno|neppure|manco|per niente)\b",
    filler=r"ho|ha|lo|la|l|mi|voglio|vado|a|sto|per|penso|di|intenzione|devo|bisogno|c|e|"
           r"serve|io|ancora|davvero|sogno|ci|pensare|ne|affatto|proprio|motivo",
    blocked=r"\b(?:non riesco a|non riesco|impossibile|sto cercando di|cerco di|provo a|"
            r"ho provato a|non mi fanno|non mi lasciano)",
    imminent=r"\b(?:sto per|sul punto di|a un passo da)",
    how=r"\bcome\b|\bdove (?:posso|si)\b",
    should=r"\b(?:devo|dovrei|conviene)\b",
    tentative=r"\b(?:forse|magari|penso di|pensando|valutando|considerando|potrei|"
              r"quasi quasi|probabilmente)\b",
    third=r"\b(?:mia (?:sorella|madre|moglie|ragazza|amica|cugina|zia|figlia|collega)|"
          r"mio (?:fratello|padre|marito|ragazzo|amico|cugino|zio|figlio|collega)|lei|lui|"
          r"loro|tutti|tutte|la gente|molti|i miei amici)\b",
    third_filler=r"ha|hanno|gia|anche|appena|e|sono|sta|stanno|il|la|suo|sua",
    conditional=r"\bse\b|\bancora (?:un|una|uno) (?:\w+ ){0,2}e\b|\bla prossima volta\b|"
                r"\bun(?:'| )altr[oa] (?:\w+ ){0,2}e\b",
    conditional_after=r"\b(?:se|a meno che|finche)\b",
    breaks=r"ma|pero|e|o|perche",
)

LANGUAGES: dict[str, Language] = {lang.code: lang for lang in (EN, ES, FR, DE, PT, IT)}
