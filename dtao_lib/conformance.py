"""Conformance: run subtensor's test vectors through dtao_lib's public API.

``python -m dtao_lib.conformance [FILE ...]`` reads vectors files (default: both shipped files,
``data/vectors/public.json`` — subtensor up to 2026-06-30 — and ``data/vectors/post-2026-06.json``
— RaoFoundation/subtensor through runtime spec 459: emission gate, reservoirs, Root Reborn split;
schema documented inside each file), computes every vector with the public functions of
``dtao_lib`` and prints a table with columns ``vector, mechanism, expected, computed, tolerance,
pass`` per file, with a summary line per file. It exits with status 1 if any vector fails.
Vectors of a mechanism without a checker are listed as ``n/a`` and do not fail the run; a new tag
of a known post-June family (``emission_gate*``, ``*reservoir*``, ``*dividend_split*``...) goes to
that family's checker. The post-June checkers compare every expected key they understand and
FAIL a vector naming any expected key they do not (keys ``informational_*``, ``derived_*``,
``*_approx`` only describe and are not compared).

The checkers only translate a vector's inputs into calls of the public API (the same calls any
user makes); they contain no expected numbers. Tolerances come from each vector's own
``tolerance`` field (see :func:`parse_tolerance`).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._validate import check_frame, check_path, check_real, check_str

__all__ = ["CHECKERS", "AtLeast", "Result", "Tolerance", "default_files", "main", "parse_tolerance", "run",
           "summary", "table"]

DEFAULT_VECTORS = "vectors/public.json"
"""The shipped public vectors, relative to the data folder (:func:`dtao_lib.data.data_dir`)."""
POST_2026_06_VECTORS = "vectors/post-2026-06.json"
"""The shipped vectors for the protocol after June 2026 (addendum), relative to the data folder."""


def default_file() -> Path:
    """Path of the shipped public vectors (repository ``data/`` or the copy inside the wheel)."""
    from .data import data_dir

    return data_dir() / DEFAULT_VECTORS


def default_files() -> tuple[Path, ...]:
    """Both shipped vectors files: ``public.json`` and ``post-2026-06.json``."""
    from .data import data_dir

    return data_dir() / DEFAULT_VECTORS, data_dir() / POST_2026_06_VECTORS


# ---------------------------------------------------------------------------------------------
# Tolerances
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tolerance:
    """Absolute and relative tolerance of one comparison (both 0 means exact)."""

    abs: float = 0.0
    rel: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "abs", check_real("abs", self.abs, lo=0.0))
        object.__setattr__(self, "rel", check_real("rel", self.rel, lo=0.0))

    def ok(self, expected: float, computed: float) -> bool:
        if isinstance(expected, bool) or isinstance(computed, bool):
            return expected == computed
        diff = abs(float(computed) - float(expected))
        return diff <= self.abs + self.rel * abs(float(expected)) + 1e-15 * max(1.0, abs(float(expected)))

    def __str__(self) -> str:
        if self.abs == 0 and self.rel == 0:
            return "exact"
        parts = []
        if self.abs:
            parts.append(f"±{self.abs:g}")
        if self.rel:
            parts.append(f"{self.rel:.2%} rel" if self.rel >= 1e-4 else f"{self.rel:g} rel")
        return " + ".join(parts)


@dataclass(frozen=True)
class AtLeast(Tolerance):
    """A lower bound: the computed value passes if it is ≥ the expected one (vectors asserting ``>=``)."""

    def ok(self, expected: float, computed: float) -> bool:
        return float(computed) >= float(expected)

    def __str__(self) -> str:
        return "≥ expected"


_NUM = r"([0-9]*\.?[0-9]+(?:e-?[0-9]+)?)"


def parse_tolerance(text: str) -> Tolerance:
    """Read a vector's ``tolerance`` string: ``"exact"``, ``"+-2"``, ``"±1e-9"``, ``"1% relative"``...

    The first ``+-``/``±`` number is the absolute tolerance; a percentage followed by "relative"
    is a relative tolerance; "N absolute" is absolute. Percentages in parentheses after an absolute
    bound (``"+-39 (1%)"``) only restate it. Anything else (also ``""`` or ``None``) is exact.
    """
    t = "" if text is None else check_str("text", text, allow_empty=True).lower()
    m = re.search(r"(?:\+-|±|\+/-)\s*" + _NUM, t)
    if m:
        return Tolerance(abs=float(m.group(1)))
    m = re.search(_NUM + r"\s*%\s*relative", t)
    if m:
        return Tolerance(rel=float(m.group(1)) / 100)
    m = re.search(_NUM + r"\s*absolute", t)
    if m:
        return Tolerance(abs=float(m.group(1)))
    return Tolerance()


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    """One vector's outcome (``passed`` is None when no checker exists for its mechanism)."""

    vector: str
    mechanism: str
    expected: str
    computed: str
    tolerance: str
    passed: bool | None
    note: str = ""


def _short(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.10g}"
    if isinstance(x, np.ndarray):
        x = x.tolist()
    if isinstance(x, list | tuple):
        inner = ", ".join(_short(v) for v in x)
        return f"[{inner}]"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in x.items()) + "}"
    return str(x)


def _compare(expected: Any, computed: Any, tol: Tolerance | dict[str, Tolerance]) -> bool:
    if isinstance(expected, dict):
        def key_tol(k: str) -> Tolerance:
            return tol.get(k, tol.get("*", Tolerance())) if isinstance(tol, dict) else tol

        return isinstance(computed, dict) and all(
            k in computed and _compare(v, computed[k], key_tol(k)) for k, v in expected.items()
        )
    if isinstance(tol, dict):
        tol = tol.get("*", Tolerance())
    if isinstance(computed, np.ndarray | np.generic):
        computed = computed.tolist()
    if isinstance(expected, list | tuple):
        if not isinstance(computed, list | tuple):
            return False
        comp = list(computed)
        return len(comp) == len(expected) and all(_compare(e, c, tol) for e, c in zip(expected, comp, strict=True))
    if isinstance(computed, list | tuple) and len(computed) == 1:  # one subnet / one case given as a scalar
        computed = computed[0]
    if expected is None or computed is None:  # "no subnet to prune": null in the vector, None computed
        return expected is None and computed is None
    if isinstance(expected, str) and not isinstance(computed, str):
        return _compare_words(expected, computed, tol)
    if isinstance(expected, str) or isinstance(computed, str):
        return str(expected) == str(computed)
    if isinstance(computed, list | tuple | dict):
        return False
    return tol.ok(expected, computed)


_BOUND = re.compile(r"^\s*(<=|>=|≤|≥|<|>|=|==|~|≈)?\s*(-?" + _NUM + r")\s*(?:\(.*\))?\s*$")


def _compare_words(expected: str, computed: Any, tol: Tolerance) -> bool:
    """An expected value written as a bound or a number in words: ``"< 0.001"`` (the Rust test asserts
    ``new_price < 0.001``), ``">= 1000"``, ``"0.5"``, ``"~0.5"``. Anything else must equal ``str(computed)``."""
    if isinstance(computed, bool) or not isinstance(computed, int | float):
        return expected.strip() == str(computed)
    frac = re.fullmatch(r"\s*(?:~|≈)?\s*(\d+)\s*/\s*(\d+)\s*(?:\(.*\))?\s*", expected)
    if frac and int(frac.group(2)):
        return tol.ok(int(frac.group(1)) / int(frac.group(2)), float(computed))
    m = _BOUND.match(expected)
    if not m:
        return expected.strip() == str(computed)
    op, x, c = m.group(1), float(m.group(2)), float(computed)
    if op in ("<", ">", "<=", ">=", "≤", "≥"):
        return {"<": c < x, ">": c > x, "<=": c <= x, "≤": c <= x, ">=": c >= x, "≥": c >= x}[op]
    return tol.ok(x, c)


Checker = Callable[[dict], tuple[Any, Any, Any]]
"""A checker returns (expected, computed, tolerance) for one vector; the tolerance may be a dict
``{key: Tolerance}`` (``"*"`` for the rest) when a vector states one per quantity."""

CHECKERS: dict[str, Checker] = {}


def checker(*mechanisms: str) -> Callable[[Checker], Checker]:
    def deco(fn: Checker) -> Checker:
        for m in mechanisms:
            CHECKERS[m] = fn
        return fn

    return deco


def _tol(v: dict) -> Tolerance:
    return parse_tolerance(str(v.get("tolerance", "")))


def _tol_for(v: dict, *words: str) -> Tolerance:
    """The tolerance of the part of ``tolerance`` naming one of ``words`` (``"exact for tao_in; +-2 for
    totals"`` → exact for ``tao_in``); the whole text when no part names them."""
    text = str(v.get("tolerance", ""))
    for seg in re.split(r"[;,]", text):
        if any(w in seg.lower() for w in words):
            return _tol_segment(seg)
    return parse_tolerance(text)


def _tol_segment(seg: str) -> Tolerance:
    """:func:`parse_tolerance`, and a bare number (``"sum 1e-9"``, ``"sum within 1e-12"``) as an absolute bound."""
    t = parse_tolerance(seg)
    if t.abs or t.rel or "exact" in seg.lower():
        return t
    m = re.search(r"(?<![a-z0-9_])" + _NUM, seg.lower())
    return Tolerance(abs=float(m.group(1))) if m else t


def _int_or(value: Any, default: int) -> int:
    """Vectors sometimes describe an input in words ("~1e9 (< 10.5e15)"); use ``default`` then."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return default


# ---------------------------------------------------------------------------------------------
# Checkers, one per mechanism tag of the vectors file
# ---------------------------------------------------------------------------------------------
@checker("block_emission")
def _block_emission(v: dict):
    from . import emission

    i = v["inputs"]
    got = emission.block_emission(
        _rao_input(i["total_issuance_rao"]),
        total_supply_rao=_rao_input(i.get("total_supply_rao", 21 * 10**15)),
        default_emission_rao=_rao_input(i.get("default_block_emission_rao", 10**9)),
    )
    return v["expected"]["block_emission_rao"], got, _tol(v)


@checker("subnet_lock_cost")
def _lock_cost(v: dict):
    from . import registration

    i = v["inputs"]
    got = registration.lock_cost(
        last_lock_rao=_rao_input(i["last_lock_rao"]),
        last_lock_block=_rao_input(i["last_lock_block"]),
        current_block=_rao_input(i["current_block"]),
        min_lock_rao=_rao_input(i["min_lock_rao"]),
        reduction_interval_blocks=_rao_input(i["lock_reduction_interval_blocks"]),
        block_emission_rao=_rao_input(i.get("block_emission_rao", 10**9)),
    )
    return v["expected"]["lock_cost_rao"], got, _tol(v)


@checker("coinbase_tao_split_ema_price")
def _tao_split(v: dict):
    from . import coinbase

    i = v["inputs"]
    # The June 2026 price rule (era D; the vector is era A's, which gives the same split): from
    # spec 440 the shares pass through the emission gate (addendum §A2, vectors EG-*).
    prices = i["ema_prices"]
    prices = list(prices.values()) if isinstance(prices, dict) else prices
    prices = [prices] if isinstance(prices, int | float) else prices
    enabled = i.get("emission_enabled", i.get("SubnetEmissionEnabled"))
    got = coinbase.subnet_tao_emission(_rao_input(i["block_emission_rao"]), [_number(p) for p in prices],
                                       miner_burned=i.get("miner_burned"), era=i.get("era", "2026-06-30"),
                                       emission_enabled=None if enabled is None else [bool(e) for e in enabled])
    before = i.get("subnet_tao_before", i.get("initial_tao", i.get("subnet_tao")))
    computed: dict[str, Any] = {k: got for k in ("tao_in_rao", "tao_in", "tao_emission_rao", "subnet_tao_emission_rao",
                                                 "subnet_tao_increase_rao")}
    if before is not None:  # SubnetTAO after = before + τ_in (test_coinbase_tao_issuance_different_prices)
        before = before if isinstance(before, list) else [before] * len(got)
        computed["subnet_tao_after_rao"] = [_rao_input(b) + t for b, t in zip(before, got, strict=True)]
    expected = {k: v["expected"][k] for k in computed if k in v["expected"]}
    if not expected:
        raise KeyError(f"vector expects none of {', '.join(computed)}")
    return expected, {k: computed[k] for k in expected}, _tol_for(v, "tao_in", "subnet_tao")


def _alpha_emission(i: dict) -> int:
    from . import emission

    if "alpha_emission_rao" in i:
        return int(i["alpha_emission_rao"])
    issuance = _int_or(i.get("alpha_issuance_rao", i.get("alpha_issuance")), 10**9)
    return emission.block_emission(issuance)


@checker("coinbase_alpha_in", "coinbase_alpha_in_cap")
def _alpha_in(v: dict):
    from . import coinbase

    i = v["inputs"]
    era = i.get("era", "A")
    if "spot_prices" in i:
        spot = [_number(p) for p in i["spot_prices"]]
    else:
        spot = [_number(t) / _number(a) for t, a in zip(i["subnet_tao"], i["subnet_alpha_in"], strict=True)]
    # test_coinbase_alpha_issuance_base sets no moving prices: equal shares
    ema = [_number(p) for p in i.get("ema_prices", [1.0] * len(spot))]
    tao = coinbase.subnet_tao_emission(_rao_input(i["block_emission_rao"]), ema, era=era)
    cap = _alpha_emission(i)
    terms = [coinbase.subnet_terms(t, p, cap, era=era) for t, p in zip(tao, spot, strict=True)]
    injected = [t.alpha_in for t in terms]
    computed: dict[str, Any] = {k: injected for k in ("alpha_in_injected_rao", "alpha_in_rao", "alpha_in")}
    computed["alpha_out_rao"] = [cap] * len(terms)
    before = i.get("alpha_in_reserve_before", i.get("subnet_alpha_in"))
    if before is not None:  # SubnetAlphaIn after = before + α_in (test_coinbase_alpha_issuance_base)
        computed["subnet_alpha_in_after_rao"] = [_rao_input(b) + a for b, a in zip(before, injected, strict=True)]
        computed["alpha_in_reserve_after"] = computed["subnet_alpha_in_after_rao"]
    expected = {k: v["expected"][k] for k in computed if k in v["expected"]}
    if not expected:
        raise KeyError(f"vector expects none of {', '.join(computed)}")
    return expected, {k: computed[k] for k in expected}, _tol(v)


@checker("coinbase_alpha_halving")
def _alpha_halving(v: dict):
    from . import coinbase, emission

    i = v["inputs"]
    alpha_emission = emission.block_emission(_rao_input(i["alpha_issuance_rao"]))
    tao = _rao_input(i.get("block_emission_rao", 10**9))
    terms = coinbase.subnet_terms(tao, _number(i.get("spot_price", 1.0)), alpha_emission, era=i.get("era", "head"))
    computed = {"alpha_emission_rao": alpha_emission, "alpha_in_injected_rao": terms.alpha_in,
                "alpha_out_added_rao": alpha_emission}
    expected = {k: v["expected"][k] for k in computed if k in v["expected"]}
    return expected, {k: computed[k] for k in expected}, _tol(v)


@checker("coinbase_owner_cut")
def _owner_cut(v: dict):
    from . import coinbase

    i = v["inputs"]
    alpha_out = _alpha_emission(i)
    cuts = i["subnet_owner_cut_u16"]
    cuts = cuts if isinstance(cuts, list) else [cuts]
    got = [
        coinbase.split_alpha_out(alpha_out, owner_cut=c / 65535, root_proportion=0.0, root_sell_flag=False).owner
        for c in cuts
    ]
    key = next(iter(v["expected"]))
    return v["expected"][key], got, _tol(v)


@checker("coinbase_subnet_terms")
def _subnet_terms(v: dict):
    from . import coinbase

    i = v["inputs"]
    cap = _int_or(i.get("injection_cap_rao", i.get("injection_cap")), 10**9)
    terms = coinbase.subnet_terms(int(_number(i["tao_emission_rao"])), _number(i["spot_price"]), cap,
                                  era=i.get("era", "head"))
    computed = {"tao_in": terms.tao_in, "alpha_in": terms.alpha_in, "excess_tao": terms.excess_tao}
    expected = {k: v["expected"][k] for k in computed if isinstance(v["expected"].get(k), int | float)}
    return expected, {k: computed[k] for k in expected}, _tol(v)


@checker("ema_price")
def _ema(v: dict):
    from . import ema
    from .params import EMA_PRICE_HALVING_BLOCKS, MOVING_ALPHA

    i = v["inputs"]
    b = _rao_input(i["current_block"]) - (_rao_input(i.get("first_emission_block", 1)) - 1)
    price = _number(i.get("initial_ema", 0.0))
    for _ in range(int(_number(i.get("updates", 1)))):
        price = ema.update_moving_price(
            price, _number(i["spot_price"]), blocks_since_start=b,
            moving_alpha=_number(i.get("SubnetMovingAlpha", MOVING_ALPHA)),
            halving_blocks=_rao_input(i.get("EMAPriceHalvingBlocks", EMA_PRICE_HALVING_BLOCKS)),
        )
    key = next((k for k in ("ema_price", "moving_price", "new_price", "SubnetMovingPrice", "price")
                if k in v["expected"]), "ema_price")
    return v["expected"][key], price, _tol(v)


@checker("taoflow_share_normalization")
def _pow_normalize(v: dict):
    from . import taoflow

    i = v["inputs"]
    flows = i["offset_flows"]
    flows = [_number(f) for f in (flows.values() if isinstance(flows, dict) else flows)]
    got = [float(x) for x in np.asarray(taoflow.pow_normalize(flows, _number(i["p"])), dtype=float)]
    exp = v["expected"]
    if set(exp) <= {"shares"} or not any(k in exp for k in ("sum", "shares_sum", "sum_shares")):
        return exp["shares"], got, _tol_for(v, "share")
    computed = {"shares": got, "sum": float(sum(got)), "shares_sum": float(sum(got)), "sum_shares": float(sum(got))}
    keys = [k for k in computed if k in exp]
    tol = {k: _tol_for(v, "sum" if "sum" in k else "share") for k in keys}
    return {k: exp[k] for k in keys}, {k: computed[k] for k in keys}, tol


@checker("taoflow_ema_constant")
def _flow_alpha(v: dict):
    from . import params

    i = v["inputs"]
    raw, norm = int(i["FlowEmaSmoothingFactor_raw"]), int(i["normalizer"])
    # the library's constant when the vector is about mainnet's value, else the same normalisation
    mainnet = (raw, norm) == (params.FLOW_EMA_SMOOTHING_RAW, params.I64_MAX)
    alpha = params.FLOW_EMA_ALPHA if mainnet else raw / norm
    expected: dict[str, Any] = {"alpha": v["expected"]["alpha"]}
    computed: dict[str, Any] = {"alpha": alpha}
    if "half_life_blocks" in v["expected"]:
        expected["half_life_blocks"] = v["expected"]["half_life_blocks"]
        computed["half_life_blocks"] = round(math.log(0.5) / math.log1p(-alpha))
    return expected, computed, _tol(v)


def _sqrt_price_input(value: Any) -> Any:
    """A √price as a number or the Rust words ``TickIndex::MIN.as_sqrt_price_bounded()`` / ``...MAX...``
    (the pallet's tick range ±443 636, test_convert_deltas @v3.4.5-419)."""
    from fractions import Fraction

    from . import amm

    if isinstance(value, str):
        if re.search(r"\bmin\b", value.replace("::", " ").replace(".", " ").lower()):
            return Fraction(amm._V3_SQRT_MIN, 1 << 64)
        if re.search(r"\bmax\b", value.replace("::", " ").replace(".", " ").lower()):
            return Fraction(amm._V3_SQRT_MAX, 1 << 64)
        return _number(value)
    return value


@checker("amm_v3_single_tick")
def _v3(v: dict):
    from . import amm

    i = v["inputs"]
    tol = _tol(v)
    if "liquidity_L" in i:
        L, s, d = _rao_input(i["liquidity_L"]), _sqrt_price_input(i["sqrt_price"]), _rao_input(i["delta_in"])
        computed = {"alpha_out_for_tao_in": amm.v3_alpha_out_for_tao(L, s, d),
                    "tao_out_for_alpha_in": amm.v3_tao_out_for_alpha(L, s, d)}
        expected = {k: v["expected"][k] for k in computed if k in v["expected"]}
        return expected, {k: computed[k] for k in expected}, tol
    pool = amm.FullRangePool(_rao_input(i["tao_reserve"]), _rao_input(i["alpha_reserve"]),
                             fee_rate_u16=_rao_input(i.get("fee_rate_u16", 33)))
    limit = i.get("limit_price")
    limit = None if limit is None else _number(limit)
    amount = _rao_input(i["amount_in"])
    res = pool.buy_alpha(amount, limit_price=limit) if str(i["order"]).lower() == "buy" else \
        pool.sell_alpha(amount, limit_price=limit)
    computed = {"amount_out": res.amount_out, "amount_paid_out": res.amount_out, "fee": res.fee, "net_in": res.net_in}
    expected = {k: v["expected"][k] for k in computed if k in v["expected"]}
    return expected, {k: computed[k] for k in expected}, tol


@checker("amm_balancer")
def _balancer(v: dict):
    """Balancer swaps (``test_swap_basic``: a pool, a fee, an optional limit price) or the raw
    ``convert_deltas`` formula (``test_convert_deltas``: no fee, no guards, any u64 delta)."""
    from . import amm

    i = v["inputs"]
    tol = _tol(v)
    if "order" in i:
        pool = amm.BalancerPool(_rao_input(_pick(i, "tao_reserve", "tao_reserve_y")),
                                _rao_input(_pick(i, "alpha_reserve", "alpha_reserve_x")),
                                quote_weight=_weight_input(_pick(i, "quote_weight", "quote_weight_w2", default=0.5)),
                                fee_rate_u16=_rao_input(i.get("fee_rate_u16", 33)))
        amount = _rao_input(i["amount_in"])
        limit = i.get("limit_price")
        limit = None if limit is None else _number(limit)
        side = str(i["order"]).lower()
        res = pool.buy_alpha(amount, limit_price=limit) if side in ("buy", "stake", "tao_in") else \
            pool.sell_alpha(amount, limit_price=limit)
        computed: dict[str, Any] = {"fee": res.fee, "net_in": res.net_in, "amount_out": res.amount_out,
                                    "refund": res.refund, "amount_paid_out": res.amount_out}
    else:  # raw formula on a (possibly tiny) pool: no fee, no guards
        y = _rao_input(_pick(i, "tao_reserve_y", "tao_reserve", "tao"))
        x = _rao_input(_pick(i, "alpha_reserve_x", "alpha_reserve", "alpha"))
        w = _weight_input(_pick(i, "quote_weight_w2", "quote_weight", "w_quote", default=0.5))
        d = _rao_input(_pick(i, "delta_in", "delta", "amount_in"))
        computed = {"tao_out_for_alpha_in": amm.balancer_tao_out_for_alpha(y, x, w, d),
                    "alpha_out_for_tao_in": amm.balancer_alpha_out_for_tao(y, x, w, d)}
    expected = {k: v["expected"][k] for k in computed if k in v["expected"]}
    return expected, {k: computed[k] for k in expected}, tol


@checker("amm_balancer_math")
def _balancer_pow(v: dict):
    """``exp_scaled`` (``test_exp_scaled``), or ``get_base_needed_for_quote`` (``test_base_needed_for_quote``)."""
    from . import amm

    i = v["inputs"]
    w = _weight_input(_pick(i, "quote_weight_w2", "quote_weight", "w_quote"))
    if "reserve" not in i and any(k in i for k in ("tao_delta", "tao_out", "delta_tao")):
        got = amm.balancer_alpha_needed_for_tao(w, _rao_input(i["tao_reserve"]), _rao_input(i["alpha_reserve"]),
                                                _rao_input(_pick(i, "tao_delta", "tao_out", "delta_tao")))
        key = next(iter(v["expected"]))
        return {key: v["expected"][key]}, {key: got}, _tol(v)
    got = amm.balancer_ratio_pow(w, _rao_input(i["reserve"]), int(_number(i["delta"])),
                                 base_quote=bool(i["base_quote"]))
    return v["expected"]["ratio_pow"], float(got), _tol(v)


@checker("amm_balancer_limit")
def _balancer_limit(v: dict):
    """``calculate_quote_delta_in`` (TAO to lift the price; ``tao_reserve``) or ``calculate_base_delta_in``
    (alpha to push it down; ``alpha_reserve``)."""
    from . import amm

    i = v["inputs"]
    w = _weight_input(_pick(i, "quote_weight_w2", "quote_weight", "w_quote"))
    cur, tgt = _number(i["current_price"]), _number(i["target_price"])
    computed: dict[str, Any] = {}
    if "tao_reserve" in i:
        dy = amm.balancer_tao_to_reach_price(quote_weight=w, current_price=cur, target_price=tgt,
                                             tao_reserve=_rao_input(i["tao_reserve"]))
        computed.update({"tao_delta_in": dy, "quote_delta_in": dy, "delta_in": dy, "dy": dy})
    if "alpha_reserve" in i:
        dx = amm.balancer_alpha_to_reach_price(quote_weight=w, current_price=cur, target_price=tgt,
                                               alpha_reserve=_rao_input(i["alpha_reserve"]))
        computed.update({"alpha_delta_in": dx, "base_delta_in": dx, "dx": dx})
        computed.setdefault("delta_in", dx)
    expected = {k: v["expected"][k] for k in computed if k in v["expected"]}
    return expected, {k: computed[k] for k in expected}, _tol(v)


@checker("amm_balancer_price")
def _balancer_price(v: dict):
    """``calculate_price`` (no pool checks: a TAO reserve of 0 gives 0, as ``test_price_is_zero_when_y_is_zero``)."""
    from . import amm

    i = v["inputs"]
    got = amm.balancer_price(_rao_input(_pick(i, "tao_reserve_y", "tao_reserve")),
                             _rao_input(_pick(i, "alpha_reserve_x", "alpha_reserve")),
                             _weight_input(_pick(i, "quote_weight_w2", "quote_weight", default=0.5)))
    return v["expected"]["price"], float(got), _tol(v)


@checker("yuma_weighted_median")
def _weighted_median(v: dict):
    from . import yuma

    got = [
        list(np.asarray(yuma.weighted_median_col(c["stake"], c["W_rows"], c["majority"]), dtype=float))
        for c in v["inputs"]["cases"]
    ]
    return v["expected"]["consensus"], got, Tolerance(abs=1e-9)


def _epoch_weights(i: dict) -> list[np.ndarray]:
    """Expand a vector's per-epoch validator×server weights into n×n matrices."""
    n = int(i["n"])
    servers = list(i["servers"])
    nval = int(i["n_validators"])
    key = next(k for k in i if k.startswith("weights_by_epoch"))
    table = i[key]
    mats = []
    for e in range(int(i["epochs"])):
        if str(e) in table:
            rows = table[str(e)]
        else:
            plus = [k for k in table if k.endswith("+") and e >= int(k[:-1])]
            rows = table[max(plus, key=lambda k: int(k[:-1]))] if plus else table["other"]
        w = np.zeros((n, n), dtype=np.int64)
        for r in range(nval):
            for c, s in enumerate(servers):
                w[r, s] = rows[r][c]
        mats.append(w)
    return mats


@checker("yuma3_bonds_dividends", "yuma_bonds_dividends")
def _yuma_epochs(v: dict):
    from . import yuma

    i = v["inputs"]
    params = yuma.YumaParams(
        kappa=i["kappa_u16"] / 65535,
        bonds_penalty=float(i["bonds_penalty"]),
        bonds_moving_average=int(i["bonds_moving_average"]),
        yuma3=bool(i.get("yuma3", True)),
        liquid_alpha=bool(i["liquid_alpha"]),
        alpha_low=float(i["alpha_low"]),
        alpha_high=float(i["alpha_high"]),
        alpha_sigmoid_steepness=float(i["alpha_sigmoid_steepness"]),
        max_allowed_validators=int(i["max_allowed_validators"]),
    )
    results = yuma.run_epochs(i["stakes"], _epoch_weights(i), params)
    got = [list(np.asarray(r.dividends, dtype=float)) for r in results]
    return v["expected"]["dividends_by_epoch"], got, _tol(v)


@checker("yuma3_ema_clamp")
def _ema_clamp(v: dict):
    from . import yuma

    i = v["inputs"]
    got = np.asarray(yuma.mat_ema_alpha(i["new"], i["old"], i["alpha"]), dtype=float).tolist()
    return v["expected"]["result"], got, Tolerance(abs=1e-12)


@checker("subnet_dissolution")
def _dissolution(v: dict):
    from . import dissolution

    i = v["inputs"]
    include_alpha_in = not i.get("registered_before_TaoInRefundDeploymentBlock", True)
    s = dissolution.settle(
        _rao_input(i["subnet_tao_pot"]), [_rao_input(a) for a in i.get("staker_alpha", [])],
        alpha_in=_rao_input(i.get("alpha_in", 0)), protocol_alpha=_rao_input(i.get("protocol_alpha", 0)),
        include_alpha_in=include_alpha_in,
    )
    computed: dict[str, Any] = {"staker_tao": list(s.staker_tao), "protocol_share_recycled": s.protocol_share,
                                "protocol_share": s.protocol_share, "recycled_tao": s.protocol_share}
    legacy = bool(i.get("legacy_subnet", False))
    era = i.get("era", "head")
    owner_emission = i.get("owner_emission_tao")
    emitted = _pick(i, "owner_emitted_alpha", "total_emitted_alpha", "emitted_alpha", "alpha_issuance_rao",
                    default=None)
    if owner_emission is None and emitted is not None:  # value it as the era's refund rule does
        pool = None
        if "tao_reserve" in i and "alpha_reserve" in i:
            from .amm import pool_for

            pool = pool_for(era, _rao_input(i["tao_reserve"]), _rao_input(i["alpha_reserve"]))
        price = _pick(i, "price", "spot_price", "alpha_price", default=None)
        cut = i.get("subnet_owner_cut_u16")
        owner_emission = dissolution.owner_emission_value(
            _rao_input(emitted), None if price is None else _number(price), era=era, pool=pool,
            **({} if cut is None else {"owner_cut_u16": _rao_input(cut)}))
    owner_emission = _rao_input(0 if owner_emission is None else owner_emission)
    computed["owner_emission_tao"] = owner_emission
    refund = dissolution.owner_refund(_rao_input(i.get("locked", 0)), owner_emission, legacy=legacy, era=era)
    computed["owner_refund"] = refund
    computed["owner_tao"] = refund
    expected = {k: v["expected"][k] for k in computed if k in v["expected"]}
    return expected, {k: computed[k] for k in expected}, _tol(v)


@checker("subnet_pruning")
def _pruning(v: dict):
    from . import registration

    i = v["inputs"]
    registered = i.get("registered_at", {})
    immune = i.get("immune", {})
    past = i.get("all_past_immunity", True)
    subnets = [
        {"netuid": k, "ema_price": p, "registered_at": registered.get(k, 0),
         "immune": bool(immune.get(k, False)) if isinstance(immune, dict) else (not past)}
        for k, p in i["ema_prices"].items()
    ]
    return v["expected"]["prune"], registration.subnet_to_prune(subnets), Tolerance()


@checker("new_subnet_seed_price")
def _median(v: dict):
    from . import registration

    i = v["inputs"]
    expected = {"median": v["expected"]["median"]}
    computed: dict[str, Any] = {"median": registration.median_subnet_price(i["spot_prices"])}
    if "lock_rao" in i and "pool_alpha_rao" in v["expected"]:
        pool = registration.new_subnet_pool(i["lock_rao"], i["spot_prices"])
        expected["pool_alpha_rao"] = v["expected"]["pool_alpha_rao"]
        computed["pool_alpha_rao"] = pool.alpha_reserve
    return expected, computed, _tol(v)


# ---------------------------------------------------------------------------------------------
# Checkers for the protocol after June 2026 (post-2026-06.json; addendum §A2, §A4, §A5)
# ---------------------------------------------------------------------------------------------
def _key_words(key: str) -> set[str]:
    return {w.rstrip("s") for w in key.lower().split("_") if w}


def _keyed_tolerance(v: dict, keys: Sequence[str]) -> dict[str, Tolerance]:
    """Per-quantity tolerances of the post-2026-06 vectors: ``"bar 1e-9; shares 1e-6"``,
    ``"price rel 1e-12; weight abs expected/1e12"``, ``"relative 1e-6"``, ``"1e-9"``, ``"exact"``,
    ``"1% relative"``, ``"bar 1e-9, shares 1e-6"``, ``"1e-6 on shares"``. A part naming a quantity (a
    word equal to a word of the key, plural or not) applies to it, a part naming none is the
    default; keys ending in ``_at_least`` are lower bounds (:class:`AtLeast`)."""
    text = str(v.get("tolerance", "")).lower()
    out: dict[str, Tolerance] = {}
    default = Tolerance()
    for seg in re.split(r";|,|\band\b", text):
        m = re.search(r"expected\s*/\s*" + _NUM, seg)
        if m:
            t = Tolerance(rel=1 / float(m.group(1)))
        else:
            m = re.search(r"(?<![a-z0-9_])" + _NUM, seg)
            if not m:
                continue
            val = float(m.group(1))
            if seg[m.end():].lstrip().startswith("%"):
                t = Tolerance(rel=val / 100)
            else:
                t = Tolerance(rel=val) if re.search(r"\brel", seg) else Tolerance(abs=val)
        words = {w.rstrip("s") for w in re.findall(r"[a-z_]+", seg[: m.start()] + " " + seg[m.end():])
                 if len(w) > 2 and w not in ("rel", "relative", "abs", "absolute", "expected")}
        named = [k for k in keys if words & _key_words(k)]
        if named:
            for k in named:
                out[k] = t
        else:
            default = t
    for k in keys:
        if k.endswith("_at_least"):
            out[k] = AtLeast()
    out["*"] = default
    return out


class UnknownExpectedKey(KeyError):
    """A vector expects a quantity no checker rule computes: the vector FAILS (it is never skipped)."""

    def __str__(self) -> str:
        return f"no rule computes expected key(s) {', '.join(map(repr, self.args[0]))}"


_MISSING = object()
_INFORMATIONAL = re.compile(r"^(informational|note|notes|comment|derived)|_(approx|note|notes|comment)$")
"""Expected keys that only describe (``informational_*``, ``derived_*``, ``*_approx``...): not compared."""


def _pick(d: dict, *names: str, default: Any = _MISSING) -> Any:
    """The first of ``names`` present in ``d`` (vectors spell the same input in several ways)."""
    for n in names:
        if n in d and d[n] is not None:
            return d[n]
    if default is _MISSING:
        raise KeyError(f"vector input missing: one of {', '.join(names)}")
    return default


def _number(value: Any) -> float:
    """A number, or words starting with one: ``"0.7 (bar left by EG-03)"``, ``"1/3"``."""
    from fractions import Fraction

    if isinstance(value, bool):
        raise TypeError(f"expected a number, got {value!r}")
    if isinstance(value, int | float | np.integer | np.floating | Fraction):
        return float(value)
    if isinstance(value, str):
        frac = re.search(r"(\d+)\s*/\s*(\d+)", value)
        num = re.search(r"-?" + _NUM, value)
        if frac and (num is None or frac.start() <= num.start()):
            return int(frac.group(1)) / int(frac.group(2))
        if num:
            return float(num.group(0))
    raise ValueError(f"cannot read a number from {value!r}")


def _rao_input(value: Any) -> int:
    """An amount in rao: an integer (``1e9`` written as a float is accepted when integral)."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return int(value)
    x = _number(value)
    if not float(x).is_integer():
        raise ValueError(f"expected an integer amount of rao, got {value!r}")
    return int(x)


def _post_result(v: dict, computed: dict[str, Any]) -> tuple[dict, dict, dict[str, Tolerance]]:
    """(expected, computed, tolerances) over every expected key; unknown keys raise :class:`UnknownExpectedKey`."""
    x = {k: val for k, val in v["expected"].items() if not _INFORMATIONAL.search(k)}
    unknown = [k for k in x if k not in computed]
    if unknown:
        raise UnknownExpectedKey(unknown)
    out = {}
    for k, want in x.items():
        got = computed[k]
        # per-subnet values keyed by netuid in one place and listed in order in the other
        if isinstance(want, dict) and isinstance(got, list | tuple) and len(want) == len(got):
            got = dict(zip(want, got, strict=True))
        elif isinstance(want, list) and isinstance(got, dict) and len(want) == len(got):
            got = list(got.values())
        out[k] = got
    return x, out, _keyed_tolerance(v, list(x))


def _shares_input(value: Any) -> list[float]:
    """A list of shares, or the words ``"N equal shares of 1/N"``."""
    if isinstance(value, str):
        m = re.search(r"(\d+)\s+equal shares", value)
        if not m:
            raise ValueError(f"cannot read shares {value!r}")
        n = int(m.group(1))
        return [1.0 / n] * n
    if isinstance(value, dict):
        return [_number(x) for x in value.values()]
    return [_number(x) for x in value]


def _per_subnet(value: Any, keys: list | None, n: int, name: str) -> list | None:
    """A per-subnet input given as a list or as a mapping keyed like ``ema_prices`` (missing → None)."""
    if value is None:
        return None
    if isinstance(value, dict):
        if keys is None:
            keys = list(value)
        return [value.get(k, value.get(str(k))) for k in keys]
    out = list(value)
    if len(out) != n:
        raise ValueError(f"{name} has {len(out)} entries for {n} subnets")
    return out


def _gate_rank(v: dict, i: dict, era_gate: str | None) -> int:
    """``EmissionBarRank`` of a gate vector: given, else the mode of the code the vector was read at.

    The Rust tests at 7e20eb76/1d1de96a predate rank mode (their mock default is 0, q-mass; EG-01's
    notes); rank-mode vectors (``EGR-*``) and anything read at HEAD default to 32 (spec 441).
    """
    from .params import EMISSION_BAR_RANK

    given = _pick(i, "EmissionBarRank_N", "EmissionBarRank", "emission_bar_rank", "rank", "N", default=None)
    if given is not None:
        return int(_number(given))
    if era_gate is not None:
        return EMISSION_BAR_RANK if era_gate == "rank" else 0
    mech, vid = str(v.get("mechanism", "")), str(v.get("id", "")).upper()
    if "rank" in mech or vid.startswith("EGR"):
        return EMISSION_BAR_RANK
    text = f"{v.get('source_ref', '')} {v.get('notes', '')}".lower()
    if any(s in text for s in ("7e20eb76", "1d1de96a", "mock default 0", "q-mass mode")) or re.search(
            r"\b(?:n|emissionbarrank(?:_n)?)\s*=\s*0\b", text):
        return 0
    return EMISSION_BAR_RANK


def _enabled_renormalise(shares: np.ndarray, enabled: list | None) -> np.ndarray:
    """``get_subnet_block_emissions``: disabled subnets get 0, the rest are renormalised (addendum §A2 step 6)."""
    if enabled is None or all(bool(e) for e in enabled):
        return shares
    mask = np.array([bool(e) for e in enabled])
    total = float(shares[mask].sum())
    return np.where(mask, shares / total, 0.0) if total > 0 else np.zeros_like(shares)


_SUBNET_FIELDS = {
    "ema_prices": ("ema_price", "moving_price", "SubnetMovingPrice", "price", "ema"),
    "miner_burned": ("miner_burned", "MinerBurned", "burned"),
    "emission_enabled": ("emission_enabled", "SubnetEmissionEnabled", "enabled"),
}


def _subnet_records(i: dict) -> dict:
    """Inputs with ``subnets`` given as records (``[{"netuid": 1, "ema_price": 1.0, ...}]`` or
    ``{"1": {...}}``) turned into per-subnet mappings ``ema_prices``, ``miner_burned``, ``emission_enabled``."""
    recs = i.get("subnets")
    if isinstance(recs, list) and recs and all(isinstance(r, dict) for r in recs):
        items = [(str(_pick(r, "netuid", "id", "subnet", default=j)), r) for j, r in enumerate(recs)]
    elif isinstance(recs, dict) and recs and all(isinstance(r, dict) for r in recs.values()):
        items = [(str(k), r) for k, r in recs.items()]
    else:
        return i
    out = {k: val for k, val in i.items() if k != "subnets"}
    for name, fields in _SUBNET_FIELDS.items():
        col = {k: _pick(r, *fields, default=None) for k, r in items}
        if any(val is not None for val in col.values()):
            out[name] = {k: (val if val is not None else (True if name == "emission_enabled" else 0.0))
                         for k, val in col.items()}
    return out


def _gate_family(mech: str) -> bool:
    return mech.startswith(("emission_gate", "emission_bar")) or "emission_gate" in mech


@checker("emission_gate", "emission_gate_bar_cadence", "emission_gate_rank_mode", "emission_gate_underflow",
         "emission_gate_burn", "emission_gate_miner_burn", "emission_gate_burn_weighting")
def _emission_gate(v: dict):
    """Gate vectors (EG, EGR, EGB): ``gated_shares`` from prices, or ``emission_gate_bar``/``emission_gate``
    from shares, then the ``SubnetEmissionEnabled`` renormalisation when a mask is given."""
    from . import coinbase
    from .params import EMISSION_BAR_QUANTILE, EMISSION_BAR_UPDATE_INTERVAL, EMISSION_GATE_EXPONENT
    from .params import era as resolve_era

    i = _subnet_records(v["inputs"])
    era = resolve_era(i["era"]) if "era" in i else None
    rank = _gate_rank(v, i, era.emission_gate if era is not None else None)
    q = _number(_pick(i, "EmissionBarQuantile_q", "EmissionBarQuantile", "emission_bar_quantile", "quantile", "q",
                      default=EMISSION_BAR_QUANTILE))
    h = _number(_pick(i, "EmissionGateExponent_h", "EmissionGateExponent", "emission_gate_exponent", "exponent",
                      "h", default=EMISSION_GATE_EXPONENT))
    stored = _number(_pick(i, "initial_bar", "stored_bar", "EmissionGateBar", "bar_before", "previous_bar",
                           "bar", "theta", default=0.0))
    blk_given = _pick(i, "block", "block_number", "current_block", default=None)
    # a stored bar given without a block is the bar the gate applies (apply_emission_gate, EG-06)
    blk = int(_number(blk_given)) if blk_given is not None else (1 if stored > 0 else 0)
    due = stored <= 0 or blk % EMISSION_BAR_UPDATE_INTERVAL == 0
    computed: dict[str, Any] = {}
    keys: list | None = None
    if "shares" in i:  # apply_emission_gate (and the bar update when due) on given pre-gate shares
        raw = i["shares"]
        keys = list(raw) if isinstance(raw, dict) else None
        pre = np.asarray(_shares_input(raw), dtype=float)
        bar = coinbase.emission_gate_bar(pre, rank=rank, quantile=q) if due else stored
        updated = due and bar > 0
        bar = bar if updated else stored
        shares = coinbase.emission_gate(pre, bar, exponent=h) if pre.size else np.zeros(0)
        price_shares = pre
    else:
        prices = _pick(i, "ema_prices", "subnets", "prices", "moving_prices", default=[])
        keys = list(prices) if isinstance(prices, dict) else None
        values = [_number(p) for p in (prices.values() if isinstance(prices, dict) else prices)]
        burned = _per_subnet(_pick(i, "miner_burned", "MinerBurned", "burned", default=None), keys, len(values),
                             "miner_burned")
        if burned is not None:
            burned = [0.0 if b is None else _number(b) for b in burned]
        if era is not None and not era.miner_burn_weighting:
            burned = None  # spec 444: the (1 − MinerBurned) factor was removed
        g = coinbase.gated_shares(values, miner_burned=burned, stored_bar=stored, block=blk, rank=rank,
                                  quantile=q, exponent=h)
        shares, bar, updated, pre = g.shares, g.bar, g.bar_updated, g.pre_gate
        price_shares = coinbase.gated_shares(values, rank=rank, quantile=q, exponent=h).pre_gate
        if era is not None and era.emission_gate == "none":  # before spec 440: no bar, no gate
            shares = coinbase.emission_shares(values, miner_burned=burned, era=era) if values else np.zeros(0)
            bar, updated = stored, False
        e_rao = _pick(i, "block_emission_rao", "E_rao", "block_emission", default=None)
        if e_rao is not None and due:  # stateless path = a fresh bar, as on an update block
            en = _per_subnet(_pick(i, "emission_enabled", "SubnetEmissionEnabled", "enabled", default=None),
                             keys, len(values), "emission_enabled")
            tao = coinbase.subnet_tao_emission(
                _rao_input(e_rao), values, miner_burned=burned, era=i.get("era", "head"),
                emission_enabled=None if en is None else [bool(x) for x in en], emission_bar_rank=rank,
                emission_bar_quantile=q, emission_gate_exponent=h)
            for k in ("tao_emission_rao", "subnet_tao_emission_rao", "emission_rao", "tao_in_rao",
                      "block_emissions_rao", "subnet_emissions_rao"):
                computed[k] = dict(zip(keys, tao, strict=True)) if keys is not None else tao
    n = int(np.asarray(shares).size)
    en = _per_subnet(_pick(i, "emission_enabled", "SubnetEmissionEnabled", "enabled", default=None), keys, n,
                     "emission_enabled")
    gated = np.asarray(shares, dtype=float)
    final = _enabled_renormalise(gated, en)

    def keyed(arr: np.ndarray) -> Any:
        lst = [float(x) for x in arr]
        if keys is None and not lst and "shares" not in i:
            return {}  # no subnets at all: the chain's empty map (EG-08)
        return dict(zip(keys, lst, strict=True)) if keys is not None else lst

    for k in ("bar_theta", "theta", "bar", "bar_after", "emission_gate_bar", "stored_bar_after", "new_bar"):
        computed[k] = float(bar)
    for k in ("shares", "final_shares", "emission_shares", "shares_after_enable"):
        computed[k] = keyed(final)
    for k in ("gated_shares", "shares_after_gate", "gate_output"):
        computed[k] = keyed(gated)
    for k in ("pre_gate", "pre_gate_shares", "weighted_shares", "burn_weighted_shares"):
        computed[k] = keyed(np.asarray(pre, dtype=float))
    computed["price_shares"] = keyed(np.asarray(price_shares, dtype=float))
    for k in ("sum", "shares_sum", "sum_shares", "total"):
        computed[k] = float(final.sum())
    for k in ("bar_updated", "bar_recomputed", "bar_stored"):
        computed[k] = bool(updated)
    if n and np.all(final == final[0]):
        computed["each_share"] = float(final[0])
    for k in v["expected"]:  # one subnet's share: s1, s_2, share_n1, share_3 (1-based position or key)
        m = re.fullmatch(r"(?:s|share)_?(\w+)", k)
        if m and k not in computed:
            tag = m.group(1)
            if keys is not None and tag in [str(x) for x in keys]:
                computed[k] = float(final[[str(x) for x in keys].index(tag)])
            elif tag.isdigit() and 1 <= int(tag) <= n:
                computed[k] = float(final[int(tag) - 1])
    return _post_result(v, computed)


def _weight_input(value: Any) -> Any:
    """A quote weight as a number or the words ``"1/3 (state after RSV-01)"``."""
    from fractions import Fraction

    if isinstance(value, str):
        m = re.search(r"(\d+)\s*/\s*(\d+)", value) or re.search(_NUM, value)
        if not m:
            raise ValueError(f"cannot read quote weight {value!r}")
        return Fraction(int(m.group(1)), int(m.group(2))) if m.lastindex == 2 else float(m.group(1))
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 1:
        return Fraction(int(value), 10**18)  # Perquintill parts, as SwapBalancer stores the weight
    return value


def _reservoir_family(mech: str) -> bool:
    return "reservoir" in mech or "protocol_liquidity" in mech or mech.startswith("balancer_injection")


_MOCK_RESERVE_TESTS = ("adjust_protocol_liquidity_happy", "adjust_protocol_liquidity_zero_alpha",
                      "adjust_protocol_liquidity_deltas")
"""Rust tests (``tests/adjust_protocol_liquidity.rs`` @71ddeedc) that set the mock reserves to
``reserve + delta`` themselves after the call, whatever became price-active, and then read the price."""


def _mock_reserves(v: dict) -> bool:
    """Whether a reservoir vector's ``price_after`` is read at ``(y + Δy, x + Δx)`` as its Rust test does.

    The weight tests (mechanism ``balancer_injection_weights``: ``_happy``, ``_zero_alpha``,
    ``_deltas``) set the reserves to ``reserve + delta`` after ``adjust_protocol_liquidity``; the
    reservoir tests move them by the returned price-active amounts, which is the chain's own pool.
    The two differ only when part of the injection waits in a reservoir (e.g. a pool with no alpha).
    """
    mech, test = str(v.get("mechanism", "")), str(v.get("test_name", ""))
    return mech.startswith("balancer_injection") or any(t in test for t in _MOCK_RESERVE_TESTS)


def _reservoir_case(v: dict, i: dict) -> dict[str, Any]:
    from . import amm

    tao_reserve = _rao_input(_pick(i, "tao_reserve", "tao_reserve_rao", "subnet_tao", "SubnetTAO", "tao"))
    alpha_reserve = _rao_input(_pick(i, "alpha_reserve", "alpha_reserve_rao", "subnet_alpha_in", "SubnetAlphaIn",
                                     "alpha"))
    weight = _pick(i, "quote_weight", "quote_weight_w2", "w_quote", "quote_weight_before", default=None)
    price = _pick(i, "price", "price_before", "spot_price", default=None)
    if weight is None and price is not None and alpha_reserve > 0:
        pool = amm.BalancerPool.from_price(tao_reserve, alpha_reserve, _number(price))
    else:
        pool = amm.BalancerPool(tao_reserve, alpha_reserve, _weight_input(0.5 if weight is None else weight))
    dt = _rao_input(_pick(i, "tao_delta", "tao_in", "tau_in", "tao_injection", "tao_delta_rao", default=0))
    da = _rao_input(_pick(i, "alpha_delta", "alpha_in", "alpha_injection", "alpha_delta_rao", default=0))
    r = amm.adjust_protocol_liquidity(
        pool, dt, da,
        tao_reservoir=_rao_input(_pick(i, "tao_reservoir", "BalancerTaoReservoir", "tao_reservoir_before",
                                       default=0)),
        alpha_reservoir=_rao_input(_pick(i, "alpha_reservoir", "BalancerAlphaReservoir", "alpha_reservoir_before",
                                         default=0)))
    before, active_after = pool.price, r.pool.price
    # balancer_price, not a BalancerPool: the test's reserves may price above the swap pallet's max_price
    after = (amm.balancer_price(tao_reserve + dt, alpha_reserve + da, r.pool.quote_weight) if _mock_reserves(v)
             else active_after)
    w = float(r.pool.quote_weight)
    computed: dict[str, Any] = {
        "price_after": after, "price_before": before, "expected_price": after, "active_price_after": active_after,
        "price_unchanged": abs(after - before) <= before / 1e12,
        "quote_weight_after": w, "new_quote_weight": w, "actual_quote_weight": w, "quote_weight": w,
        "base_weight_after": float(1 - r.pool.quote_weight),
        "tao_reserve_after": r.pool.tao_reserve, "alpha_reserve_after": r.pool.alpha_reserve,
        "pending_tao": r.pending[0], "pending_alpha": r.pending[1],
    }
    for side, active, left in (("tao", r.tao_active, r.tao_reservoir), ("alpha", r.alpha_active, r.alpha_reservoir)):
        for name in (f"price_active_{side}", f"{side}_active", f"active_{side}"):
            for suffix in ("", "_at_least", "_model"):
                computed[name + suffix] = active
        for name in (f"{side}_reservoir_after", f"{side}_reservoir",
                     f"Balancer{side.capitalize()}Reservoir", f"{side}_reservoir_end"):
            computed[name] = left
    return computed


@checker("injection_reservoir", "balancer_injection_weights", "adjust_protocol_liquidity")
def _reservoir(v: dict):
    """Reservoir vectors (RSV): ``amm.adjust_protocol_liquidity`` on a ``BalancerPool``.

    ``price_after`` is the price the vector's Rust test reads (see :func:`_mock_reserves`);
    ``active_price_after`` is always the chain's pool after the call. ``inputs["cases"]`` (a list of
    ``[tao_delta, alpha_delta]`` pairs or of input dicts overriding the common inputs) gives one
    computed list per key, in order.
    """
    i = v["inputs"]
    cases = i.get("cases")
    if not isinstance(cases, list):
        return _post_result(v, _reservoir_case(v, i))
    base = {k: val for k, val in i.items() if k != "cases"}
    per = []
    for c in cases:
        if isinstance(c, dict):
            per.append(_reservoir_case(v, {**base, **c}))
        else:
            dt, da = c
            per.append(_reservoir_case(v, {**base, "tao_delta": dt, "alpha_delta": da}))
    return _post_result(v, {k: [p[k] for p in per] for k in per[0]} if per else {})


_SPLIT_ERAS = {"post_fix": "head", "pre_fix": "spec441", "head": "head", "legacy": "spec440"}


def _split_era(label: str | None) -> str:
    return "head" if label is None else _SPLIT_ERAS.get(label, label)


def _split_family(mech: str) -> bool:
    return "root_reborn" in mech or "dividend_split" in mech or "dividend_distribution" in mech


@checker("root_reborn_dividend_split", "dividend_split", "dividend_distribution")
def _dividend_split(v: dict):
    """Root Reborn split vectors (RR): ``coinbase.split_dividends`` and ``alpha_dividend_fraction`` per era.

    Expected keys ``alpha_fraction_<hk>[_<era>]``, ``(alpha|root)_dividend_<hk>[_<era>]`` and
    ``(alpha|root)_dividends[_<era>]`` (all hotkeys); ``<era>`` is ``post_fix``/``head`` (spec 442 on),
    ``pre_fix`` (spec 441), ``legacy`` (spec 440) or any ``specNNN``; none means HEAD.
    """
    from . import coinbase

    i = v["inputs"]
    hk = i.get("hotkeys")
    if hk is None:  # the Rust test's own maps: stake_map {hk: [alpha, root]} and dividends {hk: div}
        stakes = _pick(i, "stake_map", "stakes")
        divs = _pick(i, "dividends", "epoch_dividends", default={})
        hk = {str(k): {"alpha_stake_rao": st[0], "root_stake_rao": st[1],
                       **({"dividend_rao": divs[k]} if k in divs else {})} for k, st in stakes.items()}
    if isinstance(hk, list):  # records: [{"hotkey": "A", ...}] (or unnamed: by position)
        hk = {str(_pick(h, "hotkey", "name", "id", default=j)): h for j, h in enumerate(hk)}
    per = _pick(i, "epoch_dividend_per_hotkey_rao", "dividend_per_hotkey_rao", "epoch_dividend_rao", default=None)
    div = {k: _number(_pick(h, "dividend_rao", "dividend", "epoch_dividend_rao",
                            **({} if per is None else {"default": per}))) for k, h in hk.items()}
    alpha = {k: _rao_input(_pick(h, "alpha_stake_rao", "alpha_stake", "alpha_rao", "alpha", default=0))
             for k, h in hk.items()}
    root = {k: _rao_input(_pick(h, "root_stake_rao", "root_stake", "root_rao", "root", default=0))
            for k, h in hk.items()}
    top_reg = _pick(i, "root_registered", "root_uids", default=None)
    reg_fields = ("root_uid", "root_registered", "has_root_uid", "registered_on_root")
    reg = {k: bool(_pick(h, *reg_fields, default=(k in top_reg) if top_reg is not None else False))
           for k, h in hk.items()}
    # a vector saying nothing about root UIDs (the older tests' set-up): every hotkey counts as registered
    no_reg_info = top_reg is None and not any(f in h for h in hk.values() for f in reg_fields)
    tw = _number(_pick(i, "tao_weight", "TaoWeight", "gamma", default=0.18))
    if tw > 1:  # the raw u64 storage value
        tw = tw / (2**64 - 1)
    kw = {"tao_weight": tw, "pending_validator_alpha": _rao_input(_pick(i, "pending_validator_alpha_rao",
                                                                         "pending_validator_alpha")),
          "pending_root_alpha": _rao_input(_pick(i, "pending_root_alpha_rao", "pending_root_alpha", default=0)),
          "root_registered": None if no_reg_info else reg}
    cache: dict[str, tuple[dict, dict]] = {}

    def split(label: str | None) -> tuple[dict, dict]:
        era = _split_era(label)
        if era not in cache:
            cache[era] = coinbase.split_dividends(div, alpha, root, era=era, **kw)
        return cache[era]

    names = "|".join(re.escape(str(k)) for k in sorted(hk, key=lambda s: -len(str(s))))
    era_re = r"(?:_(post_fix|pre_fix|head|legacy|spec\d+))?"
    computed: dict[str, Any] = {}
    for key in v["expected"]:
        m = re.fullmatch(rf"alpha_fraction_({names}){era_re}", key)
        if m:
            k = m.group(1)
            computed[key] = coinbase.alpha_dividend_fraction(alpha[k], root[k], tao_weight=tw,
                                                             root_registered=reg[k], era=_split_era(m.group(2)))
            continue
        m = re.fullmatch(rf"(alpha|root)_(?:dividend|div|part)_({names}){era_re}", key)
        if m:
            computed[key] = split(m.group(3))[0 if m.group(1) == "alpha" else 1][m.group(2)]
            continue
        m = re.fullmatch(rf"(alpha|root)_(?:dividends|divs|parts){era_re}", key)
        if m:
            computed[key] = split(m.group(2))[0 if m.group(1) == "alpha" else 1]
            continue
        # totals (test_calculate_dividend_distribution_totals): total_alpha_dividends, total_root_alpha_dividends
        m = (re.fullmatch(rf"(?:total|sum)_(alpha|root|tao)(?:_alpha)?_(?:dividends|divs){era_re}", key)
             or re.fullmatch(rf"(alpha|root|tao)(?:_alpha)?_(?:dividends|divs)_(?:total|sum){era_re}", key))
        if m:
            part = split(m.group(2))[0 if m.group(1) == "alpha" else 1]
            computed[key] = float(sum(part.values()))
    return _post_result(v, computed)


def _family_checker(mech: str) -> Checker | None:
    """A checker for a mechanism tag not listed in :data:`CHECKERS` but naming a known mechanism family."""
    if _gate_family(mech):
        return _emission_gate
    if _reservoir_family(mech):
        return _reservoir
    if _split_family(mech):
        return _dividend_split
    return None


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------
def _check_ids(ids: Any) -> list[str]:
    if isinstance(ids, str | bytes) or not isinstance(ids, Sequence | set | frozenset):
        raise TypeError(f"ids must be a list of vector ids (strings), e.g. ['BE-01'], got {type(ids).__name__} "
                        f"{ids!r}")
    out = list(ids)
    bad = [x for x in out if not isinstance(x, str)]
    if bad:
        raise TypeError(f"ids must contain only vector ids (strings), got {bad[0]!r}")
    return out


def load(path: str | Path | None = None) -> dict:
    """Read a vectors file (default: the shipped public vectors).

    The shipped files go through :func:`dtao_lib.data.load_vectors` (schema, fields, statuses and
    unique ids checked); other files only need a ``vectors`` list.
    """
    p = check_path("path", path) if path is not None else default_file()
    if not p.exists():
        raise FileNotFoundError(f"vectors file not found: {p}")
    if p.resolve() in {f.resolve() for f in default_files() if f.exists()}:
        from .data import load_vectors

        return load_vectors(p)
    from .data._parse import read_json

    data = read_json(p, "vectors file")  # rejects NaN/Infinity literals, naming the field
    if not isinstance(data, dict) or not isinstance(data.get("vectors"), list):
        raise ValueError(f"{p}: expected a JSON object with a 'vectors' list")
    return data


def check_vector(v: dict) -> Result:
    """Check one vector; errors raised by dtao_lib count as a failure with the message as note."""
    vid, mech = str(v.get("id", "?")), str(v.get("mechanism", "?"))
    fn = CHECKERS.get(mech) or _family_checker(mech)
    tol_text = str(v.get("tolerance", ""))
    if fn is None:
        return Result(vid, mech, _short(v.get("expected")), "", tol_text, None, "no checker for this mechanism")
    try:
        expected, computed, tol = fn(v)
    except Exception as exc:  # report, do not crash the table
        return Result(vid, mech, _short(v.get("expected")), f"{type(exc).__name__}: {exc}", tol_text, False)
    unchecked = _unchecked_keys(v, expected)
    note = f"expected key(s) not checked: {', '.join(unchecked)}" if unchecked else ""
    try:
        passed = _compare(expected, computed, tol)
    except Exception as exc:  # a value of a shape the comparison cannot read: a failure, not a crash
        return Result(vid, mech, _short(expected), _short(computed), _tol_text(tol), False,
                      f"cannot compare: {type(exc).__name__}: {exc}")
    return Result(vid, mech, _short(expected), _short(computed), _tol_text(tol), passed, note)


def _unchecked_keys(v: dict, checked: Any) -> list[str]:
    """Keys of a vector's ``expected`` that its checker did not compare (descriptive ones aside).

    The post-June checkers fail on these (:class:`UnknownExpectedKey`); for the older mechanisms
    they are reported in the result's note and printed by :func:`main`.
    """
    exp = v.get("expected")
    if not isinstance(exp, dict):
        return []
    keys = [k for k, val in exp.items() if not _INFORMATIONAL.search(k)
            and not (isinstance(val, str) and not re.fullmatch(r"\s*-?" + _NUM + r"\s*", val))]
    if isinstance(checked, dict):
        return [k for k in keys if k not in checked]
    return keys[1:]  # a bare value stands for one key


def _tol_text(tol: Tolerance | dict[str, Tolerance]) -> str:
    if not isinstance(tol, dict):
        return str(tol)
    rest = tol.get("*", Tolerance())
    parts = [f"{k}: {t}" for k, t in tol.items() if k != "*" and str(t) != str(rest)]
    return "; ".join([*parts, str(rest) if not parts else f"others: {rest}"])


def run(path: str | Path | None = None, ids: Sequence[str] | None = None) -> list[Result]:
    """Check every vector in the file (default: the shipped public vectors; or only ``ids``).

    Raises
    ------
    FileNotFoundError
        If the file does not exist (the message names it).
    TypeError
        If ``path`` is not a path or ``ids`` not a list of strings.
    ValueError
        If an id of ``ids`` is not in the file (the message lists the ids it has).
    """
    want = None if ids is None else _check_ids(ids)
    vectors = load(path)["vectors"]
    if want is not None:
        known = [str(v.get("id")) for v in vectors]
        unknown = [i for i in want if i not in set(known)]
        if unknown:
            raise ValueError(f"ids: unknown vector id(s) {unknown}; the file has {known}")
        vectors = [v for v in vectors if v.get("id") in set(want)]
    return [check_vector(v) for v in vectors]


def table(path: str | Path | Sequence[str | Path] | None = None) -> pd.DataFrame:
    """The conformance table as a DataFrame (what the book's appendix shows).

    ``path``: one file, several, or ``None`` for both shipped files (:func:`default_files`). The
    ``file`` column names the file each vector comes from.
    """
    if path is None:
        paths: list[str | Path] = list(default_files())
    elif isinstance(path, str | os.PathLike):
        paths = [check_path("path", path)]
    elif isinstance(path, Sequence) and not isinstance(path, bytes):
        paths = [check_path("path", p) for p in path]
        if not paths:
            raise ValueError("path must name at least one vectors file (or be None for the shipped files)")
    else:
        raise TypeError(f"path must be a file path, a list of them or None, got {type(path).__name__} {path!r}")
    rows = []
    for p in paths:
        for r in run(p):
            rows.append({"file": Path(p).name, "vector": r.vector, "mechanism": r.mechanism,
                         "expected": r.expected, "computed": r.computed, "tolerance": r.tolerance,
                         "pass": {True: "pass", False: "FAIL", None: "n/a"}[r.passed], "note": r.note})
    df = pd.DataFrame(rows, columns=["file", "vector", "mechanism", "expected", "computed", "tolerance", "pass"])
    df.attrs["notes"] = {(row["file"], row["vector"]): row["note"] for row in rows if row["note"]}
    return df


def summary(df: pd.DataFrame) -> pd.DataFrame:
    """Pass / fail / n/a counts per file of a :func:`table`."""
    check_frame("df", df, ("file", "pass"))
    counts = df.groupby("file", sort=False)["pass"].value_counts().unstack(fill_value=0)
    for col in ("pass", "FAIL", "n/a"):
        if col not in counts:
            counts[col] = 0
    out = counts[["pass", "FAIL", "n/a"]].rename(columns={"pass": "passed", "FAIL": "failed", "n/a": "no checker"})
    out["vectors"] = out.sum(axis=1)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """The command line ``python -m dtao_lib.conformance [FILE ...] [--width N]``; returns the exit status
    (1 if any vector fails). ``argv`` defaults to ``sys.argv[1:]``. Bad arguments — an unknown option, a width
    outside [2, 10 000], a file that is missing or is not a vectors file — end as argparse ends: the usage and
    the message on stderr and :class:`SystemExit` with status 2 (no traceback)."""
    if argv is not None:
        if isinstance(argv, str | bytes) or not isinstance(argv, Sequence) \
                or not all(isinstance(a, str) for a in argv):
            raise TypeError(f"argv must be a list of strings (command-line arguments), got {argv!r}")
        argv = list(argv)
    parser = argparse.ArgumentParser(prog="python -m dtao_lib.conformance",
                                     description="Check dtao_lib against subtensor test vectors.")
    parser.add_argument("files", nargs="*", default=None,
                        help="vectors JSON files (default: data/vectors/public.json and post-2026-06.json)")
    parser.add_argument("--width", type=int, default=60, help="truncate cells to this many characters")
    args = parser.parse_args(argv)
    if not 2 <= args.width <= 10_000:
        parser.error(f"--width must be an integer in [2, 10000], got {args.width}")
    try:
        df = table(args.files or None)
    except (OSError, ValueError) as exc:  # a missing file, a folder, a file that is not vectors JSON
        parser.error(str(exc))
    n_fail = 0
    for name, part in df.groupby("file", sort=False):
        shown = part.drop(columns="file").map(
            lambda s: s if len(str(s)) <= args.width else str(s)[: args.width - 1] + "…")
        print(f"== {name} ==")
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
            print(shown.to_string(index=False))
        n_pass = int((part["pass"] == "pass").sum())
        fails = int((part["pass"] == "FAIL").sum())
        n_na = int((part["pass"] == "n/a").sum())
        n_fail += fails
        for (file, vid), note in df.attrs.get("notes", {}).items():
            if file == name:
                print(f"  {vid}: {note}")
        print(f"{name}: {n_pass} passed, {fails} failed, {n_na} without a checker, of {len(part)} vectors\n")
    print(f"total: {int((df['pass'] == 'pass').sum())} passed, {n_fail} failed, of {len(df)} vectors")
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
