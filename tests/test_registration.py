"""Subnet registration (spec §6.1–§6.3): lock cost, rate limit, pruning, new-subnet seeding."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dtao_lib import registration as reg
from dtao_lib.params import BLOCKS_PER_DAY, NETWORK_IMMUNITY_BLOCKS, NETWORK_RATE_LIMIT_BLOCKS

TAO = 10**9
U64_MAX = 2**64 - 1


# ---------------------------------------------------------------------------------------------
# Lock cost (§6.1)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("vid", [f"LC-0{i}" for i in range(1, 7)])
def test_lock_cost_vectors(vectors, vid):
    i = vectors[vid]["inputs"]
    got = reg.lock_cost(
        last_lock_rao=i["last_lock_rao"],
        last_lock_block=i["last_lock_block"],
        current_block=i["current_block"],
        min_lock_rao=i["min_lock_rao"],
        reduction_interval_blocks=i["lock_reduction_interval_blocks"],
        block_emission_rao=i["block_emission_rao"],
    )
    assert got == vectors[vid]["expected"]["lock_cost_rao"]


def test_sept_2025_reenable_quotes_2000_tao():
    """LC-12: last_lock 1000 TAO with last_lock_block one week in the future ⇒ 2000 TAO quoted."""
    now = 6_500_000
    quote = reg.lock_cost(
        last_lock_rao=1000 * TAO,
        last_lock_block=now + 7 * BLOCKS_PER_DAY,
        current_block=now,
        min_lock_rao=TAO,
        reduction_interval_blocks=57_600,
    )
    assert quote == 2000 * TAO
    # ...and registrations stay closed until the lock block is reached and the rate limit has passed
    assert not reg.can_register_network(now + 7 * BLOCKS_PER_DAY, now)


def test_oct_2025_reset_quotes_2500_tao():
    """LC-13: migrate_network_lock_cost_2500 sets last_lock 1250 TAO at the current block."""
    now = 6_700_000
    assert reg.lock_cost(last_lock_rao=1250 * TAO, last_lock_block=now, current_block=now) == 2500 * TAO
    # 8 days later (one interval) it is back at last_lock, after 16 days at the floor
    one_interval = reg.lock_cost(last_lock_rao=1250 * TAO, last_lock_block=now, current_block=now + 57_600)
    assert 1250 * TAO <= one_interval < 1250 * TAO + 57_600  # integer per-block step leaves < 1 rao/block
    assert reg.lock_cost(last_lock_rao=1250 * TAO, last_lock_block=now, current_block=now + 2 * 57_600) == TAO


def test_decay_is_linear_with_integer_step():
    last, lb = 1000 * TAO, 1_000
    step = last // 57_600
    for d in (0, 1, 10, 7_200, 57_599):
        assert reg.lock_cost(last_lock_rao=last, last_lock_block=lb, current_block=lb + d) == 2 * last - step * d


def test_interval_halves_with_block_emission():
    assert reg.lock_reduction_interval(57_600) == 57_600
    assert reg.lock_reduction_interval(57_600, block_emission_rao=500_000_000) == 28_800
    assert reg.lock_reduction_interval(57_600, block_emission_rao=250_000_000) == 14_400
    # after the first halving the price decays twice as fast
    kw = dict(last_lock_rao=1000 * TAO, last_lock_block=10, current_block=10 + 28_800)
    assert reg.lock_cost(**kw) == 2000 * TAO - (1000 * TAO // 57_600) * 28_800  # ≈ 1500 TAO
    assert reg.lock_cost(**kw, block_emission_rao=500_000_000) == 2000 * TAO - (1000 * TAO // 28_800) * 28_800  # ≈ 1000


@pytest.mark.parametrize("k", range(0, 31))
def test_interval_fixed_point_matches_rational_within_one_block(k):
    e = 10**9 >> k
    exact = Fraction(57_600 * e, 10**9)
    got = reg.lock_reduction_interval(57_600, block_emission_rao=e)
    assert got <= exact < got + 2
    if k <= 9:  # E / 1e9 is dyadic: the chain's I64F64 result is exact
        assert got == int(exact)


def test_pre_dtao_interval_is_not_scaled():
    assert reg.lock_reduction_interval(100, block_emission_rao=500_000_000, era="pre-dtao") == 100
    assert reg.lock_reduction_interval(100, block_emission_rao=500_000_000, era="head") == 50


def test_zero_interval_means_no_decay():
    assert reg.lock_cost(last_lock_rao=10 * TAO, last_lock_block=5, current_block=10**6,
                         reduction_interval_blocks=0) == 20 * TAO


def test_saturating_arithmetic():
    assert reg.lock_cost(last_lock_rao=U64_MAX, last_lock_block=1, current_block=1) == U64_MAX
    assert reg.lock_cost(last_lock_rao=U64_MAX, last_lock_block=1, current_block=U64_MAX, min_lock_rao=7) == 7


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (dict(last_lock_rao=-1), ValueError, "last_lock_rao"),
        (dict(last_lock_rao=1.5), TypeError, "last_lock_rao"),
        (dict(current_block=True), TypeError, "current_block"),
        (dict(min_lock_rao=2**64), ValueError, "min_lock_rao"),
        (dict(block_emission_rao=-5), ValueError, "block_emission_rao"),
    ],
)
def test_lock_cost_rejects_bad_input(kwargs, exc, match):
    base = dict(last_lock_rao=TAO, last_lock_block=0, current_block=0)
    with pytest.raises(exc, match=match):
        reg.lock_cost(**{**base, **kwargs})


u64 = st.integers(min_value=0, max_value=U64_MAX)
blocks = st.integers(min_value=0, max_value=2**40)


@given(last=u64, lb=blocks, b1=blocks, b2=blocks, min_lock=st.integers(0, 10**13),
       interval=st.integers(0, 10**6), e=st.sampled_from([10**9 >> k for k in range(12)]))
def test_lock_cost_floor_and_monotone_without_registration(last, lb, b1, b2, min_lock, interval, e):
    kw = dict(last_lock_rao=last, last_lock_block=lb, min_lock_rao=min_lock,
              reduction_interval_blocks=interval, block_emission_rao=e)
    c1 = reg.lock_cost(current_block=min(b1, b2), **kw)
    c2 = reg.lock_cost(current_block=max(b1, b2), **kw)
    assert c1 >= min_lock
    assert c2 >= min_lock
    assert c2 <= c1  # the price never rises while nobody registers
    assert c1 <= max(min_lock, min(U64_MAX, 2 * last))


# ---------------------------------------------------------------------------------------------
# Rate limit, immunity, timeline
# ---------------------------------------------------------------------------------------------
def test_rate_limit_is_28800_blocks():
    assert NETWORK_RATE_LIMIT_BLOCKS == 28_800
    assert not reg.can_register_network(100_000, 100_000 + 28_799)
    assert reg.can_register_network(100_000, 100_000 + 28_800)


def test_immunity_is_864000_blocks():
    assert NETWORK_IMMUNITY_BLOCKS == 864_000
    assert reg.is_immune(5_000, 5_000 + 863_999)
    assert not reg.is_immune(5_000, 5_000 + 864_000)


def test_timeline_rate_limit_modes():
    kw = dict(start_block=100_000, end_block=150_000, last_lock_rao=100 * TAO, last_lock_block=50_000)
    with pytest.raises(reg.RateLimitError, match="rate limit"):
        reg.lock_cost_timeline(registration_blocks=[100_000, 110_000], **kw)
    skipped = reg.lock_cost_timeline(registration_blocks=[100_000, 110_000], on_rate_limit="skip", **kw)
    assert skipped.registrations == (100_000,)
    assert skipped.rate_limited == (110_000,)
    ignored = reg.lock_cost_timeline(registration_blocks=[100_000, 110_000], on_rate_limit="ignore", **kw)
    assert ignored.registrations == (100_000, 110_000)
    assert ignored.rate_limited == (110_000,)
    ok = reg.lock_cost_timeline(registration_blocks=[100_000, 128_800], **kw)
    assert ok.rate_limited == ()
    assert len(ok.paid_rao) == 2


def test_timeline_matches_scalar_and_doubles_on_registration():
    t = reg.lock_cost_timeline(start_block=0, end_block=200_000, registration_blocks=[40_000, 80_000, 150_000],
                               last_lock_rao=1000 * TAO, last_lock_block=0)
    assert t.blocks.shape == t.price_rao.shape == (200_001,)
    last, lb = 1000 * TAO, 0
    for b, paid in zip(t.registrations, t.paid_rao, strict=True):
        assert paid == reg.lock_cost(last_lock_rao=last, last_lock_block=lb, current_block=b)
        assert t.price_rao[b] == paid
        assert t.price_rao[b + 1] == reg.lock_cost(last_lock_rao=paid, last_lock_block=b, current_block=b + 1)
        last, lb = paid, b
    assert t.price_rao[-1] == reg.lock_cost(last_lock_rao=last, last_lock_block=lb, current_block=200_000)
    assert t.total_paid_rao == sum(t.paid_rao)
    assert (t.final_last_lock_rao, t.final_last_lock_block) == (last, lb)


@settings(max_examples=40, deadline=None)
@given(last=st.integers(TAO, 5000 * TAO), lb=st.integers(0, 50_000),
       gaps=st.lists(st.integers(28_800, 120_000), max_size=4))
def test_timeline_price_only_rises_at_registrations(last, lb, gaps):
    start = lb + 28_800
    regs, b = [], start
    for g in gaps:
        regs.append(b)
        b += g
    end = b + 1_000
    t = reg.lock_cost_timeline(start_block=start, end_block=end, registration_blocks=regs,
                               last_lock_rao=last, last_lock_block=lb)
    diffs = np.diff(t.price_rao.astype(object))
    rises = {int(t.blocks[i + 1]) for i in np.nonzero(diffs > 0)[0]}
    assert rises <= {r + 1 for r in regs}
    assert np.all(t.price_rao >= 10**9)
    # spot checks against the scalar function
    for i in (0, len(t.blocks) // 3, len(t.blocks) - 1):
        blk = int(t.blocks[i])
        prior = [(r, p) for r, p in zip(t.registrations, t.paid_rao, strict=True) if r < blk]
        ll, llb = (prior[-1][1], prior[-1][0]) if prior else (last, lb)
        assert t.price_rao[i] == reg.lock_cost(last_lock_rao=ll, last_lock_block=llb, current_block=blk)


def test_timeline_rejects_blocks_outside_window():
    with pytest.raises(ValueError, match="registration_blocks"):
        reg.lock_cost_timeline(start_block=10, end_block=20, registration_blocks=[25],
                               last_lock_rao=TAO, last_lock_block=0)
    with pytest.raises(ValueError, match="end_block"):
        reg.lock_cost_timeline(start_block=10, end_block=5, last_lock_rao=TAO, last_lock_block=0)


# ---------------------------------------------------------------------------------------------
# Pruning (§6.3)
# ---------------------------------------------------------------------------------------------
def _from_names(mapping: dict[str, float]) -> dict[int, float]:
    return {int(name.lstrip("n")): v for name, v in mapping.items()}


def test_prune_vector_ds05(vectors):
    v = vectors["DS-05"]
    prices = _from_names(v["inputs"]["ema_prices"])
    subnets = [{"netuid": n, "ema_price": p, "registered_at": 0, "immune": False} for n, p in prices.items()]
    assert reg.subnet_to_prune(subnets) == int(v["expected"]["prune"].lstrip("n"))


def test_prune_vector_ds06(vectors):
    v = vectors["DS-06"]
    prices = _from_names(v["inputs"]["ema_prices"])
    regs = _from_names(v["inputs"]["registered_at"])
    subnets = [{"netuid": n, "ema_price": prices[n], "registered_at": regs[n], "immune": False} for n in prices]
    assert reg.subnet_to_prune(subnets) == int(v["expected"]["prune"].lstrip("n"))
    assert reg.subnet_to_prune(list(reversed(subnets))) == int(v["expected"]["prune"].lstrip("n"))


def test_prune_respects_immunity_computed_from_blocks():
    now = 2_000_000
    subnets = [
        {"netuid": 1, "ema_price": 0.001, "registered_at": now - 100},              # immune, cheapest
        {"netuid": 2, "ema_price": 0.010, "registered_at": now - 864_000},          # just out of immunity
        {"netuid": 3, "ema_price": 0.020, "registered_at": 0},
    ]
    assert reg.subnet_to_prune(subnets, current_block=now) == 2
    assert reg.subnet_to_prune(subnets, current_block=now - 1) == 3
    with pytest.raises(ValueError, match="current_block"):
        reg.subnet_to_prune(subnets)


def test_prune_none_when_all_immune_or_only_root():
    assert reg.subnet_to_prune([]) is None
    assert reg.subnet_to_prune([{"netuid": 1, "ema_price": 1, "registered_at": 0, "immune": True}]) is None
    assert reg.subnet_to_prune([{"netuid": 0, "ema_price": 0, "registered_at": 0, "immune": False}]) is None


def test_prune_full_tie_follows_storage_order():
    # NetworksAdded iterates little-endian keys: 256 = (0x00, 0x01) comes before 1 = (0x01, 0x00)
    subnets = [{"netuid": n, "ema_price": 3, "registered_at": 9, "immune": False} for n in (1, 256, 2)]
    assert reg.subnet_to_prune(subnets) == 256
    assert reg.subnet_to_prune(subnets[::2]) == 1


def test_prune_eras():
    subnets = [
        {"netuid": 1, "ema_price": 0.5, "emission": 10, "registered_at": 0, "immune": False},
        {"netuid": 2, "ema_price": 0.1, "emission": 90, "registered_at": 0, "immune": False},
    ]
    assert reg.subnet_to_prune(subnets) == 2
    assert reg.subnet_to_prune(subnets, era="pre-dtao") == 1
    assert reg.subnet_to_prune(subnets, era="v3.0.0") is None  # pruning disabled v2.0.0–v3.2.7


def test_prune_bad_input():
    with pytest.raises(ValueError, match="ema_price"):
        reg.subnet_to_prune([{"netuid": 1, "ema_price": -1.0, "registered_at": 0, "immune": False}])
    with pytest.raises(ValueError, match="ema_price"):
        reg.subnet_to_prune([{"netuid": 1, "ema_price": float("nan"), "registered_at": 0, "immune": False}])
    with pytest.raises(ValueError, match="registered_at"):
        reg.subnet_to_prune([{"netuid": 1, "ema_price": 1.0, "immune": False}])
    with pytest.raises(ValueError, match="twice"):
        reg.subnet_to_prune([{"netuid": 1, "ema_price": 1.0, "registered_at": 0, "immune": False}] * 2)


@given(st.lists(st.tuples(st.integers(1, 300), st.floats(0, 10, allow_nan=False), st.integers(0, 50),
                          st.booleans()), max_size=12, unique_by=lambda t: t[0]))
def test_prune_picks_a_minimum(rows):
    subnets = [{"netuid": n, "ema_price": p, "registered_at": r, "immune": im} for n, p, r, im in rows]
    got = reg.subnet_to_prune(subnets)
    eligible = [s for s in subnets if not s["immune"]]
    if not eligible:
        assert got is None
        return
    chosen = next(s for s in eligible if s["netuid"] == got)
    assert chosen["ema_price"] == min(s["ema_price"] for s in eligible)
    assert chosen["registered_at"] == min(s["registered_at"] for s in eligible
                                          if s["ema_price"] == chosen["ema_price"])


# ---------------------------------------------------------------------------------------------
# Median price and new-subnet pool (§6.2)
# ---------------------------------------------------------------------------------------------
def test_median_vector_ds08(vectors):
    v = vectors["DS-08"]
    assert reg.median_subnet_price(v["inputs"]["spot_prices"]) == v["expected"]["median"]


def test_median_even_zero_and_empty():
    assert reg.median_subnet_price([4, 1, 8, 2]) == 3.0          # mean of the two middle values
    assert reg.median_subnet_price([0.0, 0, 3.0]) == 3.0         # zero-priced subnets are skipped
    assert reg.median_subnet_price([]) == 1.0
    assert reg.median_subnet_price(np.array([0.25, 0.75])) == 0.5
    with pytest.raises(ValueError, match=r"prices\[1\]"):
        reg.median_subnet_price([1.0, -2.0])
    with pytest.raises(ValueError, match="finite"):
        reg.median_subnet_price([float("inf")])


@given(st.lists(st.floats(min_value=1e-6, max_value=1e3), min_size=1, max_size=30))
def test_median_matches_numpy(prices):
    assert reg.median_subnet_price(prices) == pytest.approx(float(np.median(prices)), rel=1e-15, abs=1e-18)


def test_new_subnet_pool_head_uses_median():
    lock = 2500 * TAO
    prices = [0.02, 0.05, 0.011, 0.3]
    pool = reg.new_subnet_pool(lock, prices)
    med = (Fraction(0.02) + Fraction(0.05)) / 2
    assert pool.tao_reserve_rao == lock
    assert pool.recycled_rao == 0
    assert pool.owner_alpha_rao == 0
    assert abs(pool.alpha_reserve_rao - int(lock / med)) <= 1   # floor(lock / median) (U64F64 median)
    assert pool.alpha_reserve_rao <= lock / med
    assert pool.price == pytest.approx(float(med), rel=1e-9)


def test_price_containers():
    assert reg.median_subnet_price({3: 0.2, 9: 0.4, 11: 0.1}) == 0.2
    tao, alpha = reg.new_subnet_pool(10 * TAO, {1: 0.5})
    assert (tao, alpha) == (10 * TAO, 20 * TAO)
    with pytest.raises(TypeError, match="prices"):
        reg.median_subnet_price("123")


def test_new_subnet_pool_exact_floor_and_fallback():
    assert reg.new_subnet_pool(1000 * TAO + 1, [3]).alpha_reserve_rao == (1000 * TAO + 1) // 3
    assert reg.new_subnet_pool(7 * TAO, []).alpha_reserve_rao == 7 * TAO          # median 1.0
    small = reg.new_subnet_pool(TAO // 2, [2.0], min_lock_rao=TAO)
    assert small.tao_reserve_rao == TAO
    assert small.alpha_reserve_rao == TAO // 2


def test_new_subnet_pool_older_eras():
    lock = 1800 * TAO
    v2 = reg.new_subnet_pool(lock, [0.01, 0.02], era="v3.3.13")
    assert (v2.tao_reserve_rao, v2.alpha_reserve_rao, v2.recycled_rao) == (TAO, TAO, lock - TAO)
    pre = reg.new_subnet_pool(lock, era="pre-dtao")
    assert (pre.tao_reserve_rao, pre.alpha_reserve_rao, pre.recycled_rao, pre.locked_rao) == (0, 0, 0, lock)
    assert reg.new_subnet_pool(lock, [0.5], era="v3.3.14").alpha_reserve_rao == 2 * lock


@given(st.integers(TAO, 10**16), st.lists(st.floats(min_value=1e-4, max_value=100), max_size=20))
def test_new_subnet_pool_starts_at_median_price(lock, prices):
    pool = reg.new_subnet_pool(lock, prices)
    med = Fraction(pool.median_price)
    assert pool.tao_reserve_rao + pool.recycled_rao == lock
    assert pool.alpha_reserve_rao == int(Fraction(lock) / med) or abs(pool.alpha_reserve_rao - lock / med) <= 1
    assert Fraction(pool.tao_reserve_rao, pool.alpha_reserve_rao) >= med


def test_prune_accepts_vector_labels(vectors):
    """The vectors name subnets "n1", "n2": labels are accepted and returned as given."""
    v = vectors["DS-06"]
    subnets = [{"netuid": k, "ema_price": p, "registered_at": v["inputs"]["registered_at"][k], "immune": False}
               for k, p in v["inputs"]["ema_prices"].items()]
    assert reg.subnet_to_prune(subnets) == v["expected"]["prune"]
    # a full tie between labels goes to the one listed first
    tie = [{"netuid": n, "ema_price": 1.0, "registered_at": 0, "immune": False} for n in ("b", "a")]
    assert reg.subnet_to_prune(tie) == "b"
    with pytest.raises(ValueError, match="label"):
        reg.subnet_to_prune([{"netuid": "", "ema_price": 1.0, "registered_at": 0, "immune": False}])


def test_lock_growth_factor_matches_exact_timeline():
    every = NETWORK_RATE_LIMIT_BLOCKS
    for emission, expected in ((1_000_000_000, 1.5), (500_000_000, 1.0)):
        assert reg.lock_growth_factor(every, block_emission_rao=emission) == expected
        regs = [100_000 + i * every for i in range(6)]
        t = reg.lock_cost_timeline(start_block=100_000, end_block=regs[-1], registration_blocks=regs,
                                   last_lock_rao=1_000 * 10**9, last_lock_block=50_000,
                                   block_emission_rao=emission)
        ratios = [b / a for a, b in zip(t.paid_rao[1:], t.paid_rao[2:], strict=False)]
        # exact prices differ from the factor only by the floor in the per-block decay
        assert all(abs(r - expected) < 1e-6 for r in ratios)
    assert reg.lock_growth_factor(4 * 57_600) == 0.0
    assert reg.lock_growth_factor(57_600) == 1.0


def test_lock_growth_factor_bad_input():
    with pytest.raises(ValueError, match="every_blocks"):
        reg.lock_growth_factor(0)
    with pytest.raises(TypeError, match="every_blocks"):
        reg.lock_growth_factor(1.5)


def test_first_registration_ever_passes_the_rate_limit_from_v3_2_7():
    """``last_lock_block == 0`` passes the subnet-registration rate limit from v3.2.7.

    subtensor 14bc6f9f ``pallets/subtensor/src/utils/rate_limiting.rs`` L64-67
    ``check_passes_rate_limit``: ``last_block == 0 || block.saturating_sub(last_block) >= limit``;
    ``subnets/subnet.rs`` calls it for ``RegisterNetwork`` from v3.2.7 (L137-140); v2.0.0 – v3.2.6
    ensured ``current_block.saturating_sub(last_lock_block) >= NetworkRateLimit`` directly
    (v3.2.3 ``subnet.rs`` L136-140); v1.2.5 used ``passes_rate_limit`` too (``rate_limiting.rs`` L56-58).
    """
    assert reg.can_register_network(0, 100)
    assert reg.can_register_network(0, 100, era="v3.2.7")
    assert not reg.can_register_network(0, 100, era="v3.2.6")
    assert not reg.can_register_network(0, 100, era="A")
    assert reg.can_register_network(0, 100, era="pre-dtao")
    assert reg.can_register_network(0, 28_800, era="v3.2.6")  # the plain comparison still lets it through later
    kw = dict(start_block=100, end_block=200, last_lock_rao=10**12, last_lock_block=0)
    assert reg.lock_cost_timeline(registration_blocks=[100], **kw).registrations == (100,)
    with pytest.raises(reg.RateLimitError):
        reg.lock_cost_timeline(registration_blocks=[100], era="v3.2.3", **kw)


@given(st.lists(st.integers(100_000, 200_000), max_size=6), st.lists(st.integers(100_000, 200_000), max_size=30),
       st.sampled_from(["skip", "ignore"]))
def test_lock_cost_timeline_quotes_only_the_blocks_asked_for(regs, quotes, on_rate_limit):
    """quote_blocks changes which quotes are returned, never their values nor the registrations."""
    kw = dict(start_block=100_000, end_block=200_000, registration_blocks=regs, last_lock_rao=1000 * 10**9,
              last_lock_block=50_000, on_rate_limit=on_rate_limit)
    full = reg.lock_cost_timeline(**kw)
    part = reg.lock_cost_timeline(**kw, quote_blocks=quotes)
    want = sorted(set(quotes))
    assert part.blocks.tolist() == want
    assert part.price_rao.tolist() == [int(full.price_rao[b - 100_000]) for b in want]
    assert (part.registrations, part.paid_rao, part.rate_limited) == (full.registrations, full.paid_rao,
                                                                      full.rate_limited)
    with pytest.raises(ValueError, match="quote_blocks must lie in"):
        reg.lock_cost_timeline(**kw, quote_blocks=[99_999])
