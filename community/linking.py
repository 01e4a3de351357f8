"""Linking a Discord account to a loyalty member with a one-time code.

The brand's CRM asks for a code for a loyalty id (:func:`issue_code`, ``earful loyalty code
LY-1``) and shows it to the member, who types ``/link CODE`` in Discord (:func:`redeem_code`).
A Discord account belongs to one loyalty id and a loyalty id to one Discord account: linking
again moves the link (the newest code is the proof). Points stay with the loyalty id.

Example::

    code = issue_code(store, settings, "LY-1042")  # "K7QM-3XRA"
    redeem_code(store, settings, "k7qm3xra", "4242", "Jo")  # Linked(Member("LY-1042", ...), None)
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from community.loyalty import LoyaltyError, Member, load_member, tier_of
from earful.config import Settings
from earful.models import utc_iso, utcnow
from earful.store import Store
from panels.membership import link_account, unlink_account

# No 0/O, 1/I/L: a code read off a screen or an email is typed without guessing.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8  # 31**8 ≈ 8.5e11: not guessable within a day's expiry


@dataclass(frozen=True, slots=True)
class Linked:
    """What a redeemed code did: the member as now linked, and the Discord account that held
    the loyalty id before and no longer does (None: nobody else did). The bot takes that
    account's tier roles away: it no longer speaks for the member."""

    member: Member
    replaced: str | None = None


def normalize_code(code: str) -> str:
    """A code as stored: upper case, without the dash or spaces a member may type."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def display_code(code: str) -> str:
    """A stored code as shown to a member: ``K7QM-3XRA``."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def issue_code(store: Store, settings: Settings, loyalty_id: str,
               now: datetime | None = None) -> str:
    """A new one-time code for ``loyalty_id``, valid for ``community.link_code_ttl`` seconds,
    returned as shown to the member (``K7QM-3XRA``; the dash and case are optional when typed).

    Codes issued earlier stay valid until they expire or are used.
    """
    loyalty_id = loyalty_id.strip()
    if not loyalty_id:
        raise LoyaltyError("a link code needs a loyalty id")
    now = now or utcnow()
    expires = now + timedelta(seconds=settings.community.link_code_ttl)
    with store.transaction() as conn:
        while True:
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            inserted = conn.execute(
                "INSERT INTO link_codes (code, loyalty_id, created_at, expires_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(code) DO NOTHING",
                (code, loyalty_id, utc_iso(now), utc_iso(expires))).rowcount
            if inserted:
                return display_code(code)


def redeem_code(store: Store, settings: Settings, code: str, discord_user_id: str,
                display_name: str, now: datetime | None = None) -> Linked:
    """Link a Discord account to the loyalty id a code was issued to: the member, and the
    account it replaced (see :class:`Linked`).

    Refused (:class:`LoyaltyError`) for an unknown, expired or already used code. The same
    account typing a code it already used, while still linked by it, gets its member back
    (nothing changes but the display name): a retried ``/link`` is not an error.

    In one transaction: the account leaves any other loyalty id, an account linked to this
    loyalty id before is unlinked, the member row is written (tier from the points earned so
    far), the code marked used and the account recorded as the member's in
    ``loyalty_accounts`` (what routing and alerts read).
    """
    discord_user_id = str(discord_user_id)
    wanted = normalize_code(code)
    at = utc_iso(now or utcnow()) or ""
    replaced = None
    with store.transaction() as conn:
        row = conn.execute("SELECT loyalty_id, expires_at, used_by FROM link_codes "
                           "WHERE code = ?", (wanted,)).fetchone()
        if row is None:
            raise LoyaltyError("That code is not valid; check it and try again.")
        loyalty_id, expires_at, used_by = row
        if used_by is not None:
            current = conn.execute("SELECT loyalty_id FROM loyalty_members "
                                   "WHERE discord_user_id = ?", (discord_user_id,)).fetchone()
            if used_by != discord_user_id or current is None or current[0] != loyalty_id:
                raise LoyaltyError("That code has already been used; ask for a new one.")
        elif at >= expires_at:
            raise LoyaltyError("That code has expired; ask for a new one.")
        else:
            # Whoever held this loyalty id on Discord before no longer speaks for the member.
            before = conn.execute("SELECT discord_user_id FROM loyalty_members "
                                  "WHERE loyalty_id = ?", (loyalty_id,)).fetchone()
            if before and before[0] and before[0] != discord_user_id:
                replaced = before[0]
                unlink_account(conn, "discord", replaced, loyalty_id)
            # One loyalty id per account: leave the old one (its points stay with it).
            conn.execute("UPDATE loyalty_members SET discord_user_id = NULL "
                         "WHERE discord_user_id = ? AND loyalty_id != ?",
                         (discord_user_id, loyalty_id))
            conn.execute("UPDATE link_codes SET used_at = ?, used_by = ? WHERE code = ?",
                         (at, discord_user_id, wanted))
        conn.execute(
            "INSERT INTO loyalty_members (loyalty_id, discord_user_id, display_name, linked_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(loyalty_id) DO UPDATE SET "
            "discord_user_id = excluded.discord_user_id, display_name = excluded.display_name, "
            "linked_at = CASE WHEN loyalty_members.discord_user_id IS excluded.discord_user_id "
            "THEN loyalty_members.linked_at ELSE excluded.linked_at END",
            (loyalty_id, discord_user_id, display_name, at))
        member = load_member(conn, discord_user_id)
        assert member is not None
        tier = tier_of(settings.community.tiers, member.earned)
        name = tier.name if tier else None
        conn.execute("UPDATE loyalty_members SET tier = ? WHERE loyalty_id = ?",
                     (name, loyalty_id))
        link_account(conn, loyalty_id, "discord", discord_user_id, "discord")
    return Linked(Member(member.loyalty_id, member.discord_user_id, member.display_name,
                         member.balance, member.earned, name), replaced)
