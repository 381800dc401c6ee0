"""Memory layout of the simulator state, shared by every engine (numba, numpy) and the events.

The state of ``n`` subnet *slots* is two 2-D arrays, one row per field and one column per slot:

* ``I`` (int64): everything the chain stores as an integer number of rao, block numbers, flags and
  the conservation ledgers (exact integers, so the conservation checks are exact);
* ``F`` (float64): prices, weights and EMAs (the chain keeps these in fixed point; here float64).

Network scalars are in ``G`` (int64) and ``GF`` (float64). Scenario parameters are in ``IP`` (int64)
and ``FP`` (float64). Rows are module constants so numba compiles them as literals.

A *slot* holds one subnet at a time; when a subnet is pruned its slot is reused by the newcomer
(``I[GEN]`` counts the generations of a slot). ``I[ACTIVE] == 0`` marks an empty slot.
"""

from __future__ import annotations

# --- I: int64 rows (rao unless noted) ----------------------------------------------------------
TAO = 0            # SubnetTAO: pool TAO reserve
AIN = 1            # SubnetAlphaIn: pool alpha reserve
AOUT = 2           # SubnetAlphaOut: alpha outside the pool (held + pending + unowned dust)
PROT = 3           # SubnetProtocolAlpha: chain-bought alpha kept by the protocol (v3.4.1+)
P_OWNER = 4        # pending owner alpha (drained at the epoch)
P_SERVER = 5       # pending miner alpha
P_VAL = 6          # pending validator alpha
P_ROOT = 7         # pending root alpha dividends
FIRST_EM = 8       # FirstEmissionBlockNumber (block)
REG_AT = 9         # NetworkRegisteredAt (block)
ACTIVE = 10        # 1 if the slot holds a subnet that emits (start_call done)
ENABLED = 11       # SubnetEmissionEnabled (1/0)
LAST_EPOCH = 12    # block of the last epoch (dynamic tempo)
NETUID = 13        # netuid of the subnet in the slot
GEN = 14           # generation of the slot (0 = the subnet present at the start)
INIT_TAO = 15      # pool TAO when the subnet entered the slot (ledger baseline)
INIT_ALPHA = 16    # AIN + AOUT + PROT when the subnet entered the slot (ledger baseline)
CUM_TAO_IN = 17    # Σ τ_in injected
CUM_CHAIN_TAO = 18  # Σ excess TAO spent on chain buys
CUM_TRADE_TAO = 19  # Σ net TAO into the pool from trades (stakes − unstakes − author fee legs)
CUM_ALPHA_INJ = 20  # Σ α_in injected
CUM_ALPHA_EMIT = 21  # Σ α_out minted (alpha emission)
CUM_ALPHA_RECYC = 22  # Σ alpha recycled (root alpha without sell flag, chain-bought alpha, burned fees)
CUM_CHAIN_ALPHA = 23  # Σ alpha bought by chain buys
CUM_ROOT_TAO = 24   # Σ TAO paid to root stakers (root alpha sold)
CUM_AUTHOR_TAO = 25  # Σ swap fees paid in TAO to block authors
LAST_TAO_IN = 26    # this block's τ_in (accepted)
LAST_ALPHA_IN = 27  # this block's α_in (accepted)
LAST_EXCESS = 28    # this block's excess TAO spent on the chain buy
LAST_AE = 29        # this block's alpha emission α_out
LAST_TE = 30        # this block's TAO emission τ = floor(E·share)
LAST_CHAIN_ALPHA = 31  # alpha bought by this block's chain buy
CUM_STAKED = 32     # Σ TAO paid by users for stake (gross, fees included)
CUM_UNSTAKED = 33   # Σ TAO received by users for unstake
RES_TAO = 34        # BalancerTaoReservoir: TAO materialised but not yet price-active (spec §A4); Uniswap v3
#                     (IP_V3_LIQ): the protocol position's uncollected fees and ScrapReservoirTao
RES_ALPHA = 35      # BalancerAlphaReservoir: alpha minted but not yet in the pool (spec §A4); Uniswap v3: fees, scrap
CUM_TAO_MAT = 36    # Σ τ_in materialised from the block credit (pool + reservoir; = CUM_TAO_IN without reservoirs)
CUM_FEE_TAO = 37    # Σ TAO swap fees held by the Uniswap-v3 protocol position (in RES_TAO; IP_V3_LIQ eras)
OFF_TAO = 38        # V3LIQ_SQRT: SubnetTAO − L·√p − RES_TAO, what the sqrt rule deposited beyond (or, < 0, short of)
#                     the position's growth; 0 in every other era
OFF_ALPHA = 39      # V3LIQ_SQRT: the same for SubnetAlphaIn and L/√p
N_I = 40

# --- F: float64 rows ----------------------------------------------------------------------------
W2 = 0             # Balancer quote (TAO) weight w2; 0.5 for the other pools
EMA = 1            # SubnetMovingPrice p̄
FLOW = 2           # user flow EMA S (rao per block)
PFLOW = 3          # protocol flow EMA P (rao per block)
FLOW_ACC = 4       # this block's user flow accumulator (rao)
PFLOW_ACC = 5      # this block's protocol flow accumulator (rao)
BURN = 6           # MinerBurned fraction
SHARE = 7          # emission share of the last block
RP = 8             # root proportion of the last block (pre-injection, the cap's)
PRE_GATE = 9       # share of the last block before the emission gate (= SHARE in eras without a gate)
N_F = 10

# --- G: int64 network scalars -------------------------------------------------------------------
G_BLOCK = 0        # next block to execute
G_ISS = 1          # TotalIssuance
G_ISS0 = 2         # issuance at the start
G_MINTED = 3       # Σ E minted
G_RECYC_CB = 4     # Σ TAO recycled by the coinbase (rounding dust, rejected injections, unspent excess)
G_RECYC_OTHER = 5  # Σ TAO recycled otherwise (recycle_rate, registration locks, dissolutions)
G_E = 6            # E of the last block
G_SELL = 7         # root-sell flag of the last block (Σ p̄ > 1)
G_ERR = 8          # debug: error code (0 = none)
G_ERR_BLOCK = 9    # debug: block of the first error
G_ERR_SLOT = 10    # debug: slot of the first error (-1 for network-level)
G_NOISE_I = 11     # number of noise events consumed (index into the draws)
G_DISSOLVED_PAID = 12  # Σ TAO paid to stakers of dissolved subnets
G_LOCKS = 13       # Σ TAO paid for subnet locks
G_TAO_MAT = 14     # Σ τ_in materialised from the credit (into pools or reservoirs)
G_CHAIN = 15       # Σ TAO spent on chain buys
G_STRANDED = 16    # Σ TAO issued but in no pool: chain-buy TAO stranded on subnet accounts by failed swaps (eras
#                    before the refund, §A4), and v3.3.10's refused injections (IP_REFUSED_ISSUED)
G_REJ = 17         # rejected user actions: counts at G_REJ + src·N_RSN + reason, amounts (rao) N_SRC·N_RSN later
N_SRC = 6          # sources of user actions (SRC_*)
N_RSN = 4          # reasons for rejecting them (RSN_*)
G_REJ_AMT = G_REJ + N_SRC * N_RSN
N_G = G_REJ_AMT + N_SRC * N_RSN

# --- IP: int64 parameters -----------------------------------------------------------------------
IP_SHARE = 0       # share rule code (SHARE_*)
IP_INJ = 1         # injection rule code (INJ_*)
IP_CHAIN = 2       # chain-buy destination (CHAIN_*)
IP_POOL = 3        # pool kind (POOL_*)
IP_FEE_U16 = 4     # swap fee rate /65535 (v3, balancer)
IP_FLAT_FEE = 5    # flat staking fee in rao (v2 pool)
IP_FEE_IN_POOL = 6  # 1 if swap fees stay in the pool (v2 pool, v3 fees to liquidity providers)
IP_EMA = 7         # EMA rule code (EMA_*)
IP_ROOT_DIVS = 8   # ROOT_SOLD_EACH_BLOCK or ROOT_CLAIMABLE
IP_SELL_RULE = 9   # 1 if the root-sell flag exists (v3.2.12+)
IP_NO_FLAG = 10    # NOFLAG_* : what happens to root alpha without the flag
IP_EPOCH = 11      # EPOCH_TEMPO_PLUS_ONE or EPOCH_DYNAMIC
IP_TEMPO = 12      # tempo (blocks)
IP_NOISE_EVERY = 13  # blocks between noise-trader events (0 = none)
IP_CHASE_EVERY = 14  # blocks between emission-chaser events (0 = none)
IP_START = 15      # first block of the run
IP_REC_EVERY = 16  # record every k-th block
IP_DEBUG = 17      # 1: conservation checks every block
IP_GATE = 18       # emission gate (GATE_*), spec §A2
IP_GATE_RANK = 19  # EmissionBarRank N (rank mode)
IP_BAR_EVERY = 20  # EMISSION_BAR_UPDATE_INTERVAL (blocks)
IP_BURN_W = 21     # 1 if shares are weighted by (1 − MinerBurned) (price_burn eras; off in spec 444)
IP_REFUND = 22     # 1 if a failed chain buy returns its TAO to the credit (recycled), spec §A4
IP_RESERVOIRS = 23  # 1 if the Balancer keeps what it cannot take in reservoirs (chain buy first), spec §A4
IP_SUBSIDY_AE = 24  # 1 if a subsidised subnet gets α_in = its alpha emission (v3.2.3 – v3.2.7), else E
IP_ORDER = 25      # order of injection and chain buy before the reservoirs (ORDER_*), see state.chain_buy_order
IP_EMA_FROM_REG = 26  # 1 if the EMA age counts from NetworkRegisteredAt (v2.0.6 – v2.0.9), else from start_call
IP_REFUSED_ISSUED = 27  # 1 if a refused Balancer injection's TAO is still issued, in no pool (v3.3.10), else recycled
IP_V3_LIQ = 28     # how the Uniswap-v3 protocol position takes fees and injections (V3LIQ_*), see state.v3_liquidity
N_IP = 29

# --- FP: float64 parameters ---------------------------------------------------------------------
FP_TW_ROOT = 0     # grid32(γ) · T_root  (the weighted root TAO of root_prop)
FP_OWNER_CUT = 1   # grid32(owner cut)
FP_MOVING_ALPHA = 2  # SubnetMovingAlpha
FP_EMA_HALVING = 3   # EMAPriceHalvingBlocks h
FP_FLOW_ALPHA = 4  # flow EMA smoothing a
FP_FLOW_P = 5      # FlowNormExponent p
FP_FLOW_CUTOFF = 6  # TaoFlowCutoff
FP_RECYCLE = 7     # exogenous recycling fraction of E per block
FP_ROOT_SWAP = 8   # fraction of drained root alpha sold (root claims of type Swap)
FP_EMIT_SELL = 9   # fraction of drained owner + miner alpha sold at the epoch
FP_NOISE_SIGMA = 10  # noise traders: σ of one event as a fraction of the pool's TAO
FP_CHASE_BUDGET = 11  # emission chasers: TAO (rao) rotated per event
FP_GATE_Q = 12     # EmissionBarQuantile q (q-mass mode)
FP_GATE_H = 13     # EmissionGateExponent h
FP_GATE_BAR = 14   # STATE, not a parameter: the stored EmissionGateBar θ (0 = not computed yet)
N_FP = 15

# --- codes --------------------------------------------------------------------------------------
SHARE_EMA = 0
SHARE_FLOW = 1
SHARE_NET_FLOW = 2
SHARE_PRICE_BURN_RP = 3
SHARE_PRICE_BURN = 4
SHARE_CODES = {"ema_price": SHARE_EMA, "taoflow": SHARE_FLOW, "net_taoflow": SHARE_NET_FLOW,
               "price_burn_root_prop": SHARE_PRICE_BURN_RP, "price_burn": SHARE_PRICE_BURN}

INJ_FULL = 0       # v2.0.0 – v3.2.2: τ_in = τ, α_in = min(τ/p, α_e)
INJ_SUBSIDY = 1    # v3.2.3 – v3.2.11
INJ_CAP_AE = 2     # v3.2.12 – v3.3.0: cap α_e
INJ_CAP_MIN_E = 3  # v3.3.1 – v3.4.5: cap min(α_e, E)
INJ_CAP_RP = 4     # v3.4.6 – HEAD: cap root_prop · α_e
INJ_CODES = {"tao_full_alpha_capped": INJ_FULL, "subsidy": INJ_SUBSIDY, "cap_alpha_emission": INJ_CAP_AE,
             "cap_min_alpha_emission_e": INJ_CAP_MIN_E, "cap_root_prop": INJ_CAP_RP}

CHAIN_NONE = 0
CHAIN_RECYCLED = 1
CHAIN_PROTOCOL = 2
CHAIN_CODES = {"none": CHAIN_NONE, "recycled": CHAIN_RECYCLED, "protocol": CHAIN_PROTOCOL}

POOL_CP = 0        # v2 constant product (flat fee kept by the pool)
POOL_V3 = 1        # Uniswap-v3 protocol full-range position (= constant product with a rate fee)
POOL_BAL = 2       # Balancer weighted pool
POOL_CODES = {"constant_product": POOL_CP, "uniswap_v3": POOL_V3, "balancer": POOL_BAL}

EMA_UNCLAMPED = 0
EMA_CLAMPED = 1
EMA_AGE = 2
EMA_CODES = {"fixed_unclamped": EMA_UNCLAMPED, "fixed_clamped": EMA_CLAMPED, "age_scaled": EMA_AGE}

ROOT_SOLD_EACH_BLOCK = 0
ROOT_CLAIMABLE = 1

NOFLAG_PAID = 0
NOFLAG_VALIDATORS = 1
NOFLAG_RECYCLED = 2
NOFLAG_CODES = {"paid": NOFLAG_PAID, "left_to_validators": NOFLAG_VALIDATORS, "recycled": NOFLAG_RECYCLED}

EPOCH_TEMPO_PLUS_ONE = 0
EPOCH_DYNAMIC = 1

# order of the injection and the chain buy in eras without reservoirs (spec §3.4; Rust lines in
# dtao_lib.sim.state.chain_buy_order). With reservoirs (spec 435+, §A4) the chain buy always comes first.
ORDER_INJECT_FIRST = 0   # inject (the v3 position grows), then buy on the deeper pool: v3.2.12+ on Uniswap v3
ORDER_BUY_FIRST = 1      # buy on the pool as it is, then inject: the subsidy era v3.2.3 – v3.2.11
ORDER_WEIGHTS_FIRST = 2  # Balancer: new weights for the injection, buy on the pre-injection reserves with
#                          those weights, then add the injection to the reserves: v3.3.10, v3.4.8 – spec 434

# the Uniswap-v3 protocol position (pallets/swap adjust_protocol_liquidity; state.v3_liquidity). TAO/AIN are
# its price-active reserves (L·√p, L/√p); RES_TAO/RES_ALPHA hold what SubnetTAO/SubnetAlphaIn have on top
V3LIQ_OFF = 0      # fees and injections go straight into TAO/AIN (every other pool)
V3LIQ_HELD = 1     # v3.1.6 – v3.2.3: the position's fees are never collected (held in RES_*, off the price)
V3LIQ_SCRAP = 2    # v3.2.10 – v3.4.7: fees + injection + scrap; the part proportional to the price joins the
#                    position, the rest waits in ScrapReservoirTao/Alpha (RES_*)
V3LIQ_SQRT = 3     # v3.2.4 – v3.2.9: fees collected with the injection, L' = √((L√p + Δτ)(L/√p + Δα)) at the
#                    same √p: both reserves grow by the factor L'/L; the differences accumulate in OFF_*

GATE_NONE = 0      # no emission gate (every era before spec 440)
GATE_QMASS = 1     # bar at the share where the running sum of sorted shares reaches q (spec 440)
GATE_RANK = 2      # bar at the N-th largest positive share (spec 441+)
GATE_CODES = {"none": GATE_NONE, "q_mass": GATE_QMASS, "rank": GATE_RANK}
I32_MAX_F = 2147483647.0  # safe_pow's ceiling: I32F32 from i32::MAX when exp overflows (spec §A2)
LN_I32F32_MAX = 20.88850403596977  # substrate-fixed I32F32 exp(x) fails for |x| above ≈ 20.8885 (a Taylor
# term overflows before the sum passes 2^31), in both directions: coinbase.emission_gate reproduces it bit for bit;
# measured there as a share ≈ 1056.6× the bar at h = 3
TWO31 = 2147483648.0

# --- user actions the simulator refused (issue: impossible policy actions are reported, not dropped)
SRC_NOISE = 0
SRC_CHASERS = 1
SRC_EMISSION_SALES = 2
SRC_ROOT_CLAIMS = 3
SRC_PUMP = 4
SRC_CUSTOM = 5
SOURCES = ("noise traders", "emission chasers", "emission sales", "root claims", "pump", "custom policy")
RSN_SUPPLY = 0     # a stake larger than all the TAO held outside the pools
RSN_RESERVE = 1    # the pool's output reserve is below its minimum
RSN_TOO_LARGE = 2  # the swap is larger than the pool accepts (input ≥ the input reserve, Balancer 1000×, drain)
RSN_TOO_SMALL = 3  # the swap would pay out nothing
REASONS = ("stake exceeds the TAO outside the pools", "pool reserve below its minimum",
           "trade larger than the pool accepts", "trade too small to pay out a rao")

# --- recorded metrics -----------------------------------------------------------------------------
# Per subnet (rec_sub[r, m, slot]); amounts in TAO / alpha (not rao), per-block flows of the recorded block.
M_PRICE = 0
M_EMA = 1
M_SHARE = 2
M_TAO = 3
M_AIN = 4
M_AOUT = 5
M_PROT = 6
M_TAO_IN = 7
M_ALPHA_IN = 8
M_ALPHA_EMIT = 9
M_CHAIN_TAO = 10
M_RP = 11
M_FLOW = 12
M_ENABLED = 13
M_ACTIVE = 14
M_NETUID = 15
M_GEN = 16
M_TE = 17
M_RES_TAO = 18    # RES_TAO (+ OFF_TAO): what SubnetTAO holds beyond the price-active TAO
M_RES_ALPHA = 19
M_PRE_GATE = 20
N_M = 21
SUB_METRICS = ("price", "ema_price", "share", "tao_reserve", "alpha_in", "alpha_out", "protocol_alpha",
               "tao_in_per_block", "alpha_in_per_block", "alpha_emission_per_block", "chain_buy_tao_per_block",
               "root_prop", "flow_ema_tao", "emission_enabled", "active", "netuid", "generation",
               "tao_emission_per_block", "tao_reservoir", "alpha_reservoir", "pre_gate_share")

PER_BLOCK_METRICS = (M_SHARE, M_TAO_IN, M_ALPHA_IN, M_ALPHA_EMIT, M_CHAIN_TAO, M_RP, M_TE, M_PRE_GATE)
"""Metrics of the recorded block itself: NaN in the first record (the state before the first block)."""

# Network (rec_glob[r, k])
R_BLOCK = 0
R_ISS = 1
R_E = 2
R_SUM_EMA = 3
R_SELL = 4
R_MINTED = 5
R_RECYC_CB = 6
R_RECYC_OTHER = 7
R_N_ACTIVE = 8
R_CHAIN_TAO = 9
R_AUTHOR_TAO = 10
R_ROOT_TAO = 11
R_STAKED = 12
R_UNSTAKED = 13
R_BAR = 14
R_STRANDED = 15
N_R = 16
GLOB_METRICS = ("block", "issuance_tao", "block_emission_tao", "sum_ema_price", "root_sell_flag",
                "minted_tao", "recycled_coinbase_tao", "recycled_other_tao", "active_subnets",
                "chain_buy_tao", "fees_to_authors_tao", "root_dividends_tao", "staked_tao", "unstaked_tao",
                "emission_bar", "stranded_tao")

# --- debug error codes ------------------------------------------------------------------------------
ERR_TAO_BLOCK = 1      # E != Σ τ_in + Σ chain-buy TAO + recycled
ERR_ALPHA_LEDGER = 2   # AIN + AOUT + PROT + RES_ALPHA != baseline + injected + emitted − recycled
ERR_TAO_LEDGER = 3     # TAO != baseline + τ_in + chain buys + trades
ERR_ISSUANCE = 4       # issuance != start + minted − recycled
ERR_NEGATIVE = 5       # a reserve, balance or pending amount went negative (or a reserve to 0)
ERR_SPLIT = 6          # the α_out split does not add up
ERR_PENDING = 7        # pending alpha exceeds alpha outside the pool
ERR_MINTED = 8         # Σ minted != Σ materialised + Σ chain buys + Σ stranded + Σ recycled (network, cumulative)
ERR_RESERVOIR = 9      # reservoir TAO != Σ materialised − Σ price-active τ_in (or a reservoir < 0)
ERR_SUPPLY = 10        # the TAO in pools and reservoirs exceeds the issuance
ERR_MESSAGES = {
    ERR_TAO_BLOCK: "TAO minted != Σ injected + Σ chain buys + recycled",
    ERR_ALPHA_LEDGER: "alpha in + out + protocol != start + Σ injected + Σ emitted − Σ recycled",
    ERR_TAO_LEDGER: "pool TAO != start + Σ τ_in + Σ chain buys + Σ net trades",
    ERR_ISSUANCE: "issuance != start + Σ minted − Σ recycled",
    ERR_NEGATIVE: "a reserve or balance became negative (or a pool reserve 0)",
    ERR_SPLIT: "owner + miners + validators + root + recycled + dust != α_out",
    ERR_PENDING: "pending alpha exceeds the alpha outside the pool",
    ERR_MINTED: "Σ TAO minted != Σ materialised τ_in + Σ chain buys + Σ stranded + Σ recycled",
    ERR_RESERVOIR: "reservoir TAO != Σ materialised τ_in − Σ price-active τ_in (or a reservoir < 0)",
    ERR_SUPPLY: "the TAO in pools and reservoirs exceeds the TAO issuance",
}

# --- constants of the model -------------------------------------------------------------------------
TOTAL_SUPPLY = 21_000_000_000_000_000
FIRST_THRESHOLD = 10_500_000_000_000_000
E0 = 1_000_000_000
TWO32 = 4294967296.0
V2_MIN_LIQ = 10_000_000.0
MIN_RESERVE = 1_000_000.0
BAL_MAX_INPUT = 1000.0
BAL_W_MIN = 0.01
BAL_W_MAX = 0.99
