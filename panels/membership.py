"""Who an author is to us: which panels they are in, and whether they are a loyalty member.

Panels' members are in the store's ``panel_members``: added from the CLI and imports, found by
rule panels, or copied from ``[[panels]]`` in the config (:func:`panels.registry.sync_config`,
run here, so editing the config is the whole change). Loyalty members' accounts are in
``loyalty_accounts``: linked by the community bot (Discord) or imported from the brand's CRM
(their public handles).

An account is a ``platform:handle`` key (:func:`earful.models.account_key`) or an author id;
an author is looked up under both (:func:`earful.models.author_accounts`).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from sqlite3 import Connection

from earful.config import Settings
from earful.errors import EarfulError
from earful.models import PLATFORMS, Post, account_key, author_accounts
from earful.store import Store, in_chunks, now_iso

# Up to this many panel_members rows, :meth:`Memberships.panels_of` reads them all (about as
# many as one batch's authors have account keys) instead of looking the authors up.
_READ_WHOLE = 2000


def _by_account(rows: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """``(account, panel)`` rows as each account's panels."""
    members: dict[str, set[str]] = defaultdict(set)
    for account, panel in rows:
        members[account].add(panel)
    return members


def _panels(keys: Sequence[str], members: dict[str, set[str]]) -> list[str]:
    """The panels (sorted) of an author known by ``keys``, from each account's panels."""
    found = [members[key] for key in keys if key in members]
    if not found:  # most authors: in no panel
        return []
    return sorted(set().union(*found))


@dataclass(slots=True)
class Membership:
    """One author's panels (sorted) and loyalty id (None: not a member)."""

    panels: list[str] = field(default_factory=list)
    loyalty_id: str | None = None


@dataclass(slots=True)
class LinkReport:
    """What an import of loyalty accounts did; ``problems`` name the file's line."""

    linked: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


class Memberships:
    """Look up panels and loyalty membership of authors.

    Example::

        memberships = Memberships(store, settings)
        memberships.link("LY-1042", "x", "@runner_jo")
        memberships.of("x", "runner_jo", "x:1234")  # Membership(panels=[...], loyalty_id='LY-1042')
    """

    def __init__(self, store: Store, settings: Settings) -> None:
        from panels.registry import sync_config

        self.store = store
        sync_config(store, settings)

    def of(self, platform: str, handle: str | None, author_id: str | None) -> Membership:
        """One author's membership."""
        return self.of_many([(platform, handle, author_id)])[0]

    def of_many(self, authors: Sequence[tuple[str, str | None, str | None]]
                ) -> list[Membership]:
        """Each ``(platform, handle, author id)``'s membership, in one query per table."""
        keys = [author_accounts(*author) for author in authors]
        wanted = sorted({key for group in keys for key in group})
        panels = self._member_rows(wanted)
        loyalty: dict[str, str] = {}
        for chunk, marks in in_chunks(wanted):
            loyalty.update(self.store.conn.execute(
                f"SELECT account, loyalty_id FROM loyalty_accounts WHERE account IN ({marks})",
                chunk))
        return [Membership(_panels(group, panels),
                           next((loyalty[key] for key in group if key in loyalty), None))
                for group in keys]

    def panels_of(self, posts: Sequence[Post]) -> list[list[str]]:
        """Each post's author's panels (sorted), as :meth:`of_many` finds them; one cheap read
        when panel_members is small, as it usually is."""
        conn = self.store.conn
        # Read the members whole when there are few: a dict lookup per author then beats an
        # IN query over every author's keys (and of_many's loyalty query, not needed here).
        rows = conn.execute("SELECT account, panel FROM panel_members LIMIT ?",
                            (_READ_WHOLE + 1,)).fetchall()
        if not rows:
            return [[] for _ in posts]
        keys = [author_accounts(post.platform, post.author.handle, post.author.id)
                if post.author else [] for post in posts]
        members = (self._member_rows(sorted({key for group in keys for key in group}))
                   if len(rows) > _READ_WHOLE else _by_account(rows))
        return [_panels(group, members) for group in keys]

    def _member_rows(self, accounts: Sequence[str]) -> dict[str, set[str]]:
        """The panels of each of ``accounts`` that is in one."""
        conn = self.store.conn
        return _by_account(row for chunk, marks in in_chunks(accounts) for row in conn.execute(
            f"SELECT account, panel FROM panel_members WHERE account IN ({marks})", chunk))

    def known_panels(self) -> set[str]:
        """Panels defined in the config or in the store."""
        return {name for (name,) in self.store.conn.execute("SELECT name FROM panels")}

    def link(self, loyalty_id: str, platform: str, handle: str, *,
             origin: str = "import") -> bool:
        """Record that an account belongs to a loyalty member; False if it already did.

        An account belongs to one member: linking it again moves it (the CRM is the truth).
        """
        with self.store.transaction() as conn:
            return link_account(conn, loyalty_id, platform, handle, origin)

    def import_loyalty(self, path: str | Path) -> LinkReport:
        """Link the accounts of a CSV with columns ``loyalty_id, platform, handle`` (a CRM
        export); a bad line is reported with its number and skipped."""
        report = LinkReport()
        try:
            handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
        except OSError as error:
            raise EarfulError(f"{path}: cannot read: {error.strerror}") from None
        with handle:
            reader = csv.DictReader(handle)
            missing = {"loyalty_id", "platform", "handle"} - set(reader.fieldnames or [])
            if missing:
                raise EarfulError(f"{path}: expected the columns loyalty_id, platform, handle; "
                                  f"missing {', '.join(sorted(missing))}")
            for row in reader:
                where = f"{path}:{reader.line_num}"
                try:
                    changed = self.link(row["loyalty_id"] or "",
                                        (row["platform"] or "").strip().lower(),
                                        row["handle"] or "")
                except EarfulError as error:
                    report.problems.append(f"{where}: {error}")
                    continue
                if changed:
                    report.linked += 1
                else:
                    report.unchanged += 1
        return report

    def members(self) -> Iterable[tuple[str, str, str, str]]:
        """Every linked account: (loyalty id, account, origin, linked at)."""
        yield from self.store.conn.execute(
            "SELECT loyalty_id, account, origin, linked_at FROM loyalty_accounts "
            "ORDER BY loyalty_id, account")


def link_account(conn: Connection, loyalty_id: str, platform: str, handle: str,
                 origin: str) -> bool:
    """:meth:`Memberships.link` inside the caller's transaction (the bot links a member and
    records the account in one)."""
    if platform not in PLATFORMS:
        raise EarfulError(f"platform: expected one of {', '.join(PLATFORMS)}, "
                          f"found {platform!r}")
    loyalty_id = loyalty_id.strip()
    if not loyalty_id or not handle.strip():
        raise EarfulError("a loyalty link needs a loyalty id and a handle")
    account = account_key(platform, handle)
    row = conn.execute("SELECT loyalty_id FROM loyalty_accounts WHERE account = ?",
                       (account,)).fetchone()
    if row is not None and row[0] == loyalty_id:
        return False
    conn.execute(
        "INSERT INTO loyalty_accounts (account, loyalty_id, linked_at, origin) "
        "VALUES (?, ?, ?, ?) ON CONFLICT(account) DO UPDATE SET "
        "loyalty_id = excluded.loyalty_id, linked_at = excluded.linked_at, "
        "origin = excluded.origin", (account, loyalty_id, now_iso(), origin))
    return True


def unlink_account(conn: Connection, platform: str, handle: str, loyalty_id: str) -> bool:
    """Forget that an account speaks for ``loyalty_id`` (it was linked to someone else)."""
    return conn.execute("DELETE FROM loyalty_accounts WHERE account = ? AND loyalty_id = ?",
                        (account_key(platform, handle), loyalty_id)).rowcount > 0
