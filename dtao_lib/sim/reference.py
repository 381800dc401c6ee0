"""A scalar reference implementation of the simulator, subnet by subnet, in plain Python.

Used only by the tests (it must give the same numbers as the vectorised and compiled engines) and by
``benchmarks/simulator.py`` (the engines must be much faster). It is written independently of the
engines: one Python object per subnet, the era's rules read from :class:`dtao_lib.params.Era` by
name, the swap formulas of :mod:`dtao_lib.amm`'s float helpers and the float path of
:func:`dtao_lib.coinbase.block` spelled out with ``math``. It covers the block step, epochs, the EMA
price, TaoFlow, the built-in staker policies and pumps; not registrations or custom policies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import params as _params
from ..params import EMA_PRICE_HALVING_BLOCKS, MOVING_ALPHA
from ..taoflow import FLOW_EMA_ALPHA
from . import _layout as L
from .scenario import Scenario

__all__ = ["ReferenceResult", "run_reference"]

_S = 21_000_000_000_000_000
_TWO32 = 4294967296.0


def _emission(issuance: int) -> int:
    """Spec §1 with exact integers: the largest k with 2^k·(S − I) ≤ S, then 1e9 >> k."""
    rem = _S - issuance
    if rem <= 0:
        return 0
    k = (_S // rem).bit_length() - 1
    return 1_000_000_000 >> k if k < 62 else 0


def _grid(x: float) -> float:
    return round(x * _TWO32) / _TWO32


def _trunc32(x: float) -> float:
    return math.floor(x * _TWO32) / _TWO32


@dataclass
class _Subnet:
    netuid: int
    tao: int
    alpha_in: int
    alpha_out: int
    protocol: int
    ema: float
    w2: float
    first_emission: int
    registered: int
    last_epoch: int
    burn: float
    flow: float
    pflow: float
    flow_acc: float = 0.0
    pflow_acc: float = 0.0
    pend_owner: int = 0
    pend_server: int = 0
    pend_validator: int = 0
    pend_root: int = 0
    share: float = 0.0
    root_prop: float = 0.0
    last_te: int = 0
    last_tao_in: int = 0
    last_alpha_in: int = 0
    last_excess: int = 0
    last_ae: int = 0
    chain_tao: int = 0
    author_tao: int = 0
    root_tao: int = 0
    staked: int = 0
    unstaked: int = 0
    res_tao: int = 0
    res_alpha: int = 0
    off_tao: int = 0
    off_alpha: int = 0
    pre_gate: float = 0.0

    # -- the pool (spec §4) ------------------------------------------------------------------------
    def price(self, pool: str) -> float:
        if pool == "balancer":
            return (1.0 - self.w2) / self.w2 * (self.tao / self.alpha_in)
        return self.tao / self.alpha_in

    def liquid(self) -> int:
        return self.alpha_out - self.pend_owner - self.pend_server - self.pend_validator - self.pend_root


class _Model:
    """The rules of one era, read from :class:`dtao_lib.params.Era`."""

    def __init__(self, scenario: Scenario) -> None:
        e = scenario.era_rules
        self.e = e
        self.pool = e.pool
        self.fee_rate = 0 if e.swap_fee_u16 is None else e.swap_fee_u16
        self.flat_fee = 50_000.0 if e.pool == "constant_product" else 0.0
        self.fee_stays = e.fee_destination in ("pool", "liquidity_providers")
        self.weighted_root = _grid(scenario.tao_weight) * float(round(scenario.root_tao * 1e9))
        self.owner_cut = _grid(scenario.owner_cut)
        # post-June rules (spec §A2–§A4), read by name; eras without them have none of them
        self.gate = getattr(e, "emission_gate", "none")
        self.burn_weighting = getattr(e, "miner_burn_weighting", True)
        self.refund = getattr(e, "chain_buy_refund", False)
        self.reservoirs = getattr(e, "balancer_reservoirs", False) and e.pool == "balancer"
        self.refused_issued = e.pool == "balancer" and not e.at_least("v3.4.8")  # a refused τ_in stays issued
        from .state import v3_liquidity

        self.v3liq = v3_liquidity(e)  # the v3 position: fees held off the price, proportional injection
        self.v3_holds_fees = self.fee_stays and self.v3liq != L.V3LIQ_OFF
        rank = scenario.emission_bar_rank
        self.rank = getattr(_params, "EMISSION_BAR_RANK", 32) if rank is None else rank
        q = scenario.emission_bar_quantile
        self.q = getattr(_params, "EMISSION_BAR_QUANTILE", 0.61) if q is None else q
        h = scenario.emission_gate_exponent
        self.h = float(getattr(_params, "EMISSION_GATE_EXPONENT", 3) if h is None else h)
        self.bar_every = getattr(_params, "EMISSION_BAR_UPDATE_INTERVAL", 360)
        self.bar = 0.0  # EmissionGateBar: unset at the start

    def update_bar(self, shares: list[float], block: int) -> None:
        """``maybe_update_emission_gate_bar`` (spec §A2): recompute θ when unset or every 360 blocks."""
        if self.bar > 0.0 and block % self.bar_every != 0:
            return
        ranked = sorted(shares, reverse=True)
        positive = [x for x in ranked if x > 0.0]
        if self.gate == "rank" and self.rank > 0:
            theta = (positive[self.rank - 1] if len(positive) >= self.rank else positive[-1]) if positive else 0.0
        else:
            cum = theta = 0.0
            for x in ranked:
                cum += x
                theta = x
                if cum >= self.q:
                    break
        if theta > 0.0:
            self.bar = theta

    def gated(self, shares: list[float]) -> list[float]:
        """The Hill gate ``s / (1 + (θ/s)^h)``, renormalised; ungated if θ is unset or every product is 0."""
        if self.bar <= 0.0:
            return shares
        out = []
        for x in shares:
            if x <= 0.0:
                out.append(0.0)
                continue
            r = self.bar / x
            r_hi = math.exp(L.LN_I32F32_MAX / self.h)  # |h·ln r| > 20.89 ⟺ r > r_hi or r < 1/r_hi
            if r < 2.0**-31:  # ln fails in I32F32: safe_pow is 0, the gate 1
                g = 1.0
            elif r > r_hi or r * r_hi < 1.0:  # exp fails in I32F32 (either sign): i32::MAX
                g = 1.0 / (1.0 + 2147483647.0)
            else:
                g = 1.0 / (1.0 + (r * r * r if self.h == 3.0 else math.exp(self.h * math.log(r))))
            out.append(x * g)
        tot = 0.0
        for x in out:
            tot += x
        return [x / tot for x in out] if tot > 0.0 else shares

    def chain_buy(self, s: _Subnet, exc: int) -> tuple[int, int, int]:
        """Fee-free buy with the excess: ``(spent, bought, stranded)`` (spec §3.4, §A4). A failed swap
        returns its TAO to the credit (recycled) where the era refunds it, else it stays on the subnet account."""
        if exc <= 0 or self.e.chain_buy_alpha == "none":
            return 0, 0, 0
        ok, out, _, _ = self.buy(s, float(exc), fee_free=True)
        if not ok:
            return 0, 0, 0 if self.refund else exc
        s.tao += exc
        s.alpha_in -= int(out)
        s.chain_tao += exc
        s.pflow_acc += exc
        if self.e.chain_buy_alpha == "protocol":
            s.protocol += int(out)
        return exc, int(out), 0

    def weight_after(self, s: _Subnet, dt: float, da: float) -> float | None:
        """Balancer quote weight after adding ``(dt, da)`` at the same price; None outside [0.01, 0.99]."""
        t, a = float(s.tao), float(s.alpha_in)
        num = s.w2 * a * (t + dt)
        den = (1.0 - s.w2) * t * (a + da) + num
        w = num / den if num >= 0.5 or den - num >= 0.5 else 0.5  # both products round to 0: the chain sets 1/2
        return w if 0.01 <= w <= 0.99 else None

    # swaps: the formulas of dtao_lib.amm.cp_*_array / balancer_*_array, one subnet at a time
    def buy(self, s: _Subnet, tao_in: float, *, fee_free: bool = False) -> tuple[bool, float, float, float]:
        t, a = float(s.tao), float(s.alpha_in)
        if self.pool == "constant_product":
            net = max(tao_in - (0.0 if fee_free else self.flat_fee), 0.0)
            new_a = a * t / (t + net)
            out = math.floor(a - new_a)
            if new_a < 1e7 or out >= a:
                return False, 0.0, 0.0, 0.0
            return True, float(out), tao_in, 0.0
        fee = 0.0 if fee_free else float(math.floor(tao_in * (self.fee_rate / 65535.0)))
        net = tao_in - fee
        if self.pool == "balancer":
            out = math.floor(-a * math.expm1(-(s.w2 / (1.0 - s.w2)) * math.log1p(net / t)))
            if a < 1e6 or net > 1000.0 * t or out >= a or (out <= 0 and net != 0.0):
                return False, 0.0, 0.0, 0.0
            return True, float(out), net, fee
        out = math.floor(a * net / (t + net))
        if a < 1e6 or out >= a or (out == 0 and net > 0.0):
            return False, 0.0, 0.0, 0.0
        if self.fee_stays or fee_free:
            return True, float(out), tao_in, 0.0
        return True, float(out), net, fee

    def _sell_out(self, t: float, a: float, w2: float, x: float) -> float:
        if self.pool == "balancer":
            return float(math.floor(-t * math.expm1(-((1.0 - w2) / w2) * math.log1p(x / a))))
        return float(math.floor(t * x / (a + x)))

    def sell(self, s: _Subnet, alpha: float, *, fee_free: bool = False) -> tuple[bool, float, float, float]:
        t, a = float(s.tao), float(s.alpha_in)
        if self.pool == "constant_product":
            new_t = t * a / (a + alpha)
            gross = math.floor(t - new_t)
            if new_t < 1e7 or gross >= t:
                return False, 0.0, 0.0, 0.0
            return True, max(gross - (0.0 if fee_free else self.flat_fee), 0.0), 0.0, 0.0
        fee = 0.0 if fee_free else float(math.floor(alpha * (self.fee_rate / 65535.0)))
        net = alpha - fee
        out = self._sell_out(t, a, s.w2, net)
        if t < 1e6 or out >= t or (out <= 0 and net != 0.0):
            return False, 0.0, 0.0, 0.0
        if self.pool == "balancer" and net > 1000.0 * a:
            return False, 0.0, 0.0, 0.0
        if fee == 0.0 or (self.fee_stays and self.pool != "balancer"):
            return True, out, 0.0, 0.0
        t2, a2 = t - out, a + net
        out2 = self._sell_out(t2, a2, s.w2, fee)
        if t2 < 1e6 or out2 >= t2 or (self.pool == "balancer" and fee > 1000.0 * a2):
            return True, out, 0.0, fee
        return True, out, out2, 0.0

    def inject(self, s: _Subnet, tin: int, ain: int) -> None:
        """Add an accepted injection; in the v3 scrap eras only the part of injection + fees + scrap at the
        price joins the position (``get_proportional_alpha_tao_and_remainders``, state.v3_liquidity)."""
        if self.v3liq == L.V3LIQ_SQRT:  # v3.2.4 – v3.2.9: L' = √((T + τ)(A + α)) at the same √p
            pt, pa = s.res_tao + tin, s.res_alpha + ain
            t, a = float(s.tao), float(max(s.alpha_in, 1))
            g = math.expm1(0.5 * (math.log1p(pt / t) + math.log1p(pa / a)))
            dt, da = math.floor(t * g), math.floor(a * g)
            s.res_tao = s.res_alpha = 0
            s.off_tao += pt - dt
            s.off_alpha += pa - da
            s.tao += dt
            s.alpha_in += da
        elif self.v3liq == L.V3LIQ_SCRAP:
            pt, pa = s.res_tao + tin, s.res_alpha + ain
            p = s.tao / max(s.alpha_in, 1)
            t_eq = math.floor(pa * p)
            take_t, take_a = (t_eq, pa) if t_eq <= pt else (pt, min(math.floor(pt / p), pa))
            s.res_tao, s.res_alpha = pt - take_t, pa - take_a
            s.tao += take_t
            s.alpha_in += take_a
        else:
            s.tao += tin
            s.alpha_in += ain
        s.pflow_acc += tin

    def stake(self, s: _Subnet, tao_in: float, *, protocol: bool = False) -> float:
        ok, out, into, fee = self.buy(s, tao_in)
        if not ok:
            return 0.0
        held = math.floor(tao_in * (self.fee_rate / 65535.0)) if self.v3_holds_fees else 0
        s.res_tao += held  # the v3 position holds the fee off the price (the flow counts it)
        s.tao += int(into) - held
        s.alpha_in -= int(out)
        s.alpha_out += int(out)
        s.author_tao += int(fee)
        s.staked += int(tao_in)
        if protocol:
            s.pflow_acc += into
        else:
            s.flow_acc += into
        return out

    def unstake(self, s: _Subnet, alpha: float, *, protocol: bool = False, fee_free: bool = False) -> float:
        ok, out, author, burned = self.sell(s, alpha, fee_free=fee_free)
        if not ok:
            return -1.0
        s.alpha_out -= int(alpha)
        held = math.floor(alpha * (self.fee_rate / 65535.0)) if self.v3_holds_fees and not fee_free else 0
        s.res_alpha += held
        s.alpha_in += int(alpha) - int(burned) - held
        s.tao -= int(out) + int(author)
        s.author_tao += int(author)
        s.unstaked += int(out)
        if protocol:
            s.pflow_acc -= int(out) + int(author)
        else:
            s.flow_acc -= int(out) + int(author)
        return out


@dataclass
class ReferenceResult:
    """Records in the layout of :class:`dtao_lib.sim.SimResult` (``records``, ``network``)."""

    records: np.ndarray
    network: np.ndarray
    seconds: float


def _record(subs: list[_Subnet], m: _Model, rec: np.ndarray, net: np.ndarray, r: int, block: int, g: dict) -> None:
    for i, s in enumerate(subs):
        rec[r, L.M_ACTIVE, i] = 1.0
        rec[r, L.M_NETUID, i] = s.netuid
        rec[r, L.M_PRICE, i] = s.price(m.pool)
        rec[r, L.M_EMA, i] = s.ema
        rec[r, L.M_SHARE, i] = s.share
        rec[r, L.M_TAO, i] = s.tao * 1e-9
        rec[r, L.M_AIN, i] = s.alpha_in * 1e-9
        rec[r, L.M_AOUT, i] = s.alpha_out * 1e-9
        rec[r, L.M_PROT, i] = s.protocol * 1e-9
        rec[r, L.M_TAO_IN, i] = s.last_tao_in * 1e-9
        rec[r, L.M_ALPHA_IN, i] = s.last_alpha_in * 1e-9
        rec[r, L.M_ALPHA_EMIT, i] = s.last_ae * 1e-9
        rec[r, L.M_CHAIN_TAO, i] = s.last_excess * 1e-9
        rec[r, L.M_TE, i] = s.last_te * 1e-9
        rec[r, L.M_RP, i] = s.root_prop
        rec[r, L.M_FLOW, i] = s.flow * 1e-9
        rec[r, L.M_ENABLED, i] = 1.0
        rec[r, L.M_RES_TAO, i] = (s.res_tao + s.off_tao) * 1e-9
        rec[r, L.M_RES_ALPHA, i] = (s.res_alpha + s.off_alpha) * 1e-9
        rec[r, L.M_PRE_GATE, i] = s.pre_gate
    net[r, L.R_BLOCK] = block
    net[r, L.R_ISS] = g["issuance"] * 1e-9
    net[r, L.R_E] = g["E"] * 1e-9
    net[r, L.R_SUM_EMA] = sum(s.ema for s in subs)
    net[r, L.R_SELL] = g["sell"]
    net[r, L.R_MINTED] = g["minted"] * 1e-9
    net[r, L.R_RECYC_CB] = g["recycled"] * 1e-9
    net[r, L.R_RECYC_OTHER] = g["recycled_other"] * 1e-9
    net[r, L.R_N_ACTIVE] = len(subs)
    net[r, L.R_CHAIN_TAO] = sum(s.chain_tao for s in subs) * 1e-9
    net[r, L.R_AUTHOR_TAO] = sum(s.author_tao for s in subs) * 1e-9
    net[r, L.R_ROOT_TAO] = sum(s.root_tao for s in subs) * 1e-9
    net[r, L.R_STAKED] = sum(s.staked for s in subs) * 1e-9
    net[r, L.R_UNSTAKED] = sum(s.unstaked for s in subs) * 1e-9
    net[r, L.R_BAR] = m.bar
    net[r, L.R_STRANDED] = g["stranded"] * 1e-9


def run_reference(scenario: Scenario) -> ReferenceResult:
    """Run ``scenario`` with the scalar reference (slow: milliseconds per block for 128 subnets)."""
    import time

    if scenario.registration is not None or scenario.policies.custom:
        raise NotImplementedError("the reference covers neither registrations nor custom policies")
    m = _Model(scenario)
    e = m.e
    init = scenario.initial_state()
    start = scenario.start_block
    age0 = max(0, start - scenario.initial_age_blocks)
    tempo = scenario.tempo
    subs: list[_Subnet] = []
    for i in range(init.n):
        t, a = int(init.tao_reserve[i]), int(init.alpha_in[i])
        w2 = 0.5
        if e.pool == "balancer" and init.pool_price is not None:
            w2 = min(max(t / (float(init.pool_price[i]) * a + t), 0.01), 0.99)
        u = int(init.netuid[i])
        b = start - 1
        subs.append(_Subnet(netuid=u, tao=t, alpha_in=a, alpha_out=int(init.alpha_out[i]),
                            protocol=int(init.protocol_alpha[i]), ema=float(init.ema_price[i]), w2=w2,
                            first_emission=age0, registered=age0, last_epoch=b - ((b + u + 1) % (tempo + 1)),
                            burn=scenario.miner_burned, flow=0.0, pflow=0.0))
    issuance = scenario.issuance_rao
    e0 = _emission(issuance)
    if init.flow_ema is not None:
        for s, f in zip(subs, init.flow_ema, strict=True):
            s.flow = float(f)
    else:
        emas = [_grid(s.ema) for s in subs]
        tot = 0.0
        for x in emas:
            tot += x
        for s, x in zip(subs, emas, strict=True):
            s.flow = x / tot * e0 if tot > 0 else 0.0
    pol = scenario.policies
    ss = np.random.SeedSequence([scenario.seed, 0x51D])
    noise_rng = np.random.default_rng(ss.spawn(2)[0])
    n = len(subs)
    rec = np.zeros((scenario.n_records, L.N_M, n))
    net = np.zeros((scenario.n_records, L.N_R))
    g = {"issuance": issuance, "E": e0, "sell": 0, "minted": 0, "recycled": 0, "recycled_other": 0, "stranded": 0}
    _record(subs, m, rec, net, 0, start - 1, g)
    rec[0, list(L.PER_BLOCK_METRICS)] = np.nan
    pumps = {start + p.at_block_offset: p for p in pol.pumps}
    pump_sales = {start + p.sell_block_offset: p for p in pol.pumps if p.sell_block_offset is not None}
    pumped: dict[int, int] = {}
    k_rec = scenario.record_every
    last = start + scenario.blocks - 1
    t0 = time.perf_counter()
    for b in range(start, start + scenario.blocks):
        # events at the start of the block
        if b in pumps:
            p = pumps[b]
            s = next(x for x in subs if x.netuid == p.netuid)
            if round(p.tao * 1e9) <= _outside_pools(subs, issuance, g["stranded"]):
                pumped[id(p)] = int(m.stake(s, float(round(p.tao * 1e9))))
        if b in pump_sales:
            p = pump_sales[b]
            s = next(x for x in subs if x.netuid == p.netuid)
            amount = min(pumped.pop(id(p), 0), s.liquid())
            if amount > 0:
                m.unstake(s, float(amount))
        E = _emission(issuance)
        # TaoFlow EMAs fold in the last block's flows (spec §3.2)
        taoflow = e.share_rule in ("taoflow", "net_taoflow")
        for s in subs:
            if taoflow:
                s.flow = (1.0 - FLOW_EMA_ALPHA) * s.flow + FLOW_EMA_ALPHA * s.flow_acc
                s.pflow = (1.0 - FLOW_EMA_ALPHA) * s.pflow + FLOW_EMA_ALPHA * s.pflow_acc
            s.flow_acc = s.pflow_acc = 0.0
        issuances = [s.alpha_in + s.alpha_out + s.protocol + s.res_alpha + s.off_alpha for s in subs]
        emissions = [_emission(x) for x in issuances]
        emas = [_grid(s.ema) for s in subs]
        for s, x in zip(subs, issuances, strict=True):
            d = m.weighted_root + float(x)
            s.root_prop = _trunc32(m.weighted_root / d) if d > 0 else 0.0
        sum_ema = 0.0
        for x in emas:
            sum_ema += x
        sell_flag = sum_ema > 1.0
        # shares (spec §3.2)
        if e.share_rule == "ema_price":
            shares = [x / sum_ema if sum_ema > 0 else 0.0 for x in emas]
        elif taoflow:
            c = 0.0
            if e.share_rule == "net_taoflow":
                pu = pp = 0.0
                for s in subs:
                    pu += max(s.flow, 0.0)
                    pp += max(s.pflow, 0.0)
                c = min(1.0, pu / pp) if pp > 0 else 0.0
            nets = []
            for s in subs:
                x = s.flow
                if e.share_rule == "net_taoflow":
                    x = x - c * s.pflow if s.pflow > 0 else x - s.pflow
                nets.append(x)
            low = max(0.0, min([0.0] + [min(x, 0.0) for x in nets]))
            z = [x - low if x > low else 0.0 for x in nets]
            p = scenario.flow_exponent
            zmax = max(z)
            if p != 1.0 and zmax > 0:
                z = [(1.0 if x > 0 else 0.0) if p == 0.0 else (x / zmax) ** p for x in z]
            tot = 0.0
            for x in z:
                tot += x
            shares = [x / tot if tot > 0 else 0.0 for x in z]
        else:
            price_shares = [x / sum_ema if sum_ema > 0 else 0.0 for x in emas]
            if m.burn_weighting:
                weights = [ps * (1.0 - _grid(s.burn)) for ps, s in zip(price_shares, subs, strict=True)]
            else:  # spec 444 – 445 (§A3): pure price shares
                weights = list(price_shares)
            if e.share_rule == "price_burn_root_prop":
                weights = [w * s.root_prop for w, s in zip(weights, subs, strict=True)]
            tot = 0.0
            for w in weights:
                tot += w
            # all weights 0: fall back to the price shares, in era C too (subnet_emissions.rs v3.4.6 L362-372)
            shares = [w / tot for w in weights] if tot > 0 else price_shares
            for s, x in zip(subs, shares, strict=True):
                s.pre_gate = x
            if m.gate != "none":
                m.update_bar(shares, b)
                shares = m.gated(shares)
        sold_root: list[int] = [0] * n
        sold_user: list[int] = [0] * n
        injected = spent_total = stranded_total = 0
        for i, s in enumerate(subs):
            s.share = shares[i]
            if e.share_rule in ("ema_price", "taoflow", "net_taoflow"):
                s.pre_gate = s.share
            te = E * s.share
            te_int = math.floor(te)
            ae = emissions[i]
            aef = float(ae)
            p = _grid(s.price(m.pool))
            raw = te / (p if p > 0 else 1.0)
            subsidized = False
            rule = e.injection_rule
            if rule == "tao_full_alpha_capped":
                alpha_in, tao_in, excess = min(raw if p > 0 else aef, aef), te, 0.0
            elif rule == "subsidy":
                subsidized = p < s.share
                tao_in = p * E if subsidized else te
                # α_in = the subnet's alpha emission until v3.2.7, E from v3.2.8 (run_coinbase.rs v3.2.3 L87)
                alpha_in = (float(E) if e.at_least("v3.2.8") else aef) if subsidized else (raw if p > 0 else aef)
                excess = max(te - tao_in, 0.0)
            else:
                cap = {"cap_alpha_emission": aef, "cap_min_alpha_emission_e": min(aef, float(E))}.get(
                    rule, s.root_prop * aef)
                alpha_raw = raw if p > 0 else 0.0
                if alpha_raw > cap:
                    alpha_in, tao_in = cap, cap * p
                else:
                    alpha_in, tao_in = alpha_raw, te
                excess = max(te - tao_in, 0.0)
            tin = min(math.floor(tao_in), te_int)
            exc = min(math.floor(excess), te_int - tin)
            ain = math.floor(alpha_in)
            if m.reservoirs:
                # HEAD (spec §A4): chain buy on the pool as it is, then τ_in is materialised and the
                # Balancer takes the pending amounts it can (both, alpha only, TAO only, or none)
                spent, _bought, stranded = m.chain_buy(s, exc)
                injected += tin
                pt, pa = s.res_tao + tin, s.res_alpha + ain
                take_t = take_a = 0
                if pt or pa:
                    for dt, da in ((pt, pa), (0, pa), (pt, 0)):
                        w = m.weight_after(s, float(dt), float(da))
                        if w is not None:
                            s.w2, take_t, take_a = w, dt, da
                            break
                s.res_tao, s.res_alpha = pt - take_t, pa - take_a
                s.tao += take_t
                s.alpha_in += take_a
                s.pflow_acc += take_t
                tin, ain_pool = take_t, take_a
            else:
                # before the reservoirs, in the order of the era's run_coinbase.rs: the Balancer (v3.3.10,
                # v3.4.8 – spec 434) moves its weights for the injection (L91 at v3.4.8), buys on the
                # pre-injection reserves with them (L104) and only then adds the injection (L137, L147);
                # the subsidy era buys before injecting (v3.2.3 L90 vs L135-158); Uniswap v3 from v3.2.12
                # adds the injection to the position before the buy (v3.2.12 L112 → L115)
                if m.pool == "balancer" and (tin > 0 or ain > 0):
                    w2 = m.weight_after(s, float(tin), float(ain))
                    if w2 is not None:
                        s.w2 = w2
                    else:
                        if m.refused_issued:  # v3.3.10 L108-112: TotalIssuance += τ_in all the same
                            stranded_total += tin
                        tin = ain = 0
                inject_first = m.pool != "balancer" and rule != "subsidy"
                if not inject_first:
                    spent, _bought, stranded = m.chain_buy(s, exc)
                m.inject(s, tin, ain)
                injected += tin
                ain_pool = ain
                if inject_first:
                    spent, _bought, stranded = m.chain_buy(s, exc)
            spent_total += spent
            stranded_total += stranded
            # split α_out (spec §3.5)
            post = float(issuances[i]) + float(ain) + aef
            d2 = m.weighted_root + post
            rp = _trunc32(m.weighted_root / d2) if d2 > 0 else 0.0
            cut = aef * m.owner_cut
            rest = aef - cut
            root_alpha = rp * rest * 0.5
            server = rest * 0.5
            validator = rest - server - root_alpha
            paid, unpaid = root_alpha, 0.0
            if e.root_sell_flag and not sell_flag:
                paid = 0.0
                if e.root_alpha_without_sell_flag == "left_to_validators":
                    validator = rest - server
                else:
                    unpaid = root_alpha
            elif rule == "subsidy" and subsidized:
                paid, unpaid = 0.0, root_alpha
            parts = [math.floor(max(x, 0.0)) for x in (cut, server, validator, paid, unpaid)]
            dust = ae - sum(parts)
            if dust < 0:
                parts[2] += dust
            owner_a, server_a, val_a, root_a, unpaid_a = parts
            s.alpha_out += ae - unpaid_a
            s.pend_owner += owner_a
            s.pend_server += server_a
            s.pend_validator += val_a
            if root_a > 0:
                if e.root_dividends == "sold_each_block":
                    got = m.unstake(s, float(root_a), protocol=True, fee_free=True)
                    if got >= 0:
                        s.root_tao += int(got)
                else:
                    s.pend_root += root_a
            s.last_te, s.last_tao_in, s.last_alpha_in, s.last_excess, s.last_ae = te_int, tin, ain_pool, spent, ae
            # epoch (spec §3.6)
            due = b - s.last_epoch >= tempo if e.epoch_schedule == "dynamic" else (b + s.netuid + 1) % (tempo + 1) == 0
            if due:
                s.last_epoch = b
                sold_user[i] = math.floor(scenario.emission_sell * float(s.pend_owner + s.pend_server))
                sold_root[i] = math.floor(scenario.root_claim_swap * float(s.pend_root))
                s.pend_owner = s.pend_server = s.pend_validator = s.pend_root = 0
            # EMA price (spec §3.3)
            spot = s.price(m.pool)
            if e.ema_rule == "age_scaled":
                # stake_utils.rs: age from NetworkRegisteredAt with h = 100 800 (v2.0.6 L60-67), h a parameter
                # (v2.0.8 L68-72), age from start_call = FirstEmissionBlockNumber − 1 (v2.0.10 L61-69); saturating
                h = EMA_PRICE_HALVING_BLOCKS if e.ema_halving_blocks is None else e.ema_halving_blocks
                origin = s.registered if e.ema_age_origin == "registration" else max(s.first_emission - 1, 0)
                age = max(b - origin, 0)
                a = MOVING_ALPHA * age / (age + h) if age + h > 0 else 0.0
            else:
                a = MOVING_ALPHA
            target = spot if e.ema_rule == "fixed_unclamped" else min(spot, 1.0)
            s.ema = (1.0 - a) * s.ema + a * target
        # issuance before the users trade (spec §1): E minus what the coinbase and the exogenous rate recycled
        recycled = E - injected - spent_total - stranded_total
        other = math.floor(float(E) * scenario.recycle_rate)
        issuance += E - recycled - other
        g.update(issuance=issuance, E=E, sell=1 if sell_flag else 0, minted=g["minted"] + E,
                 recycled=g["recycled"] + recycled, recycled_other=g["recycled_other"] + other,
                 stranded=g["stranded"] + stranded_total)
        for i, s in enumerate(subs):
            if sold_root[i] > 0:
                got = m.unstake(s, float(sold_root[i]), protocol=True)
                if got >= 0:
                    s.root_tao += int(got)
            if sold_user[i] > 0:
                m.unstake(s, float(min(sold_user[i], s.liquid())))
        rel = b - start + 1
        if pol.noise is not None and rel % pol.noise.every == 0:
            draws = noise_rng.standard_normal((1, n))[0]
            budget = float(_outside_pools(subs, issuance, g["stranded"]))  # no stake beyond the TAO that exists
            for i, s in enumerate(subs):
                x = draws[i] * pol.noise.sigma_per_event * float(s.tao)
                if x >= 1.0 and float(math.floor(x)) <= budget:
                    budget -= float(math.floor(x))
                    m.stake(s, float(math.floor(x)))
                elif x <= -1.0:
                    amount = min(float(math.floor(-x / s.price(m.pool))), float(s.liquid()))
                    if amount >= 1.0:
                        m.unstake(s, amount)
        if pol.chasers is not None and rel % pol.chasers.every == 0 and pol.chasers.budget_rao > 0:
            _chase(subs, m, float(pol.chasers.budget_rao))
        if rel % k_rec == 0 or b == last:
            _record(subs, m, rec, net, (rel + k_rec - 1) // k_rec, b, g)
    return ReferenceResult(rec, net, time.perf_counter() - t0)


def _outside_pools(subs: list[_Subnet], issuance: int, stranded: int) -> int:
    """TAO users hold: issuance minus pool TAO, reservoir TAO and TAO stranded on subnet accounts."""
    return issuance - sum(s.tao + s.res_tao + s.off_tao for s in subs) - stranded


def _chase(subs: list[_Subnet], m: _Model, budget: float) -> None:
    """The emission chasers of :class:`dtao_lib.sim.policies.EmissionChasers`."""
    caps = [s.price(m.pool) * float(s.alpha_out) for s in subs]
    s_share = s_cap = 0.0
    for s, c in zip(subs, caps, strict=True):
        if c > 0:
            s_share += s.share
            s_cap += c
    if not (s_share > 0 and s_cap > 0):
        return
    ybar = s_share / s_cap
    ratios = [(s.share / c) / ybar if c > 0 else 0.0 for s, c in zip(subs, caps, strict=True)]
    sells = [c * max(1.0 - r, 0.0) if c > 0 else 0.0 for c, r in zip(caps, ratios, strict=True)]
    buys = [c * max(r - 1.0, 0.0) if c > 0 else 0.0 for c, r in zip(caps, ratios, strict=True)]
    su = sv = 0.0
    for u, v in zip(sells, buys, strict=True):
        su += u
        sv += v
    if not (su > 0 and sv > 0):
        return
    proceeds = 0.0
    for s, u in zip(subs, sells, strict=True):
        if u > 0:
            amount = min(float(math.floor(budget * u / su / s.price(m.pool))), float(s.liquid()))
            if amount >= 1.0:
                got = m.unstake(s, amount)
                if got > 0:
                    proceeds += got
    for s, v in zip(subs, buys, strict=True):
        if v > 0:
            d = float(math.floor(proceeds * v / sv))
            if d >= 1.0:
                m.stake(s, d)

