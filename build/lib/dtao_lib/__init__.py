"""dtao_lib — Bittensor's on-chain economics, reproduced from subtensor.

One module per mechanism, each citing the section of the specification
(``subtensor-mechanics.md``) it implements:

=================  ==========================================================  =========
module             mechanism                                                   spec
=================  ==========================================================  =========
``emission``       block emission, halvings, issuance projection               §1
``root_era``       pre-dTAO root epoch (rank, trust, sigmoid consensus)        §2
``coinbase``       per-block emission shares, injection, α_out split           §3
``ema``            the subnet EMA ("moving") price                             §3.3
``taoflow``        TaoFlow EMA and pow normalisation                           §3.2
``amm``            constant-product, Uniswap-v3 full-range, Balancer pools     §4
``yuma``           Yuma consensus epoch (YC2 and Yuma 3)                       §5
``registration``   lock cost, pruning, new-subnet seeding                      §6.1–6.3
``dissolution``    dissolution settlement and owner refunds                    §6.4
``collateral``     miner registration collateral (spec 435)                    add. §A7
``ownership``      conviction roll-forward and owner change                    add. §A6
``adr``            alpha distribution ratio, liquidation price, haircut        §7
``params``         mainnet parameters and protocol eras                        §0.1, §9
``sim``            the whole network block by block (all of the above)         §1–§7
=================  ==========================================================  =========

Every era-dependent rule takes ``era=`` (default ``"head"``: runtime spec 459, September 2026, the
addendum ``subtensor-after-2026-06.md``; the June 2026 baseline is ``"2026-06-30"`` / ``"spec425"``);
see :func:`dtao_lib.params.era`.
"""

from .params import PROTOCOL_DESCRIBED, era

__version__ = "0.1.0"
__all__ = ["PROTOCOL_DESCRIBED", "__version__", "era"]
