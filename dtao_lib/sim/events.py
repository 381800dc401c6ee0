"""Rare events applied between kernel chunks, in Python: pumps and subnet registrations.

Events happen at the start of their block, before its coinbase. They use the same scalar swap code
as the compiled kernel (:mod:`dtao_lib.sim._scalar`, run as plain Python here) and the library's own
registration and dissolution rules (spec §6), so both engines apply them identically:

* lock price :func:`dtao_lib.registration.lock_cost` and rate limit
  :func:`~dtao_lib.registration.can_register_network`;
* which subnet is pruned: :func:`dtao_lib.registration.subnet_to_prune` (lowest EMA price outside
  immunity; nothing before v3.2.8, when the registration then fails at the subnet limit);
* the pruned subnet's pot: :func:`dtao_lib.dissolution.settle` with all credited user alpha as one
  claimant (pending emission is dropped with the subnet), chain-bought protocol alpha and, for subnets
  registered during the run from v3.4.8 on, the pool's alpha (spec §6.4); the protocol's share is
  recycled; owner lock refunds (legacy subnets only at HEAD) are not modelled;
* the newcomer's pool: :func:`dtao_lib.registration.new_subnet_pool` at the median spot price (HEAD)
  or 1 TAO / 1 alpha with the rest of the lock recycled (v2.0.0 – v3.3.13);
* ``start_call``: from v2.0.9 the newcomer emits only from the block its owner may call it
  (:meth:`dtao_lib.sim.Registration.start_call_delay_blocks`); until then its slot is held but inactive
  (no share, injection, alpha emission, epochs, EMA or trades) and counts towards the subnet limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import dissolution, registration
from ..params import BLOCKS_PER_DAY, RAO_PER_TAO
from . import _layout as L
from ._scalar import block_emission
from .kernel_numba import apply_buy, apply_sell, free_tao, reject
from .scenario import Scenario
from .state import SimState

__all__ = ["EventQueue"]


def _new_rejection(before: np.ndarray, G: np.ndarray, src: int) -> str | None:
    """The reason of a rejection of ``src`` counted since ``before`` (a copy of the counters), or None."""
    lo = src * L.N_RSN
    diff = G[L.G_REJ + lo: L.G_REJ + lo + L.N_RSN] - before[lo: lo + L.N_RSN]
    return L.REASONS[int(np.argmax(diff))] if diff.any() else None


@dataclass
class EventQueue:
    """The scheduled events of a run and the log of what happened."""

    scenario: Scenario
    queue: dict[int, list[tuple[str, Any]]] = field(default_factory=dict)
    log: list[dict[str, Any]] = field(default_factory=list)
    labels: dict[tuple[int, int], str] = field(default_factory=dict)
    pumped: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)
    waiting: dict[int, int] = field(default_factory=dict)  # slot → generation of a subnet waiting for start_call
    last_lock_rao: int = 0
    last_lock_block: int = 0

    @classmethod
    def for_scenario(cls, scenario: Scenario, state: SimState) -> EventQueue:
        q = cls(scenario)
        start = scenario.start_block
        for slot in range(state.n_slots):
            if state.I[L.ACTIVE, slot]:
                q.labels[(slot, 0)] = state.labels[slot]
                q.used.add(slot)
        for k, p in enumerate(scenario.policies.pumps):
            q.add(start + p.at_block_offset, "pump", k)
            if p.sell_block_offset is not None and p.sell_block_offset < scenario.blocks:
                q.add(start + p.sell_block_offset, "pump_sell", k)
        reg = scenario.registration
        if reg is not None:
            q.last_lock_rao = round(reg.last_lock_tao * RAO_PER_TAO)
            q.last_lock_block = max(0, start + round(reg.last_lock_day * BLOCKS_PER_DAY))
            for off in reg.schedule(scenario.blocks):
                q.add(start + off, "register", None)
        return q

    def add(self, block: int, kind: str, arg: Any) -> None:
        self.queue.setdefault(block, []).append((kind, arg))

    def next_block(self, after: int) -> int | None:
        """The first event block strictly after ``after``."""
        later = [b for b in self.queue if b > after]
        return min(later) if later else None

    def apply(self, block: int, state: SimState) -> None:
        """Run every event scheduled at ``block`` (in the order they were scheduled)."""
        for kind, arg in self.queue.pop(block, []):
            getattr(self, f"_{kind}")(block, state, arg)

    # -- pumps ----------------------------------------------------------------------------------
    def _slot_of(self, state: SimState, netuid: int) -> int | None:
        hit = np.flatnonzero((state.I[L.NETUID] == netuid) & (state.I[L.ACTIVE] == 1))
        return int(hit[0]) if hit.size else None

    def _pump(self, block: int, state: SimState, k: int) -> None:
        p = self.scenario.policies.pumps[k]
        slot = self._slot_of(state, p.netuid)
        if slot is None:
            self._log(block, "pump skipped", p.netuid, slot, note="netuid not present")
            return
        ip = state.IP
        rao = float(round(p.tao * RAO_PER_TAO))
        free = int(free_tao(state.I, state.G))
        if rao > free:
            reject(state.G, L.SRC_PUMP, L.RSN_SUPPLY, rao)
            self._log(block, "pump rejected", p.netuid, slot, tao=p.tao,
                      note=f"{L.REASONS[L.RSN_SUPPLY]} ({free / RAO_PER_TAO:,.0f} TAO)")
            return
        before = state.G[L.G_REJ:L.G_REJ_AMT].copy()
        got = apply_buy(state.I, state.F, state.G, ip, slot, rao, ip[L.IP_FEE_U16], float(ip[L.IP_FLAT_FEE]),
                        ip[L.IP_FEE_IN_POOL], False, L.SRC_PUMP)
        why = _new_rejection(before, state.G, L.SRC_PUMP)
        if why is not None:
            self._log(block, "pump rejected", p.netuid, slot, tao=p.tao, note=why)
            return
        self.pumped[k] = (slot, int(state.I[L.GEN, slot]), int(got))
        self._log(block, "pump", p.netuid, slot, tao=p.tao, alpha=got / RAO_PER_TAO)

    def _pump_sell(self, block: int, state: SimState, k: int) -> None:
        if k not in self.pumped:
            return
        slot, gen, alpha = self.pumped.pop(k)
        netuid = int(state.I[L.NETUID, slot])
        if state.I[L.GEN, slot] != gen or not state.I[L.ACTIVE, slot] or alpha <= 0:
            self._log(block, "pump sale skipped", netuid, slot, note="subnet gone or nothing bought")
            return
        liquid = int(state.I[L.AOUT, slot] - state.I[L.P_OWNER, slot] - state.I[L.P_SERVER, slot]
                     - state.I[L.P_VAL, slot] - state.I[L.P_ROOT, slot])
        amt = float(min(alpha, liquid))
        ip = state.IP
        before = state.G[L.G_REJ:L.G_REJ_AMT].copy()
        got = apply_sell(state.I, state.F, state.G, ip, slot, amt, ip[L.IP_FEE_U16], float(ip[L.IP_FLAT_FEE]),
                         ip[L.IP_FEE_IN_POOL], False, L.SRC_PUMP)
        if got < 0.0:
            self._log(block, "pump sale rejected", netuid, slot, alpha=amt / RAO_PER_TAO,
                      note=_new_rejection(before, state.G, L.SRC_PUMP))
            return
        self._log(block, "pump sale", netuid, slot, alpha=amt / RAO_PER_TAO, tao=got / RAO_PER_TAO)

    # -- registrations --------------------------------------------------------------------------
    def _register(self, block: int, state: SimState, _: Any) -> None:
        reg = self.scenario.registration
        assert reg is not None
        e = self.scenario.era_rules
        I, F = state.I, state.F  # noqa: E741
        if not registration.can_register_network(self.last_lock_block, block, rate_limit_blocks=reg.rate_limit_blocks,
                                                 era=e):
            later = self.last_lock_block + reg.rate_limit_blocks
            if later < self.scenario.start_block + self.scenario.blocks:
                self.add(later, "register", None)
                self._log(block, "registration delayed", -1, None, note=f"rate limit: retried at block {later}")
            else:
                self._log(block, "registration failed", -1, None, note="rate limit beyond the end of the run")
            return
        E = block_emission(int(state.G[L.G_ISS]))
        lock = registration.lock_cost(
            last_lock_rao=self.last_lock_rao, last_lock_block=self.last_lock_block, current_block=block,
            min_lock_rao=round(reg.min_lock_tao * RAO_PER_TAO), reduction_interval_blocks=reg.reduction_interval_blocks,
            block_emission_rao=E, era=e,
        )
        active = I[L.ACTIVE] == 1
        slot: int | None = None
        pruned_netuid = None
        if int(active.sum()) + len(self.waiting) >= reg.subnet_limit:  # subnets waiting for start_call count
            subnets = [
                {"netuid": int(I[L.NETUID, s]), "ema_price": float(F[L.EMA, s]), "registered_at": int(I[L.REG_AT, s]),
                 "immune": bool(block < I[L.REG_AT, s] + reg.immunity_blocks)}
                for s in np.flatnonzero(active)
            ]
            pruned_netuid = registration.subnet_to_prune(subnets, era=e)
            if pruned_netuid is None:
                why = "pruning disabled in this era" if e.pruning == "disabled" else "every subnet is immune"
                self._log(block, "registration failed", -1, None, note=f"subnet limit reached; {why}")
                return
            slot = self._slot_of(state, int(pruned_netuid))
            assert slot is not None
            self._dissolve(block, state, slot)
            active = I[L.ACTIVE] == 1
        if slot is None:
            free = np.array([s for s in np.flatnonzero(I[L.ACTIVE] == 0) if s not in self.waiting], dtype=np.int64)
            if free.size == 0:  # pragma: no cover - n_slots is sized for the schedule
                self._log(block, "registration failed", -1, None, note="no free slot")
                return
            slot = int(free[0])
        netuid = int(pruned_netuid) if pruned_netuid is not None else self._free_netuid(I, self.waiting)
        prices = state.spot_prices()[active]
        pool = registration.new_subnet_pool(lock, prices, min_lock_rao=round(reg.min_lock_tao * RAO_PER_TAO), era=e)
        self._seed_slot(state, slot, block, netuid, pool.tao_reserve_rao, pool.alpha_reserve_rao)
        state.G[L.G_LOCKS] += lock
        if pool.recycled_rao:
            state.G[L.G_RECYC_OTHER] += pool.recycled_rao
            state.G[L.G_ISS] -= pool.recycled_rao
        self.last_lock_rao, self.last_lock_block = lock, block
        gen = int(I[L.GEN, slot])
        self.labels[(slot, gen)] = f"new sn{netuid}"
        self._log(block, "registration", netuid, slot, tao=lock / RAO_PER_TAO, pool_tao=pool.tao_reserve_rao / 1e9,
                  pool_alpha=pool.alpha_reserve_rao / 1e9, recycled_tao=pool.recycled_rao / 1e9,
                  note="" if pruned_netuid is None else f"replaces pruned netuid {pruned_netuid}")
        delay = reg.start_call_delay_blocks(e)
        if delay > 0:  # registered, not emitting until start_call (FirstEmissionBlockNumber unset)
            I[L.ACTIVE, slot] = 0
            I[L.FIRST_EM, slot] = 0
            self.waiting[slot] = gen
            self.add(block + delay, "start_call", (slot, gen))
        if not e.new_subnet_emission_enabled:
            I[L.ENABLED, slot] = 0
            after = reg.enable_emission_after_days
            if after is not None:
                self.add(block + max(1, round(after * BLOCKS_PER_DAY)), "enable", (slot, gen))

    def _start_call(self, block: int, state: SimState, arg: tuple[int, int]) -> None:
        """``do_start_call``: the subnet emits from this block (``FirstEmissionBlockNumber``; the EMA age
        counts from the block before, spec §3.3)."""
        slot, gen = arg
        if self.waiting.get(slot) != gen or state.I[L.GEN, slot] != gen:  # pragma: no cover - defensive
            return
        del self.waiting[slot]
        I = state.I  # noqa: E741
        I[L.ACTIVE, slot] = 1
        I[L.FIRST_EM, slot] = block
        I[L.LAST_EPOCH, slot] = block
        self._log(block, "start_call", int(I[L.NETUID, slot]), slot)

    def _enable(self, block: int, state: SimState, arg: tuple[int, int]) -> None:
        slot, gen = arg
        if state.I[L.GEN, slot] == gen and (state.I[L.ACTIVE, slot] or self.waiting.get(slot) == gen):
            state.I[L.ENABLED, slot] = 1
            self._log(block, "emission enabled", int(state.I[L.NETUID, slot]), slot)

    @staticmethod
    def _free_netuid(I: np.ndarray, waiting: dict[int, int]) -> int:  # noqa: E741
        used = set(I[L.NETUID][I[L.ACTIVE] == 1].tolist()) | {int(I[L.NETUID, s]) for s in waiting}
        u = 1
        while u in used:
            u += 1
        return u

    def _dissolve(self, block: int, state: SimState, slot: int) -> None:
        I, G = state.I, state.G  # noqa: E741
        e = self.scenario.era_rules
        pending = int(I[L.P_OWNER, slot] + I[L.P_SERVER, slot] + I[L.P_VAL, slot] + I[L.P_ROOT, slot])
        user = int(I[L.AOUT, slot]) - pending
        include_in = bool(I[L.GEN, slot] > 0 and e.at_least("v3.4.8"))
        # reservoirs are folded into the reserves first (do_clear_protocol_liquidity, spec §A4)
        pot = int(I[L.TAO, slot] + I[L.RES_TAO, slot] + I[L.OFF_TAO, slot])  # SubnetTAO
        st = dissolution.settle(pot, [max(user, 0)],
                                alpha_in=int(I[L.AIN, slot] + I[L.RES_ALPHA, slot] + I[L.OFF_ALPHA, slot]),
                                protocol_alpha=int(I[L.PROT, slot]), include_alpha_in=include_in)
        G[L.G_DISSOLVED_PAID] += st.paid_to_stakers
        G[L.G_RECYC_OTHER] += st.recycled_rao
        G[L.G_ISS] -= st.recycled_rao
        netuid = int(I[L.NETUID, slot])
        self._log(block, "dissolution", netuid, slot, tao=pot / 1e9, paid_tao=st.paid_to_stakers / 1e9,
                  recycled_tao=st.recycled_rao / 1e9, ema_price=float(state.F[L.EMA, slot]))
        gen = I[L.GEN, slot]
        I[:, slot] = 0
        I[L.GEN, slot] = gen
        state.F[:, slot] = 0.0
        state.F[L.W2, slot] = 0.5

    def _seed_slot(self, state: SimState, slot: int, block: int, netuid: int, tao: int, alpha: int) -> None:
        I, F = state.I, state.F  # noqa: E741
        gen = int(I[L.GEN, slot]) + 1 if slot in self.used else 0
        self.used.add(slot)
        I[:, slot] = 0
        I[L.GEN, slot] = gen
        I[L.TAO, slot] = tao
        I[L.AIN, slot] = alpha
        I[L.FIRST_EM, slot] = block
        I[L.REG_AT, slot] = block
        I[L.ACTIVE, slot] = 1
        I[L.ENABLED, slot] = 1
        I[L.LAST_EPOCH, slot] = block
        I[L.NETUID, slot] = netuid
        I[L.INIT_TAO, slot] = tao
        I[L.INIT_ALPHA, slot] = alpha
        F[:, slot] = 0.0
        F[L.W2, slot] = 0.5
        F[L.BURN, slot] = self.scenario.miner_burned

    def _log(self, block: int, kind: str, netuid: int, slot: int | None, **info: Any) -> None:
        start = self.scenario.start_block
        self.log.append({"block": block, "day": (block - start) / BLOCKS_PER_DAY, "event": kind,
                         "netuid": netuid, "slot": -1 if slot is None else slot, **info})

