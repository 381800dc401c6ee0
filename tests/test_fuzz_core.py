"""Adversarial fuzzing of the library's public API (issue 16: "further cases of the same kinds").

For every valid call of a library callable in ``tests/bad_input_tables`` (adr, amm, coinbase, collateral,
dissolution, ema, emission, ownership, params, registration, root_era, taoflow, yuma, sim, data) and for the
public methods of the pools, hypothesis draws keyword arguments where each parameter is either its valid value
or a borderline/adversarial value of a plausible kind (0, ±1, u64 edges, 10**30, subnormal and huge floats,
-0.0, NaN, ±inf, numpy scalars of other dtypes, Fraction, Decimal, bools, None, empty/one-element/mismatched/
2-D lists, lists holding None, dicts, sets, era strings with spaces or another case). The contract:

* the call returns, or raises ``TypeError``/``ValueError`` (or a subclass) with a message — never
  ``ZeroDivisionError``, ``OverflowError``, ``KeyError``, ``IndexError``, ``AttributeError``, ``RecursionError``,
  ``MemoryError``, ``FloatingPointError`` or a numpy internal error;
* within a few seconds (sizes are bounded by validation);
* a returned result holds no NaN/inf (except where documented: see ``NONFINITE_OK``) and no negative rao;
* the caller's lists and arrays are not mutated.

Profile "ci" (tests/conftest.py) is derandomized; ``HYPOTHESIS_PROFILE=explore`` explores more examples. Every
defect found is pinned below as an explicit regression test next to the harness.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import math
import numbers
import os
import signal
import time
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dtao_lib import amm, coinbase, sim
from tests.bad_input_tables import merged
from tests.test_bad_input import _call, _resolve

VALID, _NOT_CHECKED, _ALLOWED = merged()
OWNED = ("adr", "amm", "coinbase", "collateral", "dissolution", "ema", "emission", "ownership", "params",
         "registration", "root_era", "taoflow", "yuma", "sim", "data")
# CI: a few dozen derandomized examples per callable (the file runs in well under a minute);
# HYPOTHESIS_PROFILE=explore: the profile's max_examples (1 000) per callable.
_EXPLORE = os.environ.get("HYPOTHESIS_PROFILE") == "explore"
# A call on a bad input must end within ~5 s (explore); CI allows 10 s so a loaded 2-core machine does not fail
# spuriously (the hangs found took minutes to hours).
CALL_LIMIT_S = float(os.environ.get("FUZZ_CALL_SECONDS", 5.0 if _EXPLORE else 10.0))
FUZZ = settings(max_examples=settings.default.max_examples if _EXPLORE else 25, deadline=None,
                suppress_health_check=list(HealthCheck))

# -- public methods (not enumerated by the bad-input tables) ---------------------------------------------
_BAL = amm.BalancerPool(10**12, 4 * 10**12)
_V3 = amm.FullRangePool(10**12, 4 * 10**12)
_CP = amm.ConstantProductPool(10**12, 4 * 10**12)


def _method(obj: Any, name: str) -> Callable[..., Any]:
    return getattr(obj, name)


METHODS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "BalancerPool.buy_alpha": (_BAL.buy_alpha, {"tao_in": 10**9, "limit_price": 1.0, "author_fee_swap": False}),
    "BalancerPool.sell_alpha": (_BAL.sell_alpha, {"alpha_in": 10**9, "limit_price": 0.1, "author_fee_swap": True}),
    "BalancerPool.inject": (_BAL.inject, {"tao": 10**9, "alpha": 10**9}),
    "BalancerPool.from_price": (amm.BalancerPool.from_price, {"tao_reserve": 10**12, "alpha_reserve": 4 * 10**12,
                                                              "price": 0.25}),
    "BalancerPool.tao_to_reach_price": (_BAL.tao_to_reach_price, {"price": 0.3}),
    "BalancerPool.alpha_to_reach_price": (_BAL.alpha_to_reach_price, {"price": 0.2}),
    "BalancerPool.alpha_needed_for_tao": (_BAL.alpha_needed_for_tao, {"tao_out": 10**9}),
    "FullRangePool.buy_alpha": (_V3.buy_alpha, {"tao_in": 10**9, "limit_price": 1.0, "author_fee_swap": False}),
    "FullRangePool.sell_alpha": (_V3.sell_alpha, {"alpha_in": 10**9, "limit_price": 0.1, "author_fee_swap": True}),
    "FullRangePool.inject": (_V3.inject, {"tao": 10**9, "alpha": 10**9}),
    "ConstantProductPool.buy_alpha": (_CP.buy_alpha, {"tao_in": 10**9, "fee_rao": 50_000}),
    "ConstantProductPool.sell_alpha": (_CP.sell_alpha, {"alpha_in": 10**9, "fee_rao": 50_000}),
    "Scenario.replace": (sim.Scenario(n_subnets=2, blocks=20, initial="synthetic").replace,
                         {"seed": 1, "blocks": 30, "tao_weight": 0.1}),
}

# Extra parameters of the table's callables worth fuzzing (the tables list a minimal valid call).
EXTRA: dict[str, dict[str, Any]] = {
    "sim.Scenario": {"owner_cut": 0.18, "root_claim_swap": 1.0, "emission_sell": 0.0, "start_block": 5_000_000,
                     "initial_age_blocks": 2_000_000, "flow_exponent": 1.0, "emission_bar_rank": 32,
                     "emission_bar_quantile": 0.61, "emission_gate_exponent": 3.0, "max_record_mb": 1.0,
                     "root_tao": 1_000.0, "issuance_tao": 10_000_000.0},
}


def _targets() -> dict[str, tuple[Callable[..., Any], dict[str, Any]]]:
    out: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {}
    for qual, kwargs in VALID.items():
        if qual.split(".")[0] in OWNED:
            out[qual] = ((lambda q: lambda **kw: _call(q, kw))(qual), {**kwargs, **EXTRA.get(qual, {})})
    out.update(METHODS)
    return out


TARGETS = _targets()

# -- adversarial values ------------------------------------------------------------------------------------
ADVERSARIAL_SCALARS: list[Any] = [
    0, 1, -1, 2, 2**63, 2**64 - 1, 2**64, 10**30, -(2**63),
    0.0, -0.0, 5e-324, 1e-300, 1e300, 1e308, -1e308, math.nan, math.inf, -math.inf, 0.5, 1.0 - 2**-53, 1.5,
    np.int8(1), np.int8(-1), np.uint64(2**64 - 1), np.uint64(0), np.int64(2**63 - 1), np.float32(0.5),
    np.float16(0.5), np.float32(np.inf), np.float16(65504.0), np.float64(5e-324),
    Fraction(1, 3), Fraction(10**40, 3), Decimal("0.5"), Decimal("NaN"), Decimal("1e400"),
    True, False, np.bool_(True), None,
]
ADVERSARIAL_OBJECTS: list[Any] = [
    [], [1], [None], [math.nan], [[1.0, 2.0], [3.0, 4.0]], {}, {"a": 1}, set(), {1, 2}, (), "x", "",
    "HEAD", " head ", "v3.2.8 ", "Head", "spec425 ", "A ", "a", object(), b"head",
]


def _variants(value: Any) -> list[Any]:
    """Borderline variants of the same kind as the valid ``value``."""
    out: list[Any] = []
    if isinstance(value, bool | np.bool_):
        return [np.bool_(not value), 0, 1, "True", None]
    if isinstance(value, numbers.Integral):
        v = int(value)
        out += [v - 1, v + 1, 2 * v, -v, v * 10**12, np.int8(min(v, 127)), np.uint64(max(v, 0) % 2**64),
                np.int32(min(v, 2**31 - 1)), float(v), Fraction(v), Decimal(v), np.float32(v)]
    elif isinstance(value, numbers.Real):
        v = float(value)
        out += [v * (1 + 1e-12), v * (1 - 1e-12), -v, v * 1e300, v * 1e-300, np.float32(v), np.float16(v),
                Fraction(v), Decimal(repr(v)), math.nextafter(v, math.inf), math.nextafter(v, -math.inf),
                int(v) if math.isfinite(v) else 0]
    elif isinstance(value, str):
        out += [value.upper(), f" {value} ", value + " ", value.capitalize(), value[:-1], ""]
    elif isinstance(value, list | tuple) and value:
        arr = np.asarray(value, dtype=object)
        out += [list(value[:-1]), [*value, value[-1]], [value], list(value[:1]), [], [None] * len(value),
                [[x] for x in value]]
        if all(isinstance(x, numbers.Real) for x in np.ravel(arr)):
            f = np.asarray(value, dtype=float)
            out += [np.zeros_like(f).tolist(), (f * 1e300).tolist(), (-f).tolist(), np.asarray(f, np.float32),
                    np.asarray(f, np.float16), np.where(f == f.flat[0], np.inf, f).tolist(),
                    np.asarray(np.abs(f), np.uint64), np.asarray(f, np.int8), np.full_like(f, 5e-324).tolist(),
                    np.full_like(f, 2.0**64).tolist(), [Fraction(x) for x in f.ravel()] if f.ndim == 1 else f.T,
                    np.broadcast_to(f, f.shape)]
    return out


BORDER_POOLS = [amm.BalancerPool(1, 1), amm.BalancerPool(10**6, 0), amm.BalancerPool(10**16, 10**10),
                amm.BalancerPool(1, amm.MAX_RESERVE_RAO), amm.FullRangePool(1, 1), amm.ConstantProductPool(1, 1),
                amm.BalancerPool(amm.MAX_RESERVE_RAO, amm.MAX_RESERVE_RAO, quote_weight=Fraction(10**18 - 1, 10**18),
                                 enforce_limits=False)]


def _special_objects(qual: str, param: str) -> list[Any]:
    """Borderline objects for parameters that take a pool, a swap result, a state or a scenario."""
    pools = BORDER_POOLS
    if param == "pool":
        return pools
    if param == "result":
        return [p.buy_alpha(0) for p in pools[:3]] + [pools[1].sell_alpha(10**9), pools[0].buy_alpha(10**15),
                                                      pools[1].buy_alpha(10**15)]
    if param == "scenarios":
        return [[], [sim.Scenario(n_subnets=1, blocks=1, initial="synthetic")], "x", [None], {}]
    if param in ("scenario", "base"):
        return [sim.Scenario(n_subnets=1, blocks=1, initial="synthetic")]
    if param == "state":
        return [_border_state(z) for z in range(3)]
    return []


def _border_state(kind: int) -> Any:
    if kind == 0:
        return coinbase.BlockState(ema_prices=[0.0, 0.0], spot_prices=[0.0, 0.0], alpha_issuance=[0, 0], root_tao=0,
                                   block_emission=0, tao_weight=0.0)
    if kind == 1:
        return coinbase.BlockState(ema_prices=[5e-324], spot_prices=[1e6], alpha_issuance=[2**64 - 1],
                                   root_tao=2**64 - 1, block_emission=2**63 - 1, tao_weight=1.0)
    return coinbase.BlockState(ema_prices=[1.0, 0.0, 1e-300], spot_prices=[0.0, 1.0, 1e-300],
                               alpha_issuance=[0, 10**15, 1], root_tao=1, block_emission=1, tao_weight=1.0)


def _param_strategy(qual: str, param: str, value: Any) -> st.SearchStrategy[Any]:
    bad = _variants(value) + _special_objects(qual, param) + ADVERSARIAL_SCALARS + ADVERSARIAL_OBJECTS
    return st.one_of(st.just(value), st.just(value), st.sampled_from(bad))


# -- the contract ------------------------------------------------------------------------------------------
class _Timeout(BaseException):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


FORBIDDEN = (ZeroDivisionError, OverflowError, KeyError, IndexError, AttributeError, RecursionError, MemoryError,
             FloatingPointError, AssertionError, RuntimeError, LookupError, ArithmeticError)

# Results where a NaN or an infinity is documented: {qualified name: reason}.
NONFINITE_OK: dict[str, str] = {
    "adr.adr": "alpha_in = 0: ADR is infinite (documented)",
    "adr.effective_adr": "alpha_in = 0: ADR is infinite (documented)",
    "adr.halving_adr": "ADR of a halving with no TAO: infinite (documented)",
    "adr.gated_projection": "a pool emptied of alpha: price 0, ADR inf, haircut NaN (documented)",
    "adr.haircut": "haircut(inf) and the like (documented)",
    "adr.liquidation_price": "no alpha outstanding: price infinite (documented)",
    "adr.liquidation_price_head": "no alpha outstanding: price infinite (documented)",
    "adr.subnet_life": "a pool with no alpha in: ADR infinite (documented)",
    "adr.adr_time_series": "a pool with no alpha in: ADR infinite (documented)",
    "ema.half_life_blocks": "alpha = 0: the EMA never moves (inf, documented)",
    "taoflow.flow_half_life_blocks": "alpha = 0: the EMA never moves (inf, documented)",
    "ema.blocks_to_reach": "a target that is never reached (inf, documented)",
    "amm.effective_price": "nothing received: NaN (documented)",
    "amm.price_impact": "a pool with price 0 (documented)",
    "amm.slippage": "nothing received (documented)",
    "ema.spot_to_reach": "inf: no spot price reaches the target (documented)",
    "coinbase.price_for_share_gated": "inf: no price reaches the share (documented)",
    "root_era.root_register": "the result echoes the caller's hotkeys (inf is a hashable identifier equal to itself)",
    "data.load_subnet_snapshot": "NaN where the chain reported nothing or a ratio is undefined (documented)",
    "sim.run": "NaN: per-block metrics of the first record, ratios of empty slots (documented)",
    "sim.sweep": "the results of sim.run",
}

# Callables with a defect found by the harness and not fixed yet: {qualified name: what fails}.
PENDING: dict[str, str] = {}


def _nonfinite(obj: Any, path: str = "", depth: int = 0) -> str | None:
    if depth > 6:
        return None
    if isinstance(obj, float | np.floating) and not math.isfinite(float(obj)):
        return path or "result"
    if isinstance(obj, np.ndarray) and obj.dtype.kind == "f" and obj.size and not np.isfinite(obj).all():
        return path or "result"
    if isinstance(obj, pd.DataFrame | pd.Series):
        num = obj.select_dtypes("number") if isinstance(obj, pd.DataFrame) else obj
        numeric = num.size and getattr(num, "dtype", "f") is not np.dtype(object)
        vals = np.asarray(num, dtype=float) if numeric else np.zeros(0)
        return f"{path} (frame)" if vals.size and not np.isfinite(vals).all() else None
    for name, sub in _children(obj):
        found = _nonfinite(sub, f"{path}.{name}", depth + 1)
        if found:
            return found
    return None


def _children(obj: Any) -> list[tuple[str, Any]]:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)]
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return list(zip(obj._fields, obj, strict=True))
    if isinstance(obj, list | tuple):
        return [(str(i), x) for i, x in enumerate(obj[:50])]
    if isinstance(obj, dict):
        return [(str(k), v) for k, v in list(obj.items())[:50]]
    return []


def _negative_rao(obj: Any, path: str = "", depth: int = 0) -> str | None:
    if depth > 6:
        return None
    for name, sub in _children(obj):
        amount = ("rao" in name or name in ("amount_out", "fee", "refund", "tao_reserve", "alpha_reserve"))
        if amount and isinstance(sub, numbers.Real) and not isinstance(sub, bool) and sub < 0:
            return f"{path}.{name} = {sub}"
        if amount and isinstance(sub, np.ndarray) and sub.dtype.kind in "iuf" and (sub < 0).any():
            return f"{path}.{name} has negatives"
        found = _negative_rao(sub, f"{path}.{name}", depth + 1)
        if found:
            return found
    return None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")))
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, Decimal) and isinstance(b, Decimal) and a.is_nan() and b.is_nan():
        return True
    try:
        return bool(a == b) or a is b
    except Exception:
        return a is b


def _snapshot(kwargs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in kwargs.items():
        if isinstance(v, list | dict | set | np.ndarray):
            with contextlib.suppress(Exception):
                out[k] = copy.deepcopy(v)
    return out


def check_contract(qual: str, fn: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    """Call ``fn(**kwargs)`` and assert the contract of the module docstring."""
    before = _snapshot(kwargs)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, CALL_LIMIT_S)
    t0 = time.perf_counter()
    try:
        result = fn(**kwargs)
    except _Timeout:
        pytest.fail(f"{qual}({_show(kwargs)}) ran longer than {CALL_LIMIT_S} s")
    except (TypeError, ValueError) as exc:
        if isinstance(exc, FORBIDDEN) or type(exc).__module__.startswith(("numpy", "numba")):
            pytest.fail(f"{qual}({_show(kwargs)}) raised {type(exc).__name__}: {exc}")
        if not str(exc).strip():
            pytest.fail(f"{qual}({_show(kwargs)}) raised {type(exc).__name__} without a message")
        result = None
    except BaseException as exc:  # the point is to catch everything else
        pytest.fail(f"{qual}({_show(kwargs)}) raised {type(exc).__name__}: {exc}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    del t0
    for k, v in before.items():
        assert _same(v, kwargs[k]), f"{qual}({_show(kwargs)}) mutated its argument {k}"
    if result is None:
        return
    if qual not in NONFINITE_OK:
        where = _nonfinite(result)
        assert where is None, f"{qual}({_show(kwargs)}) returned a NaN/inf at {where}: {result!r:.300}"
    neg = _negative_rao(result)
    assert neg is None, f"{qual}({_show(kwargs)}) returned a negative amount: {neg}"


def _show(kwargs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r:.80}" for k, v in kwargs.items())


# -- one fuzz test per callable ---------------------------------------------------------------------------
@st.composite
def _kwargs(draw: Any, qual: str) -> dict[str, Any]:
    _fn, valid = TARGETS[qual]
    return {p: draw(_param_strategy(qual, p, v)) for p, v in valid.items()}


@pytest.mark.parametrize("qual", sorted(TARGETS))
def test_fuzz_public_callable(qual):
    if qual in PENDING:
        pytest.xfail(PENDING[qual])
    fn, _valid = TARGETS[qual]

    @FUZZ
    @given(_kwargs(qual))
    def run(kwargs):
        check_contract(qual, fn, kwargs)

    run()


def test_every_owned_callable_is_fuzzed():
    owned = [q for q in VALID if q.split(".")[0] in OWNED]
    assert owned
    assert all(q in TARGETS for q in owned)
    assert all(callable(_resolve(q)) for q in owned)


# -- regressions found by the harness (each pinned next to its fix) ------------------------------------------
@pytest.mark.parametrize("price", [np.int8(1), np.int16(1), np.uint8(1), np.float16(0.5), np.float32(0.25)])
def test_amm_prices_accept_small_numpy_scalars(price):
    """``Fraction(np.int8(1)) * 2**64`` overflowed int8 (OverflowError): numpy scalars are read as Python numbers."""
    pool = amm.BalancerPool(10**12, 10**12)
    assert pool.buy_alpha(10**9, limit_price=price) == pool.buy_alpha(10**9, limit_price=float(price))
    assert amm.v3_alpha_out_for_tao(2 * 10**12, price, 10_000) == amm.v3_alpha_out_for_tao(2 * 10**12, float(price),
                                                                                           10_000)
    assert pool.tao_to_reach_price(price) == pool.tao_to_reach_price(float(price))


@pytest.mark.parametrize("weight", [np.int8(1), np.int64(0), np.uint64(1), np.float32("inf"), np.float16("nan")])
def test_balancer_weight_numpy_integer_is_range_checked(weight):
    with pytest.raises(ValueError, match="quote_weight"):
        amm.balancer_price(10**12, 10**12, weight)
    assert amm.balancer_price(10**12, 10**12, np.float16(0.5)) == 1.0


def test_balancer_extreme_weight_does_not_exhaust_memory():
    """Weight 1 − 1e-16 makes the exponent w2/w1 ~1e16: the power is far above u64, so the chain's ``exp_scaled``
    returns 0 (and the alpha needed is 0); it used to build a Decimal of ~1e13 digits (MemoryError)."""
    assert amm.balancer_alpha_needed_for_tao(0.9999999999999999, 10**12, 10**12, 10**9) == 0
    with pytest.raises(ValueError, match="exp_numerator"):
        amm.pow_ratio_scaled(3, 1, 10**18, 1)
    assert amm.pow_ratio_scaled(1, 3, 10**18, 1) == 0  # tiny powers floor to 0 quickly
    assert amm.pow_ratio_scaled(5, 4, 4_000, 1) == 5**4_000 * 10**18 // 4**4_000  # large but bounded: exact


@pytest.mark.parametrize("fn", [amm.effective_price, amm.price_impact, amm.slippage])
@pytest.mark.parametrize("bad", [0, None, "x", {}])
def test_swap_metrics_need_a_swap_result(fn, bad):
    with pytest.raises(TypeError, match="result must be a SwapResult"):
        fn(bad)


@pytest.mark.parametrize("bad", [0, None, "pool"])
def test_round_trip_needs_a_pool(bad):
    with pytest.raises(TypeError, match="pool must be"):
        amm.round_trip(bad, 10**9)


def test_ema_horizons_are_bounded():
    """A horizon of 2^63 blocks walked one million blocks at a time for hours; now refused (MAX_WALK_BLOCKS)."""
    from dtao_lib import ema

    for n in (ema.MAX_WALK_BLOCKS + 1, 2**63, np.uint64(2**64 - 1)):
        with pytest.raises(ValueError, match="n_blocks"):
            ema.keep_factor(n, blocks_since_start=10**6)
        with pytest.raises(ValueError, match="n_blocks"):
            ema.spot_to_reach(0.01, 0.012, n, blocks_since_start=10**6)
    with pytest.raises(ValueError, match="n_blocks"):
        ema.keep_factor([0, 2**62], blocks_since_start=10**6)
    with pytest.raises(ValueError, match="max_blocks"):
        ema.blocks_to_reach(0.01, 0.02, 0.015, blocks_since_start=10**6, moving_alpha=0.0, max_blocks=2**63)
    with pytest.raises(ValueError, match="n_blocks"):
        ema.moving_price_path(0.01, 0.02, blocks_since_start=10**6, n_blocks=10**9)


def test_ema_exact_update_outside_the_fixed_point_range():
    """``exact=True`` with ema = 1e300 raised OverflowError (ldexp); a spot far above 1 is clamped before its
    conversion (same bits as before for every representable spot)."""
    from dtao_lib import ema

    with pytest.raises(ValueError, match="ema"):
        ema.update_moving_price(1e300, 0.02, blocks_since_start=10**6, exact=True)
    big = ema.update_moving_price(0.5, 1e300, blocks_since_start=10**6, exact=True)
    assert big == ema.update_moving_price(0.5, 1.0, blocks_since_start=10**6, exact=True)
    assert ema.update_moving_price(0.5, 1e300, blocks_since_start=10**6, exact=True, era="v3.2.8") == \
        ema.update_moving_price(0.5, 1.0, blocks_since_start=10**6, exact=True, era="v3.2.8")
    with pytest.raises(ValueError, match="spot"):
        ema.update_moving_price(0.5, 1e300, exact=True, era="v2.0.0")


def test_collateral_inputs_at_the_edges():
    from dtao_lib import collateral

    with pytest.raises(TypeError, match="split must be a ChargeSplit"):
        collateral.split_bought_alpha(4 * 10**9, 0)
    assert collateral.collateral_release(10**9, 10**8, 1e308) == 10**9  # k·earned = inf: all released
    assert collateral.collateral_release(10**9, 0, 1e308) == 0
    with pytest.raises(ValueError, match="ema_price"):
        collateral.collateral_credit_tao(10**9, 1e300)  # int(inf) raised OverflowError


def test_amm_price_targets_out_of_reach():
    """A pool emptied of alpha (price 0) divided by zero; a target of 1e308 or 5e-324 made the closed-form
    estimate infinite (int(inf): OverflowError). Both are now "out of reach" ValueErrors."""
    with pytest.raises(ValueError, match="out of reach"):
        amm.stake_to_reach_price(amm.BalancerPool(10**6, 0), 0.3)
    pool = amm.BalancerPool(10**12, 4 * 10**12)
    with pytest.raises(ValueError, match="out of reach"):
        amm.stake_to_reach_price(pool, 1e308)
    with pytest.raises(ValueError, match="out of reach"):
        amm.unstake_to_reach_price(pool, 5e-324)
    assert amm.stake_to_reach_price(pool, 0.3) > 0  # ordinary targets unchanged


def test_root_epoch_stakes_below_the_fixed_point_resolution():
    """Stakes of 5e-324 are all 0 in I64F64: their sum is 0 (ZeroDivisionError before); like an empty root."""
    from dtao_lib import root_era

    w = [[0.5, 0.5, 0.0], [0.2, 0.3, 0.5], [0.0, 1.0, 0.0]]
    with pytest.raises(ValueError, match="stakes must have a positive sum"):
        root_era.normalize_stakes([5e-324] * 3)
    with pytest.raises(ValueError, match="stakes must have a positive sum"):
        root_era.root_epoch(w, [5e-324] * 3)
    assert root_era.normalize_stakes([5e-324] * 3, exact=False).tolist() == [1 / 3] * 3


def test_flow_exponent_beyond_u64f64():
    """p = 1e300 overflowed ``ldexp(p, 64)``; FlowNormExponent is U64F64, so p < 2^64 when emulating the chain."""
    from dtao_lib import taoflow

    with pytest.raises(ValueError, match="p must be"):
        taoflow.pow_normalize([1.0, 2.0, 3.0], 1e300)
    with pytest.raises(ValueError, match="p must be"):
        taoflow.flow_shares([1.0, 2.0, 3.0], p=1e300)
    assert taoflow.pow_normalize([1.0, 2.0, 3.0], 1e300, emulate_fixed=False).tolist() == [0.0, 0.0, 1.0]


def test_project_issuance_beyond_int64():
    """issuance_rao = 2^63 (a u64) overflowed the int64 columns; the columns hold Python integers then."""
    from dtao_lib import emission

    df = emission.project_issuance(2**63, days=3, recycle_rate=0.1)
    assert df["issuance_rao"].tolist() == [2**63] * 3  # past the supply limit: nothing more is issued
    assert df["emission_rao"].tolist() == [0] * 3
    assert emission.project_issuance(10**16, days=3)["issuance_rao"].dtype == np.int64


def test_lock_cost_timeline_far_last_lock_block():
    """last_lock_block = 2^63 overflowed ``blocks − last_lock_block`` (int64): it lies after every block of the
    window, so no block has elapsed (as with 2^62); block numbers themselves must be below 2^63."""
    from dtao_lib import registration

    kw = {"start_block": 0, "end_block": 1_000, "last_lock_rao": 10**12, "rate_limit_blocks": 100}
    far = registration.lock_cost_timeline(**kw, last_lock_block=2**63)
    near = registration.lock_cost_timeline(**kw, last_lock_block=2**62)
    assert far.price_rao.tolist() == near.price_rao.tolist() == [2 * 10**12] * 1_001
    with pytest.raises(ValueError, match="start_block"):
        registration.lock_cost_timeline(**{**kw, "start_block": 2**63, "end_block": 2**63 + 5}, last_lock_block=0)


def test_yuma_masks_and_upscale_edges():
    from dtao_lib import yuma

    # a u64 activity cutoff overflowed last_update + cutoff (int64); nothing is inactive then
    assert yuma.inactive_mask([10, 20, 30], 100, 2**63).tolist() == [False, False, False]
    assert yuma.inactive_mask([10, 20, 30], 2**64 - 1, 2**63).tolist() == [True, True, True]
    assert yuma.inactive_mask([10, 20, 30], 100, 75).tolist() == [True, True, False]
    # a float block of 1e300 wrapped to int64's minimum silently
    with pytest.raises(ValueError, match="last_update"):
        yuma.inactive_mask([1e300], 100, 5)
    with pytest.raises(ValueError, match="weights"):
        yuma.max_upscale_weights(0)  # IndexError before


def test_coinbase_stakes_beyond_u64():
    """Float stakes of 1e300 overflowed ``ldexp(v, 32)``; stakes are u64 rao."""
    with pytest.raises(ValueError, match="alpha_stake"):
        coinbase.alpha_dividend_fraction(1e300, 4e12, tao_weight=0.18, root_registered=True)
    with pytest.raises(ValueError, match="dividends"):
        coinbase.split_dividends([1e300, 2e300], [10.0, 20.0], [5.0, 0.0], tao_weight=0.18,
                                 pending_validator_alpha=10**9, pending_root_alpha=10**8)


def test_dissolution_price_numpy_scalars():
    from dtao_lib import dissolution

    v = dissolution.owner_emission_value(10**12, price=1, owner_cut_u16=11_796)
    assert dissolution.owner_emission_value(10**12, price=np.int8(1), owner_cut_u16=11_796) == v
    with pytest.raises(ValueError, match="price"):
        dissolution.owner_emission_value(10**12, price=np.float32("inf"), owner_cut_u16=11_796)


def test_sim_days_bounded():
    assert sim.days(1.5) == 10_800
    with pytest.raises(ValueError, match="n"):
        sim.days(1e308)  # round(inf): OverflowError before


def test_root_register_nan_hotkey():
    """NaN is hashable but not equal to itself: it cannot identify a hotkey (a second NaN would register twice)."""
    from dtao_lib import root_era

    with pytest.raises(ValueError, match="hotkey"):
        root_era.root_register([("a", 10), ("b", 20)], float("nan"), 30, max_members=2)
    assert root_era.root_register([("a", 10), ("b", 20)], 7, 30, max_members=2).accepted


# -- invariants on accepted borderline inputs ---------------------------------------------------------------
BORDER_PRICE = st.sampled_from([0.0, 5e-324, 1e-300, 1e-9, 0.02, 1.0, 1.5, 1e6])
BORDER_RAO = st.sampled_from([0, 1, 10**9, 21 * 10**15, 2**63, 2**64 - 1])
BORDER_FLOW = st.sampled_from([0.0, -1.0, 1.0, 1e-300, -1e15, 1e15, 1e300, -1e300])
BLOCK_ERAS = ["A", "v3.2.3", "v3.2.8", "B", "v3.2.13", "B'", "v3.4.1", "C", "v3.4.8", "head"]


@st.composite
def border_states(draw: Any) -> Any:
    n = draw(st.integers(0, 4))
    kw: dict[str, Any] = {
        "ema_prices": draw(st.lists(BORDER_PRICE, min_size=n, max_size=n)),
        "spot_prices": draw(st.lists(BORDER_PRICE, min_size=n, max_size=n)),
        "alpha_issuance": draw(st.lists(BORDER_RAO, min_size=n, max_size=n)),
        "root_tao": draw(BORDER_RAO),
        "block_emission": draw(BORDER_RAO),
        "tao_weight": draw(st.sampled_from([0.0, 0.18, 1.0])),
    }
    if draw(st.booleans()):
        kw["miner_burned"] = draw(st.lists(st.sampled_from([0.0, 0.5, 1.0]), min_size=n, max_size=n))
    if draw(st.booleans()):
        kw["flows"] = draw(st.lists(BORDER_FLOW, min_size=n, max_size=n))
        kw["protocol_flows"] = draw(st.lists(BORDER_FLOW, min_size=n, max_size=n))
    return kw


@settings(max_examples=150 if _EXPLORE else 40, deadline=None, suppress_health_check=list(HealthCheck))
@given(border_states(), st.sampled_from(BLOCK_ERAS), st.booleans())
def test_coinbase_block_conserves_on_borderline_states(kw, era_name, exact):
    """Accepted borderline states: the block raises only TypeError/ValueError, and what it returns conserves TAO
    and alpha with no negative amounts (``BlockResult`` docstring)."""
    try:
        state = coinbase.BlockState(**kw)
    except (TypeError, ValueError):
        return
    box: dict[str, Any] = {}

    def call(**k: Any) -> Any:
        box["r"] = coinbase.block(**k)
        return box["r"]

    check_contract("coinbase.block", call, {"state": state, "era": era_name, "exact": exact})
    r = box.get("r")
    if r is None:
        return
    assert r.tao_conserved()
    assert r.alpha_conserved()
    for name in ("tao_in", "alpha_in", "excess_tao", "alpha_out", "owner", "server", "validator", "root"):
        assert np.all(np.asarray(getattr(r, name)) >= 0), name
    assert r.recycled >= 0


def test_block_emission_beyond_int64_is_refused():
    """A u64 block emission of 2^63 wrapped to a negative ``tao_in`` (int64) in the float block, and raised
    OverflowError in the exact one: ``BlockState`` takes block emissions below 2^63."""
    kw = {"ema_prices": [1e-9], "spot_prices": [0.0], "alpha_issuance": [0], "root_tao": 0, "tao_weight": 0.0}
    with pytest.raises(ValueError, match="block_emission"):
        coinbase.BlockState(**kw, block_emission=2**63)
    r = coinbase.block(coinbase.BlockState(**kw, block_emission=2**63 - 1), era="A")
    assert r.tao_conserved()
    assert int(r.tao_in.sum()) >= 0


def test_sim_run_chunk_blocks_accepts_numpy_integers():
    scn = sim.Scenario(n_subnets=1, blocks=4, initial="synthetic")
    a = sim.run(scn, engine="numpy", progress=False, chunk_blocks=np.int64(2))
    b = sim.run(scn, engine="numpy", progress=False, chunk_blocks=2)
    assert np.array_equal(a.records, b.records, equal_nan=True)
    with pytest.raises(ValueError, match="chunk_blocks"):
        sim.run(scn, engine="numpy", progress=False, chunk_blocks=0)


SIM_ERAS = ["v2.0.0", "v2.0.6", "A", "v3.2.8", "B", "B'", "C", "v3.4.8", "spec425", "head"]


@st.composite
def border_scenarios(draw: Any) -> dict[str, Any]:
    kw: dict[str, Any] = {
        "era": draw(st.sampled_from(SIM_ERAS)), "n_subnets": draw(st.integers(1, 3)),
        "blocks": draw(st.integers(1, 40)), "initial": "synthetic", "seed": draw(st.sampled_from([0, 2**63 - 1])),
        "tempo": draw(st.sampled_from([1, 2, 360])),
    }
    for name, values in [("recycle_rate", [0.0, 0.5, 1 - 2**-53]), ("root_tao", [0.0, 1e-9, 21e6]),
                         ("tao_weight", [0.0, 1.0]), ("owner_cut", [0.0, 1.0]), ("miner_burned", [0.0, 1.0]),
                         ("root_claim_swap", [0.0, 1.0]), ("emission_sell", [0.0, 1.0]),
                         ("issuance_tao", [0.0, 10_500_000.0 - 1e-9, 21e6]), ("start_block", [0, 2**40]),
                         ("initial_age_blocks", [0, 2**40]), ("flow_exponent", [0.0, 16.0]),
                         ("emission_bar_rank", [0, 1024]), ("emission_bar_quantile", [5e-324, 1.0]),
                         ("emission_gate_exponent", [5e-324, 16.0])]:
        if draw(st.integers(0, 3)) == 0:
            kw[name] = draw(st.sampled_from(values))
    pol = draw(st.sampled_from(["none", "noise", "chasers", "pump"]))
    every = draw(st.sampled_from([1, 7]))
    kw["policy"] = {"none": sim.NoTrading(), "noise": sim.NoiseTraders(daily_volatility=1.0, every=every),
                    "chasers": sim.EmissionChasers(tao_per_day=1e7, every=every),
                    "pump": sim.Pump(netuid=draw(st.integers(0, 3)), tao=1e8, at_day=0.0,
                                     sell_after_days=draw(st.sampled_from([None, 0.0, 1e-9])))}[pol]
    return kw


@settings(max_examples=100 if _EXPLORE else 12, deadline=None, suppress_health_check=list(HealthCheck))
@given(border_scenarios())
def test_sim_conserves_on_borderline_scenarios(kw):
    """Accepted borderline scenarios run with every block's conservation identities checked (``debug=True``)."""
    try:
        scn = sim.Scenario(**kw)
    except (TypeError, ValueError):
        return
    box: dict[str, Any] = {}

    def call(**k: Any) -> Any:
        box["r"] = sim.run(**k)
        return box["r"]

    check_contract("sim.run", call, {"scenario": scn, "engine": "numpy", "progress": False, "debug": True})


def test_registration_schedule_checks_blocks():
    """``Registration.schedule(Decimal('NaN'))`` raised decimal.InvalidOperation."""
    reg = sim.Registration(count=2, every_days=1.0)
    assert reg.schedule(10**5) == [0, 7_200]
    with pytest.raises(TypeError, match="blocks"):
        reg.schedule(Decimal("NaN"))
    with pytest.raises(ValueError, match="blocks"):
        reg.schedule(-1)


def test_float_overflow_in_price_for_share_and_yuma():
    """Found with HYPOTHESIS_PROFILE=explore: inf from ``price_for_share`` and NaN from the yuma float path."""
    from dtao_lib import yuma

    with pytest.raises(ValueError, match="overflows"):
        coinbase.price_for_share(0.1, 1e300, miner_burned=0.9999999999999999)
    assert coinbase.price_for_share(0.25, 3.0) == 1.0
    w = [[5e299, 5e299, 0.0], [2e299, 3e299, 5e299], [0.0, 1e300, 0.0]]
    with pytest.raises(ValueError, match="clipped_weights"):
        yuma.incentive(w, [1e302, 5e301, 1e301])
    with pytest.raises(ValueError, match="stake"):
        yuma.incentive([[0.5, 0.5], [0.5, 0.5]], [1e302, 1.0])
    with pytest.raises(ValueError, match="new"):
        yuma.mat_ema_alpha(w, w, w)

    with pytest.raises(ValueError, match="incentive"):
        yuma.dividends([[0.5, 0.5], [0.2, 0.8]], [3e299, 5e299], stake=[1.0, 1.0])
    with pytest.raises(ValueError, match="stake"):
        yuma.dividends([[0.5, 0.5], [0.2, 0.8]], [0.3, 0.7], stake=[1e302, 1.0])
    with pytest.raises(ValueError, match="stake"):  # lifted to I32F32: 1e15 wrapped silently
        yuma.dividends([[0.5, 0.5], [0.2, 0.8]], [0.3, 0.7], stake=[1e15, 1.0], fixed=True)


@pytest.mark.parametrize(("fn", "kwargs", "param"), [
    ("clip", {"weights": [[0.5e10, 0.5e10], [0.2, 0.8]], "consensus": [0.3, 0.5]}, "weights"),
    ("consensus", {"stake": [1e10, 1e10], "weights": [[0.5, 0.5], [0.2, 0.8]], "kappa": 0.5}, "stake"),
    ("weighted_median_col", {"stake": [1e10, 1e10], "weights": [[0.5, 0.5], [0.2, 0.8]], "majority": 0.5},
     "stake"),
    ("weights_for_bonds", {"weights": [[0.5, 0.5], [0.2, 0.8]], "clipped_weights": [[5e9, 5e9], [0.2, 0.8]],
                           "bonds_penalty": 1.0}, "clipped_weights"),
])
def test_yuma_fixed_refuses_values_outside_i32f32(fn, kwargs, param):
    """With fixed=True a value of 1e10 (≥ 2^31) wrapped to −2.1e9 in ``astype(int64)`` and gave a silent wrong
    result (e.g. clip → −2147483648); every lift to I32F32 now checks the range, naming the parameter."""
    from dtao_lib import yuma

    with pytest.raises(ValueError, match=f"with fixed=True {param} must lie in the I32F32 range"):
        getattr(yuma, fn)(**kwargs, fixed=True)
    getattr(yuma, fn)(**kwargs, fixed=False)  # the float path takes them
