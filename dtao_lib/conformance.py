"""Conformance: run subtensor's test vectors through dtao_lib's public API.

``python -m dtao_lib.conformance [FILE]`` reads a vectors file (default: the public vectors shipped
in ``data/vectors/public.json``; schema documented inside the file), computes every vector with
the public functions of ``dtao_lib`` and prints a table with columns
``vector, mechanism, expected, computed, tolerance, pass``. It exits with status 1 if any vector
fails. Vectors of a mechanism without a checker are listed as ``n/a`` and do not fail the run.

The checkers only translate a vector's inputs into calls of the public API (the same calls any
user makes); they contain no expected numbers. Tolerances come from each vector's own
``tolerance`` field (see :func:`parse_tolerance`).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CHECKERS", "Result", "Tolerance", "main", "parse_tolerance", "run", "table"]

DEFAULT_VECTORS = "vectors/public.json"
"""The shipped public vectors, relative to the data folder (:func:`dtao_lib.data.data_dir`)."""


def default_file() -> Path:
    """Path of the shipped public vectors (repository ``data/`` or the copy inside the wheel)."""
    from .data import data_dir

    return data_dir() / DEFAULT_VECTORS


# ---------------------------------------------------------------------------------------------
# Tolerances
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tolerance:
    """Absolute and relative tolerance of one comparison (both 0 means exact)."""

    abs: float = 0.0
    rel: float = 0.0

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
            parts.append(f"{self.rel:.2%} rel")
        return " + ".join(parts)


_NUM = r"([0-9]*\.?[0-9]+(?:e-?[0-9]+)?)"


def parse_tolerance(text: str) -> Tolerance:
    """Read a vector's ``tolerance`` string: ``"exact"``, ``"+-2"``, ``"±1e-9"``, ``"1% relative"``...

    The first ``+-``/``±`` number is the absolute tolerance; a percentage followed by "relative"
    is a relative tolerance; "N absolute" is absolute. Percentages in parentheses after an absolute
    bound (``"+-39 (1%)"``) only restate it. Anything else is exact.
    """
    t = (text or "").lower()
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


def _compare(expected: Any, computed: Any, tol: Tolerance) -> bool:
    if isinstance(expected, dict):
        return isinstance(computed, dict) and all(
            k in computed and _compare(v, computed[k], tol) for k, v in expected.items()
        )
    if isinstance(expected, list | tuple):
        comp = list(np.asarray(computed).tolist()) if isinstance(computed, np.ndarray) else list(computed)
        return len(comp) == len(expected) and all(_compare(e, c, tol) for e, c in zip(expected, comp, strict=True))
    if isinstance(expected, str) or isinstance(computed, str):
        return str(expected) == str(computed)
    return tol.ok(expected, computed)


Checker = Callable[[dict], tuple[Any, Any, Tolerance]]
"""A checker returns (expected, computed, tolerance) for one vector."""

CHECKERS: dict[str, Checker] = {}


def checker(*mechanisms: str) -> Callable[[Checker], Checker]:
    def deco(fn: Checker) -> Checker:
        for m in mechanisms:
            CHECKERS[m] = fn
        return fn

    return deco


def _tol(v: dict) -> Tolerance:
    return parse_tolerance(str(v.get("tolerance", "")))


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
        i["total_issuance_rao"],
        total_supply_rao=i.get("total_supply_rao", 21 * 10**15),
        default_emission_rao=i.get("default_block_emission_rao", 10**9),
    )
    return v["expected"]["block_emission_rao"], got, _tol(v)


@checker("subnet_lock_cost")
def _lock_cost(v: dict):
    from . import registration

    i = v["inputs"]
    got = registration.lock_cost(
        last_lock_rao=i["last_lock_rao"],
        last_lock_block=i["last_lock_block"],
        current_block=i["current_block"],
        min_lock_rao=i["min_lock_rao"],
        reduction_interval_blocks=i["lock_reduction_interval_blocks"],
        block_emission_rao=i.get("block_emission_rao", 10**9),
    )
    return v["expected"]["lock_cost_rao"], got, _tol(v)


@checker("coinbase_tao_split_ema_price")
def _tao_split(v: dict):
    from . import coinbase

    i = v["inputs"]
    # The June 2026 price rule (era D; the vector is era A's, which gives the same split): from
    # spec 440 the shares pass through the emission gate (addendum §A2, vectors EG-*).
    got = coinbase.subnet_tao_emission(i["block_emission_rao"], i["ema_prices"], miner_burned=i.get("miner_burned"),
                                       era=i.get("era", "2026-06-30"))
    return {"tao_in_rao": v["expected"]["tao_in_rao"]}, {"tao_in_rao": got}, Tolerance()


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
    tao = coinbase.subnet_tao_emission(i["block_emission_rao"], i["ema_prices"], era=era)
    if "spot_prices" in i:
        spot = [float(p) for p in i["spot_prices"]]
    else:
        spot = [t / a for t, a in zip(i["subnet_tao"], i["subnet_alpha_in"], strict=True)]
    cap = _alpha_emission(i)
    terms = [coinbase.subnet_terms(t, p, cap, era=era) for t, p in zip(tao, spot, strict=True)]
    computed = {"alpha_in_injected_rao": [t.alpha_in for t in terms]}
    expected = {"alpha_in_injected_rao": v["expected"]["alpha_in_injected_rao"]}
    if "alpha_out_rao" in v["expected"]:
        expected["alpha_out_rao"] = v["expected"]["alpha_out_rao"]
        computed["alpha_out_rao"] = [cap] * len(terms)
    return expected, computed, _tol(v)


@checker("coinbase_alpha_halving")
def _alpha_halving(v: dict):
    from . import coinbase, emission

    i = v["inputs"]
    alpha_emission = emission.block_emission(int(i["alpha_issuance_rao"]))
    tao = i.get("block_emission_rao", 10**9)
    terms = coinbase.subnet_terms(tao, float(i.get("spot_price", 1.0)), alpha_emission, era=i.get("era", "head"))
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
    terms = coinbase.subnet_terms(int(i["tao_emission_rao"]), float(i["spot_price"]), cap, era=i.get("era", "head"))
    computed = {"tao_in": terms.tao_in, "alpha_in": terms.alpha_in, "excess_tao": terms.excess_tao}
    expected = {k: v["expected"][k] for k in computed if isinstance(v["expected"].get(k), int | float)}
    return expected, {k: computed[k] for k in expected}, _tol(v)


@checker("ema_price")
def _ema(v: dict):
    from . import ema

    i = v["inputs"]
    b = i["current_block"] - (i["first_emission_block"] - 1)
    price = float(i.get("initial_ema", 0.0))
    for _ in range(int(i.get("updates", 1))):
        price = ema.update_moving_price(
            price, float(i["spot_price"]), blocks_since_start=b,
            moving_alpha=float(i["SubnetMovingAlpha"]), halving_blocks=int(i["EMAPriceHalvingBlocks"]),
        )
    return v["expected"]["ema_price"], price, _tol(v)


@checker("taoflow_share_normalization")
def _pow_normalize(v: dict):
    from . import taoflow

    i = v["inputs"]
    got = taoflow.pow_normalize(i["offset_flows"], float(i["p"]))
    return v["expected"]["shares"], list(np.asarray(got, dtype=float)), _tol(v)


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


@checker("amm_v3_single_tick")
def _v3(v: dict):
    from . import amm

    i = v["inputs"]
    tol = _tol(v)
    if "liquidity_L" in i:
        L, s, d = i["liquidity_L"], i["sqrt_price"], i["delta_in"]
        computed = {"alpha_out_for_tao_in": amm.v3_alpha_out_for_tao(L, s, d),
                    "tao_out_for_alpha_in": amm.v3_tao_out_for_alpha(L, s, d)}
        expected = {k: v["expected"][k] for k in computed if k in v["expected"]}
        return expected, {k: computed[k] for k in expected}, tol
    pool = amm.FullRangePool(i["tao_reserve"], i["alpha_reserve"], fee_rate_u16=i.get("fee_rate_u16", 33))
    res = pool.buy_alpha(i["amount_in"]) if i["order"] == "buy" else pool.sell_alpha(i["amount_in"])
    return {"amount_out": v["expected"]["amount_out"]}, {"amount_out": res.amount_out}, tol


@checker("amm_balancer")
def _balancer(v: dict):
    from . import amm

    i = v["inputs"]
    tol = _tol(v)
    if "order" in i:
        pool = amm.BalancerPool(i["tao_reserve"], i["alpha_reserve"], quote_weight=i.get("quote_weight", 0.5),
                                fee_rate_u16=i.get("fee_rate_u16", 33))
        res = pool.buy_alpha(i["amount_in"]) if i["order"] == "buy" else pool.sell_alpha(i["amount_in"])
        computed = {"fee": res.fee, "net_in": res.net_in, "amount_out": res.amount_out}
    else:  # raw formula on a (possibly tiny) pool: no fee, no guards
        pool = amm.BalancerPool(i["tao_reserve_y"], i["alpha_reserve_x"], quote_weight=i["quote_weight_w2"],
                                fee_rate_u16=0, enforce_limits=False)
        d = i["delta_in"]
        computed = {"tao_out_for_alpha_in": pool.sell_alpha(d).amount_out,
                    "alpha_out_for_tao_in": pool.buy_alpha(d).amount_out}
    expected = {k: v["expected"][k] for k in computed if k in v["expected"]}
    return expected, {k: computed[k] for k in expected}, tol


@checker("amm_balancer_math")
def _balancer_pow(v: dict):
    from . import amm

    i = v["inputs"]
    got = amm.balancer_ratio_pow(i["quote_weight_w2"], i["reserve"], i["delta"], base_quote=bool(i["base_quote"]))
    return v["expected"]["ratio_pow"], float(got), _tol(v)


@checker("amm_balancer_limit")
def _balancer_limit(v: dict):
    from . import amm

    i = v["inputs"]
    got = amm.balancer_tao_to_reach_price(
        quote_weight=i["quote_weight_w2"], current_price=i["current_price"], target_price=i["target_price"],
        tao_reserve=i["tao_reserve"],
    )
    return v["expected"]["tao_delta_in"], got, _tol(v)


@checker("amm_balancer_price")
def _balancer_price(v: dict):
    from . import amm

    i = v["inputs"]
    pool = amm.BalancerPool(i["tao_reserve_y"], i["alpha_reserve_x"], quote_weight=i["quote_weight_w2"],
                            enforce_limits=False)
    return v["expected"]["price"], float(pool.price), _tol(v)


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
        i["subnet_tao_pot"], i["staker_alpha"], alpha_in=i.get("alpha_in", 0),
        protocol_alpha=i.get("protocol_alpha", 0), include_alpha_in=include_alpha_in,
    )
    computed: dict[str, Any] = {"staker_tao": list(s.staker_tao), "protocol_share_recycled": s.protocol_share}
    legacy = bool(i.get("legacy_subnet", False))
    refund = dissolution.owner_refund(i.get("locked", 0), i.get("owner_emission_tao", 0), legacy=legacy)
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
# Running
# ---------------------------------------------------------------------------------------------
def load(path: str | Path | None = None) -> dict:
    """Read a vectors file (default: the shipped public vectors)."""
    p = Path(path) if path is not None else default_file()
    if not p.exists():
        raise FileNotFoundError(f"vectors file not found: {p}")
    data = json.loads(p.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("vectors"), list):
        raise ValueError(f"{p}: expected a JSON object with a 'vectors' list")
    return data


def check_vector(v: dict) -> Result:
    """Check one vector; errors raised by dtao_lib count as a failure with the message as note."""
    vid, mech = str(v.get("id", "?")), str(v.get("mechanism", "?"))
    fn = CHECKERS.get(mech)
    tol_text = str(v.get("tolerance", ""))
    if fn is None:
        return Result(vid, mech, _short(v.get("expected")), "", tol_text, None, "no checker for this mechanism")
    try:
        expected, computed, tol = fn(v)
    except Exception as exc:  # report, do not crash the table
        return Result(vid, mech, _short(v.get("expected")), f"{type(exc).__name__}: {exc}", tol_text, False)
    return Result(vid, mech, _short(expected), _short(computed), str(tol), _compare(expected, computed, tol))


def run(path: str | Path | None = None, ids: Sequence[str] | None = None) -> list[Result]:
    """Check every vector in the file (or only ``ids``)."""
    vectors = load(path)["vectors"]
    if ids is not None:
        vectors = [v for v in vectors if v.get("id") in set(ids)]
    return [check_vector(v) for v in vectors]


def table(path: str | Path | None = None) -> pd.DataFrame:
    """The conformance table as a DataFrame (what the book's appendix shows)."""
    rows = run(path)
    return pd.DataFrame(
        [{"vector": r.vector, "mechanism": r.mechanism, "expected": r.expected, "computed": r.computed,
          "tolerance": r.tolerance, "pass": {True: "pass", False: "FAIL", None: "n/a"}[r.passed]}
         for r in rows]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dtao_lib.conformance",
                                     description="Check dtao_lib against subtensor test vectors.")
    parser.add_argument("file", nargs="?", default=None, help="vectors JSON (default: data/vectors/public.json)")
    parser.add_argument("--width", type=int, default=60, help="truncate cells to this many characters")
    args = parser.parse_args(argv)
    df = table(args.file)
    shown = df.map(lambda s: s if len(str(s)) <= args.width else str(s)[: args.width - 1] + "…")
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
        print(shown.to_string(index=False))
    n_fail = int((df["pass"] == "FAIL").sum())
    n_pass = int((df["pass"] == "pass").sum())
    n_na = int((df["pass"] == "n/a").sum())
    print(f"\n{n_pass} passed, {n_fail} failed, {n_na} without a checker, of {len(df)} vectors")
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
