"""The community's loyalty library: link codes, the points ledger, tiers, rewards, redemptions."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from community.linking import issue_code, normalize_code, redeem_code
from community.loyalty import Loyalty, LoyaltyError, NotAllowed, NotLinked, TierChange
from earful.config import CommunityConfig, EarnConfig, RewardConfig, Settings, TierConfig
from earful.store import Store
from panels.membership import Memberships

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
MOD = "9000"  # a moderator's Discord id


@pytest.fixture
def community(settings: Settings) -> Settings:
    return settings.model_copy(update={"community": CommunityConfig(
        tiers=[TierConfig(name="Trail", points=0, role="Trail"),
               TierConfig(name="Summit", points=100, role="Summit runners"),
               TierConfig(name="Ultra", points=500, role="Ultra")],
        earn=EarnConfig(activity=3, activity_daily_cap=10, helpful=25, survey=5,
                        events={"meetup": 50, "race": 80}),
        rewards=[RewardConfig(id="trail-mug", name="Trail mug", cost=120, stock=3),
                 RewardConfig(id="sticker", name="Sticker pack", cost=20),
                 RewardConfig(id="buff", name="Buff", cost=40, stock=1)],
        link_code_ttl=3600,
    )})


@pytest.fixture
def loyalty(store: Store, community: Settings) -> Loyalty:
    return Loyalty(store, community, clock=lambda: NOW)


def link(store: Store, settings: Settings, loyalty_id: str, user: str, name: str = "",
         now: datetime = NOW):
    code = issue_code(store, settings, loyalty_id, now=now)
    return redeem_code(store, settings, code, user, name or f"user {user}", now=now).member


def fund(loyalty: Loyalty, user: str, points: int) -> None:
    loyalty.grant(MOD, True, user, points, "test funds")


# -- linking ----------------------------------------------------------------------------------
def test_code_links_the_account_and_records_it_for_routing(store, community):
    code = issue_code(store, community, "LY-1", now=NOW)
    assert len(normalize_code(code)) == 8 and set(normalize_code(code)) <= set(
        "ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    linked = redeem_code(store, community, code.lower().replace("-", " "), "4242", "Jo",
                         now=NOW + timedelta(minutes=5))
    member = linked.member
    assert linked.replaced is None  # nobody held LY-1 before
    assert (member.loyalty_id, member.discord_user_id, member.display_name) == ("LY-1", "4242",
                                                                                 "Jo")
    assert (member.balance, member.earned, member.tier) == (0, 0, "Trail")
    assert Memberships(store, community).of("discord", "4242", None).loyalty_id == "LY-1"
    used = store.conn.execute("SELECT used_at, used_by FROM link_codes").fetchone()
    assert used == ("2026-11-02T12:05:00Z", "4242")


def test_codes_are_refused_when_unknown_expired_or_used_by_someone_else(store, community):
    with pytest.raises(LoyaltyError, match="not valid"):
        redeem_code(store, community, "ABCD-EFGH", "4242", "Jo", now=NOW)
    code = issue_code(store, community, "LY-1", now=NOW)
    with pytest.raises(LoyaltyError, match="expired"):
        redeem_code(store, community, code, "4242", "Jo", now=NOW + timedelta(hours=1))
    code = issue_code(store, community, "LY-1", now=NOW)
    redeem_code(store, community, code, "4242", "Jo", now=NOW)
    with pytest.raises(LoyaltyError, match="already been used"):
        redeem_code(store, community, code, "5555", "Sam", now=NOW)
    assert store.count("loyalty_members") == 1


def test_reentering_a_used_code_is_idempotent_for_its_owner_only_while_linked_by_it(
        store, community):
    code = issue_code(store, community, "LY-1", now=NOW)
    redeem_code(store, community, code, "4242", "Jo", now=NOW)
    again = redeem_code(store, community, code, "4242", "Jo R.", now=NOW + timedelta(days=2))
    assert (again.member.loyalty_id, again.member.display_name) == ("LY-1", "Jo R.")
    assert again.replaced is None  # the same account again replaces nobody
    link(store, community, "LY-2", "4242")
    with pytest.raises(LoyaltyError, match="already been used"):
        redeem_code(store, community, code, "4242", "Jo", now=NOW)  # no moving back


def test_relinking_moves_the_account_and_points_stay_with_the_loyalty_id(
        store, community, loyalty):
    link(store, community, "LY-1", "4242")
    fund(loyalty, "4242", 30)
    moved = link(store, community, "LY-2", "4242")
    assert (moved.loyalty_id, moved.balance) == ("LY-2", 0)
    assert loyalty.member("4242").loyalty_id == "LY-2"
    assert store.conn.execute("SELECT discord_user_id FROM loyalty_members WHERE loyalty_id = "
                              "'LY-1'").fetchone() == (None,)
    memberships = Memberships(store, community)
    assert memberships.of("discord", "4242", None).loyalty_id == "LY-2"
    # A new account for LY-2 replaces the old one everywhere; LY-1's points are LY-1's.
    link(store, community, "LY-1", "7777")
    assert loyalty.member("7777").balance == 30
    replacing = redeem_code(store, community, issue_code(store, community, "LY-2", now=NOW),
                            "8888", "user 8888", now=NOW)
    assert (replacing.member.discord_user_id, replacing.replaced) == ("8888", "4242")
    assert loyalty.member("4242") is None
    assert memberships.of("discord", "4242", None).loyalty_id is None
    assert memberships.of("discord", "8888", None).loyalty_id == "LY-2"


# -- earning ----------------------------------------------------------------------------------
def test_activity_is_capped_per_utc_day_and_a_replayed_message_pays_once(
        store, community, loyalty):
    link(store, community, "LY-1", "4242")
    morning = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    first = loyalty.earn_activity("4242", "m1", morning)
    assert (first.points, first.balance) == (3, 3)
    assert loyalty.earn_activity("4242", "m1", morning).points == 0  # replayed
    paid = [loyalty.earn_activity("4242", f"m{n}", morning + timedelta(minutes=n)).points
            for n in range(2, 6)]
    assert paid == [3, 3, 1, 0]  # the cap is 10 points a day; the last award is cut to fit
    late = datetime(2026, 11, 2, 23, 59, tzinfo=UTC)
    assert loyalty.earn_activity("4242", "m6", late).points == 0
    next_day = loyalty.earn_activity("4242", "m7", datetime(2026, 11, 3, 0, 1, tzinfo=UTC))
    assert (next_day.points, next_day.balance) == (3, 13)
    assert loyalty.earn_activity("4242", "m1", morning).points == 0  # still only once
    assert loyalty.earn_activity("5555", "m9", morning) is None  # not linked: nothing, quietly


def test_helpful_only_by_moderators_once_per_message_and_not_for_ones_own(
        store, community, loyalty):
    link(store, community, "LY-1", "4242")
    link(store, community, "LY-9", MOD)
    with pytest.raises(NotAllowed):
        loyalty.mark_helpful("5555", False, "4242", "m1")
    with pytest.raises(LoyaltyError, match="your own"):
        loyalty.mark_helpful(MOD, True, MOD, "m2")
    award = loyalty.mark_helpful(MOD, True, "4242", "m1")
    assert (award.points, award.balance) == (25, 25)
    assert loyalty.mark_helpful("9001", True, "4242", "m1").points == 0  # a second moderator
    assert loyalty.member("4242").balance == 25
    with pytest.raises(NotLinked):
        loyalty.mark_helpful(MOD, True, "5555", "m3")


def test_events_pay_once_per_member_and_event(store, community, loyalty):
    link(store, community, "LY-1", "4242")
    link(store, community, "LY-2", "5555")
    with pytest.raises(NotAllowed):
        loyalty.award_event("4242", False, "5555", "meetup")
    assert loyalty.award_event(MOD, True, "4242", "meetup").points == 50
    with pytest.raises(LoyaltyError, match="already"):
        loyalty.award_event(MOD, True, "4242", "meetup")
    assert loyalty.award_event(MOD, True, "5555", "meetup").points == 50
    assert loyalty.award_event(MOD, True, "4242", "race").balance == 130
    with pytest.raises(LoyaltyError, match="No event called 'party'"):
        loyalty.award_event(MOD, True, "4242", "party")


def test_surveys_pay_once_per_member_and_survey(store, community, loyalty):
    link(store, community, "LY-1", "4242")
    assert loyalty.award_survey("4242", 7).points == 5
    assert loyalty.award_survey("4242", 7).points == 0
    assert loyalty.award_survey("4242", 8).balance == 10
    assert loyalty.award_survey("5555", 7) is None


def test_grant_and_revoke_need_a_moderator_and_revoke_cannot_go_below_zero(
        store, community, loyalty):
    link(store, community, "LY-1", "4242")
    with pytest.raises(NotAllowed):
        loyalty.grant("4242", False, "4242", 1000, "because")
    with pytest.raises(NotAllowed):
        loyalty.revoke("4242", False, "4242", 10, "because")
    with pytest.raises(LoyaltyError, match="above 0"):
        loyalty.grant(MOD, True, "4242", 0, "nothing")
    assert loyalty.grant(MOD, True, "4242", 40, "bug report").balance == 40
    with pytest.raises(LoyaltyError, match="has 40 points; cannot revoke 50"):
        loyalty.revoke(MOD, True, "4242", 50, "oops")
    award = loyalty.revoke(MOD, True, "4242", 15, "counted twice")
    assert (award.points, award.balance, award.earned) == (-15, 25, 25)
    with pytest.raises(NotLinked):
        loyalty.grant(MOD, True, "5555", 10, "not a member")
    actors = store.conn.execute("SELECT kind, actor, reason FROM points_ledger ORDER BY id")
    assert list(actors) == [("grant", MOD, "bug report"), ("revoke", MOD, "counted twice")]


# -- tiers ------------------------------------------------------------------------------------
def test_tiers_follow_points_earned_and_spending_does_not_lower_them(
        store, community, loyalty):
    assert [loyalty.tier_of(n) for n in (0, 99, 100, 499, 500, 10_000)] == [
        "Trail", "Trail", "Summit", "Summit", "Ultra", "Ultra"]
    link(store, community, "LY-1", "4242")
    assert loyalty.grant(MOD, True, "4242", 99, "almost").tier_change is None
    up = loyalty.award_survey("4242", 1)
    assert up.tier_change == TierChange("Trail", "Summit", "Trail", "Summit runners")
    assert loyalty.award_survey("4242", 2).tier_change is None  # already there
    assert loyalty.redeem("4242", "sticker").balance == 89
    member = loyalty.member("4242")
    assert (member.balance, member.earned, member.tier) == (89, 109, "Summit")
    assert loyalty.revoke(MOD, True, "4242", 9, "duplicate survey").tier_change is None
    down = loyalty.revoke(MOD, True, "4242", 1, "one too many")
    assert down.tier_change == TierChange("Summit", "Trail", "Summit runners", "Trail")
    assert loyalty.member("4242").tier == "Trail"


def test_below_the_first_tier_a_member_has_none(store, community):
    tiers = community.community.model_copy(update={"tiers": [
        TierConfig(name="Summit", points=100)]})
    settings = community.model_copy(update={"community": tiers})
    loyalty = Loyalty(store, settings, clock=lambda: NOW)
    assert link(store, settings, "LY-1", "4242").tier is None
    award = loyalty.grant(MOD, True, "4242", 100, "welcome")
    assert award.tier_change == TierChange(None, "Summit", None, None)


# -- rewards and redemptions ------------------------------------------------------------------
def test_catalogue_is_seeded_from_config_without_resetting_changed_stock(
        store, community, loyalty):
    assert [(r.id, r.cost, r.stock) for r in loyalty.rewards()] == [
        ("sticker", 20, None), ("buff", 40, 1), ("trail-mug", 120, 3)]
    link(store, community, "LY-1", "4242")
    fund(loyalty, "4242", 200)
    loyalty.redeem("4242", "trail-mug")
    again = Loyalty(store, community, clock=lambda: NOW)  # a restart: the config seeds again
    assert {r.id: r.stock for r in again.rewards()}["trail-mug"] == 2
    with pytest.raises(NotAllowed):
        again.add_reward("4242", False, "cap", "Cap", 60, 10)
    with pytest.raises(LoyaltyError, match="cost"):
        again.add_reward(MOD, True, "cap", "Cap", 0, 10)
    again.add_reward(MOD, True, "cap", "Cap", 60, 10, "a running cap")
    again.add_reward(MOD, True, "trail-mug", "Trail mug", 120, 5)  # restocked
    assert [(r.id, r.stock) for r in again.rewards()] == [
        ("sticker", None), ("buff", 1), ("cap", 10), ("trail-mug", 5)]


def test_redeem_spends_points_and_stock_in_one_go(store, community, loyalty):
    link(store, community, "LY-1", "4242")
    fund(loyalty, "4242", 150)
    redemption = loyalty.redeem("4242", "trail-mug")
    assert (redemption.reward_name, redemption.cost, redemption.balance, redemption.stock,
            redemption.status) == ("Trail mug", 120, 30, 2, "placed")
    ledger = store.conn.execute("SELECT delta, kind, ref FROM points_ledger WHERE kind = "
                                "'redeem'").fetchall()
    assert ledger == [(-120, "redeem", str(redemption.id))]
    member = loyalty.member("4242")
    assert (member.balance, member.earned) == (30, 150)


def test_redeem_refusals(store, community, loyalty):
    with pytest.raises(NotLinked, match="/link CODE"):
        loyalty.redeem("4242", "sticker")
    link(store, community, "LY-1", "4242")
    fund(loyalty, "4242", 40)
    with pytest.raises(LoyaltyError, match=r"You have 40 points; Trail mug costs 120\.$"):
        loyalty.redeem("4242", "trail-mug")
    with pytest.raises(LoyaltyError, match="No reward called 'tent'"):
        loyalty.redeem("4242", "tent")
    loyalty.redeem("4242", "buff")
    link(store, community, "LY-2", "5555")
    fund(loyalty, "5555", 100)
    with pytest.raises(LoyaltyError, match="Buff is out of stock"):
        loyalty.redeem("5555", "buff")
    assert loyalty.member("5555").balance == 100
    assert store.count("redemptions") == 1


def run_together(jobs):
    """Run each job on its own thread, all released at once; their results or errors."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index, job):
        barrier.wait()
        try:
            results[index] = job()
        except LoyaltyError as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_redemptions_of_the_last_item_sell_it_once(tmp_path: Path, community):
    path = tmp_path / "earful.db"
    with Store(path) as store:
        loyalty = Loyalty(store, community, clock=lambda: NOW)
        loyalty.add_reward(MOD, True, "signed-shoe", "Signed shoe", 100, 1)
        users = [str(1000 + n) for n in range(8)]
        for n, user in enumerate(users):
            link(store, community, f"LY-{n}", user)
            fund(loyalty, user, 150)
    stores = [Store(path) for _ in users]  # each thread its own connection to the file
    try:
        results = run_together([
            (lambda s=s, u=u: Loyalty(s, community, clock=lambda: NOW).redeem(u, "signed-shoe"))
            for s, u in zip(stores, users, strict=True)])
    finally:
        for opened in stores:
            opened.close()
    sold = [r for r in results if not isinstance(r, LoyaltyError)]
    assert len(sold) == 1
    assert all("out of stock" in str(r) for r in results if isinstance(r, LoyaltyError))
    with Store(path) as store:
        assert store.conn.execute("SELECT stock FROM rewards WHERE id = 'signed-shoe'"
                                  ).fetchone() == (0,)
        assert store.conn.execute("SELECT COUNT(*) FROM points_ledger WHERE kind = 'redeem'"
                                  ).fetchone() == (1,)
        assert store.count("redemptions") == 1


def test_concurrent_redemptions_by_one_member_never_overspend(tmp_path: Path, community):
    path = tmp_path / "earful.db"
    with Store(path) as store:
        loyalty = Loyalty(store, community, clock=lambda: NOW)
        loyalty.add_reward(MOD, True, "socks", "Socks", 100, None)
        loyalty.add_reward(MOD, True, "bottle", "Bottle", 100, None)
        link(store, community, "LY-1", "4242")
        fund(loyalty, "4242", 100)
    stores = [Store(path) for _ in range(8)]
    try:
        results = run_together([
            (lambda s=s, n=n: Loyalty(s, community, clock=lambda: NOW).redeem(
                "4242", ("socks", "bottle")[n % 2]))
            for n, s in enumerate(stores)])
    finally:
        for opened in stores:
            opened.close()
    assert len([r for r in results if not isinstance(r, LoyaltyError)]) == 1
    assert all("You have 0 points" in str(r) for r in results if isinstance(r, LoyaltyError))
    with Store(path) as store:
        member = Loyalty(store, community).member("4242")
        assert member.balance == 0
        running = 0
        for (delta,) in store.conn.execute(
                "SELECT delta FROM points_ledger WHERE loyalty_id = 'LY-1' ORDER BY id"):
            running += delta
            assert running >= 0


# -- reading ----------------------------------------------------------------------------------
def test_leaderboard_orders_by_points_earned_and_by_recent_days(store, community):
    clock = {"now": NOW - timedelta(days=30)}
    loyalty = Loyalty(store, community, clock=lambda: clock["now"])
    for loyalty_id, user, name in (("LY-1", "1", "Ana"), ("LY-2", "2", "Ben"),
                                   ("LY-3", "3", "Cy"), ("LY-4", "4", "Dee")):
        link(store, community, loyalty_id, user, name)
    loyalty.grant(MOD, True, "1", 300, "old race")
    loyalty.grant(MOD, True, "2", 100, "old meetup")
    clock["now"] = NOW
    loyalty.grant(MOD, True, "2", 150, "this week")
    loyalty.grant(MOD, True, "3", 150, "this week")
    loyalty.redeem("1", "trail-mug")  # spending does not move anyone down
    board = loyalty.leaderboard()
    assert [(s.rank, s.display_name, s.points) for s in board] == [
        (1, "Ana", 300), (2, "Ben", 250), (3, "Cy", 150)]  # Dee has none: not listed
    week = loyalty.leaderboard(days=7)
    assert [(s.display_name, s.points) for s in week] == [("Ben", 150), ("Cy", 150)]
    assert [s.display_name for s in loyalty.leaderboard(limit=1)] == ["Ana"]


def test_profile_shows_the_next_tier_recent_rows_and_redemptions(store, community, loyalty):
    with pytest.raises(NotLinked):
        loyalty.profile("4242")
    link(store, community, "LY-1", "4242", "Jo")
    fund(loyalty, "4242", 60)
    loyalty.award_survey("4242", 1)
    loyalty.redeem("4242", "sticker")
    profile = loyalty.profile("4242")
    assert (profile.member.balance, profile.member.earned, profile.member.tier) == (
        45, 65, "Trail")
    assert (profile.next_tier, profile.to_next) == ("Summit", 35)
    assert [(e.kind, e.delta) for e in profile.recent] == [
        ("redeem", -20), ("survey", 5), ("grant", 60)]
    assert [(r.reward_name, r.cost, r.status) for r in profile.redemptions] == [
        ("Sticker pack", 20, "placed")]
    fund(loyalty, "4242", 1000)
    top = loyalty.profile("4242")
    assert (top.member.tier, top.next_tier, top.to_next) == ("Ultra", None, None)


def test_moderators_are_recognised_by_their_roles(loyalty):
    assert loyalty.is_moderator(["Runner", "moderator"])
    assert not loyalty.is_moderator(["Runner"])


def redeem_in_process(path: str, settings: Settings, user: str, reward_id: str,
                      start: object) -> str:
    """One process's redemption, on its own connection: the reward's id or the refusal."""
    with Store(path) as store:
        loyalty = Loyalty(store, settings, clock=lambda: NOW)
        start.wait()  # type: ignore[attr-defined]
        try:
            return loyalty.redeem(user, reward_id).reward_id
        except LoyaltyError as error:
            return f"refused: {error}"


def test_concurrent_processes_sell_the_last_item_once(tmp_path: Path, community):
    import multiprocessing

    path = tmp_path / "earful.db"
    with Store(path) as store:
        loyalty = Loyalty(store, community, clock=lambda: NOW)
        users = [str(2000 + n) for n in range(8)]
        for n, user in enumerate(users):
            link(store, community, f"LY-{n}", user)
            fund(loyalty, user, 100)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Barrier(len(users))
        with context.Pool(len(users)) as pool:
            results = pool.starmap(redeem_in_process,
                                   [(str(path), community, user, "buff", start)
                                    for user in users])
    assert sorted(results) == ["buff"] + ["refused: Buff is out of stock."] * 7
    with Store(path) as store:
        assert store.conn.execute("SELECT stock FROM rewards WHERE id = 'buff'").fetchone() == (0,)
        assert store.conn.execute("SELECT COUNT(*) FROM points_ledger WHERE kind = 'redeem'"
                                  ).fetchone() == (1,)
