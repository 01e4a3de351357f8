"""Rule panels' members, computed from what the store holds (see ``PanelRule``).

Members found by a rule are author ids (``x:1850…``, ``reddit:name``): they survive a change
of handle. Our own accounts (the configured brands' handles) are never members.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from earful.config import PanelRule, Settings
from earful.models import account_key, utc_iso
from earful.store import Store

_RISK_TIERS = {"medium": ("medium", "high"), "high": ("high",)}


def evaluate(store: Store, settings: Settings, rule: PanelRule, now: datetime) -> set[str]:
    """The accounts ``rule`` selects at ``now``."""
    since = utc_iso(now - timedelta(days=rule.days))
    if rule.kind == "loyalty":
        sql = "SELECT account FROM loyalty_accounts"
        params: list[object] = []
        if rule.origin is not None:
            sql += " WHERE origin = ?"
            params.append(rule.origin)
        return {account for (account,) in store.conn.execute(sql, params)}
    if rule.kind == "mentions":
        which = "b.brand = ?" if rule.brand is not None else "b.role = ?"
        rows = store.conn.execute(
            "SELECT m.author_id, m.platform, m.author_handle FROM mention_brands b "
            "JOIN mentions m ON m.id = b.mention_id "
            f"WHERE {which} AND m.created_at >= ? AND m.author_id IS NOT NULL "
            "GROUP BY m.author_id HAVING count(DISTINCT m.id) >= ?",
            (rule.brand or rule.role, since, rule.min))
    else:
        # Someone leaving a competitor (an opportunity) is not churn from us.
        tiers = _RISK_TIERS[rule.risk]
        rows = store.conn.execute(
            "SELECT m.author_id, m.platform, m.author_handle FROM scores s "
            "JOIN mentions m ON m.id = s.mention_id "
            f"WHERE s.risk IN ({', '.join('?' * len(tiers))}) AND s.churn_intent >= ? "
            "AND NOT s.opportunity AND m.created_at >= ? AND m.author_id IS NOT NULL "
            "GROUP BY m.author_id",
            (*tiers, settings.scoring.churn, since))
    own = {account_key(platform, handle)
           for brand in settings.brands for handle in brand.handles
           for platform in ("x", "reddit")}
    return {author_id.lower() for author_id, platform, handle in rows
            if not handle or account_key(platform, handle) not in own}

