"""The numbers of the chapter "The halvings".

Each figure/table function of :mod:`dtao_lib.figures.halvings` is checked against an independent
derivation (closed forms of spec §1 and §3.4, spec facts, the snapshot), not against its own output.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dtao_lib import data, emission
from dtao_lib.figures import halvings as fig
from dtao_lib.interactive import Figure
from dtao_lib.params import TAO_WEIGHT

TAO = 10**9
S = 21_000_000 * TAO


def _rows(chart) -> list[dict]:
    return [r for rows in chart.to_dict()["datasets"].values() for r in rows]


# ---------------------------------------------------------------------------------------------
# The template's figures (spec §1)
# ---------------------------------------------------------------------------------------------
def test_days_per_halving_without_recycling_is_10_5_million_blocks():
    t = fig.days_per_halving((0, 20))
    stage = S // 2 // TAO / 1 / 7200                       # 10.5 M blocks at any stage / 7 200 a day
    assert t.loc[0, "halving 2"] == f"{stage:,.0f} days"
    assert t.loc[1, "halving 2"] == f"{stage / 0.8:,.0f} days"   # N / (1 − r)


def test_halving_table_first_date_from_the_first_threshold():
    t = fig.halving_table(rates_pct=(0,), max_halvings=2)
    start = dt.datetime.combine(fig.FIRST_HALVING_DATE, dt.time())
    blocks = (S // 4) // (TAO // 2)                         # 5.25 M TAO at 0.5 TAO a block
    assert t["date"].iloc[0] == start + dt.timedelta(seconds=12 * blocks)
    assert t["threshold_mtao"].tolist() == [15.75, 18.375]


def test_supply_tail_stops_at_t30():
    tail = fig.supply_tail()
    assert tail.attrs["gap_to_cap_rao"] == S >> 30          # S − T_30 = S / 2^30, truncated
    assert tail.loc[tail["halvings k"] == 30, "emission after (rao/block)"].iloc[0] == 0
    assert tail.loc[tail["halvings k"] == 29, "emission after (rao/block)"].iloc[0] == 1


def test_issuance_explorer_static_grid():
    chart = fig.issuance_explorer().chart()
    assert len(_rows(chart)) < 5_000


# ---------------------------------------------------------------------------------------------
# What moved the first halving
# ---------------------------------------------------------------------------------------------
def test_first_halving_shift():
    t = fig.first_halving_shift().data
    assert t["delay (days)"].tolist() == [10, 12]           # Dec 14 and 16 against Dec 4
    assert t["implied TAO recycled"].tolist() == [72_000, 86_400]   # days × 7 200 blocks × 1 TAO


# ---------------------------------------------------------------------------------------------
# Alpha halvings and the injection cap (spec §3.4)
# ---------------------------------------------------------------------------------------------
def test_injection_cap_table():
    t = fig.injection_cap_table((500_000, 5_000_000)).data
    assert (t["v3.2.12, any E"] == 1).all()
    assert (t["v3.3.1, E = 1 TAO"] == 1).all()
    assert (t["v3.3.1, E = 0.5 TAO"] == 0.5).all()
    gt = TAO_WEIGHT * 5_025_713.524
    rp = gt / (gt + np.array([500_000, 5_000_000]))
    np.testing.assert_allclose(t["HEAD (root_prop·α_emission)"], rp, atol=1e-8)
    with pytest.raises(ValueError, match="alpha_issuance_tao"):
        fig.injection_cap_table((-1,))


def test_alpha_halving_outlook_against_closed_form():
    t = fig.alpha_halving_outlook(3).data
    snap = data.load_subnet_snapshot()
    top = snap[snap["is_dynamic"]].nlargest(3, "total_alpha_alpha")
    assert t["netuid"].tolist() == top["netuid"].tolist()
    # v3.3.1 cap after the TAO halving: 1 α out and 0.5 α in per block, so issuance grows 1.5 α a block
    days = (10_500_000 - top["total_alpha_alpha"].to_numpy()) / 1.5 / 7200
    np.testing.assert_allclose(t["days to its first alpha halving, v3.3.1 cap"], np.ceil(days), atol=1)
    assert (t["days, HEAD cap"] > t["days to its first alpha halving, v3.3.1 cap"]).all()  # root_prop < 0.5
    assert (t["of the 10.5 M threshold"] < 1).all()        # nobody had halved by 2026-04-11
    with pytest.raises(ValueError, match="n"):
        fig.alpha_halving_outlook(0)


# ---------------------------------------------------------------------------------------------
# Early and late subnets (spec §7)
# ---------------------------------------------------------------------------------------------
def test_launch_issuance_puts_the_first_halving_on_15_december_2025():
    start = dt.datetime.combine(fig.DTAO_LAUNCH, dt.time())
    first = emission.halving_schedule(fig.launch_issuance_rao(), start_date=start, max_halvings=1)[0]
    assert first.date == dt.datetime(2025, 12, 15)


def test_cohort_flow_adr_tracks_2_pow_k_minus_n_under_v3_3_1():
    for start in (0, 2, 7):
        df = fig.cohort_frame(start, "v3.3.1", horizon_years=20)
        expected = 2.0 ** np.maximum(df["k"] - df["n"], 0)
        np.testing.assert_allclose(df["flow_adr"], expected, rtol=1e-4)
    late = fig.cohort_frame(2, "v3.3.1", horizon_years=20)
    assert (late["k"].iloc[0], late["n"].iloc[0], late["flow_adr"].iloc[0]) == (1, 0, 2.0)


def test_late_cohorts_end_with_higher_adr_under_v3_3_1_but_not_at_head():
    end = {y: fig.cohort_frame(y, "v3.3.1")["stock_adr"].iloc[-1] for y in (0, 2, 6)}
    assert end[0] < end[2] < end[6]
    early = fig.cohort_frame(0, "head", horizon_years=20)
    late = fig.cohort_frame(5, "head", horizon_years=25)
    # at HEAD the cap ignores TAO: the late subnet repeats the early one's path, shifted in time (up to the
    # root_prop refresh points, which TAO halvings move, see adr.adr_time_series)
    n = len(early)
    np.testing.assert_allclose(late["stock_adr"].iloc[:n].to_numpy(), early["stock_adr"].to_numpy(), atol=1e-3)


def test_cohort_frame_bad_input():
    with pytest.raises(ValueError, match="start_years"):
        fig.cohort_frame(-1, "v3.3.1")
    with pytest.raises(ValueError, match="start_years"):
        fig.cohort_frame(30, "v3.3.1", horizon_years=30)
    with pytest.raises(ValueError, match="era_name"):
        fig.cohort_frame(1, "v9")
    with pytest.raises(ValueError, match="sample_days"):
        fig.cohort_frame(1, "head", sample_days=0)


def test_cohort_explorer_static():
    chart = fig.cohort_explorer().chart()
    assert {p["name"] for p in chart.to_dict()["params"]} == {"late", "cohortera"}
    assert len(_rows(chart)) < 6_000


def test_haircut_gap_frame():
    df = fig.haircut_gap_frame(6)
    gap = df["k"] - df["n"]
    np.testing.assert_allclose(df["flow_adr"], 2.0 ** np.maximum(gap, 0))
    np.testing.assert_allclose(df["formula"], 2.0 ** gap)
    np.testing.assert_allclose(df["haircut"], 1 - 2.0 ** -np.maximum(gap, 0))
    assert df.loc[(df["k"] == 2) & (df["n"] == 0), "haircut"].iloc[0] == 0.75
    with pytest.raises(ValueError, match="max_halvings"):
        fig.haircut_gap_frame(-1)


# ---------------------------------------------------------------------------------------------
# Live faces
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [fig.issuance_explorer, fig.cohort_explorer, fig.haircut_by_gap])
def test_live_faces_build(make):
    f = make()
    assert isinstance(f, Figure)
    panel = f.live()
    assert panel.children[1].value == ""


def test_live_haircut_table():
    panel = fig.haircut_by_gap().live()
    k, n = panel.children[0].children
    k.value, n.value = 3, 1
    assert panel.children[1].value == ""          # re-rendered without an error


def test_cohort_grid_columns():
    g = fig.cohort_grid(late_years=(1,), eras=("v3.3.1",), horizon_years=5)
    assert set(g["cohort"]) == {"early (Feb 2025)", "late"}
    assert isinstance(g, pd.DataFrame)


# ---------------------------------------------------------------------------------------------
# Fees recycled from spec 444 (addendum §A8 [P]) and the second halving
# ---------------------------------------------------------------------------------------------
def _second_halving_days(fees: float, other: float, d1: int) -> float:
    """Independent closed form: net growth (0.5 TAO − recycled per block) per block, in two phases."""
    t1, t2 = 10_500_000 * 10**9, 15_750_000 * 10**9
    e = 5 * 10**8
    g1 = e - int(e * (other / 3_600))
    g2 = e - int(e * ((other + fees) / 3_600))
    at_fees = t1 + d1 * 7_200 * g1
    return d1 + -(-(t2 - at_fees) // g2) / 7_200


def test_second_halving_matches_the_closed_form_and_the_addendum():
    import datetime as dt

    from dtao_lib.figures import halvings as hfig

    d1 = (hfig.FEES_RECYCLED_FROM - hfig.FIRST_HALVING_DATE).days
    base = hfig.second_halving(0.0)
    # no recycling: 5.25 M TAO at 3 600 TAO a day = 1 458⅓ days after the first halving (addendum §A8)
    assert base.block == 10_500_000
    assert base.date.date() == dt.date(2029, 12, 12)
    for fees, other in ((100.0, 0.0), (500.0, 250.0), (37.5, 12.0)):
        h = hfig.second_halving(fees, other_recycled_tao_per_day=other)
        assert h.block / 7_200 == pytest.approx(_second_halving_days(fees, other, d1), abs=1 / 7_200)
    df = hfig.second_halving_sensitivity((0.0, 50.0, 100.0), (0.0, 100.0))
    for _, g in df.groupby("other_tao_per_day"):
        assert g["delay_days"].iloc[0] == 0
        assert g["delay_days"].is_monotonic_increasing
        assert g["date"].is_monotonic_increasing
    with pytest.raises(ValueError, match="below the 3,600 TAO"):
        hfig.second_halving(3_000.0, other_recycled_tao_per_day=600.0)
    with pytest.raises(ValueError, match="fees_tao_per_day"):
        hfig.second_halving(-1.0)


def test_second_halving_explorer_static_face():
    from dtao_lib.figures import halvings as hfig

    spec = hfig.second_halving_explorer().chart().to_dict()
    bound = [p for p in spec.get("params", []) if "bind" in p]
    assert [p["name"] for p in bound] == ["other_recycling"]
    assert bound[0]["bind"]["input"] == "select"


# ---------------------------------------------------------------------------------------------
# Bad input the generated suite (tests/test_bad_input.py) does not fuzz: strings, dates, near-total recycling
# ---------------------------------------------------------------------------------------------
def test_string_choices_list_the_allowed_values():
    with pytest.raises(ValueError, match=r"era_name must be one of 'v3\.3\.1', 'head', got 'v9'"):
        fig.cohort_frame(1, "v9")
    with pytest.raises(ValueError, match=r"eras\[1\] must be one of 'v3.3.1', 'head', got 'A'"):
        fig.cohort_grid(late_years=(1,), eras=("head", "A"), horizon_years=3)
    with pytest.raises(TypeError, match="eras must be a non-empty sequence"):
        fig.cohort_grid(late_years=(1,), eras="head", horizon_years=3)
    with pytest.raises(ValueError, match=r"late_years must contain numbers in \[0, 3\)"):
        fig.cohort_grid(late_years=(3,), horizon_years=3)
    with pytest.raises(ValueError, match=r"horizon_years must be an integer in \[13, 200\]"):
        fig.cohort_explorer(horizon_years=12)   # the static face's late subnets register up to year 12


def test_dates_must_be_dates():
    with pytest.raises(TypeError, match=r"start_date must be a datetime\.date"):
        fig.issuance_grid(start_date="2025-12-15")
    with pytest.raises(TypeError, match=r"start_date must be a datetime\.date"):
        fig.halving_table(start_date=None)
    with pytest.raises(TypeError, match=r"fees_from must be a datetime\.date"):
        fig.second_halving(10.0, fees_from="2026-08-06")
    with pytest.raises(TypeError, match=r"first_halving must be a datetime\.date"):
        fig.second_halving(10.0, first_halving=20251215)


def test_recycling_near_100_percent():
    # recycling 3 599 of the 3 600 TAO minted a day leaves 138 889 rao a block: 5.25 M TAO take ~14 000 years
    with pytest.raises(ValueError, match="second halving has no calendar date"):
        fig.second_halving(3_599.0)
    # the table keeps the halvings that have a date: at 0 % every one (k = 2 … 30); at 99.9 % only the
    # second, 1.05e10 blocks (0.5 TAO − 499 500 000 rao per block over 5.25 M TAO) = 1 458 333 days later
    t = fig.halving_table(rates_pct=(0, 99.9), max_halvings=64)
    assert t.loc[t["recycle_pct"] == 0, "halving"].tolist() == list(range(2, 31))
    late = t[t["recycle_pct"] == 99.9]
    assert late["halving"].tolist() == [2]
    assert late["days_from_start"].tolist() == [5_250_000 * 10**9 // 500_000 * 12 // 86_400]
    with pytest.raises(ValueError, match=r"rates_pct must contain numbers in \[0, 100\)"):
        fig.issuance_grid(rates_pct=(100,))


def test_all_lists_what_the_chapter_uses():
    import json
    from pathlib import Path

    nb = json.loads((Path(__file__).parents[1] / "chapters" / "halvings.ipynb").read_text())
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    used = {n for n in fig.__all__ if f"fig.{n}(" in code}
    assert {"issuance_explorer", "cohort_explorer", "haircut_by_gap", "second_halving_explorer"} <= used
    assert all(callable(getattr(fig, n)) for n in fig.__all__)


def test_issuance_explorer_far_start_date():
    """A start late in year 9999 leaves no halving with a calendar date: the table keeps its columns and the
    static face draws (KeyError 'date' before; pandas timestamps end in 2262)."""
    import datetime as dt

    t = fig.halving_table(start_date=dt.date(9999, 12, 31), rates_pct=(0,))
    assert t.empty
    assert "date" in t.columns
    fig.issuance_explorer(start_date=dt.date(9999, 12, 31), years=2).chart()
    fig.issuance_explorer(start_date=dt.date(2200, 1, 1), years=200).chart()
