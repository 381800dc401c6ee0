"""Protocol eras and mainnet parameters (spec §0.1, §9)."""

from __future__ import annotations

import datetime as dt

import pytest

from dtao_lib import params
from dtao_lib.params import era


def test_tao_weight_is_0_18():
    assert params.TAO_WEIGHT == pytest.approx(0.18, abs=1e-12)


def test_flow_alpha_half_life_is_216000_blocks():
    assert (1 - params.FLOW_EMA_ALPHA) ** 216_000 == pytest.approx(0.5, abs=1e-6)


@pytest.mark.parametrize(
    ("name", "tag", "share"),
    [
        ("pre-dtao", "v1.2.5", "root_epoch"),
        ("A", "v2.0.0", "ema_price"),
        ("B", "v3.2.10", "taoflow"),
        ("B'", "v3.4.0", "net_taoflow"),
        ("C", "v3.4.6", "price_burn_root_prop"),
        ("D", "spec425", "price_burn"),
        ("E", "spec440", "price_burn"),
        ("F", "spec441", "price_burn"),
        ("head", "spec459", "price_burn"),
    ],
)
def test_letters(name, tag, share):
    e = era(name)
    assert (e.tag, e.share_rule) == (tag, share)
    assert e.letter in {"pre-dtao", "A", "B", "B'", "C", "D", "E", "F"}
    if name in params.ERA_LETTERS:
        assert e.letter == name


@pytest.mark.parametrize(
    ("when", "injection", "pool"),
    [
        ("2025-02-13", "tao_full_alpha_capped", "constant_product"),
        ("2025-08-01", "subsidy", "uniswap_v3"),
        ("2025-11-10", "cap_alpha_emission", "uniswap_v3"),
        ("2025-12-20", "cap_min_alpha_emission_e", "uniswap_v3"),
        ("2026-02-25", "cap_min_alpha_emission_e", "balancer"),
        ("2026-03-20", "cap_min_alpha_emission_e", "uniswap_v3"),
        ("2026-06-23", "cap_root_prop", "uniswap_v3"),
        ("2026-11-25", "cap_root_prop", "balancer"),
    ],
)
def test_dates(when, injection, pool):
    e = era(when)
    assert e.injection_rule == injection
    assert e.pool == pool
    assert era(dt.date.fromisoformat(when)) == e


def test_fee_history():
    assert era("v3.1.6").swap_fee_u16 == 196
    assert era("v3.2.2").swap_fee_u16 == 33
    assert era("A").swap_fee_u16 is None


@pytest.mark.parametrize("bad", ["Z", "v3", "2024-01-01", "3.4.6", "spec", "spec4x1"])
def test_bad_era(bad):
    with pytest.raises(ValueError, match="era"):
        era(bad)


def test_bad_era_type():
    with pytest.raises(TypeError, match="era"):
        era(3)


def test_timeline_is_ordered_and_cites_evidence():
    dates = [c.date for c in params.TIMELINE]
    assert dates == sorted(dates)
    assert all(c.evidence for c in params.TIMELINE)


# ---------------------------------------------------------------------------------------------
# After June 2026 (addendum §A1, §H)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("spec425", "spec425"),
        ("2026-06-30", "spec425"),
        ("spec100", "spec425"),  # anything before 432 is the June 2026 baseline
        ("spec431", "spec425"),
        ("spec432", "spec432"),
        ("spec434", "spec432"),
        ("spec440", "spec440"),
        ("spec441", "spec441"),
        ("spec442", "spec442"),
        ("spec443", "spec442"),  # newest rule set at or before it
        ("spec444", "spec444"),
        ("spec445", "spec445"),
        ("spec446", "spec445"),
        ("spec447", "spec447"),
        ("spec459", "spec459"),
        ("spec470", "spec459"),
        ("SPEC441", "spec441"),
        ("head", "spec459"),
        ("HEAD", "spec459"),
    ],
)
def test_spec_versions(name, tag):
    assert era(name).tag == tag


def test_head_is_spec459_and_baseline_stays_reachable():
    head, june = era("head"), era("2026-06-30")
    assert head.spec_version == params.SPEC_VERSION == 459
    assert june.spec_version == params.BASELINE_SPEC_VERSION == 425
    assert june == era("spec425") == era("D")
    assert params.BASELINE_COMMIT.startswith("14bc6f9f")
    assert "spec 459" in params.PROTOCOL_DESCRIBED
    assert era("v3.4.6").spec_version is None


@pytest.mark.parametrize(
    ("name", "gate", "burn", "split"),
    [
        ("v3.4.5", "none", False, "legacy"),
        ("v3.4.6", "none", True, "legacy"),  # era C: (1 − MinerBurned) from v3.4.6
        ("spec425", "none", True, "legacy"),
        ("spec432", "none", True, "legacy"),
        ("spec440", "q_mass", True, "legacy"),
        ("spec441", "rank", True, "root_registered_441"),
        ("spec442", "rank", True, "root_registered"),
        ("spec444", "rank", False, "root_registered"),  # PR #3058 removed the weighting
        ("spec445", "rank", True, "root_registered"),  # PR #3071 restored it
        ("head", "rank", True, "root_registered"),
    ],
)
def test_share_fields_after_june(name, gate, burn, split):
    e = era(name)
    assert (e.emission_gate, e.miner_burn_weighting, e.dividend_split) == (gate, burn, split)


def test_other_post_june_fields():
    june, head = era("spec425"), era("head")
    assert not (june.chain_buy_refund)
    assert not (june.balancer_reservoirs)
    assert not (june.registration_collateral)
    assert not (june.fees_recycled)
    assert not (june.root_baskets)
    assert head.chain_buy_refund
    assert head.balancer_reservoirs
    assert head.registration_collateral
    assert head.fees_recycled
    assert head.root_baskets
    assert head.registration_queue
    assert not era("spec442").fees_recycled
    assert era("spec444").fees_recycled
    assert era("v3.4.8").conviction_owner_change == "none"
    assert june.conviction_owner_change == "total_conviction_10pct"
    assert era("spec445").conviction_owner_change == "total_conviction_10pct"
    assert head.conviction_owner_change == "own_conviction_18pct"
    assert era("spec440").letter == "E"
    assert era("spec444").letter == "F"
    assert june.letter == "D"


@pytest.mark.parametrize(
    ("when", "tag"),
    [
        ("2026-07-01", "spec425"),
        ("2026-07-16", "spec432"),
        ("2026-07-26", "spec435"),
        ("2026-07-27", "spec440"),
        ("2026-08-03", "spec441"),
        ("2026-08-08", "spec444"),
        ("2026-08-12", "spec445"),
        ("2026-12-02", "spec459"),
    ],
)
def test_dates_after_june(when, tag):
    assert era(when).tag == tag
    assert era(dt.date.fromisoformat(when)).tag == tag


def test_live_dates():
    # PR #2949 (spec 435) has no public live date: by live dates the day after spec 432 stays at 432
    assert era("2026-07-20").tag == "spec435"
    assert era("2026-07-20", by="live").tag == "spec432"
    assert era("2026-08-01", by="live").tag == "spec440"
    assert era("2026-08-12", by="live").tag == "spec441"  # 442–445 are dated by PR text only
    assert era("2026-09-20", by="live").tag == "spec447"
    assert era("2026-12-02", by="live").tag == "spec459"
    assert era("2025-12-20", by="live") == era("2025-12-20")  # tags up to June: tag dates
    with pytest.raises(ValueError, match="by"):
        era("2026-08-01", by="deployed")


def test_releases_carry_tag_and_live_dates():
    info = {r.tag: r for r in params.RELEASE_INFO}
    assert params.RELEASES == tuple((r.tag, r.date) for r in params.RELEASE_INFO)
    assert [d for _, d in params.RELEASES] == sorted(d for _, d in params.RELEASES)
    assert info["spec432"].live == dt.date(2026, 7, 16)
    assert info["spec440"].live == dt.date(2026, 7, 27)
    assert info["v3.4.6"].date_kind == "tagged"
    assert info["v3.4.6"].live is None
    assert {r.date_kind for r in params.RELEASE_INFO} <= {"tagged", "commit", "PR", "live", "approximate"}
    assert era("spec441").release.live == dt.date(2026, 8, 3)


def test_post_june_timeline_rows_are_labelled():
    late = [c for c in params.TIMELINE if c.date > dt.date(2026, 6, 30)]
    assert {c.tag for c in late} >= {"spec432", "spec440", "spec441", "spec442", "spec444", "spec445"}
    for c in late:
        assert c.evidence[:3] in ("[V]", "[P]", "[T]"), c
        assert c.date_kind in ("PR", "live", "commit", "tagged")


def test_gate_constants():
    assert params.EMISSION_BAR_UPDATE_INTERVAL == 360
    assert params.EMISSION_BAR_RANK == 32
    assert params.EMISSION_BAR_QUANTILE == 0.61
    assert params.EMISSION_GATE_EXPONENT == 3
    assert (params.BALANCER_MIN_WEIGHT, params.BALANCER_MAX_WEIGHT) == (0.01, 0.99)


# ---------------------------------------------------------------------------------------------
# Audit (issue 12 §4): release thresholds read in opentensor/subtensor at each tag
# ---------------------------------------------------------------------------------------------
def test_new_subnets_start_with_emission_off_from_v3_4_7():
    """subtensor v3.4.7-422 ``pallets/subtensor/src/subnets/subnet.rs`` L291
    ``SubnetEmissionEnabled::<T>::insert(netuid_to_register, false)``; absent at v3.4.6-421."""
    assert params.era("v3.4.6").new_subnet_emission_enabled
    assert not params.era("v3.4.7").new_subnet_emission_enabled
    assert not params.era("2026-06-23").new_subnet_emission_enabled
    assert params.era("2026-06-22").new_subnet_emission_enabled


def test_no_subnet_limit_from_v2_0_0_to_v3_2_7():
    """v2.0.0 – v3.2.7 ``do_register_network`` never reads ``SubnetLimit`` (``get_max_subnets`` is
    defined, v2.0.0 ``subnets/subnet.rs`` L35, but unused); v3.2.8-320 ``subnet.rs`` L144-156 checks
    ``current_count >= subnet_limit`` and prunes, with ``migrate_subnet_limit_to_default`` (committed
    2025-08-25) setting 128; v1.2.5 ``coinbase/root.rs`` L938-940 enforced the limit before dTAO."""
    assert [params.era(t).subnet_limit_enforced for t in ("v1.2.5", "v2.0.0", "v3.2.7", "v3.2.8", "head")] == [
        True, False, False, True, True]
    assert params.era("v3.2.7").pruning == "disabled"
    migration = next(c for c in params.TIMELINE if "Subnet limit" in c.summary)
    assert migration.date == dt.date(2025, 8, 25)
    assert not migration.approximate


def test_ema_and_refund_tags_with_their_commit_dates():
    """Tag commit dates of the releases the audit adds (``git log -1 --format=%cs TAG`` in
    opentensor/subtensor): v2.0.1 2025-02-13, v2.0.6 2025-03-06, v2.0.10 2025-04-04, v2.0.11 2025-04-11,
    v3.2.7 2025-09-09, v3.2.9(-326) 2025-10-07, v3.4.7(-422) 2026-06-23."""
    dates = dict(params.RELEASES)
    assert dates["v2.0.1"] == dt.date(2025, 2, 13)
    assert dates["v2.0.6"] == dt.date(2025, 3, 6)
    assert dates["v2.0.10"] == dt.date(2025, 4, 4)
    assert dates["v2.0.11"] == dt.date(2025, 4, 11)
    assert dates["v3.2.7"] == dt.date(2025, 9, 9)
    assert dates["v3.2.9"] == dt.date(2025, 10, 7)
    assert dates["v3.4.7"] == dt.date(2026, 6, 23)
    assert params.era("2025-03-06").ema_halving_blocks == 100_800
    assert params.era("2025-03-19").ema_halving_blocks is None
    tl = {c.tag: c for c in params.TIMELINE}
    assert "min(spot, 1)" in tl["v2.0.1"].summary
    assert "100 800" in tl["v2.0.6"].summary
    assert "201 600" in tl["v2.0.8"].summary
    assert "dynamic unstake fee" in tl["v2.0.8"].summary
    assert "legacy" in tl["v3.2.9"].summary
    assert "v3.3.0" not in tl


def test_conviction_owner_change_belongs_to_the_june_head():
    """PR #2800 (merged as 14bc6f9f, 2026-06-30) enforces the conviction-based owner change:
    ``pallets/subtensor/src/coinbase/run_coinbase.rs`` calls ``change_subnet_owner_if_needed(netuid)``
    after each epoch (commented out at v3.4.9)."""
    assert params.era("2026-06-30").conviction_owner_change == "total_conviction_10pct"
    assert params.era("v3.4.9").conviction_owner_change == "none"
    row = next(c for c in params.TIMELINE if c.tag == "spec425")
    assert "PR #2800" in row.summary
