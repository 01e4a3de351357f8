"""Panels: named audiences, managed from the config or the CLI, and their members.

Config panels are copied into the store (``origin = 'config'``) by :func:`sync_config`, so
members, tags and reports refer to one table; the config stays their only editor. A list
panel's members are added by hand or from a CSV; a rule panel's are recomputed by
:meth:`Panels.refresh` (see :mod:`panels.rules`).

A mention is tagged with its author's panels (``mention_panels``) when it is stored, and
again here whenever a panel's members change, so panel reports read one indexed table.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from sqlite3 import Connection

import orjson
from pydantic import ValidationError

from earful.config import PanelConfig, PanelRule, Settings
from earful.errors import EarfulError
from earful.models import author_accounts, parse_account, utc_iso, utcnow
from earful.store import Store, in_chunks, now_iso

log = logging.getLogger(__name__)

_NAME_HINT = "letters, digits, '_', '.' and '-'"


@dataclass(slots=True)
class Panel:
    """One panel as stored (config panels included)."""

    name: str
    description: str
    origin: str  # config | cli
    rule: PanelRule | None
    collect: bool
    retention_days: int | None
    refresh: float
    refreshed_at: str | None
    created_at: str

    @property
    def kind(self) -> str:
        return "rule" if self.rule is not None else "list"


@dataclass(slots=True)
class Member:
    """A panel member with what the store holds of them."""

    account: str
    origin: str  # config | cli | import | rule
    added_at: str
    posts: int = 0
    last_post_at: str | None = None


@dataclass(slots=True)
class Change:
    """What a change of members did; ``problems`` say which input was refused and why."""

    added: int = 0
    removed: int = 0
    unchanged: int = 0
    tagged: int = 0  # stored posts newly tagged with the panel
    untagged: int = 0
    problems: list[str] = field(default_factory=list)


def _rule_json(rule: PanelRule | None) -> str | None:
    return None if rule is None else rule.model_dump_json(exclude_defaults=True)


def sync_config(store: Store, settings: Settings) -> None:
    """Bring the store's copies of the config's panels in step with the config.

    Cheap when nothing changed (two reads); a changed member list is retagged, a changed
    rule is refreshed at the next :meth:`Panels.refresh`, a panel gone from the config is
    deleted (posts kept only for it go at the next retention pass).
    """
    conn = store.conn
    stored = {row[0]: row[1:] for row in conn.execute(
        "SELECT name, origin, description, rule, collect, retention_days, refresh FROM panels")}
    members: dict[str, set[str]] = {}
    for panel, account in conn.execute(
            "SELECT panel, account FROM panel_members WHERE origin = 'config'"):
        members.setdefault(panel, set()).add(account)
    wanted = {panel.name: panel for panel in settings.panels}
    changes = [panel for panel in settings.panels
               if stored.get(panel.name) != _config_row(panel)
               or members.get(panel.name, set()) != set(panel.members)]
    gone = [name for name, row in stored.items() if row[0] == "config" and name not in wanted]
    if not changes and not gone:
        return
    with store.transaction() as conn:
        for name in gone:
            conn.execute("DELETE FROM panels WHERE name = ?", (name,))
        for panel in changes:
            _write_config_panel(conn, panel, stored.get(panel.name))


def _config_row(panel: PanelConfig) -> tuple[object, ...]:
    return ("config", panel.description, _rule_json(panel.rule), int(panel.collect),
            panel.retention_days, panel.refresh)


def _write_config_panel(conn: Connection, panel: PanelConfig,
                        before: tuple[object, ...] | None) -> None:
    if before is not None and before[0] != "config":
        log.warning("panel %r is defined in the config and was also created from the CLI: "
                    "the config's definition and members replace the CLI's", panel.name)
    rule = _rule_json(panel.rule)
    conn.execute(
        "INSERT INTO panels (name, description, created_at, origin, rule, collect, "
        "retention_days, refresh) VALUES (?, ?, ?, 'config', ?, ?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET description = excluded.description, "
        "origin = 'config', rule = excluded.rule, collect = excluded.collect, "
        "retention_days = excluded.retention_days, refresh = excluded.refresh, "
        # A new rule is refreshed at the next chance.
        "refreshed_at = CASE WHEN panels.rule IS excluded.rule THEN panels.refreshed_at END",
        (panel.name, panel.description, now_iso(), rule, int(panel.collect),
         panel.retention_days, panel.refresh))
    if panel.rule is not None:
        return
    current = {account for (account,) in conn.execute(
        "SELECT account FROM panel_members WHERE panel = ?", (panel.name,))}
    _set_members(conn, panel.name, set(panel.members), current, "config")


def _set_members(conn: Connection, panel: str, wanted: set[str], current: set[str],
                 origin: str) -> Change:
    """Make ``panel``'s members ``wanted`` (``current`` are its members now) and retag."""
    change = Change()
    added, removed = sorted(wanted - current), sorted(current - wanted)
    at = now_iso()
    conn.executemany("INSERT INTO panel_members (panel, account, added_at, origin) "
                     "VALUES (?, ?, ?, ?)", [(panel, account, at, origin) for account in added])
    conn.executemany("DELETE FROM panel_members WHERE panel = ? AND account = ?",
                     [(panel, account) for account in removed])
    change.added, change.removed = len(added), len(removed)
    change.unchanged = len(wanted & current)
    change.tagged, change.untagged = retag(conn, panel, [*added, *removed])
    return change


def author_ids(conn: Connection, accounts: Iterable[str]) -> dict[str, set[str]]:
    """Each account's author ids in the store: by handle (``x:runner_jo``), or the account
    itself when it is an author id (``x:1850…``, ``reddit:name``)."""
    found: dict[str, set[str]] = {}
    for account in accounts:
        platform, _, handle = account.partition(":")
        ids = {author_id for (author_id,) in conn.execute(
            "SELECT id FROM authors WHERE platform = ? AND lower(handle) = ?",
            (platform, handle))}
        ids |= {author_id for (author_id,) in conn.execute(
            "SELECT id FROM authors WHERE lower(id) = ?", (account,))}
        found[account] = ids
    return found


def _keys_of(conn: Connection, author_id: str) -> list[str]:
    row = conn.execute("SELECT platform, handle FROM authors WHERE id = ?",
                       (author_id,)).fetchone()
    if row is None:
        return [author_id.lower()]
    return author_accounts(row[0], row[1], author_id)


def retag(conn: Connection, panel: str, accounts: Sequence[str]) -> tuple[int, int]:
    """Tag or untag the stored posts of ``accounts``' authors with ``panel``, as their
    membership now stands; (tagged, untagged)."""
    tagged = untagged = 0
    authors = {author for ids in author_ids(conn, accounts).values() for author in ids}
    for author in sorted(authors):
        keys = _keys_of(conn, author)
        marks = ", ".join("?" * len(keys))
        member = conn.execute(f"SELECT 1 FROM panel_members WHERE panel = ? AND account IN "
                              f"({marks}) LIMIT 1", (panel, *keys)).fetchone() is not None
        if member:
            tagged += conn.execute(
                "INSERT OR IGNORE INTO mention_panels (mention_id, panel) "
                "SELECT id, ? FROM mentions WHERE author_id = ?", (panel, author)).rowcount
        else:
            untagged += conn.execute(
                "DELETE FROM mention_panels WHERE panel = ? AND mention_id IN "
                "(SELECT id FROM mentions WHERE author_id = ?)", (panel, author)).rowcount
    return tagged, untagged


class Panels:
    """Create, fill and read panels.

    Example::

        panels = Panels(store, settings)
        panels.create("uk-runners", description="runners we follow")
        panels.add("uk-runners", ["x:@runner_jo", "reddit:u/trail_mix_88"])
        panels.members("uk-runners")  # [Member(account='reddit:trail_mix_88', ...), ...]
    """

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        sync_config(store, settings)

    # -- reading ------------------------------------------------------------------------------
    def all(self) -> list[Panel]:
        return [self._panel(row) for row in self.store.conn.execute(
            f"SELECT {_PANEL_COLUMNS} FROM panels ORDER BY name")]

    def get(self, name: str) -> Panel:
        row = self.store.conn.execute(f"SELECT {_PANEL_COLUMNS} FROM panels WHERE name = ?",
                                      (name,)).fetchone()
        if row is None:
            known = [panel.name for panel in self.all()]
            raise EarfulError(f"no panel named {name!r}; panels: {', '.join(known) or 'none'}")
        return self._panel(row)

    @staticmethod
    def _panel(row: tuple[object, ...]) -> Panel:
        (name, description, origin, rule, collect, retention, refresh, refreshed_at,
         created_at) = row
        return Panel(str(name), str(description or ""), str(origin),
                     PanelRule.model_validate_json(str(rule)) if rule else None, bool(collect),
                     int(retention) if retention is not None else None,  # type: ignore[call-overload]
                     float(refresh), refreshed_at, str(created_at))  # type: ignore[arg-type]

    def members(self, name: str) -> list[Member]:
        """``name``'s members, the most active first, with their stored posts."""
        self.get(name)
        rows = self.store.conn.execute(
            "SELECT account, origin, added_at FROM panel_members WHERE panel = ?", (name,))
        members = {account: Member(account, origin, added) for account, origin, added in rows}
        for account, ids in author_ids(self.store.conn, members).items():
            for chunk, marks in in_chunks(sorted(ids)):
                posts, last = self.store.conn.execute(
                    f"SELECT count(*), max(created_at) FROM mentions WHERE author_id IN "
                    f"({marks})", chunk).fetchone()
                member = members[account]
                member.posts += posts
                if last and (member.last_post_at is None or last > member.last_post_at):
                    member.last_post_at = last
        return sorted(members.values(), key=lambda m: (-m.posts, m.account))

    def counts(self) -> dict[str, tuple[int, int]]:
        """Each panel's (members, tagged posts)."""
        members = dict(self.store.conn.execute(
            "SELECT panel, count(*) FROM panel_members GROUP BY panel"))
        posts = dict(self.store.conn.execute(
            "SELECT panel, count(*) FROM mention_panels GROUP BY panel"))
        return {panel.name: (members.get(panel.name, 0), posts.get(panel.name, 0))
                for panel in self.all()}

    def collect_accounts(self, names: Sequence[str], platform: str) -> list[str]:
        """Accounts on ``platform`` whose posts a source following ``names`` ("*": every
        panel) reads: members of those panels that collect, each once, sorted."""
        if not names:
            return []
        every = "*" in names
        marks = ", ".join("?" * len(names))
        rows = self.store.conn.execute(
            "SELECT DISTINCT m.account FROM panel_members m JOIN panels p ON p.name = m.panel "
            f"WHERE p.collect AND m.account LIKE ? {'' if every else f'AND p.name IN ({marks})'}"
            " ORDER BY m.account", (f"{platform}:%", *([] if every else names)))
        return [account for (account,) in rows]

    # -- changing -----------------------------------------------------------------------------
    def create(self, name: str, *, description: str = "", rule: PanelRule | None = None,
               collect: bool = True, retention_days: int | None = None,
               refresh: float = 3600.0) -> Panel:
        """A new panel managed from the CLI (a rule panel fills at its first refresh)."""
        try:
            PanelConfig(name=name, description=description, rule=rule, collect=collect,
                        retention_days=retention_days, refresh=refresh)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "panel"
            hint = f" ({_NAME_HINT})" if where == "name" else ""
            raise EarfulError(f"{where}: {first['msg']}{hint}") from None
        if rule is not None and rule.brand is not None:
            self.settings.brand(rule.brand)  # names the configured brands if unknown
        with self.store.transaction() as conn:
            if conn.execute("SELECT 1 FROM panels WHERE name = ?", (name,)).fetchone():
                raise EarfulError(f"a panel named {name!r} already exists")
            conn.execute(
                "INSERT INTO panels (name, description, created_at, origin, rule, collect, "
                "retention_days, refresh) VALUES (?, ?, ?, 'cli', ?, ?, ?, ?)",
                (name, description, now_iso(), _rule_json(rule), int(collect), retention_days,
                 refresh))
        return self.get(name)

    def _editable(self, name: str, *, members: bool = False) -> Panel:
        panel = self.get(name)
        if panel.origin == "config":
            raise EarfulError(f"panel {name!r} is defined in the config: change it there")
        if members and panel.rule is not None:
            raise EarfulError(f"panel {name!r} is a rule panel ({panel.rule.describe()}): its "
                              "members come from the rule")
        return panel

    def delete(self, name: str) -> int:
        """Delete a panel made from the CLI; returns how many members it had. Posts kept
        only for it are deleted by the next retention pass."""
        self._editable(name)
        with self.store.transaction() as conn:
            (count,) = conn.execute("SELECT count(*) FROM panel_members WHERE panel = ?",
                                    (name,)).fetchone()
            conn.execute("DELETE FROM panels WHERE name = ?", (name,))
        return int(count)

    def add(self, name: str, accounts: Iterable[str], *, origin: str = "cli") -> Change:
        """Add accounts (``platform:handle``) to a list panel; bad ones are reported."""
        return self._change(name, accounts, add=True, origin=origin)

    def remove(self, name: str, accounts: Iterable[str]) -> Change:
        return self._change(name, accounts, add=False, origin="cli")

    def _change(self, name: str, accounts: Iterable[str], *, add: bool, origin: str) -> Change:
        self._editable(name, members=True)
        keys: set[str] = set()
        problems = []
        for text in accounts:
            try:
                keys.add(parse_account(text))
            except ValueError as error:
                problems.append(str(error))
        with self.store.transaction() as conn:
            current = {account for (account,) in conn.execute(
                "SELECT account FROM panel_members WHERE panel = ?", (name,))}
            wanted = current | keys if add else current - keys
            change = _set_members(conn, name, wanted, current, origin)
        if not add:
            change.unchanged = len(keys - current)  # not members: nothing to remove
        change.problems = problems
        return change

    def import_csv(self, name: str, path: str | Path) -> Change:
        """Add the accounts of a CSV with columns ``platform, handle`` (a ``platform:handle``
        column named ``account`` also works); bad lines are reported with their number."""
        try:
            handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
        except OSError as error:
            raise EarfulError(f"{path}: cannot read: {error.strerror}") from None
        accounts: list[str] = []
        problems: list[str] = []
        with handle:
            reader = csv.DictReader(handle)
            columns = set(reader.fieldnames or [])
            if "account" not in columns and not {"platform", "handle"} <= columns:
                raise EarfulError(f"{path}: expected the columns platform, handle (or account); "
                                  f"found {', '.join(sorted(columns)) or 'none'}")
            for row in reader:
                text = (row.get("account") or
                        f"{(row.get('platform') or '').strip()}:{row.get('handle') or ''}")
                try:
                    accounts.append(parse_account(text))
                except ValueError as error:
                    problems.append(f"{path}:{reader.line_num}: {error}")
        change = self.add(name, accounts, origin="import")
        change.problems = problems + change.problems
        return change

    def refresh(self, name: str | None = None, *, force: bool = False,
                now: datetime | None = None) -> dict[str, Change]:
        """Recompute rule panels that are due (or ``name``, or all with ``force``)."""
        from panels.rules import evaluate  # rules read mentions and scores: kept apart

        now = now or utcnow()
        done = {}
        for panel in ([self.get(name)] if name else self.all()):
            if panel.rule is None:
                if name:
                    raise EarfulError(f"panel {name!r} is a list panel: nothing to refresh")
                continue
            due = panel.refreshed_at is None or datetime.fromisoformat(
                panel.refreshed_at) + timedelta(seconds=panel.refresh) <= now
            if not (due or force or name):
                continue
            wanted = evaluate(self.store, self.settings, panel.rule, now)
            with self.store.transaction() as conn:
                current = {account for (account,) in conn.execute(
                    "SELECT account FROM panel_members WHERE panel = ?", (panel.name,))}
                done[panel.name] = _set_members(conn, panel.name, wanted, current, "rule")
                conn.execute("UPDATE panels SET refreshed_at = ? WHERE name = ?",
                             (utc_iso(now), panel.name))
        return done


_PANEL_COLUMNS = ("name, description, origin, rule, collect, retention_days, refresh, "
                  "refreshed_at, created_at")


def rule_from_options(kind: str | None, **options: object) -> PanelRule | None:
    """A PanelRule from CLI options (None without a kind); errors name the option."""
    if kind is None:
        given = [key for key, value in options.items() if value is not None]
        if given:
            raise EarfulError(f"--{given[0]} belongs to a rule panel: add --rule KIND")
        return None
    try:
        return PanelRule.model_validate(
            {"kind": kind, **{k: v for k, v in options.items() if v is not None}})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise EarfulError(f"--{where or 'rule'}: {first['msg']}") from None


def dump_rule(rule: PanelRule | None) -> dict[str, object] | None:
    return None if rule is None else orjson.loads(rule.model_dump_json(exclude_defaults=True))
