"""Loyalty points for community members: the ledger, tiers, rewards and redemptions.

Points live in ``points_ledger``, append-only: a member's *balance* is the sum of their rows,
what they have *earned* is the sum of every row but redemptions (so spending never lowers a
tier, while a moderator's ``revoke``, which corrects an award, does). Each award carries a
``ref`` (the message, the event, the survey), and ``UNIQUE(kind, ref)`` makes it pay once however
often it is replayed. Every change runs in one ``BEGIN IMMEDIATE`` transaction, so several
processes on the same file neither double-spend nor oversell.

Plain ids and text only: the Discord bot calls this and turns :class:`LoyaltyError` into a reply.

Example::

    loyalty = Loyalty(store, settings)
    loyalty.earn_activity("4242", "msg-1", at=datetime.now(UTC))
    loyalty.redeem("4242", "trail-mug")  # Redemption(..., balance=15)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pydantic import ValidationError

from earful.config import RewardConfig, Settings, TierConfig
from earful.errors import EarfulError
from earful.models import utc_iso, utcnow
from earful.store import Store

NOT_LINKED = "Link your account first with /link CODE"


class LoyaltyError(EarfulError):
    """An expected refusal (not enough points, out of stock…); the message is for the member."""


class NotLinked(LoyaltyError):
    """The Discord account is not linked to a loyalty member."""


class NotAllowed(LoyaltyError):
    """Only moderators may do this."""


@dataclass(frozen=True, slots=True)
class TierChange:
    """A member moved from tier ``old`` to ``new`` (None: below the first tier); the roles are
    the tiers' Discord roles, for the bot to remove and add."""

    old: str | None
    new: str | None
    old_role: str | None = None
    new_role: str | None = None


@dataclass(frozen=True, slots=True)
class Member:
    loyalty_id: str
    discord_user_id: str | None
    display_name: str | None
    balance: int  # what they can spend
    earned: int  # what they earned in all: their tier's measure
    tier: str | None


@dataclass(frozen=True, slots=True)
class Award:
    """The result of a ledger change. ``points`` is 0 when nothing was added (a replayed
    message, the day's activity cap reached)."""

    loyalty_id: str
    points: int
    balance: int
    earned: int
    tier: str | None
    tier_change: TierChange | None = None


@dataclass(frozen=True, slots=True)
class Reward:
    id: str
    name: str
    cost: int
    stock: int | None  # None: no limit
    description: str = ""
    active: bool = True


@dataclass(frozen=True, slots=True)
class Redemption:
    """A reward redeemed; ``balance`` and ``stock`` are what is left right after it (known only
    when it is the result of :meth:`Loyalty.redeem`)."""

    id: int
    loyalty_id: str
    reward_id: str
    reward_name: str
    cost: int
    at: str
    status: str  # placed | fulfilled
    balance: int | None = None
    stock: int | None = None


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    delta: int
    kind: str
    reason: str | None
    ref: str | None
    actor: str | None
    at: str


@dataclass(frozen=True, slots=True)
class Standing:
    """One line of the leaderboard."""

    rank: int
    loyalty_id: str
    discord_user_id: str
    display_name: str | None
    points: int


@dataclass(frozen=True, slots=True)
class Profile:
    member: Member
    next_tier: str | None  # None: at the top (or no tiers)
    to_next: int | None  # points still to earn to reach it
    recent: list[LedgerEntry] = field(default_factory=list)  # newest first
    redemptions: list[Redemption] = field(default_factory=list)  # newest first


def tier_of(tiers: Sequence[TierConfig], earned: int) -> TierConfig | None:
    """The highest tier whose threshold ``earned`` reaches (tiers are ascending), or None."""
    reached = None
    for tier in tiers:
        if earned >= tier.points:
            reached = tier
    return reached


def totals(conn: sqlite3.Connection, loyalty_id: str) -> tuple[int, int]:
    """A member's ``(balance, earned)`` from the ledger."""
    balance, earned = conn.execute(
        "SELECT COALESCE(SUM(delta), 0), "
        "COALESCE(SUM(CASE WHEN kind != 'redeem' THEN delta END), 0) "
        "FROM points_ledger WHERE loyalty_id = ?", (loyalty_id,)).fetchone()
    return balance, earned


def load_member(conn: sqlite3.Connection, discord_user_id: str) -> Member | None:
    """The member a Discord account is linked to, with balance and stored tier, or None."""
    row = conn.execute(
        "SELECT loyalty_id, display_name, tier FROM loyalty_members WHERE discord_user_id = ?",
        (str(discord_user_id),)).fetchone()
    if row is None:
        return None
    balance, earned = totals(conn, row[0])
    return Member(row[0], str(discord_user_id), row[1], balance, earned, row[2])


def _now(clock: Callable[[], datetime]) -> str:
    return utc_iso(clock()) or ""


class Loyalty:
    """Points, tiers and rewards of the community's loyalty members.

    ``clock`` gives the current time (tests pass a fixed one). Discord ids are text (the bot
    passes ``str(user.id)``); ints are accepted and turned into text.
    """

    def __init__(self, store: Store, settings: Settings, *,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.config = settings.community
        self.clock = clock
        self._seeded = False

    # -- members and tiers -------------------------------------------------------------------
    def member(self, discord_user_id: str) -> Member | None:
        """The linked member (balance, earned, tier), or None if the account is not linked."""
        return load_member(self.store.conn, str(discord_user_id))

    def tier_of(self, earned: int) -> str | None:
        """The name of the tier ``earned`` points reach, or None below the first."""
        tier = tier_of(self.config.tiers, earned)
        return tier.name if tier else None

    def role_of(self, tier: str | None) -> str | None:
        """The Discord role of a tier (None: no tier, or a tier without a role)."""
        found = next((t for t in self.config.tiers if t.name == tier), None)
        return found.role if found else None

    def is_moderator(self, role_names: Iterable[str]) -> bool:
        """Whether someone with these Discord roles moderates (``community.moderator_roles``)."""
        wanted = {name.casefold() for name in self.config.moderator_roles}
        return any(name.casefold() in wanted for name in role_names)

    # -- earning -----------------------------------------------------------------------------
    def earn_activity(self, discord_user_id: str, message_id: str,
                      at: datetime) -> Award | None:
        """Pay ``earn.activity`` for a message, up to ``earn.activity_daily_cap`` *points* per
        member per UTC day of ``at`` (the last award of a day is cut to fit the cap).

        The message id is the ledger ref: a replayed message pays nothing (``points`` 0).
        None if the author has not linked an account (most authors, most messages).
        """
        points = self.config.earn.activity
        when = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
        day = when.replace(hour=0, minute=0, second=0, microsecond=0)
        with self.store.transaction() as conn:
            member = load_member(conn, str(discord_user_id))
            if member is None:
                return None
            (today,) = conn.execute(
                "SELECT COALESCE(SUM(delta), 0) FROM points_ledger WHERE loyalty_id = ? "
                "AND kind = 'activity' AND at >= ? AND at < ?",
                (member.loyalty_id, utc_iso(day), utc_iso(day + timedelta(days=1)))).fetchone()
            points = max(0, min(points, self.config.earn.activity_daily_cap - today))
            return self._apply(conn, member, points, "activity", None, str(message_id),
                               str(discord_user_id), utc_iso(when) or "")

    def mark_helpful(self, moderator_id: str, is_moderator: bool, author_discord_id: str,
                     message_id: str) -> Award:
        """Pay ``earn.helpful`` to the author of a message a moderator marked helpful, once per
        message (marking it again pays nothing: ``points`` 0). Moderators cannot mark their own.
        """
        self._require_moderator(is_moderator, "mark answers helpful")
        if str(moderator_id) == str(author_discord_id):
            raise LoyaltyError("You cannot mark your own message helpful.")
        with self.store.transaction() as conn:
            member = self._linked(conn, author_discord_id, "The author")
            return self._apply(conn, member, self.config.earn.helpful, "helpful",
                               "helpful answer", str(message_id), str(moderator_id))

    def award_event(self, moderator: str, is_moderator: bool, discord_user_id: str,
                    event: str) -> Award:
        """Pay the points of a named event (``earn.events``), once per member and event."""
        self._require_moderator(is_moderator, "award event points")
        events = self.config.earn.events
        if event not in events:
            known = ", ".join(sorted(events)) or "none configured"
            raise LoyaltyError(f"No event called {event!r} (events: {known}).")
        with self.store.transaction() as conn:
            member = self._linked(conn, discord_user_id, "That member")
            award = self._apply(conn, member, events[event], "event", event,
                                f"{member.loyalty_id}:{event}", str(moderator))
        if award.points == 0 and events[event] > 0:
            raise LoyaltyError(f"{member.display_name or member.loyalty_id} already has the "
                               f"points for {event!r}.")
        return award

    def award_survey(self, discord_user_id: str, survey_id: str | int) -> Award | None:
        """Pay ``earn.survey`` for an answered survey, once per member and survey; None if the
        account is not linked."""
        with self.store.transaction() as conn:
            member = load_member(conn, str(discord_user_id))
            if member is None:
                return None
            return self._apply(conn, member, self.config.earn.survey, "survey", None,
                               f"{member.loyalty_id}:{survey_id}", str(discord_user_id))

    def grant(self, moderator: str, is_moderator: bool, discord_user_id: str, points: int,
              reason: str) -> Award:
        """Give a member ``points`` (> 0); they count towards tiers."""
        self._require_moderator(is_moderator, "grant points")
        self._positive(points)
        with self.store.transaction() as conn:
            member = self._linked(conn, discord_user_id, "That member")
            return self._apply(conn, member, points, "grant", reason, None, str(moderator))

    def revoke(self, moderator: str, is_moderator: bool, discord_user_id: str, points: int,
               reason: str) -> Award:
        """Take back ``points`` (> 0) awarded by mistake: lowers the balance *and* what was
        earned (so the tier may drop). Refused if it would take the balance below zero.
        """
        self._require_moderator(is_moderator, "revoke points")
        self._positive(points)
        with self.store.transaction() as conn:
            member = self._linked(conn, discord_user_id, "That member")
            if points > member.balance:
                raise LoyaltyError(f"{member.display_name or member.loyalty_id} has "
                                   f"{member.balance} points; cannot revoke {points}.")
            return self._apply(conn, member, -points, "revoke", reason, None, str(moderator))

    # -- rewards -----------------------------------------------------------------------------
    def rewards(self) -> list[Reward]:
        """The active rewards, cheapest first, with their stock (None: no limit)."""
        self._seed()
        return [Reward(*row[:5], active=True) for row in self.store.conn.execute(
            "SELECT id, name, cost, stock, COALESCE(description, '') FROM rewards "
            "WHERE active = 1 ORDER BY cost, id")]

    def add_reward(self, moderator: str, is_moderator: bool, id: str, name: str, cost: int,
                   stock: int | None = None, description: str = "") -> Reward:
        """Add a reward to the catalogue; an existing id is updated (restocked, repriced) and
        made active again."""
        self._require_moderator(is_moderator, "add rewards")
        try:
            config = RewardConfig(id=id, name=name, cost=cost, stock=stock,
                                  description=description)
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise LoyaltyError(f"{where}: {problem['msg']}") from None
        self._seed()
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO rewards (id, name, cost, stock, description, active, created_at) "
                "VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT(id) DO UPDATE SET "
                "name = excluded.name, cost = excluded.cost, stock = excluded.stock, "
                "description = excluded.description, active = 1",
                (config.id, config.name, config.cost, config.stock, config.description,
                 _now(self.clock)))
        return Reward(config.id, config.name, config.cost, config.stock, config.description)

    def redeem(self, discord_user_id: str, reward_id: str) -> Redemption:
        """Spend points on a reward, all in one ``BEGIN IMMEDIATE`` transaction: the balance
        is read, the stock taken by a guarded update, the ledger row and the redemption written
        together, so concurrent redemptions never overspend or oversell.
        """
        self._seed()
        at = _now(self.clock)
        with self.store.transaction() as conn:
            member = load_member(conn, str(discord_user_id))
            if member is None:
                raise NotLinked(NOT_LINKED)
            row = conn.execute("SELECT name, cost, stock FROM rewards WHERE id = ? AND "
                               "active = 1", (reward_id,)).fetchone()
            if row is None:
                raise LoyaltyError(f"No reward called {reward_id!r}; see /rewards.")
            name, cost, stock = row
            if stock is not None and stock <= 0:
                raise LoyaltyError(f"{name} is out of stock.")
            if member.balance < cost:
                raise LoyaltyError(f"You have {member.balance} points; {name} costs {cost}.")
            # Guarded even inside the transaction: the row decides, not what was read above.
            taken = conn.execute(
                "UPDATE rewards SET stock = stock - 1 WHERE id = ? AND active = 1 "
                "AND (stock IS NULL OR stock > 0)", (reward_id,))
            if taken.rowcount != 1:
                raise LoyaltyError(f"{name} is out of stock.")
            redemption_id = conn.execute(
                "INSERT INTO redemptions (loyalty_id, reward_id, cost, at, status) "
                "VALUES (?, ?, ?, ?, 'placed')",
                (member.loyalty_id, reward_id, cost, at)).lastrowid
            conn.execute(
                "INSERT INTO points_ledger (loyalty_id, delta, kind, reason, ref, actor, at) "
                "VALUES (?, ?, 'redeem', ?, ?, ?, ?)",
                (member.loyalty_id, -cost, name, str(redemption_id), str(discord_user_id), at))
            balance, _ = totals(conn, member.loyalty_id)
            if balance < 0:  # cannot happen while every spend goes through here; never commit it
                raise LoyaltyError(f"You have {member.balance} points; {name} costs {cost}.")
        return Redemption(redemption_id or 0, member.loyalty_id, reward_id, name, cost, at,
                          "placed", balance, None if stock is None else stock - 1)

    # -- reading -----------------------------------------------------------------------------
    def leaderboard(self, limit: int = 10, days: int | None = None) -> list[Standing]:
        """Linked members by points earned (in all, or in the last ``days``), most first."""
        since = utc_iso(self.clock() - timedelta(days=days)) if days else ""
        rows = self.store.conn.execute(
            "SELECT m.loyalty_id, m.discord_user_id, m.display_name, SUM(l.delta) AS points "
            "FROM points_ledger l JOIN loyalty_members m ON m.loyalty_id = l.loyalty_id "
            "WHERE m.discord_user_id IS NOT NULL AND l.kind != 'redeem' AND l.at >= ? "
            "GROUP BY m.loyalty_id HAVING points > 0 "
            "ORDER BY points DESC, m.display_name, m.loyalty_id LIMIT ?", (since, limit))
        return [Standing(rank, *row) for rank, row in enumerate(rows, start=1)]

    def profile(self, discord_user_id: str, recent: int = 10) -> Profile:
        """A member's balance, tier, the next tier and points to it, their latest ledger rows
        and redemptions."""
        conn = self.store.conn
        member = load_member(conn, str(discord_user_id))
        if member is None:
            raise NotLinked(NOT_LINKED)
        following = next((t for t in self.config.tiers if t.points > member.earned), None)
        entries = [LedgerEntry(*row) for row in conn.execute(
            "SELECT delta, kind, reason, ref, actor, at FROM points_ledger WHERE loyalty_id = ? "
            "ORDER BY at DESC, id DESC LIMIT ?", (member.loyalty_id, recent))]
        redemptions = [Redemption(*row) for row in conn.execute(
            "SELECT r.id, r.loyalty_id, r.reward_id, COALESCE(w.name, r.reward_id), r.cost, "
            "r.at, r.status FROM redemptions r LEFT JOIN rewards w ON w.id = r.reward_id "
            "WHERE r.loyalty_id = ? ORDER BY r.at DESC, r.id DESC LIMIT ?",
            (member.loyalty_id, recent))]
        return Profile(member, following.name if following else None,
                       following.points - member.earned if following else None,
                       entries, redemptions)

    # -- inside ------------------------------------------------------------------------------
    def _apply(self, conn: sqlite3.Connection, member: Member, points: int, kind: str,
               reason: str | None, ref: str | None, actor: str, at: str | None = None
               ) -> Award:
        """Append one ledger row (none for 0 points or a ref already paid) and bring the
        stored tier in step; inside the caller's transaction."""
        added = 0
        if points:
            added = conn.execute(
                "INSERT INTO points_ledger (loyalty_id, delta, kind, reason, ref, actor, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(kind, ref) DO NOTHING",
                (member.loyalty_id, points, kind, reason, ref, actor,
                 at or _now(self.clock))).rowcount
        balance, earned = totals(conn, member.loyalty_id)
        tier = self.tier_of(earned)
        change = None
        # Compared with the stored tier, not the one before this change: the stored tier is
        # the role the bot last assigned, so a changed config is caught up at the next award.
        if tier != member.tier:
            conn.execute("UPDATE loyalty_members SET tier = ? WHERE loyalty_id = ?",
                         (tier, member.loyalty_id))
            change = TierChange(member.tier, tier, self.role_of(member.tier), self.role_of(tier))
        return Award(member.loyalty_id, points if added else 0, balance, earned, tier, change)

    def _linked(self, conn: sqlite3.Connection, discord_user_id: str, who: str) -> Member:
        member = load_member(conn, str(discord_user_id))
        if member is None:
            raise NotLinked(f"{who} has not linked a loyalty account (/link CODE).")
        return member

    @staticmethod
    def _require_moderator(is_moderator: bool, what: str) -> None:
        if not is_moderator:
            raise NotAllowed(f"Only moderators can {what}.")

    @staticmethod
    def _positive(points: int) -> None:
        if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
            raise LoyaltyError(f"points: expected a whole number above 0, found {points!r}")

    def _seed(self) -> None:
        """Add the config's rewards missing from the store (once per instance). Rewards already
        there keep their stock and price: the store is the truth once a reward exists."""
        if self._seeded:
            return
        have = {row[0] for row in self.store.conn.execute("SELECT id FROM rewards")}
        missing = [reward for reward in self.config.rewards if reward.id not in have]
        if missing:
            with self.store.transaction() as conn:
                conn.executemany(
                    "INSERT INTO rewards (id, name, cost, stock, description, active, "
                    "created_at) VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT(id) DO NOTHING",
                    [(r.id, r.name, r.cost, r.stock, r.description, _now(self.clock))
                     for r in missing])
        self._seeded = True
