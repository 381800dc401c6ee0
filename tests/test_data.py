"""dtao_lib.data: the shipped mainnet data, its loaders, and the offline refresh path."""

from __future__ import annotations

import csv
import dataclasses
import doctest
import json
import shutil
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dtao_lib.data as data
from dtao_lib.data import (
    SubnetState,
    load_emission_days,
    load_emission_shares,
    load_subnet_snapshot,
    load_vectors,
    subnet_state,
    verify_checksums,
)
from dtao_lib.data import __main__ as cli
from dtao_lib.data import emissions as emissions_mod
from dtao_lib.data import refresh as refresh_mod
from dtao_lib.data import snapshot as snapshot_mod
from dtao_lib.data import vectors as vectors_mod
from dtao_lib.data._paths import REPO_DATA_DIR

SNAPSHOT_CSV = REPO_DATA_DIR / "subnets_2026-04-11" / "subnets_snapshot_2026-04-11.csv"
SHARES_CSV = REPO_DATA_DIR / "emission_shares_2025" / "emission_shares_2025.csv"
DAYS_CSV = REPO_DATA_DIR / "emission_shares_2025" / "emission_days_2025.csv"
VECTORS_JSON = REPO_DATA_DIR / "vectors" / "public.json"


@pytest.fixture(autouse=True)
def _no_data_dir_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts from the repository's data/ unless it sets DTAO_DATA_DIR itself."""
    monkeypatch.delenv(data.DATA_DIR_ENV, raising=False)


@pytest.fixture(scope="module")
def snap() -> pd.DataFrame:
    return load_subnet_snapshot()


@pytest.fixture(scope="module")
def shares() -> pd.DataFrame:
    return load_emission_shares()


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write_rows(path: Path, rows: list[dict[str, str]], fields: list[str] | None = None) -> Path:
    fields = fields or list(rows[0])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


# ---------------------------------------------------------------------------------------------
# Shipped files: integrity and layout
# ---------------------------------------------------------------------------------------------
def test_shipped_files_match_sha256sums() -> None:
    status = verify_checksums()
    assert len(status) == 7
    assert set(status.values()) == {"ok"}, status


def test_every_dataset_folder_has_licence_and_provenance() -> None:
    for folder in ("subnets_2026-04-11", "emission_shares_2025"):
        assert (REPO_DATA_DIR / folder / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
        assert (REPO_DATA_DIR / folder / "PROVENANCE.md").is_file()
    assert (REPO_DATA_DIR / "vectors" / "PROVENANCE.md").is_file()
    readme = (REPO_DATA_DIR / "README.md").read_text(encoding="utf-8")
    for rel in verify_checksums():
        assert f"`{rel}`" in readme or Path(rel).name in readme, rel


def test_snapshot_csv_is_the_upstream_bytes_with_crlf() -> None:
    raw = SNAPSHOT_CSV.read_bytes()
    assert raw.count(b"\r\n") == 130  # header + 129 rows, CRLF as written upstream
    assert b"\n" not in raw.replace(b"\r\n", b"")


# ---------------------------------------------------------------------------------------------
# Subnet snapshot
# ---------------------------------------------------------------------------------------------
def test_snapshot_shape_types_and_attrs(snap: pd.DataFrame) -> None:
    assert len(snap) == 129
    assert snap["netuid"].tolist() == list(range(129))
    assert snap["netuid"].is_unique
    assert snap.attrs["snapshot_date"] == "2026-04-11"
    assert Path(snap.attrs["source"]) == SNAPSHOT_CSV
    assert set(snap.attrs["units"]) == set(snap.columns)
    assert snap["netuid"].dtype == np.int64
    assert snap["tempo_blocks"].dtype == np.int64
    assert snap["is_dynamic"].dtype == bool
    assert str(snap["immunity_period_blocks"].dtype) == "Int64"
    for col in ("tao_in_tao", "alpha_in_alpha", "alpha_out_alpha", "price_tao_per_alpha", "adr", "haircut"):
        assert snap[col].dtype == np.float64, col
    for col in ("name", "symbol", "owner_hotkey", "github"):
        assert isinstance(snap[col].dtype, pd.StringDtype), col
    assert "net_flow_7d" not in snap.columns  # always empty upstream
    assert snap["github"].isna().sum() == 21


def test_snapshot_invariants_from_provenance(snap: pd.DataFrame) -> None:
    total = snap["alpha_in_alpha"] + snap["alpha_out_alpha"]
    assert (snap["total_alpha_alpha"] - total).abs().max() <= 1.5e-4  # each value rounded to 4 decimals
    mcap = snap["total_alpha_alpha"] * snap["price_tao_per_alpha"]
    assert (snap["market_cap_tao"] - mcap).abs().max() <= 0.01  # market cap rounded to 2 decimals
    for col in ("tao_in_tao", "alpha_in_alpha", "alpha_out_alpha", "price_tao_per_alpha"):
        assert (snap[col] >= 0).all(), col
    root = snap.set_index("netuid").loc[0]
    assert root["price_tao_per_alpha"] == 1.0
    assert snap.loc[~snap["is_dynamic"], "netuid"].tolist() == [0]
    assert snap.loc[snap["moving_price_tao_per_alpha"].isna(), "netuid"].tolist() == [0, 96]
    # the author's emission heuristic is not issuance: ≈ 6 676 τ/day vs 3 600 τ/day issued
    assert snap["emission_estimate_tao_per_day"].sum() == pytest.approx(6676.28, abs=0.01)


def test_snapshot_derived_columns(snap: pd.DataFrame) -> None:
    d = snap[snap["is_dynamic"] & (snap["alpha_out_alpha"] > 0)]
    np.testing.assert_allclose(d["spot_price_tao_per_alpha"], d["tao_in_tao"] / d["alpha_in_alpha"], rtol=1e-15)
    np.testing.assert_allclose(d["adr"], d["alpha_out_alpha"] / d["alpha_in_alpha"], rtol=1e-15)
    np.testing.assert_allclose(d["liquidation_price_tao_per_alpha"], d["tao_in_tao"] / d["alpha_out_alpha"], rtol=1e-15)
    # spec §7: P_L = P / ADR and h = 1 − 1/ADR = 1 − P_L / P
    liq, spot = d["liquidation_price_tao_per_alpha"], d["spot_price_tao_per_alpha"]
    np.testing.assert_allclose(liq, spot / d["adr"], rtol=1e-12)
    np.testing.assert_allclose(d["haircut"], 1 - liq / spot, rtol=1e-12, atol=1e-15)
    by = snap.set_index("netuid")
    # root has no AMM pool; netuid 96 has no outstanding alpha
    assert by.loc[0, ["spot_price_tao_per_alpha", "adr", "liquidation_price_tao_per_alpha", "haircut"]].isna().all()
    assert by.loc[96, "adr"] == 0.0
    assert np.isnan(by.loc[96, "liquidation_price_tao_per_alpha"])
    assert np.isnan(by.loc[96, "haircut"])
    # PROVENANCE: price_tao is not tau_in/alpha_in for some subnets (netuid 103: 0.00602 vs 0.00700)
    assert by.loc[103, "price_spot_gap_rel"] == pytest.approx(-0.1395, abs=5e-4)
    assert d["price_spot_gap_rel"].abs().max() < 0.16


def test_snapshot_derived_columns_use_dtao_lib_adr(snap: pd.DataFrame) -> None:
    from dtao_lib import adr as adr_mod

    d = snap[snap["is_dynamic"] & (snap["alpha_out_alpha"] > 0)]
    a_out, a_in = d["alpha_out_alpha"].to_numpy(), d["alpha_in_alpha"].to_numpy()
    np.testing.assert_array_equal(d["adr"], adr_mod.adr(a_out, a_in))
    np.testing.assert_array_equal(
        d["liquidation_price_tao_per_alpha"],
        adr_mod.liquidation_price(d["tao_in_tao"].to_numpy(), d["alpha_out_alpha"].to_numpy()),
    )
    np.testing.assert_array_equal(d["haircut"], adr_mod.haircut(d["adr"].to_numpy()))


def test_subnet_state(snap: pd.DataFrame) -> None:
    s = subnet_state(64)
    assert isinstance(s, SubnetState)
    assert (s.netuid, s.name, s.snapshot_date) == (64, "Chutes", "2026-04-11")
    assert s.tao_in_tao == 211988.8941
    assert s.alpha_in_alpha == 2558110.6795
    assert s.adr == pytest.approx(2411049.3351 / 2558110.6795)
    assert isinstance(s.immunity_period_blocks, int)
    assert isinstance(s.tempo_blocks, int)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.tao_in_tao = 0.0  # type: ignore[misc]
    assert subnet_state(64, snap) == s
    assert subnet_state(64, SNAPSHOT_CSV) == s
    root = subnet_state(0, snap)
    assert root.adr is None
    assert root.moving_price_tao_per_alpha is None
    assert root.github is None
    new = subnet_state(96, snap)
    assert new.adr == 0.0
    assert new.liquidation_price_tao_per_alpha is None
    assert new.haircut is None


def test_subnet_state_errors(snap: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"netuid 129 is not in the snapshot .*netuids 0–128"):
        subnet_state(129, snap)
    with pytest.raises(TypeError, match="netuid must be an integer"):
        subnet_state("64", snap)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a frame from load_subnet_snapshot"):
        subnet_state(1, pd.DataFrame({"netuid": [1]}))


# ---------------------------------------------------------------------------------------------
# Emission shares
# ---------------------------------------------------------------------------------------------
def test_emission_shares_shape(shares: pd.DataFrame) -> None:
    assert list(shares.columns) == ["date", "timestamp_utc", "netuid", "tao_per_block", "share"]
    assert len(shares) == 5431
    days = shares["date"].drop_duplicates()
    assert len(days) == 44
    assert days.tolist() == list(pd.date_range("2025-09-14", "2025-10-27", freq="D"))
    assert shares["netuid"].nunique() == 127
    assert 0 not in set(shares["netuid"])
    assert 100 not in set(shares["netuid"])
    assert not shares.duplicated(["date", "netuid"]).any()
    assert shares["netuid"].dtype == np.int64
    assert shares["tao_per_block"].dtype == np.float64
    assert str(shares["timestamp_utc"].dt.tz) == "UTC"
    assert (shares["timestamp_utc"].dt.normalize().dt.tz_localize(None) == shares["date"]).all()
    per_day = shares.groupby("date")["netuid"].size()
    assert per_day.min() == 118
    assert per_day.max() == 127
    assert set(shares.attrs["units"]) == set(shares.columns)


def test_emission_values_sum_to_one_tao_per_block(shares: pd.DataFrame) -> None:
    raw = shares.groupby("date")["tao_per_block"].sum()
    assert (raw >= 0.99).all()
    assert (raw <= 1.0 + 1e-9).all()
    np.testing.assert_allclose(shares.groupby("date")["share"].sum(), 1.0, rtol=1e-12)
    assert (shares["tao_per_block"] > 0).all()  # zero-emission subnets are excluded upstream
    # values are whole rao per block (9 decimals)
    rao = shares["tao_per_block"] * 1e9
    assert np.abs(rao - np.round(rao)).max() < 1e-3


def test_emission_days_table(shares: pd.DataFrame) -> None:
    days = load_emission_days()
    assert len(days) == 44
    assert days["date"].tolist() == shares["date"].drop_duplicates().tolist()
    assert days["block"].is_monotonic_increasing
    assert days["block"].iloc[0] == 6_442_760
    assert days["tao_in_pools_tao"].iloc[0] == pytest.approx(1.169e6, rel=1e-3)
    assert days["tao_in_pools_tao"].iloc[-1] == pytest.approx(1.421e6, rel=1e-3)
    assert days["source_file"].iloc[0] == "emissions_20250914.json"
    assert days["timestamp_utc"].iloc[1] == pd.Timestamp("2025-09-15T18:54:58.666800Z")


def _raw_day(date: str, values: dict[str, float], *, total: float | None = None) -> dict:
    return {
        "emissions": values,
        "metadata": {
            "date": date.replace("-", ""),
            "timestamp": f"{date}T16:00:00+00:00",
            "total_emission_rate": sum(values.values()) if total is None else total,
            "total_tao_emitted": 1000.0,
            "emission_percentage": 1000.0 / 5_000_000 * 100,
        },
        "statistics": {},
    }


def _raw_folder(tmp_path: Path) -> Path:
    src = tmp_path / "raw"
    src.mkdir()
    for date, vals in (("2025-01-01", {"1": 0.25, "2": 0.75}), ("2025-01-02", {"2": 0.5, "3": 0.499999999})):
        (src / f"emissions_{date.replace('-', '')}.json").write_text(json.dumps(_raw_day(date, vals)))
    return src


def test_raw_json_folder_and_conversion_round_trip(tmp_path: Path) -> None:
    src = _raw_folder(tmp_path)
    from_raw = load_emission_shares(src)
    assert from_raw["netuid"].tolist() == [1, 2, 2, 3]
    assert from_raw["share"].tolist()[:2] == [0.25, 0.75]
    shares_p, days_p = emissions_mod.convert_emission_jsons(src, tmp_path / "out", name="test")
    assert shares_p.name == "emission_shares_test.csv"
    assert days_p.name == "emission_days_test.csv"
    from_csv = load_emission_shares(shares_p)
    pd.testing.assert_frame_equal(from_csv, from_raw, check_exact=True)
    assert load_emission_days(days_p)["block"].tolist() == [5_000_000, 5_000_000]
    assert cli.main(["convert-emissions", str(src), "--out", str(tmp_path / "cli"), "--name", "x"]) == 0
    assert (tmp_path / "cli" / "emission_shares_x.csv").read_bytes() == shares_p.read_bytes()


# ---------------------------------------------------------------------------------------------
# Vectors
# ---------------------------------------------------------------------------------------------
def test_load_vectors() -> None:
    d = load_vectors()
    assert d["head_commit"] == "14bc6f9f964b9cc362e9635dd110a487fa5d15a0"
    ids = [v["id"] for v in d["vectors"]]
    assert len(ids) == 56
    assert len(set(ids)) == 56
    assert all(set(vectors_mod.VECTOR_FIELDS) <= set(v) for v in d["vectors"])
    assert load_vectors(VECTORS_JSON.parent) == d


# ---------------------------------------------------------------------------------------------
# Malformed and missing input → clear errors
# ---------------------------------------------------------------------------------------------
def _snapshot_copy(tmp_path: Path, edit=None, drop: str | None = None) -> Path:
    rows = _rows(SNAPSHOT_CSV)
    fields = [f for f in rows[0] if f != drop]
    if edit is not None:
        edit(rows)
    return _write_rows(tmp_path / "subnets_snapshot_2026-04-11.csv", rows, fields)


def test_snapshot_missing_column(tmp_path: Path) -> None:
    p = _snapshot_copy(tmp_path, drop="tau_in")
    with pytest.raises(ValueError, match=r"subnets_snapshot_2026-04-11\.csv: .*missing required column.*'tau_in'"):
        load_subnet_snapshot(p)


def test_snapshot_optional_column_may_be_absent(tmp_path: Path) -> None:
    p = _snapshot_copy(tmp_path, drop="net_flow_7d")
    assert len(load_subnet_snapshot(p)) == 129


def _set(netuid: str, col: str, value: str):
    def edit(rows: list[dict[str, str]]) -> None:
        next(r for r in rows if r["netuid"] == netuid)[col] = value

    return edit


@pytest.mark.parametrize(
    ("col", "value", "message"),
    [
        ("alpha_in", "-5",
         r"column 'alpha_in' line \d+: must be a finite number >= 0 and <= 2.1e\+07 \(alpha, not rao\), got '-5'"),
        ("tau_in", "abc",
         r"column 'tau_in' line \d+: must be a finite number >= 0 and <= 2.1e\+07 \(TAO, not rao\), got 'abc'"),
        ("tau_in", "nan", r"column 'tau_in' line \d+: must be a finite number"),
        ("price_tao", "",
         r"column 'price_tao' line \d+: must be a finite number >= 0 and <= 1e\+06 \(TAO per alpha\), got ''"),
        ("is_dynamic", "maybe", r"column 'is_dynamic' line \d+: must be True or False, got 'maybe'"),
        ("tempo", "3.5", r"column 'tempo' line \d+: must be an integer >= 0, got '3.5'"),
        ("total_alpha", "1.0", r"netuid 64: total_alpha 1.0 != alpha_in \+ alpha_out"),
    ],
)
def test_snapshot_bad_values(tmp_path: Path, col: str, value: str, message: str) -> None:
    p = _snapshot_copy(tmp_path, edit=_set("64", col, value))
    with pytest.raises(ValueError, match=message) as exc:
        load_subnet_snapshot(p)
    assert str(p) in str(exc.value)


def test_snapshot_line_number_points_at_the_row(tmp_path: Path) -> None:
    p = _snapshot_copy(tmp_path, edit=_set("64", "alpha_out", "-1"))  # netuid 64 is the first data row
    with pytest.raises(ValueError, match=r"line 2:"):
        load_subnet_snapshot(p)


def test_snapshot_duplicate_netuid(tmp_path: Path) -> None:
    p = _snapshot_copy(tmp_path, edit=lambda rows: rows.append(dict(rows[0])))
    with pytest.raises(ValueError, match="netuid 64 appears more than once"):
        load_subnet_snapshot(p)


def test_snapshot_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"subnet snapshot: no such file .*nope\.csv"):
        load_subnet_snapshot(tmp_path / "nope.csv")
    with pytest.raises(FileNotFoundError, match=r"folder .* holds no subnets_snapshot_2026-04-11\.csv"):
        load_subnet_snapshot(tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match=r"empty\.csv: subnet snapshot file is empty"):
        load_subnet_snapshot(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text(",".join(snapshot_mod.SNAPSHOT_COLUMNS) + "\n")
    with pytest.raises(ValueError, match="has a header but no data rows"):
        load_subnet_snapshot(header_only)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ValueError, match=r"binary\.csv: not a readable UTF-8 CSV"):
        load_subnet_snapshot(binary)


def _shares_copy(tmp_path: Path, edit=None, *, days: bool = True) -> Path:
    rows = _rows(SHARES_CSV)
    if edit is not None:
        edit(rows)
    p = _write_rows(tmp_path / "emission_shares_2025.csv", rows)
    if days:
        shutil.copy(DAYS_CSV, tmp_path / DAYS_CSV.name)
    return p


def test_emission_shares_bad_inputs(tmp_path: Path) -> None:
    def negative(rows: list[dict[str, str]]) -> None:
        rows[5]["tao_per_block"] = "-0.1"

    with pytest.raises(ValueError, match=r"emission_shares_2025\.csv: column 'tao_per_block' line 7: .*>= 0"):
        load_emission_shares(_shares_copy(tmp_path, negative))

    def changed(rows: list[dict[str, str]]) -> None:
        rows[0]["tao_per_block"] = "0.5"

    with pytest.raises(ValueError, match=r"2025-09-14 values sum to .* but .*emission_days_2025\.csv records"):
        load_emission_shares(_shares_copy(tmp_path, changed))

    with pytest.raises(ValueError, match=r"2025-09-14 has 117 subnet rows but .* says 118"):
        load_emission_shares(_shares_copy(tmp_path, lambda rows: rows.pop(0)))

    with pytest.raises(ValueError, match="netuid 1 appears more than once on 2025-09-14"):
        load_emission_shares(_shares_copy(tmp_path, lambda rows: rows.insert(0, dict(rows[0]))))

    def bad_date(rows: list[dict[str, str]]) -> None:
        rows[0]["date"] = "14/09/2025"

    with pytest.raises(ValueError, match=r"column 'date' line 2: must be a date YYYY-MM-DD, got '14/09/2025'"):
        load_emission_shares(_shares_copy(tmp_path, bad_date))


def test_emission_shares_missing_files(tmp_path: Path) -> None:
    p = _shares_copy(tmp_path, days=False)
    with pytest.raises(FileNotFoundError, match=r"emission_days_2025\.csv does not exist"):
        load_emission_shares(p)
    with pytest.raises(FileNotFoundError, match=r"emission shares: no such file .*missing\.csv"):
        load_emission_shares(tmp_path / "missing.csv")


def test_emission_raw_json_errors(tmp_path: Path) -> None:
    src = _raw_folder(tmp_path)
    bad = src / "emissions_20250103.json"
    bad.write_text('{"emissions": {"1": 0.5,}')
    with pytest.raises(ValueError, match=r"emissions_20250103\.json: emission snapshot is not valid JSON"):
        load_emission_shares(src)
    bad.write_text(json.dumps({"emissions": {"1": 0.5}}))
    with pytest.raises(ValueError, match=r"emissions_20250103\.json: .*'emissions' and 'metadata'"):
        load_emission_shares(src)
    bad.write_text(json.dumps(_raw_day("2025-01-03", {"1": -0.5})))
    with pytest.raises(ValueError, match=r"emissions\['1'\] must be a finite number >= 0, got -0.5"):
        load_emission_shares(src)
    bad.write_text(json.dumps(_raw_day("2025-01-03", {"1": 0.5}, total=0.9)))
    with pytest.raises(ValueError, match=r"2025-01-03 values sum to 0\.5"):
        load_emission_shares(src)
    bad.write_text(json.dumps(_raw_day("2025-01-04", {"1": 0.5})))
    with pytest.raises(ValueError, match=r"file name says 20250103 but metadata\.date is 20250104"):
        load_emission_shares(src)


def test_vectors_bad_inputs(tmp_path: Path) -> None:
    good = json.loads(VECTORS_JSON.read_text(encoding="utf-8"))
    p = tmp_path / "public.json"

    def check(obj: object, message: str) -> None:
        p.write_text(obj if isinstance(obj, str) else json.dumps(obj), encoding="utf-8")
        with pytest.raises(ValueError, match=message) as exc:
            load_vectors(p)
        assert str(p) in str(exc.value)

    check('{"schema": {', "is not valid JSON")
    check([1, 2], "must be a JSON object")
    check({k: v for k, v in good.items() if k != "vectors"}, "missing top-level key.*'vectors'")
    check({**good, "schema": {"id": "x"}}, "'schema' lacks the standard field")
    check({**good, "vectors": []}, "'vectors' must be a non-empty list")
    v0 = {k: v for k, v in good["vectors"][0].items() if k != "expected"}
    check({**good, "vectors": [v0]}, r"vectors\[0\] \(id 'BE-01'\) lacks field\(s\) 'expected'")
    check({**good, "vectors": [good["vectors"][0], good["vectors"][0]]}, "id 'BE-01' appears more than once")
    check({**good, "vectors": [{**good["vectors"][0], "status": "guessed"}]}, "status must be one of")
    check({**good, "vectors": [{**good["vectors"][0], "inputs": [1]}]}, "'inputs' must be an object")
    with pytest.raises(FileNotFoundError, match="conformance vectors: no such file"):
        load_vectors(tmp_path / "absent.json")


# ---------------------------------------------------------------------------------------------
# DTAO_DATA_DIR and path resolution
# ---------------------------------------------------------------------------------------------
def test_data_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alt = tmp_path / "alt"
    shutil.copytree(REPO_DATA_DIR, alt)
    snap_p = alt / "subnets_2026-04-11" / "subnets_snapshot_2026-04-11.csv"
    rows = [r for r in _rows(snap_p) if r["netuid"] != "64"]
    _write_rows(snap_p, rows)
    monkeypatch.setenv(data.DATA_DIR_ENV, str(alt))
    assert data.data_dir() == alt
    df = load_subnet_snapshot()
    assert len(df) == 128
    assert 64 not in set(df["netuid"])
    assert Path(df.attrs["source"]) == snap_p
    assert load_emission_shares().attrs["source"].startswith(str(alt))
    assert len(load_vectors()["vectors"]) == 56
    with pytest.raises(ValueError, match="netuid 64 is not in the snapshot"):
        subnet_state(64)
    # an explicit path= wins over the environment
    assert len(load_subnet_snapshot(SNAPSHOT_CSV)) == 129
    assert verify_checksums()["subnets_2026-04-11/subnets_snapshot_2026-04-11.csv"] == "MISMATCH"


def test_data_dir_env_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(data.DATA_DIR_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match=r"DTAO_DATA_DIR=.*nowhere.* is not a folder"):
        load_subnet_snapshot()
    monkeypatch.setenv(data.DATA_DIR_ENV, str(tmp_path))  # a folder, but without the files
    with pytest.raises(FileNotFoundError, match=r"no such file .*subnets_snapshot_2026-04-11\.csv .*DTAO_DATA_DIR"):
        load_subnet_snapshot()


def test_repo_data_dir_is_relative_to_the_package() -> None:
    assert REPO_DATA_DIR == Path(data.__file__).resolve().parents[2] / "data"
    assert data.data_dir() == REPO_DATA_DIR


# ---------------------------------------------------------------------------------------------
# Refresh (offline, with a fake chain client)
# ---------------------------------------------------------------------------------------------
class FakeBalance:
    """Stands in for bittensor's Balance: the loader-facing value is ``.tao``."""

    def __init__(self, tao: float) -> None:
        self.tao = tao

    def __str__(self) -> str:  # what the SDK prints; must not be parsed when .tao exists
        return f"τ{self.tao:,.4f}"


class FakeChain:
    """A ChainClient serving the shipped snapshot's values, as DynamicInfo-like objects."""

    def __init__(self, rows: list[dict[str, str]], *, fail_burn_for: int | None = None) -> None:
        self.rows = {int(r["netuid"]): r for r in rows}
        self.fail_burn_for = fail_burn_for
        self.closed = False

    def current_block(self) -> int:
        return 7_900_000

    def all_subnets(self) -> list[types.SimpleNamespace]:
        out = []
        for n in sorted(self.rows):
            r = self.rows[n]
            tempo = int(r["tempo"])
            out.append(
                types.SimpleNamespace(
                    netuid=n,
                    subnet_name=r["name"],
                    symbol=r["symbol"],
                    tempo=tempo,
                    tao_in=FakeBalance(float(r["tau_in"])),
                    alpha_in=FakeBalance(float(r["alpha_in"])),
                    alpha_out=FakeBalance(float(r["alpha_out"])),
                    price=FakeBalance(float(r["price_tao"])),
                    moving_price=float(r["moving_price"]) if r["moving_price"] else None,
                    subnet_volume=FakeBalance(float(r["subnet_volume"])),
                    is_dynamic=r["is_dynamic"] == "True",
                    owner_hotkey=r["owner_hk"],
                    owner_coldkey=r["owner_hk"],
                    # the scraper's heuristic = tao_in_emission × 7200 / tempo when nothing else is emitted
                    tao_in_emission=FakeBalance(float(r["emission_tao_day"]) * tempo / 7200),
                    alpha_in_emission=FakeBalance(0.0),
                    alpha_out_emission=FakeBalance(0.0),
                    pending_alpha_emission=FakeBalance(0.0),
                    blocks_since_last_step=1,
                    network_registered_at=1000 + n,
                    k=None,
                    subnet_identity=types.SimpleNamespace(
                        subnet_name=r["name"], github_repo=r["github"] or None, description=None
                    ),
                )
            )
        return out

    def neuron_burn_rao(self, netuid: int) -> int | None:
        if netuid == self.fail_burn_for:
            raise RuntimeError("storage read failed")
        return round(float(self.rows[netuid]["reg_cost_tao"]) * 1e9)

    def immunity_period(self, netuid: int) -> int | None:
        return int(self.rows[netuid]["immunity_period"])

    def close(self) -> None:
        self.closed = True


def _without_source(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.attrs = {}
    return out


def test_refresh_round_trips_to_the_same_frame(tmp_path: Path, snap: pd.DataFrame) -> None:
    chain = FakeChain(_rows(SNAPSHOT_CSV))
    res = refresh_mod.refresh(chain, out=tmp_path / "fresh", date="2026-04-11")
    assert res.csv_path == tmp_path / "fresh" / "subnets_snapshot_2026-04-11.csv"
    assert (res.subnets, res.block, res.problems) == (129, 7_900_000, ())
    assert not chain.closed  # a client passed in is the caller's to close
    again = load_subnet_snapshot(tmp_path / "fresh")
    assert again.attrs["snapshot_date"] == "2026-04-11"
    # equal up to the last rounded digit of total_alpha (recomputed from the rounded reserves)
    pd.testing.assert_frame_equal(_without_source(again), _without_source(snap), check_exact=False, rtol=1e-9)
    # same file format: header, CRLF, row order (by emission, descending), and most rows byte-identical
    new_lines = res.csv_path.read_bytes().split(b"\r\n")
    old_lines = SNAPSHOT_CSV.read_bytes().split(b"\r\n")
    assert new_lines[0] == old_lines[0]
    assert len(new_lines) == len(old_lines)
    assert [ln.split(b",")[0] for ln in new_lines] == [ln.split(b",")[0] for ln in old_lines]
    # byte-identical except total_alpha, which the scraper summed before rounding and the fake chain
    # can only serve rounded reserves for: 34 rows differ there, by at most one unit in the 4th decimal
    new_rows, old_rows = _rows(res.csv_path), _rows(SNAPSHOT_CSV)
    for new_r, old_r in zip(new_rows, old_rows, strict=True):
        assert {k for k in new_r if new_r[k] != old_r[k]} <= {"total_alpha"}
        assert abs(float(new_r["total_alpha"]) - float(old_r["total_alpha"])) <= 1.5e-4
    assert sum(a == b for a, b in zip(new_lines, old_lines, strict=True)) == len(old_lines) - 34
    meta = json.loads(res.meta_path.read_text(encoding="utf-8"))
    assert meta["block"] == 7_900_000
    assert meta["subnets"] == 129
    assert meta["client"] == "FakeChain"
    assert set(meta["files"]) == {res.csv_path.name, res.json_path.name}
    records = json.loads(res.json_path.read_text(encoding="utf-8"))
    assert [r["netuid"] for r in records] == list(range(129))
    assert records[5]["registered_at_block"] == 1005


def test_refresh_refuses_to_overwrite_and_records_problems(tmp_path: Path) -> None:
    rows = _rows(SNAPSHOT_CSV)
    refresh_mod.refresh(FakeChain(rows), out=tmp_path, date="2026-01-02")
    with pytest.raises(FileExistsError, match="exists; pass overwrite=True"):
        refresh_mod.refresh(FakeChain(rows), out=tmp_path, date="2026-01-02")
    res = refresh_mod.refresh(FakeChain(rows, fail_burn_for=7), out=tmp_path, date="2026-01-02", overwrite=True)
    assert res.problems == ("netuid 7: could not read Burn (RuntimeError: storage read failed)",)
    df = load_subnet_snapshot(res.csv_path)
    assert np.isnan(df.set_index("netuid").loc[7, "neuron_burn_tao"])
    with pytest.raises(ValueError, match="date must be YYYY-MM-DD"):
        refresh_mod.refresh(FakeChain(rows), out=tmp_path, date="yesterday")


def test_subnet_record_reads_balances_numbers_and_strings() -> None:
    info = types.SimpleNamespace(
        netuid=3, subnet_name="x", symbol="γ", tempo=0, tao_in="τ1,000.5", alpha_in=4000, alpha_out=FakeBalance(1000.0),
        price=0.25, moving_price=0.0, subnet_volume=None, is_dynamic=True, subnet_identity=None,
    )
    r = refresh_mod.subnet_record(info, burn_rao=1_500_000, immunity_period=None)
    assert r["tau_in"] == 1000.5
    assert r["alpha_in"] == 4000.0
    assert r["total_alpha"] == 5000.0
    assert r["tempo"] == 360  # the scraper's default when tempo is 0/None
    assert r["moving_price"] == 0.0  # an exact 0 is kept (the original scraper wrote it as empty)
    assert r["reg_cost_tao"] == 0.0015
    assert r["immunity_period"] is None
    assert r["github"] is None
    assert r["market_cap_tao"] == 1250.0
    assert r["owner_hk"] == ""


def test_refresh_without_bittensor_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "bittensor", None)  # makes `import bittensor` raise ImportError
    with pytest.raises(ImportError, match=r'pip install "dtao-lib\[chain\]"'):
        refresh_mod.import_bittensor()
    with pytest.raises(ImportError, match="bittensor SDK, which is not installed"):
        refresh_mod.refresh(out=tmp_path)
    assert cli.main(["refresh", "--out", str(tmp_path / "x"), "--network", "finney"]) == 1
    err = capsys.readouterr().err
    assert 'pip install "dtao-lib[chain]"' in err
    assert not (tmp_path / "x").exists()


# ---------------------------------------------------------------------------------------------
# Command line and docs
# ---------------------------------------------------------------------------------------------
def test_cli_info(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    assert "129 subnets" in out
    assert "44 days, 5431 rows" in out
    assert "56 vectors" in out
    assert "7/7 files ok" in out


@pytest.mark.parametrize("module", [snapshot_mod, emissions_mod, vectors_mod])
def test_docstring_examples(module: types.ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


# -- units and NaN literals (issue 16) -------------------------------------------------------------------
def _scale_column(col: str, factor: float):
    def edit(rows: list[dict[str, str]]) -> None:
        for r in rows:
            if r[col].strip():
                r[col] = repr(float(r[col]) * factor)

    return edit


@pytest.mark.parametrize(
    ("col", "message"),
    [
        ("tau_in", r"column 'tau_in' line \d+: must be a finite number >= 0 and <= 2.1e\+07 \(TAO, not rao\)"),
        ("alpha_in", r"column 'alpha_in' line \d+: .*\(alpha, not rao\)"),
        ("alpha_out", r"column 'alpha_out' line \d+: .*\(alpha, not rao\)"),
        ("price_tao", r"column 'price_tao' .*(TAO per alpha|reserve ratio)"),
        ("moving_price", r"column 'moving_price' line \d+: .*<= 1e\+06 \(TAO per alpha\)"),
    ],
)
def test_snapshot_in_rao_is_rejected(tmp_path: Path, col: str, message: str) -> None:
    """A snapshot written in rao (× 1e9) instead of TAO/alpha is caught, naming the file and the column."""
    p = _snapshot_copy(tmp_path, edit=_scale_column(col, 1e9))
    with pytest.raises(ValueError, match=message) as exc:
        load_subnet_snapshot(p)
    assert str(p) in str(exc.value)


def test_snapshot_price_far_from_the_reserve_ratio_is_rejected(tmp_path: Path) -> None:
    """A price in the wrong unit but under the 1e6 cap is still caught: it is not within 1/99…99 × tau_in/alpha_in."""
    p = _snapshot_copy(tmp_path, edit=_set("64", "price_tao", "50.0"))  # netuid 64 trades at 0.083 TAO
    with pytest.raises(ValueError, match=r"netuid 64: column 'price_tao' 50.0 is .* the reserve ratio"):
        load_subnet_snapshot(p)


def test_emission_shares_in_rao_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"emission_shares_2025\.csv: column 'tao_per_block' line 2: "
                                         r".*<= 1 \(TAO per block"):
        load_emission_shares(_shares_copy(tmp_path, _scale_column("tao_per_block", 1e9)))


def test_emission_days_in_rao_are_rejected(tmp_path: Path) -> None:
    rows = _rows(DAYS_CSV)
    for r in rows:
        r["total_tao_per_block"] = repr(float(r["total_tao_per_block"]) * 1e9)
    p = _write_rows(tmp_path / DAYS_CSV.name, rows)
    with pytest.raises(ValueError, match=r"emission_days_2025\.csv: column 'total_tao_per_block' line 2"):
        load_emission_days(p)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_vectors_reject_nan_literals_naming_the_field(tmp_path: Path, literal: str) -> None:
    good = json.loads(VECTORS_JSON.read_text(encoding="utf-8"))
    vid = good["vectors"][3]["id"]
    key = next(iter(good["vectors"][3]["expected"]))
    good["vectors"][3]["expected"][key] = "__HOLE__"
    text = json.dumps(good).replace('"__HOLE__"', literal)
    p = tmp_path / "public.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=rf"vectors\[3\] \(id '{vid}'\)\.expected\.{key} is {literal}") as exc:
        load_vectors(p)
    assert str(p) in str(exc.value)
