"""Surveys: CSAT (1–5) and CES (1–7) after a support case, NPS (0–10) to linked members every
``community.surveys.nps_every``; their answers and the figures made of them.

- CSAT: the share of satisfied answers (4 or 5), and the mean.
- NPS: the percentage of promoters (9–10) minus that of detractors (0–6), from −100 to 100.
- CES: the mean effort score (7: very easy).

Every invitation goes through the Discord outbox (kind ``survey``, ref the survey id) in the
same transaction as the survey row, so a restart of the bot loses none: CSAT and CES to the
case's support thread, NPS to the member's direct messages (``thread_id`` ``dm:<user id>``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from earful.config import Settings
from earful.errors import EarfulError
from earful.models import utc_iso, utcnow
from earful.store import Store

KINDS = ("csat", "ces", "nps")
SCALES = {"csat": (1, 5), "ces": (1, 7), "nps": (0, 10)}
QUESTIONS = {
    "csat": "How satisfied are you with the help you got? (1 = very unsatisfied, "
            "5 = very satisfied)",
    "ces": "How easy was it to get your issue sorted? (1 = very hard, 7 = very easy)",
    "nps": "How likely are you to recommend {brand} to a friend? (0 = not at all, "
           "10 = extremely likely)",
}
# A direct message out of the blue says who is asking.
NPS_INVITATION = "A quick question from the {brand} community: {question}"
DM = "dm:"  # an outbox ``thread_id`` starting with this is a member's direct messages


class SurveyError(EarfulError):
    """A survey that cannot be sent or answered (unknown, answered already, score off scale)."""


@dataclass(slots=True)
class Survey:
    id: int
    kind: str
    discord_user_id: str
    loyalty_id: str | None
    case_id: int | None
    sent_at: str
    answered_at: str | None = None
    score: int | None = None
    comment: str | None = None

    @property
    def question(self) -> str:
        return QUESTIONS[self.kind]


_COLUMNS = "id, kind, discord_user_id, loyalty_id, case_id, sent_at, answered_at, score, comment"


class Surveys:
    """Send and answer surveys.

    Example::

        surveys = Surveys(store, settings)
        survey = surveys.invite_csat(7)        # queued to case 7's support thread
        surveys.answer(survey.id, 5, "quick!")
        surveys.due_nps(now)                   # members to ask for an NPS today
    """

    def __init__(self, store: Store, settings: Settings,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock

    # -- sending --------------------------------------------------------------------------------
    def invite_csat(self, case_id: int) -> Survey:
        """A CSAT survey for the member of support case ``case_id``, queued to its thread (once
        per case: asking again returns the first invitation)."""
        return self._invite("csat", case_id)

    def invite_ces(self, case_id: int) -> Survey:
        """A CES survey for the member of support case ``case_id`` (once per case)."""
        return self._invite("ces", case_id)

    def _invite(self, kind: str, case_id: int) -> Survey:
        when = utc_iso(self.clock()) or ""
        with self.store.transaction() as conn:
            existing = conn.execute(f"SELECT {_COLUMNS} FROM surveys WHERE kind = ? AND "
                                    "case_id = ? ORDER BY id LIMIT 1", [kind, case_id]).fetchone()
            if existing:
                return Survey(*existing)
            thread = conn.execute(
                "SELECT thread_id, discord_user_id FROM support_threads WHERE case_id = ? "
                "ORDER BY opened_at DESC, thread_id DESC LIMIT 1", [case_id]).fetchone()
            if thread is None:
                raise SurveyError(f"case {case_id} has no Discord support thread to ask in")
            thread_id, user = thread
            loyalty = conn.execute("SELECT loyalty_id FROM loyalty_members "
                                   "WHERE discord_user_id = ?", [user]).fetchone()
            survey = Survey(0, kind, user, loyalty[0] if loyalty else None, case_id, when)
            survey.id = int(conn.execute(
                "INSERT INTO surveys (kind, discord_user_id, loyalty_id, case_id, sent_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [kind, user, survey.loyalty_id, case_id, when]).lastrowid or 0)
            conn.execute("INSERT OR IGNORE INTO discord_outbox (thread_id, text, kind, ref, "
                         "created_at) VALUES (?, ?, 'survey', ?, ?)",
                         [thread_id, self.question(survey), str(survey.id), when])
            return survey

    def question(self, survey: Survey) -> str:
        brand = self.settings.community.brand or "us"
        return QUESTIONS[survey.kind].format(brand=brand)

    def due_nps(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """Linked members last asked for an NPS ``nps_every`` ago or more (never asked: who
        linked that long ago; a member who just linked has nothing to recommend yet, and a
        first deploy does not ask everyone on its first day): each gets an NPS survey, queued
        to their direct messages in the Discord outbox, is marked as asked at ``now``, and is
        returned (``loyalty_id``, ``discord_user_id``, ``display_name``, ``survey_id``)."""
        now = now or self.clock()
        when = utc_iso(now) or ""
        before = utc_iso(now - timedelta(seconds=self.settings.community.surveys.nps_every))
        due = []
        brand = self.settings.community.brand or "us"
        text = NPS_INVITATION.format(brand=brand, question=QUESTIONS["nps"].format(brand=brand))
        with self.store.transaction() as conn:
            rows = conn.execute(
                "SELECT loyalty_id, discord_user_id, display_name FROM loyalty_members "
                "WHERE discord_user_id IS NOT NULL AND linked_at IS NOT NULL "
                "AND coalesce(nps_sent_at, linked_at) <= ? ORDER BY loyalty_id",
                [before]).fetchall()
            for loyalty_id, user, name in rows:
                survey_id = conn.execute(
                    "INSERT INTO surveys (kind, discord_user_id, loyalty_id, sent_at) "
                    "VALUES ('nps', ?, ?, ?)", [user, loyalty_id, when]).lastrowid
                conn.execute("UPDATE loyalty_members SET nps_sent_at = ? WHERE loyalty_id = ?",
                             [when, loyalty_id])
                conn.execute("INSERT OR IGNORE INTO discord_outbox (thread_id, text, kind, ref, "
                             "created_at) VALUES (?, ?, 'survey', ?, ?)",
                             [f"{DM}{user}", text, str(survey_id), when])
                due.append({"loyalty_id": loyalty_id, "discord_user_id": user,
                            "display_name": name, "survey_id": survey_id})
        return due

    # -- answering ------------------------------------------------------------------------------
    def get(self, survey_id: int) -> Survey:
        row = self.store.conn.execute(f"SELECT {_COLUMNS} FROM surveys WHERE id = ?",
                                      [survey_id]).fetchone()
        if row is None:
            raise SurveyError(f"no survey {survey_id}")
        return Survey(*row)

    def answer(self, survey_id: int, score: int, comment: str | None = None, *,
               by: str | None = None) -> Survey:
        """Record a member's answer: once, on the survey's scale (CSAT 1–5, CES 1–7, NPS 0–10).
        With ``by`` (a Discord user id), only the member the survey was sent to may answer:
        a moderator who can see a support thread cannot answer for the member."""
        if isinstance(score, bool) or not isinstance(score, int):
            raise SurveyError(f"a score is a whole number; got {score!r}")
        survey = self.get(survey_id)
        if by is not None and str(by) != survey.discord_user_id:
            raise SurveyError("this survey was sent to another member; only they can answer it")
        low, high = SCALES[survey.kind]
        if not low <= score <= high:
            raise SurveyError(f"a {survey.kind.upper()} score is from {low} to {high}; "
                              f"got {score}")
        comment = (comment or "").strip() or None
        when = utc_iso(self.clock()) or ""
        with self.store.transaction() as conn:
            # The WHERE is the guard: of two answers at once, only the first lands.
            changed = conn.execute(
                "UPDATE surveys SET score = ?, comment = ?, answered_at = ? "
                "WHERE id = ? AND answered_at IS NULL",
                [score, comment, when, survey_id]).rowcount
        if not changed:
            raise SurveyError(f"survey {survey_id} was answered already")
        survey.score, survey.comment, survey.answered_at = score, comment, when
        return survey

    # -- figures --------------------------------------------------------------------------------
    def figures(self, since: datetime | None = None,
                until: datetime | None = None) -> dict[str, dict[str, Any]]:
        """Each kind's figures over the answers given in [since, until)."""
        answers = answered(self.store, since, until)
        return {kind: figures(kind, [s for k, s, _ in answers if k == kind]) for kind in KINDS}


def answered(store: Store, since: datetime | None = None,
             until: datetime | None = None) -> list[tuple[str, int, str]]:
    """(kind, score, answered_at) of the answers given in [since, until)."""
    return [(kind, score, at) for kind, score, at in store.conn.execute(
        "SELECT kind, score, answered_at FROM surveys WHERE answered_at IS NOT NULL "
        "AND answered_at >= ? AND answered_at < ? ORDER BY answered_at",
        [utc_iso(since) or "", utc_iso(until) or "9999"])]


def _pct(part: int, whole: int) -> float:
    return round(part / whole * 100, 1)


def csat(scores: Sequence[int]) -> dict[str, Any]:
    """``{"answers", "satisfied", "csat" (% of 4–5), "mean"}``; None figures without answers."""
    n = len(scores)
    satisfied = sum(1 for s in scores if s >= 4)
    return {"answers": n, "satisfied": satisfied, "csat": _pct(satisfied, n) if n else None,
            "mean": round(sum(scores) / n, 2) if n else None}


def nps(scores: Sequence[int]) -> dict[str, Any]:
    """``{"answers", "promoters", "passives", "detractors", "nps"}``: 5 promoters, 3 passives
    and 2 detractors make an NPS of 30."""
    n = len(scores)
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return {"answers": n, "promoters": promoters, "passives": n - promoters - detractors,
            "detractors": detractors,
            "nps": round(_pct(promoters, n) - _pct(detractors, n), 1) if n else None,
            "mean": round(sum(scores) / n, 2) if n else None}


def ces(scores: Sequence[int]) -> dict[str, Any]:
    """``{"answers", "easy" (5–7), "mean"}``."""
    n = len(scores)
    return {"answers": n, "easy": sum(1 for s in scores if s >= 5),
            "mean": round(sum(scores) / n, 2) if n else None}


_FIGURES: dict[str, Callable[[Sequence[int]], dict[str, Any]]] = {
    "csat": csat, "ces": ces, "nps": nps}
HEADLINE = {"csat": "csat", "ces": "mean", "nps": "nps"}  # each kind's one number


def figures(kind: str, scores: Sequence[int]) -> dict[str, Any]:
    return _FIGURES[kind](scores)


def week_of(at: str) -> str:
    """The Monday (UTC) of the week of a stored time: ``week_of("2026-11-05T10:00:00Z")`` is
    ``"2026-11-02"``."""
    day = date.fromisoformat(at[:10])
    return (day - timedelta(days=day.weekday())).isoformat()


def weekly(answers: Iterable[tuple[str, int, str]]) -> list[dict[str, Any]]:
    """Per week with answers (oldest first): each kind's headline figure and answer count."""
    weeks: dict[str, dict[str, list[int]]] = {}
    for kind, score, at in answers:
        weeks.setdefault(week_of(at), {k: [] for k in KINDS})[kind].append(score)
    return [{"week": week, **{kind: figures(kind, scores)[HEADLINE[kind]]
                              for kind, scores in by_kind.items()},
             **{f"{kind}_answers": len(scores) for kind, scores in by_kind.items()}}
            for week, by_kind in sorted(weeks.items())]
