#!/usr/bin/env python3
"""Generate Earful's bundled demo data set (listener/sample/) and its labels.

The sample is synthetic but shaped like the platforms' own payloads: X API v2 search pages as
twarc2 writes them, a Pushshift / Arctic Shift style Reddit dump, a subreddit ``new`` listing
and a comments page; and for the audience panel "trail-runners", each member's X timeline or
Reddit overview. Every post's intended category, brands and language go to
tests/fixtures/sample_labels.json. Standard library only and a fixed seed: running it twice
gives byte-identical files. What people say, and how much of it, is in sample_phrases.py; the
panel's members and posts are in sample_panel.py, drawn from a random stream of their own.

    python scripts/make_sample.py
"""

from __future__ import annotations

import html
import json
import math
import random
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sample_panel as PANEL
import sample_phrases as P

SEED = 20261104
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "listener" / "sample"
LABELS = ROOT / "tests" / "fixtures" / "sample_labels.json"
START = datetime(2026, 10, 19, tzinfo=UTC)
END = datetime(2026, 11, 16, tzinfo=UTC)  # exclusive
DELAY = datetime(2026, 11, 4, tzinfo=UTC)  # the carrier backlog hits Kestrel
LISTING_FROM = datetime(2026, 11, 8, tzinfo=UTC)  # the `new` listing starts; the dump's r/KG ends
TWITTER_EPOCH_MS = 1288834974657
NEGATIVE = {"complaint", "churn_threat", "churn_hypothetical", "sarcasm"}
KESTREL_CATS = NEGATIVE | {"praise", "question", "churn_negated", "support_reply"}
SITUATION = {"complaint": "sorry", "sarcasm": "sorry", "churn_hypothetical": "sorry",
             "question": "answer", "churn_threat": "cancel", "praise": "thanks"}
# Guards on the labels: churn words never in a plain complaint, some churn cue in a churn post.
CHURN_WORDS = re.compile(r"cancel|switch|done with|never order|i'?m out|not renewing|leaving|"
                         r"résili|kündig|cancelo|cancelar|disdico|wechsle|me paso|passe chez", re.I)
CHURN_CUE = re.compile(CHURN_WORDS.pattern + r"|stay|bye|i'?m done|me voy|plus jamais|schluss|"
                       r"renew|taking my money|end of|lost me|moved from|moving|left |deleted my|"
                       r"no quiero|nunca más|raus|chega|cansei|quitte|bleibe|fico", re.I)
LINK_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

rng = random.Random(SEED)
_decks: dict[tuple, list[int]] = {}
_used_ids: set[int] = set()  # membership tests only, never iterated: output order is seed-only


@dataclass(eq=False)
class Post:
    platform: str
    cat: str
    lang: str
    text: str  # tweet text / Reddit body or selftext
    when: datetime
    author: dict[str, Any]
    parent: Post | None = None
    ref: Post | None = None  # X: the quoted or retweeted tweet
    kind: str = "post"  # X: post | reply | quote | retweet; Reddit: submission | comment
    title: str = ""
    sub: str = ""
    id: str = ""
    edit_of: str = ""  # X: the first version's id, for an edited tweet
    note: str = ""  # X: the full text of a long post
    replies: list[Post] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


# --- Time and text --------------------------------------------------------------------------------
def pick_time(cat: str = "", lo: datetime = START, hi: datetime = END) -> datetime:
    """A moment in [lo, hi): more by day than by night, negative posts bunched after Nov 4."""
    days = [START + timedelta(days=i) for i in range((END - START).days)]
    weights = [(0.85 if d.weekday() >= 5 else 1.0)
               * (P.SPIKE.get(d.day, 1.0) if cat in NEGATIVE and d.month == 11 else 1.0)
               for d in days]
    while True:
        day = rng.choices(days, weights)[0]
        hour = rng.choices(range(24), P.HOUR_WEIGHTS)[0]
        moment = day + timedelta(hours=hour, seconds=rng.randrange(3600))
        if lo <= moment < hi:
            return moment


def after(moment: datetime, lo_min: float, hi_min: float) -> datetime:
    """A later moment, log-uniformly lo_min..hi_min minutes on, but inside the period."""
    minutes = math.exp(rng.uniform(math.log(lo_min), math.log(hi_min)))
    later = moment + timedelta(seconds=int(minutes * 60) + 1)
    if later >= END:
        room = (END - moment).total_seconds()
        later = moment + timedelta(seconds=max(1, int(room * rng.random())))
    return later


def deal(key: tuple, seq: list) -> Any:
    """Templates come off a shuffled deck, so each is used before any repeats."""
    deck = _decks.get(key)
    if not deck:
        deck = _decks[key] = list(range(len(seq)))
        rng.shuffle(deck)
    return seq[deck.pop()]


def weighted(options: dict[str, float]) -> str:
    return rng.choices(list(options), list(options.values()))[0]


class Slots(dict):
    """Fills a template's slots lazily, and consistently within one post."""

    def __init__(self, lang: str, plat: str, when: datetime, template: str,
                 who: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.lang, self.plat, self.when, self.who = lang, plat, when, who or {}
        sized = "{size" in template or "{wrong_size}" in template
        self.ptype = rng.choice(["jacket", "boots"] if sized else list(P.PRODUCTS))
        self.model = rng.choice(P.PRODUCTS[self.ptype])
        self.place = rng.choice(P.COUNTRIES.get(lang, P.COUNTRIES["en"]))
        self.comp = P.COMPETITORS[rng.choice(list(P.COMPETITORS))]

    def __missing__(self, key: str) -> str:
        value = self[key] = self.make(key)
        return value

    def make(self, key: str) -> str:
        place, ptype, word = self.place, self.ptype, P.TYPE_WORD[self.ptype]
        pools = {**P.PRODUCTS, ptype: [self.model], "k": P.KESTREL[self.plat],
                 "kt": P.KESTREL_TAG[self.plat], "kp": P.KESTREL_PLUS, "c": self.comp[self.plat],
                 "cm": self.comp["member"], "damage": P.DAMAGE[ptype], "detail": P.DETAIL[ptype],
                 "mountain": P.MOUNTAINS, "agent": P.AGENTS, "reason": P.REASONS,
                 "creason": P.CREASONS, "hours_long": P.HOURS_LONG}
        numbers = {"days": (8, 34), "days_short": (3, 6), "hours": (3, 40), "weeks": (2, 5)}
        fixed = {"country": place[0], "carrier": place[1], "city": place[2], "ptype": word,
                 "product": f"{self.model} {word}"}
        if key in pools:
            return rng.choice(pools[key])
        if key in numbers:
            return str(rng.randint(*numbers[key]))
        if key in fixed:
            return fixed[key]
        if key == "days_short2":
            return str(int(self["days_short"]) + rng.randint(2, 4))
        if key == "order":
            return rng.choice(P.ORDER_FORMATS).format(rng.randint(100000, 999999))
        if key == "fee":
            amount = rng.randint(place[4], place[5])
            return place[3].format(amount - amount % 10 if amount > 1000 else amount)
        if key == "date":  # the day the wait began
            day = self.when - timedelta(days=int(self["days"]))
            months = P.MONTHS.get(self.lang, P.MONTHS["en"])
            return P.DATE_FORMAT.get(self.lang, P.DATE_FORMAT["en"]).format(
                mon=months[day.month - 1], d=day.day, m=day.month)
        if key in ("size", "wrong_size"):  # ordered one size, got a neighbouring one
            sizes = P.SIZES[ptype]
            i = rng.randrange(len(sizes))
            j = rng.choice([k for k in (i - 2, i - 1, i + 1, i + 2) if 0 <= k < len(sizes)])
            self["size"], self["wrong_size"] = sizes[i], sizes[j]
        elif key in ("size_a", "size_b"):  # torn between two jacket sizes
            i = rng.randrange(len(P.SIZES["jacket"]) - 1)
            self["size_a"], self["size_b"] = P.SIZES["jacket"][i : i + 2]
        elif key == "hi":
            name = f"u/{self.who['name']}" if self.plat == "r" else self.who.get("_first")
            greeting = rng.choice(P.HI.get(self.lang, P.HI["en"]))
            return greeting.format(first=name) if name else "Hi there,"
        return self[key]


def fill(template: str, slots: Slots) -> str:
    text = template
    for _ in range(3):  # reasons and greetings carry slots of their own
        if "{" in text:
            text = text.format_map(slots)
    return text


def casual(text: str, plat: str) -> str:
    """People don't type like templates: all lowercase, or capitalised, and typos."""
    roll = rng.random()
    if plat == "x" and roll < 0.3:
        text = re.sub(r"\S+", lambda m: m[0] if m[0][0] in "@#" else m[0].lower(), text)
    elif roll < (0.55 if plat == "x" else 0.75):
        text = re.sub(r"^[a-z]", lambda m: m[0].upper(), text)
    if rng.random() < (0.3 if plat == "x" else 0.12):
        options = [t for t in P.TYPOS if re.search(t[0], text)]
        if options:
            pattern, typo = rng.choice(options)
            text = re.sub(pattern, typo, text, count=1)
    return text


def compose(cat: str, lang: str, plat: str, reply: float) -> str:
    if lang == "en" and cat in P.EN_PARTS:
        if cat in P.REPLY_EXTRA and rng.random() < reply:  # a reaction to someone else's post
            return deal(("reply", cat), P.REPLY_EXTRA[cat])
        opens, cores, closes = P.EN_PARTS[cat]
        core = deal(("core", cat), cores)
        closes = [c for c in closes if (plat == "x" or "#" not in c)
                  and ("{kt}" not in c or "{kt}" not in core)]  # tag them once
        return rng.choice(opens) + core + rng.choice(closes)
    return deal((cat, lang), P.SHORT[cat][lang])


def say(cat: str, lang: str, plat: str, when: datetime, who: dict | None = None,
        reply: float = 0.0, template: str | None = None) -> str:
    while True:
        tmpl = template or compose(cat, lang, plat, reply)
        if template or "Nov 4" not in tmpl or when >= DELAY:  # no news before it happens
            text = fill(tmpl, Slots(lang, plat, when, tmpl, who))
            keep = lang != "en" or cat in ("support_reply", "spam")
            return text if keep else casual(text, plat)


def support_text(situation: str, lang: str, plat: str, when: datetime,
                 customer: dict) -> tuple[str, str]:
    """The brand's answer, in the customer's language where the team writes it."""
    lang = lang if lang in P.SUPPORT[situation] else "en"
    while True:
        tmpl = deal(("support", situation, lang), P.SUPPORT[situation][lang])
        if "Nov 4" not in tmpl or when >= DELAY:
            return fill(tmpl, Slots(lang, plat, when, tmpl, customer)), lang


def follow_text(cat: str, lang: str, plat: str, when: datetime) -> tuple[str, str]:
    """A customer answering support; on X the reply's leading @KestrelHelp names the brand."""
    lang = lang if lang in P.FOLLOW_UP[cat] else "en"
    options = P.FOLLOW_UP[cat][lang]
    if plat == "r":  # no leading handle on Reddit: the text has to name the brand itself
        options = [o for o in options if "{k" in o]
        if not options:
            return say(cat, lang, plat, when), lang
    return say(cat, lang, plat, when, template=deal(("follow", cat, lang, plat), options)), lang


def to36(number: int) -> str:
    digits, out = "0123456789abcdefghijklmnopqrstuvwxyz", ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


def token(length: int, alphabet: str = LINK_CHARS[:26] + LINK_CHARS[52:],
          rand: random.Random = rng) -> str:
    return "".join(rand.choice(alphabet) for _ in range(length))


def iso_ms(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def ascii_fold(text: str, keep: str = "") -> str:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.sub(rf"[^a-z0-9{keep}]", "", plain)


# --- X --------------------------------------------------------------------------------------------
X: list[Post] = []


def snowflake(moment: datetime, rand: random.Random = rng) -> str:
    """An id X could have given a post at this second: time in the high bits, then noise."""
    millis = int(moment.timestamp()) * 1000 + rand.randrange(1000)
    while True:
        value = ((millis - TWITTER_EPOCH_MS) << 22) | rand.getrandbits(22)
        if value not in _used_ids:
            _used_ids.add(value)
            return str(value)


def x_user(username: str, name: str, lang: str, followers: int, verified: bool,
           created: datetime, bio: str, first: str = "",
           rand: random.Random = rng) -> dict[str, Any]:
    uid = (snowflake(created, rand) if created.year >= 2014
           else str(rand.randint(10**7, 2 * 10**9)))
    following = rand.randint(40, 1800) if followers < 50000 else rand.randint(200, 2500)
    return {"id": uid, "name": name, "username": username, "created_at": iso_ms(created),
            "description": bio, "verified": verified,
            "public_metrics": {"followers_count": followers, "following_count": following,
                               "tweet_count": int(rand.lognormvariate(7.5, 1.1)) + 30,
                               "listed_count": followers // rand.randint(60, 300)},
            "_first": first, "_weight": 1.0}


def x_users() -> tuple[dict[str, list[dict]], dict[str, dict]]:
    pools: dict[str, list[dict]] = {lang: [] for lang in P.LANG_WEIGHTS}
    taken: set[str] = set()
    for lang, count in {"en": 130, "es": 14, "fr": 10, "de": 10, "pt": 10, "it": 7}.items():
        firsts, lasts = P.NAMES[lang]
        while len(pools[lang]) < count:
            first, last = rng.choice(firsts), rng.choice(lasts)
            f, la, hobby = ascii_fold(first), ascii_fold(last), rng.choice(P.HOBBIES)
            username = rng.choice([f"{f}{la}{rng.randint(1, 99)}", f"{f}_{hobby}",
                                   f"{hobby}with{f}", f"{f}{la[:1]}{rng.randint(80, 99)}",
                                   f"the{f}{la}"])[:15]
            if username in taken:
                continue
            taken.add(username)
            name = rng.choice([f"{first} {last}", f"{first} {last[0]}.", first,
                               f"{first.lower()} ⛰️"])
            followers = max(10, min(2000, int(rng.lognormvariate(5.0, 1.1))))
            created = datetime(2009, 6, 1, tzinfo=UTC) + timedelta(
                seconds=rng.randrange(16 * 365 * 86400))
            bio = rng.choice(P.BIOS[lang]).replace("{city}", rng.choice(P.COUNTRIES[lang])[2])
            pools[lang].append(x_user(username, name, lang, followers, rng.random() < 0.03,
                                      created, bio, first))
    for name, first, username in P.JA_PEOPLE:
        created = datetime(2012, 1, 1, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(12 * 365 * 86400))
        pools["ja"].append(x_user(username, name, "ja", rng.randint(30, 1800), False, created,
                                  rng.choice(P.BIOS["ja"]), first))
    for pool in pools.values():  # a few regulars post a lot, most people once or twice
        for rank, user in enumerate(pool):
            user["_weight"] = 1 / (rank + 1) ** 0.6
    special = {}
    for username, name, lang, followers, verified, created, bio in P.X_SPECIAL:
        moment = datetime.fromisoformat(created).replace(tzinfo=UTC)
        special[username] = x_user(username, name, lang, followers, verified, moment, bio,
                                   name.split()[0])
    pools["spam"] = [x_user(u, n, "en", rng.randint(0, 40), False, datetime(
        2026, 10, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(15 * 86400)), "", "")
        for u, n in P.X_SPAMMERS]
    return pools, special


def mention_prefix(parent: Post, author: dict) -> str:
    """X starts a reply with the parent's author and whoever the parent mentions."""
    if parent.author is author:
        return ""  # continuing one's own thread
    handles = [parent.author["username"],
               *re.findall(r"(?<!\w)@(\w{1,15})", parent.note or parent.text)]
    seen: list[str] = []
    for handle in handles:
        if handle.lower() not in [author["username"].lower(), *map(str.lower, seen)]:
            seen.append(handle)
    return "".join(f"@{h} " for h in seen[:3])


def tweet(author: dict, cat: str, lang: str, when: datetime, text: str,
          parent: Post | None = None, kind: str = "post", ref: Post | None = None) -> Post:
    post = Post("x", cat, lang, text, when, author, parent=parent, ref=ref, kind=kind)
    post.id = snowflake(when)
    if parent is not None:
        parent.replies.append(post)
    if ref is not None:
        ref.meta[kind] = ref.meta.get(kind, 0) + 1
    X.append(post)
    return post


class XBuilder:
    def __init__(self) -> None:
        self.pools, self.special = x_users()
        self.help, self.goods = self.special["KestrelHelp"], self.special["KestrelGoods"]

    def user(self, lang: str) -> dict:
        pool = self.pools["en" if lang == "und" else lang]
        return rng.choices(pool, [u["_weight"] for u in pool])[0]

    def post(self, cat: str, lang: str | None = None, author: dict | None = None,
             when: datetime | None = None, hi: datetime = END) -> Post:
        if lang is None:
            lang = weighted({la: w for la, w in P.LANG_WEIGHTS.items()
                             if la == "en" or la in P.SHORT.get(cat, {})})
        author = author or self.user("spam" if cat == "spam" else lang)
        when = when or pick_time(cat, hi=hi)
        if lang == "und":
            text = deal(("emoji", cat), P.EMOJI_ONLY[cat])
        else:
            text = say(cat, lang, "x", when, author)
            if cat in ("complaint", "praise") and rng.random() < 0.12:  # a photo
                text += " https://t.co/" + token(10, LINK_CHARS)
        return tweet(author, cat, lang, when, text)

    def reply(self, parent: Post, author: dict, cat: str, lang: str, *, text: str = "",
              situation: str = "", follow: bool = False, delay: tuple = (3, 900),
              reaction: float = 0.4) -> Post:
        when = after(parent.when, *delay)
        prefix = mention_prefix(parent, author)
        for _ in range(30):
            if text:
                body = fill(text, Slots(lang, "x", when, text, parent.author))
            elif situation:
                body, lang = support_text(situation, lang, "x", when, parent.author)
            elif follow:
                body, lang = follow_text(cat, lang, "x", when)
            else:
                body = say(cat, lang, "x", when, author, reply=reaction * (parent.cat in NEGATIVE))
            words = body.split(" ")  # whoever the reply starts with needn't be tagged again
            while len(words) > 1 and words[0] in prefix.split():
                words.pop(0)
            while len(words) > 1 and words[-1] in prefix.split():
                words.pop()
            body = " ".join(words)
            if len(prefix + body) <= 280:
                break
        return tweet(author, cat, lang, when, prefix + body, parent=parent, kind="reply")

    def quote(self, orig: Post, author: dict, cat: str, text: str) -> Post:
        when = after(orig.when, 8, 1500)
        body = fill(text, Slots("en", "x", when, text))
        return tweet(author, cat, "en", when, f"{body} https://t.co/{token(10, LINK_CHARS)}",
                     kind="quote", ref=orig)

    def retweet(self, orig: Post, author: dict) -> Post:
        text = f"RT @{orig.author['username']}: {orig.note or orig.text}"
        if len(text) > 140:  # X cuts a retweet's own text; includes.tweets has the whole post
            text = text[:139].rstrip() + "…"
        when = after(orig.when, 2, 2000)
        return tweet(author, orig.cat, orig.lang, when, text, kind="retweet", ref=orig)

    def support_thread(self, lang: str, root_cat: str) -> None:
        """A customer tags support, support answers, the customer answers back, and so on."""
        customer = self.user(lang)
        root = self.post(root_cat, lang, customer, hi=END - timedelta(days=2))
        if "@kestrelhelp" not in root.text.lower():
            root.text = "@KestrelHelp " + root.text
        help_first = self.reply(root, self.help, "support_reply", lang,
                                situation=SITUATION[root_cat], delay=(6, 300))
        if root_cat in NEGATIVE:
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                cat = weighted({"complaint": 3, "question": 1, "sarcasm": 1})
                self.reply(root, self.user("en"), cat, "en", reaction=1.0)
        cat = weighted(P.FLOWS[SITUATION[root_cat]])
        if not cat:
            return
        answer = self.reply(help_first, customer, cat, lang, follow=True, delay=(10, 600))
        situation = {"complaint": "chase", "question": "chase", "churn_threat": "cancel"}.get(
            cat, "resolved" if rng.random() < 0.5 else "")
        if not situation:
            return
        help_next = self.reply(answer, self.help, "support_reply", lang, situation=situation,
                               delay=(20, 900))
        final = weighted(P.FLOWS[situation])
        if final:
            done = self.reply(help_next, customer, final, lang, follow=True, delay=(60, 2400))
            if rng.random() < 0.5:
                self.reply(done, self.help, "support_reply", lang, situation="resolved",
                           delay=(10, 300))

    def build(self) -> None:
        for cat, lang, count in P.X_PLAN:
            for _ in range(count):
                self.post(cat, lang)
        for username, cat, lang, day in P.X_STARS:
            when = datetime.fromisoformat(day).replace(
                hour=rng.randint(9, 20), minute=rng.randrange(60), second=rng.randrange(60),
                tzinfo=UTC)
            self.post(cat, lang, self.special[username], when)
        promo_at = datetime(2026, 11, 2, 15, 0, 7, tzinfo=UTC)
        tweet(self.special["TroviaShop"], "competitor_talk", "en", promo_at, P.TROVIA_PROMO)
        for kind, texts in P.NO_BRAND_X.items():
            for i, text in enumerate(texts):
                bird_account = kind == "bird" and i < 2
                author = self.special["birdwatchdaily"] if bird_account else self.user("en")
                post = tweet(author, "no_brand", "en", pick_time(), text)
                if kind == "bird" and i == 0:
                    for reply in P.BIRD_REPLIES:
                        self.reply(post, self.user("en"), "no_brand", "en", text=reply)
        for lang, _kind, text in P.NO_BRAND_X_OTHER:
            tweet(self.user(lang), "no_brand", lang, pick_time(), text)
        for lang, cat in P.X_SUPPORT_THREADS:
            self.support_thread(lang, cat)
        self.set_pieces()
        popular = [p for p in X if p.kind == "post" and p.lang != "und"
                   and p.cat in ("praise", "complaint", "competitor_talk", "sarcasm")
                   and p.author["public_metrics"]["followers_count"] > 300]
        for orig in rng.sample(popular, 7):
            self.retweet(orig, self.user("en"))
        # Two posts edited within minutes: a standalone complaint and a thank-you reply.
        leaves = [p for p in X if not p.replies and not p.meta and p.author is not self.help]
        edited = ([p for p in leaves if p.kind == "post" and p.cat == "complaint"][:1]
                  + [p for p in leaves if p.kind == "reply" and p.cat == "praise"][:1])
        for post in edited:
            post.edit_of, post.when = post.id, after(post.when, 2, 25)
            post.id = snowflake(post.when)
            post.text = re.sub(r"\bu\b", "you", post.text.replace("  ", " "))

    def set_pieces(self) -> None:
        """The influencer's damaged tent, the brand's delay announcement, the journalist."""
        sp = self.special
        cut = P.TESS_NOTE.rfind(" ", 0, 276)
        tess = tweet(sp["trailwithtess"], "complaint", "en",
                     datetime(2026, 11, 5, 16, 42, 10, tzinfo=UTC), P.TESS_NOTE[:cut] + "…")
        tess.note = P.TESS_NOTE
        self.reply(tess, self.help, "support_reply", "en", text=P.TESS_SUPPORT, delay=(25, 60))
        for cat in P.TESS_REPLIES:
            self.reply(tess, self.user("en"), cat, "en", delay=(2, 900))
        for text in P.TESS_QUOTES:
            self.quote(tess, self.user("en"), "complaint", text)
        tweet(sp["trailwithtess"], "praise", "en", datetime(2026, 11, 8, 19, 3, 44, tzinfo=UTC),
              P.TESS_UPDATE, parent=tess, kind="reply")
        for _ in range(5):
            self.retweet(tess, self.user("en"))
        ann = tweet(self.goods, "support_reply", "en",
                    datetime(2026, 11, 4, 9, 12, 33, tzinfo=UTC), P.ANNOUNCEMENT)
        replies = [self.reply(ann, self.user(lang), cat, lang, delay=(2, 1800))
                   for cat, lang in P.ANNOUNCEMENT_REPLIES]
        for reply in replies[:2] + replies[-1:]:
            situation = "answer" if reply.cat == "question" else "sorry"
            self.reply(reply, self.help, "support_reply", "en", situation=situation,
                       delay=(10, 240))
        for cat, text in P.ANNOUNCEMENT_QUOTES:
            self.quote(ann, self.user("en"), cat, text)
        dev = tweet(sp["devraman"], "competitor_talk", "en",
                    datetime(2026, 11, 10, 13, 5, 2, tzinfo=UTC), P.JOURNALIST)
        for cat, lang, text in P.JOURNALIST_REPLIES:
            self.reply(dev, self.user(lang), cat, lang, text=text, delay=(2, 600))
        self.reply(dev, self.help, "support_reply", "en", text=P.JOURNALIST_SUPPORT,
                   delay=(30, 120))
        for _ in range(3):
            self.retweet(dev, self.user("en"))


def x_metrics(posts: list[Post] | None = None, rand: random.Random = rng) -> None:
    """Engagement that follows reach; counts at least what the sample itself holds."""
    posts = X if posts is None else posts
    for post in sorted(posts, key=lambda p: p.kind == "retweet"):  # originals first
        followers = post.author["public_metrics"]["followers_count"]
        if post.kind == "retweet":  # X shows a retweet with its original's retweet count
            post.meta["metrics"] = dict.fromkeys(P.X_METRICS, 0)
            post.meta["metrics"]["retweet_count"] = post.ref.meta["metrics"]["retweet_count"]
            continue
        likes = int(followers * rand.uniform(0.002, 0.012) * (3 if post.note else 1))
        likes += rand.randint(0, 3)
        if post.cat in ("spam", "support_reply") and followers < 20000:
            likes = rand.randint(0, 4 if post.cat == "support_reply" else 1)
        rts = max(post.meta.get("retweet", 0), int(likes * rand.uniform(0.03, 0.3)))
        post.meta["metrics"] = {
            "retweet_count": rts,
            "reply_count": max(len(post.replies), int(likes * rand.uniform(0.02, 0.2))),
            "like_count": likes,
            "quote_count": max(post.meta.get("quote", 0), int(rts * rand.uniform(0, 0.15))),
            "bookmark_count": int(likes * rand.uniform(0, 0.08)),
            "impression_count": int(followers * rand.uniform(0.03, 0.3)
                                    + likes * rand.uniform(15, 60)) + rand.randint(8, 120)}


def tweet_json(post: Post) -> dict[str, Any]:
    root = post
    while root.parent is not None:
        root = root.parent
    doc: dict[str, Any] = {
        "id": post.id, "text": post.text, "created_at": iso_ms(post.when),
        "author_id": post.author["id"], "lang": post.lang,
        "conversation_id": root.edit_of or root.id, "public_metrics": post.meta["metrics"],
        "edit_history_tweet_ids": [post.edit_of, post.id] if post.edit_of else [post.id]}
    if post.note:
        doc["note_tweet"] = {"text": post.note}
    if post.kind == "reply":
        doc["referenced_tweets"] = [{"type": "replied_to", "id": post.parent.id}]
        doc["in_reply_to_user_id"] = post.parent.author["id"]
    elif post.ref is not None:
        kind = "quoted" if post.kind == "quote" else "retweeted"
        doc["referenced_tweets"] = [{"type": kind, "id": post.ref.id}]
    return doc


def x_pages() -> list[dict[str, Any]]:
    """GET /2/tweets/search/recent, newest first, 100 a page, as twarc2 saves each page."""
    url = P.X_URL + quote(P.X_QUERY)
    ordered = sorted(X, key=lambda p: int(p.id), reverse=True)
    pages, next_token = [], ""
    for n, start in enumerate(range(0, len(ordered), 100)):
        page = ordered[start : start + 100]
        users = {p.author["id"]: {k: v for k, v in p.author.items() if k[0] != "_"}
                 for p in page}
        refs = {r.id: r for p in page if (r := p.parent or p.ref)}
        doc: dict[str, Any] = {"data": [tweet_json(p) for p in page],
                               "includes": {"users": list(users.values())}}
        if refs:
            doc["includes"]["tweets"] = [tweet_json(r) for r in refs.values()]
        doc["meta"] = {"newest_id": page[0].id, "oldest_id": page[-1].id,
                       "result_count": len(page)}
        page_url = url + (f"&next_token={next_token}" if next_token else "")
        if start + 100 < len(ordered):
            next_token = doc["meta"]["next_token"] = token(49)
        doc["__twarc"] = {"url": page_url, "version": "2.14.0",
                          "retrieved_at": f"2026-11-16T02:14:{5 + 3 * n:02d}+00:00"}
        pages.append(doc)
    return pages


# --- Reddit ---------------------------------------------------------------------------------------
R: list[Post] = []
SUBREDDITS = P.SUBREDDITS | PANEL.SUBREDDITS
assert all(P.SUBREDDITS.get(k, v) == v for k, v in PANEL.SUBREDDITS.items())
R_BASE = {"t3": (int("1ob0000", 36), 11.7), "t1": (int("nj00000", 36), 83.0)}  # ids grow in time


def r_id(prefix: str, when: datetime, rand: random.Random = rng) -> str:
    base, per_second = R_BASE[prefix]
    number = base + int((when - START).total_seconds() * per_second) + rand.randrange(10)
    while number in _used_ids:
        number += 1
    _used_ids.add(number)
    return to36(number)


def r_user(name: str, rand: random.Random = rng) -> dict[str, Any]:
    return {"name": name, "fullname": "t2_" + to36(rand.randint(36**5, 36**8 - 1))}


def depth(post: Post) -> int:
    return 0 if post.parent is None else 1 + depth(post.parent)


def thread_of(post: Post) -> Post:
    return post if post.parent is None else thread_of(post.parent)


def count_comments(post: Post) -> int:
    return sum(1 + count_comments(r) for r in post.replies)


class RedditBuilder:
    def __init__(self) -> None:
        en = [r_user(n) for n in P.REDDIT_HANDLES]
        while len(en) < 85:
            en.append(r_user(f"{rng.choice(P.REDDIT_ADJ)}-{rng.choice(P.REDDIT_NOUN)}-"
                             f"{rng.randint(1000, 9999)}"))
        self.pools = {"en": en, "spam": [r_user(n) for n in P.REDDIT_SPAMMERS]}
        for lang in ("es", "fr", "de", "pt", "it"):
            firsts, lasts = P.NAMES[lang]
            self.pools[lang] = [r_user(f"{ascii_fold(rng.choice(firsts))}{rng.choice('_-')}"
                                       f"{ascii_fold(rng.choice(lasts))[:6]}{rng.randint(1, 99)}")
                                for _ in range(9)]
        self.support = r_user("KestrelGoods")
        self.deleted = {"name": "[deleted]", "fullname": None}

    def user(self, lang: str) -> dict:
        pool = self.pools.get(lang, self.pools["en"])
        return pool[min(int(rng.expovariate(3 / len(pool))), len(pool) - 1)]

    def submission(self, sub: str, cat: str, lang: str, when: datetime, file: str,
                   pair: tuple[str, str] | None = None) -> Post:
        author = self.user("spam" if cat == "spam" else lang)
        while pair is None:
            pair = deal(("sub", cat, lang), P.SUBMISSIONS[cat][lang])
            pair = None if "Nov 4" in pair[0] + pair[1] and when < DELAY else pair
        slots = Slots(lang, "r", when, pair[0] + pair[1], author)
        title = fill(pair[0], slots)
        post = Post("reddit", cat, lang, fill(pair[1], slots), when, author, kind="submission",
                    title=title[:1].upper() + title[1:], sub=sub)
        post.id = r_id("t3", when)
        post.meta.update(file=file, flair=P.FLAIRS.get(cat) if sub == "KestrelGoods" else None)
        R.append(post)
        return post

    def comment(self, parent: Post, cat: str, lang: str, author: dict, text: str,
                when: datetime | None = None) -> Post:
        when = when or after(parent.when, 4, 2500)
        post = Post("reddit", cat, lang, text, when, author, parent=parent, kind="comment",
                    sub=parent.sub)
        post.id = r_id("t1", when)
        post.meta["file"] = parent.meta["file"]
        parent.replies.append(post)
        R.append(post)
        return post

    def grow(self, top: Post, count: int, mix: dict[str, float]) -> None:
        """A comment tree: replies to the post and to recent comments, support stepping in."""
        lang, nodes = top.lang, [top]
        mix = {c: w for c, w in mix.items()
               if lang == "en" or c == "support_reply" or lang in P.SHORT.get(c, {})}
        for _ in range(count):
            cat = weighted(mix)
            if cat == "support_reply":
                needy = [n for n in nodes if n.cat in SITUATION and n.author is not self.support
                         and all(r.author is not self.support for r in n.replies)]
                if needy:
                    self.support_answer(rng.choice(needy), lang, nodes)
                continue
            parent = top if len(nodes) == 1 or rng.random() < 0.4 else rng.choice(nodes[-6:])
            while depth(parent) >= 5:
                parent = parent.parent
            clang = lang
            if lang == "en" and parent is top and top.sub == "KestrelGoods" and rng.random() < 0.1:
                clang = rng.choice([la for la in ("es", "de", "fr", "pt")
                                    if la in P.SHORT.get(cat, {})] or ["en"])
            op_answers = parent is not top and rng.random() < 0.2
            author = top.author if op_answers else self.user("spam" if cat == "spam" else clang)
            when = after(parent.when, 4, 2500)
            text = say(cat, clang, "r", when, author, reply=0.4 * (parent.cat in NEGATIVE))
            nodes.append(self.comment(parent, cat, clang, author, text, when))

    def support_answer(self, parent: Post, lang: str, nodes: list[Post]) -> None:
        when = after(parent.when, 15, 600)
        text, s_lang = support_text(SITUATION[parent.cat], lang, "r", when, parent.author)
        answer = self.comment(parent, "support_reply", s_lang, self.support, text, when)
        follows = {c: w for c, w in P.FLOWS[SITUATION[parent.cat]].items()
                   if c and (lang == "en" or lang in P.SHORT[c])}
        if rng.random() < 0.6 and follows:
            cat = weighted(follows)
            when = after(answer.when, 20, 900)
            text, f_lang = follow_text(cat, lang, "r", when)
            nodes.append(self.comment(answer, cat, f_lang, parent.author, text, when))

    def build(self) -> Post:
        for sub, cat, lang in P.DUMP_PLAN:
            hi = LISTING_FROM if sub == "KestrelGoods" else END - timedelta(days=1)
            post = self.submission(sub, cat, lang, pick_time(cat, hi=hi), "dump")
            busy = sub == "KestrelGoods" and cat in NEGATIVE
            count = 0 if cat == "spam" else rng.randint(2, 7) if busy else rng.randint(1, 4)
            self.grow(post, count, P.MIXES[P.TOPIC.get(cat, "issue")])
        removed = self.submission("KestrelGoods", "spam", "en", pick_time(hi=LISTING_FROM),
                                  "dump", P.REMOVED_SPAM)
        removed.meta["removed"] = True
        for kind, sub in P.NO_BRAND_SUBS.items():
            pairs, comments = P.NO_BRAND_REDDIT[kind]
            tops = [self.submission(sub, "no_brand", "en", pick_time(hi=END - timedelta(days=1)),
                                    "dump", pair) for pair in pairs]
            for i, text in enumerate(comments):
                parent = tops[i % len(tops)]
                if parent.replies and rng.random() < 0.35:
                    parent = rng.choice(parent.replies)
                self.comment(parent, "no_brand", "en", self.user("en"), text)
        # Accounts deleted since (their posts stay), and a few edits.
        once = [p for p in R if sum(q.author is p.author for q in R) == 1 and p.cat != "spam"]
        gone = rng.sample([p for p in once if p.kind == "comment"], 3)
        gone.append(rng.choice([p for p in once if p.kind == "submission" and p.sub != "weather"]))
        for post in gone:
            post.author = self.deleted
        for post in rng.sample([p for p in R if p.kind == "submission"
                                and p.cat not in ("spam", "no_brand")], 2) + rng.sample(
                                    [p for p in R if p.kind == "comment"], 1):
            post.meta["edited"] = float(int(post.when.timestamp()) + rng.randint(120, 20000))
        # The subreddit's `new` listing, and the comments page of one of its posts.
        for cat, lang in P.LISTING_PLAN:
            when = pick_time(cat, lo=LISTING_FROM, hi=END - timedelta(hours=3))
            self.submission("KestrelGoods", cat, lang, when, "listing")
        thread = self.submission("KestrelGoods", "complaint", "en",
                                 datetime(2026, 11, 9, 15, 21, 4, tzinfo=UTC), "listing",
                                 P.THREAD_POST)
        thread.meta["edited"] = float(int(thread.when.timestamp()) + 1260)
        thread.meta["more"] = [r_id("t1", after(thread.when, 300, 4000)) for _ in range(7)]
        self.grow(thread, 30, P.MIXES["issue"])
        for post in R:  # everything random about a record is drawn once, so its copies agree
            self.finish(post)
        return thread

    def finish(self, post: Post) -> None:
        meta, created = post.meta, int(post.when.timestamp())
        meta["retrieved"] = created + rng.randint(2 * 3600, 36 * 3600)
        if post.kind == "comment":
            spam = post.cat == "spam"
            score = int(rng.lognormvariate(1.3, 1.0)) - (rng.random() < 0.08) * 6
            meta["score"] = rng.randint(-4, 0) if spam else score
            meta["controversial"] = int(meta["score"] <= 1 and rng.random() < 0.15)
            return
        mu = 2.6 if post.cat in NEGATIVE else 2.0
        meta["score"] = 0 if post.cat == "spam" else int(rng.lognormvariate(mu, 1.0))
        meta["ratio"] = 0.33 if post.cat == "spam" else round(rng.uniform(0.72, 0.99), 2)
        listed = rng.randint(0, 30) if meta["file"] == "listing" else 0
        meta["extra"] = len(meta.get("more", ())) or listed  # comments not in the sample
        photo = post.sub == "weather" or (post.cat == "complaint" and "damaged" in post.title)
        if meta["file"] == "dump" and photo:  # an image post: the title is all the text
            meta["link"], post.text = f"https://i.redd.it/{token(13)}.jpeg", ""


def slug(title: str) -> str:
    out = ""
    for word in re.sub(r"[^a-z0-9]+", " ", ascii_fold(title.replace("'", ""), r"\s")).split():
        if len(out) + len(word) + 1 > 50:
            break
        out = f"{out}_{word}" if out else word
    return out or "_"


def permalink(post: Post) -> str:
    top = thread_of(post)
    base = f"/r/{post.sub}/comments/{top.id}/{slug(top.title)}/"
    return base if post is top else f"{base}{post.id}/"


def md_html(text: str, wrap: bool = True) -> str:
    """Reddit's *_html fields: the rendered markdown, entity-escaped once more."""
    paragraphs = "".join(f"<p>{html.escape(p, quote=False)}</p>\n" for p in text.split("\n\n"))
    inner = '<div class="md">' + paragraphs.replace("'", "&#39;").replace('"', "&quot;") + "</div>"
    return html.escape(f"<!-- SC_OFF -->{inner}<!-- SC_ON -->" if wrap else inner, quote=False)


def dump_record(post: Post) -> dict[str, Any]:
    """A Pushshift / Arctic Shift line: the bare data object, integer created_utc."""
    score, link = post.meta["score"], post.meta.get("link")
    doc: dict[str, Any] = {
        "author": post.author["name"], "created_utc": int(post.when.timestamp()),
        "edited": post.meta.get("edited", False), "id": post.id, "permalink": permalink(post),
        "retrieved_on": post.meta["retrieved"], "score": score, "subreddit": post.sub,
        "subreddit_id": SUBREDDITS[post.sub][0], "ups": score}
    if post.author["fullname"]:
        doc["author_fullname"] = post.author["fullname"]
    if post.kind == "submission":
        doc.update(name=f"t3_{post.id}", title=post.title, is_self=not link,
                   selftext="[removed]" if post.meta.get("removed") else post.text,
                   url=link or "https://www.reddit.com" + permalink(post),
                   domain="i.redd.it" if link else f"self.{post.sub}",
                   num_comments=count_comments(post) + post.meta["extra"], over_18=False,
                   link_flair_text=post.meta.get("flair"), upvote_ratio=post.meta["ratio"])
        if post.meta.get("removed"):
            doc["removed_by_category"] = "moderator"
        return doc
    parent_kind = "t3" if post.parent.kind == "submission" else "t1"
    doc.update(name=f"t1_{post.id}", body=post.text, link_id=f"t3_{thread_of(post).id}",
               parent_id=f"{parent_kind}_{post.parent.id}",
               is_submitter=post.author is thread_of(post).author
               and post.author["fullname"] is not None,
               controversiality=post.meta["controversial"])
    return doc


def api_thing(post: Post) -> dict[str, Any]:
    """A live-API thing: the dump fields plus what the API adds (float times, html, depth)."""
    doc = dump_record(post)
    del doc["retrieved_on"]
    doc["created_utc"] = doc["created"] = float(doc["created_utc"])
    doc.update(P.API_COMMON, subreddit_name_prefixed=f"r/{post.sub}")
    if post.kind == "submission":
        doc.update(P.API_SUBMISSION, subreddit_subscribers=SUBREDDITS[post.sub][1],
                   selftext_html=md_html(doc["selftext"]) if doc["selftext"] else None)
        return {"kind": "t3", "data": doc}
    doc.update(P.API_COMMENT, body_html=md_html(doc["body"], wrap=False), depth=depth(post) - 1)
    children = [api_thing(r) for r in sorted(post.replies, key=lambda r: -r.meta["score"])]
    doc["replies"] = listing(children) if children else ""
    return {"kind": "t1", "data": doc}


def listing(children: list[dict], after_name: str | None = None,
            dist: int | None = None) -> dict[str, Any]:
    return {"kind": "Listing", "data": {"after": after_name, "dist": dist, "modhash": "",
                                        "geo_filter": "", "children": children, "before": None}}


# --- The audience panel: its members' own timelines (what they say: sample_panel.py) ------------
PANEL_POSTS: list[Post] = []
X_TIMELINE_URL = ("https://api.x.com/2/users/{}/tweets?"  # the search's fields, a member's window
                  + P.X_URL.split("?", 1)[1].removesuffix("&max_results=100&query=")
                  + "&max_results=10&start_time=2026-10-19T00%3A00%3A00Z"
                    "&end_time=2026-11-16T00%3A00%3A00Z")


def build_panel() -> random.Random:
    """The panel's posts, ids and engagement, drawn from a random stream of their own: the
    rest of the sample stays byte for byte what it was. Returns that stream."""
    rand = random.Random(PANEL.SEED)
    taken = {p.author["username"].lower() for p in X} | {p.author["name"].lower() for p in R}
    accounts: dict[str, dict[str, Any]] = {}
    for m in PANEL.MEMBERS:
        assert m.handle.lower() not in taken, f"{m.account} already posts in the sample"
        if m.platform == "reddit":
            accounts[m.handle] = r_user(m.handle, rand)
            continue
        created = datetime.fromisoformat(m.created).replace(tzinfo=UTC)
        accounts[m.handle] = x_user(m.handle, m.name, m.lang, m.followers, False, created, m.bio,
                                    rand=rand)
    made: dict[PANEL.Said | PANEL.Thread, Post] = {}
    for said in PANEL.plan(rand):  # oldest first: a parent is made before its replies
        parent = said.parent
        if isinstance(parent, PANEL.Thread) and parent not in made:  # someone else's thread
            thread = made[parent] = Post("reddit", "", "en", "", parent.when,
                                         r_user(parent.author, rand), kind="submission",
                                         title=parent.title, sub=parent.sub)
            thread.id = r_id("t3", parent.when, rand)
            thread.meta.update(outside=True, extra=parent.comments)
        up = made[parent] if parent is not None else None
        if said.member.platform == "x":
            post = Post("x", said.cat, said.member.lang, said.text, said.when,
                        accounts[said.member.handle], parent=up, kind="reply" if up else "post")
            post.id = snowflake(said.when, rand)
        else:
            post = Post("reddit", said.cat, said.member.lang, said.text, said.when,
                        accounts[said.member.handle], parent=up,
                        kind="comment" if up else "submission", title=said.title,
                        sub=up.sub if up else said.sub)
            post.id = r_id("t1" if up else "t3", said.when, rand)
            score = int(rand.lognormvariate(1.4 if up else 2.2, 0.9))
            post.meta.update(score=score, controversial=0, ratio=round(rand.uniform(0.8, 1), 2),
                             extra=0 if up else rand.randint(0, 24))
        post.meta["period"] = said.period
        if up is not None:
            up.replies.append(post)
        made[said] = post
        PANEL_POSTS.append(post)
    x_metrics([p for p in PANEL_POSTS if p.platform == "x"], rand)
    for post in PANEL_POSTS:  # dump_record wants it; the API's JSON drops it
        post.meta["retrieved"] = int(post.when.timestamp())
    return rand


def timeline_pages(posts: list[Post], rand: random.Random) -> list[dict[str, Any]]:
    """GET /2/users/:id/tweets for one member, newest first, 10 a page, as twarc2 saves them."""
    user = {k: v for k, v in posts[0].author.items() if k[0] != "_"}
    url = X_TIMELINE_URL.format(user["id"])
    ordered = sorted(posts, key=lambda p: int(p.id), reverse=True)
    pages: list[dict[str, Any]] = []
    previous = ""
    for n, start in enumerate(range(0, len(ordered), 10)):
        page = ordered[start : start + 10]
        doc: dict[str, Any] = {"data": [tweet_json(p) for p in page], "includes": {"users": [user]}}
        refs = {p.parent.id: p.parent for p in page if p.parent is not None}
        if refs:
            doc["includes"]["tweets"] = [tweet_json(r) for r in refs.values()]
        meta = doc["meta"] = {"result_count": len(page), "newest_id": page[0].id,
                              "oldest_id": page[-1].id}
        if start + 10 < len(ordered):
            meta["next_token"] = token(16, rand=rand)
        if n:
            meta["previous_token"] = token(16, rand=rand)
        doc["__twarc"] = {"url": url + (f"&pagination_token={previous}" if n else ""),
                          "version": "2.14.0",
                          "retrieved_at": f"2026-11-16T02:31:{11 + 2 * n:02d}+00:00"}
        previous = meta.get("next_token", "")
        pages.append(doc)
    return pages


def overview(posts: list[Post]) -> dict[str, Any]:
    """GET /user/<name>/overview: the member's submissions and comments, newest first. A
    comment comes without its replies, with what Reddit adds about its thread."""
    children = []
    for post in sorted(posts, key=lambda p: p.when, reverse=True):
        thing = api_thing(post)
        if post.kind == "comment":
            data, top = thing["data"], thread_of(post)
            del data["depth"]
            link = "https://www.reddit.com" + permalink(top)
            data.update(replies="", link_title=top.title, link_author=top.author["name"],
                        link_permalink=link, link_url=link,
                        num_comments=count_comments(top) + top.meta["extra"])
        children.append(thing)
    return listing(children, None, len(children))


def write_panel(compact: dict[str, Any], pretty: dict[str, Any], rand: random.Random) -> None:
    for old in [*SAMPLE.glob("x_timeline_*.ndjson"), *SAMPLE.glob("reddit_user_*.json")]:
        old.unlink()
    for m in PANEL.MEMBERS:
        handle = "username" if m.platform == "x" else "name"
        posts = [p for p in PANEL_POSTS if p.author.get(handle) == m.handle]
        if m.platform == "x":
            write(SAMPLE / f"x_timeline_{m.handle}.ndjson", "".join(
                json.dumps(page, **compact) + "\n" for page in timeline_pages(posts, rand)))
        else:
            write(SAMPLE / f"reddit_user_{m.handle}.json",
                  json.dumps(overview(posts), **pretty) + "\n")
    write(SAMPLE / f"panel_{PANEL.NAME.replace('-', '_')}.csv", "platform,handle\n" + "".join(
        f"{m.platform},{m.account.split(':', 1)[1]}\n" for m in PANEL.MEMBERS))


# --- Labels, checks, output -----------------------------------------------------------------------
def label_text(post: Post) -> str:
    """The text the store keeps (what Earful's parsers make of the record)."""
    if post.kind == "retweet":
        return f"RT @{post.ref.author['username']}: {post.ref.note or post.ref.text}"
    if post.platform == "x" or post.kind == "comment":
        return post.note or post.text
    return post.title + (f"\n\n{post.text}" if post.text and not post.meta.get("removed") else "")


def label_order(post: Post) -> tuple[bool, datetime, str]:
    return post.platform != "x", post.when, post.id


def brands_of(post: Post) -> list[str]:
    if post.cat == "no_brand":
        return []
    text = label_text(post).lower()
    found = [b for b in ("Kestrel", "Trovia", "Nimbus") if b.lower() in text]
    if post.sub == "KestrelGoods" and "Kestrel" not in found:  # the subreddit is the brand's
        found.insert(0, "Kestrel")
    return found


def store_id(post: Post) -> str:
    if post.platform == "x":
        return f"x:{post.edit_of or post.id}"
    return f"reddit:{'t3' if post.kind == 'submission' else 't1'}_{post.id}"


def check(post: Post, brands: list[str]) -> None:
    text, where = label_text(post), store_id(post)
    assert START <= post.when < END, where
    if post.parent is not None:  # in the sample, or someone else's thread a member commented in
        known = (X if post.platform == "x" else R) + PANEL_POSTS
        assert post.parent.when < post.when and (post.parent in known
                                                 or post.parent.meta.get("outside")), where
    if post.platform == "x":
        assert len(post.text) <= 280, f"{where}: too long"
        seconds = ((int(post.id) >> 22) + TWITTER_EPOCH_MS) // 1000
        assert seconds == int(post.when.timestamp()), f"{where}: id and created_at disagree"
    if post.cat == "no_brand":
        lowered = text.lower()
        for brand, phrases in P.EXCLUDES.items():
            for phrase in sorted(phrases, key=len, reverse=True):
                lowered = lowered.replace(phrase, "")
            assert brand.lower() not in lowered, f"{where}: {brand} not excluded: {text}"
        assert "trovia" not in lowered and post.sub != "KestrelGoods", where
        return
    assert brands, f"{where}: names no brand: {text}"
    if post.cat in KESTREL_CATS:
        assert "Kestrel" in brands, f"{where}: {post.cat} without Kestrel: {text}"
    if post.cat.startswith("competitor"):
        assert set(brands) - {"Kestrel"}, f"{where}: no competitor: {text}"
    if post.cat in ("complaint", "question", "praise", "sarcasm"):
        assert not CHURN_WORDS.search(text), f"{where}: {post.cat} with churn words: {text}"
    if post.cat.startswith("churn") or post.cat == "competitor_churn":
        assert CHURN_CUE.search(text), f"{where}: no churn cue: {text}"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def main() -> int:
    rng.seed(SEED)
    XBuilder().build()
    x_metrics()
    thread = RedditBuilder().build()
    panel_rng = build_panel()
    labels: dict[str, dict[str, Any]] = {}
    for post in sorted(X + R, key=label_order) + sorted(PANEL_POSTS, key=label_order):
        brands = brands_of(post)
        check(post, brands)
        assert store_id(post) not in labels, f"duplicate id {store_id(post)}"
        labels[store_id(post)] = {"category": post.cat, "brands": brands, "lang": post.lang}
        if "period" in post.meta:
            labels[store_id(post)].update(panel=PANEL.NAME, period=post.meta["period"])

    compact: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":")}
    pretty: dict[str, Any] = {"ensure_ascii": False, "indent": 2}
    write(SAMPLE / "x_search.ndjson", "".join(json.dumps(p, **compact) + "\n" for p in x_pages()))
    dump = sorted((p for p in R if p.meta["file"] == "dump"), key=lambda p: (p.when, p.id))
    write(SAMPLE / "reddit_dump.ndjson", "".join(
        json.dumps(dump_record(p), sort_keys=True, **compact) + "\n" for p in dump))
    new = sorted((p for p in R if p.meta["file"] == "listing" and p.kind == "submission"),
                 key=lambda p: p.when, reverse=True)
    new_page = listing([api_thing(p) for p in new], f"t3_{new[-1].id}", len(new))
    write(SAMPLE / "reddit_listing_kestrelgoods_new.json", json.dumps(new_page, **pretty) + "\n")
    more = thread.meta["more"]
    comments = [api_thing(r) for r in sorted(thread.replies, key=lambda r: -r.meta["score"])]
    comments.append({"kind": "more", "data": {
        "count": len(more), "name": f"t1_{more[0]}", "id": more[0],
        "parent_id": f"t3_{thread.id}", "depth": 0, "children": more}})
    for old in SAMPLE.glob("reddit_comments_*.json"):
        old.unlink()
    page = [listing([api_thing(thread)], None, 1), listing(comments)]
    write(SAMPLE / f"reddit_comments_{thread.id}.json", json.dumps(page, **pretty) + "\n")
    write_panel(compact, pretty, panel_rng)
    write(LABELS, "{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}"
                                     for k, v in labels.items()) + "\n}\n")
    verify_files(labels)
    report(labels)
    return 0


def verify_files(labels: dict[str, dict[str, Any]]) -> None:
    """Read the files back: every line parses, ids are unique, every parent is present."""
    tweets: dict[str, dict] = {}
    for path in sorted(SAMPLE.glob("x_*.ndjson")):  # the search, and the members' timelines
        for page in map(json.loads, path.read_text("utf-8").splitlines()):
            for item in page["data"]:
                assert tweets.setdefault(item["id"], item) is item, f"tweet {item['id']} twice"
    for item in tweets.values():
        assert all(ref["id"] in tweets for ref in item.get("referenced_tweets", [])), item["id"]
    things: dict[str, list[dict]] = {}
    for line in (SAMPLE / "reddit_dump.ndjson").read_text("utf-8").splitlines():
        record = json.loads(line)
        things.setdefault(record["name"], []).append(record)
    for path in sorted(SAMPLE.glob("reddit_*.json")):
        for data in reddit_things(json.loads(path.read_text("utf-8"))):
            things.setdefault(data["name"], []).append(data)
    for name, copies in things.items():  # only the thread is twice: listing and its page
        assert len(copies) == 1 or (len(copies) == 2 and copies[0] == copies[1]), name
        link = copies[0].get("link_id")
        if "link_title" in copies[0] and copies[0]["parent_id"] == link and link not in things:
            continue  # a member's comment in someone else's thread: the overview has no thread
        for parent in (copies[0].get("parent_id"), copies[0].get("link_id")):
            assert parent is None or parent in things, f"{name}: no parent {parent}"
    keys = {f"x:{t['edit_history_tweet_ids'][0]}" for t in tweets.values()}
    assert keys | {f"reddit:{name}" for name in things} == set(labels), "labels != files"


def reddit_things(node: Any) -> Any:
    """Every submission and comment in an API listing or comments page, however nested."""
    if isinstance(node, list):
        for item in node:
            yield from reddit_things(item)
    elif isinstance(node, dict):
        if node.get("kind") in ("t1", "t3"):
            yield node["data"]
        for value in node.values():
            yield from reddit_things(value)


def report(labels: dict[str, dict[str, Any]]) -> None:
    by: dict[str, Counter[str]] = {"category": Counter(), "platform": Counter(),
                                   "lang": Counter()}
    for key, label in labels.items():
        by["category"][label["category"]] += 1
        by["platform"][key.split(":")[0]] += 1
        by["lang"][label["lang"]] += 1
    total, english = len(labels), by["lang"]["en"]
    print(f"{total} posts written to {SAMPLE.relative_to(ROOT)}, labels in "
          f"{LABELS.relative_to(ROOT)}")
    for name, counter in by.items():
        print(f"  by {name}: " + ", ".join(f"{k} {v}" for k, v in counter.most_common()))
    print(f"  not English: {total - english} ({(total - english) / total:.0%})")
    panel = [label for label in labels.values() if label.get("panel")]
    periods, named = Counter(label["period"] for label in panel), sum(
        1 for label in panel if label["brands"])
    print(f"  panel {PANEL.NAME}: {len(panel)} posts by {len(PANEL.MEMBERS)} members, "
          f"{periods['before']} before {PANEL.SHIFT:%Y-%m-%d} and {periods['after']} from then, "
          f"{named} naming a brand ({named / len(panel):.0%})")
    assert total >= 450, "the sample should hold at least 450 posts"


if __name__ == "__main__":
    raise SystemExit(main())
