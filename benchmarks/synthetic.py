"""Synthetic posts for benchmarks: varied brand-directed texts in the platforms' shapes.

Not for tests of meaning (the sample and the development data are for that): only volume.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from earful.models import Author, Post

BRANDS = ["Kestrel", "@KestrelHelp", "@KestrelGoods", "#kestrelgoods", "Kestrel Plus",
          "Trovia", "@TroviaShop", "Nimbus Market", "@NimbusMarket"]
PRODUCTS = ["jacket", "tent", "boots", "backpack", "stove", "sleeping bag", "headlamp", "fleece"]
OPENERS = ["", "ok so ", "honestly ", "lol ", "ugh ", "psa: ", "quick q: ", "update: "]
BODIES = [
    "my {p} from {b} arrived today and it is perfect, thanks!",
    "{b} where is my order? it's been {d} days and tracking hasn't moved",
    "the {p} I got from {b} is already broken after {d} days. I want a refund",
    "does {b} ship to {c}? and who pays the customs fees",
    "{b} customer service is the worst, still waiting for an answer on my {p}",
    "I'm cancelling my {b} membership, switching to Trovia",
    "one more late delivery and I'm done with {b}",
    "not cancelling, {b} support fixed my {p} issue in a day 🙌",
    "cancelled Nimbus Prime, {b} has better prices on {p}s",
    "{b} vs Trovia for a {p}? need it before my trip to {c}",
    "great, my express {p} from {b} is on week {d}. love it 🙃",
    "wow the {p} from {b} is 🔥🔥 best purchase this year",
    "{b} sent me the wrong size {p} again 😡",
    "Mi pedido de {b} todavía no ha llegado, quiero un reembolso",
    "Je vais résilier mon abonnement {b}, toujours pas de remboursement",
    "Meine Bestellung bei {b} ist immer noch nicht da. Ich kündige.",
    "Adorei a {p} da {b}, chegou super rápido!",
    "DM for cheap {b} coupons 💰💰 limited offer",
    "anyone know if {b} does student discounts on {p}s?",
    "just got my {p}, {b} packaging was nice and it fits well",
]
COUNTRIES = ["Canada", "Germany", "Mexico", "Japan", "Brazil", "the UK", "Australia", "Spain"]
START = datetime(2026, 10, 1, tzinfo=UTC)


def synthetic_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        body = rng.choice(BODIES).format(b=rng.choice(BRANDS), p=rng.choice(PRODUCTS),
                                         d=rng.randint(2, 40), c=rng.choice(COUNTRIES))
        texts.append(rng.choice(OPENERS) + body + (f" #{rng.randint(1000, 99999)}"
                                                   if rng.random() < 0.2 else ""))
    return texts


def synthetic_posts(n: int, seed: int = 7) -> list[Post]:
    rng = random.Random(seed + 1)
    posts = []
    for index, text in enumerate(synthetic_texts(n, seed)):
        handle = f"user{rng.randint(1, n // 3 + 1)}"
        followers = int(rng.paretovariate(1.2) * 50)
        posts.append(Post(
            platform="x", native_id=str(10**18 + index), text=text,
            created_at=START + timedelta(seconds=index * 13), kind="post",
            url=f"https://x.com/{handle}/status/{10**18 + index}",
            author=Author("x", handle, handle=handle, followers=followers),
            likes=rng.randint(0, 30), replies=rng.randint(0, 5), reposts=rng.randint(0, 5),
            raw={"id": str(10**18 + index), "text": text, "author_id": handle},
        ))
    return posts


def x_response_lines(n: int, per_response: int = 100, seed: int = 7) -> Iterator[dict[str, Any]]:
    """X API v2 search responses (``data`` + ``includes.users``) holding ``n`` tweets."""
    texts = synthetic_texts(n, seed)
    for start in range(0, n, per_response):
        tweets, users = [], {}
        for index in range(start, min(n, start + per_response)):
            tweet_id = str(1_850_000_000_000_000_000 + index)
            user_id = str(10_000 + index % 5000)
            users[user_id] = {"id": user_id, "username": f"user{user_id}", "name": "User",
                              "public_metrics": {"followers_count": index % 3000}}
            tweets.append({
                "id": tweet_id, "text": texts[index], "author_id": user_id, "lang": "und",
                "created_at": (START + timedelta(seconds=index * 13)).strftime(
                    "%Y-%m-%dT%H:%M:%S.000Z"),
                "conversation_id": tweet_id, "edit_history_tweet_ids": [tweet_id],
                "public_metrics": {"retweet_count": 0, "reply_count": 1, "like_count": 2,
                                   "quote_count": 0},
            })
        yield {"data": tweets, "includes": {"users": list(users.values())},
               "meta": {"result_count": len(tweets)}}
