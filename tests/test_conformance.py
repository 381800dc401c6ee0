"""Every public vector, through dtao_lib's public API, within the vector's own tolerance.

Parametrised by vector id, so a failure names the vector (spec §10; data/vectors/public.json).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dtao_lib import conformance
from dtao_lib.data import load_vectors as load_file
from tests.conftest import load_vectors

VECTORS = load_vectors()
POST = {v["id"]: v for v in load_file(conformance.default_files()[1])["vectors"]}


@pytest.mark.parametrize("vid", sorted(POST))
def test_post_2026_06_vector(vid):
    """Every vector of post-2026-06.json (emission gate, reservoirs, Root Reborn split) passes."""
    result = conformance.check_vector(POST[vid])
    assert result.passed is not None, f"{vid}: no checker for mechanism {result.mechanism}"
    assert result.passed, f"{vid} ({result.mechanism}): expected {result.expected}, computed {result.computed}"


def test_default_run_covers_both_files():
    df = conformance.table()
    assert list(df["file"].unique()) == ["public.json", "post-2026-06.json"]
    s = conformance.summary(df)
    assert s.loc["public.json", "vectors"] == len(VECTORS)
    assert s.loc["post-2026-06.json", "vectors"] == len(POST)
    assert s["failed"].sum() == 0
    assert s["no checker"].sum() == 0


@pytest.mark.parametrize(
    ("text", "key", "abs_", "rel"),
    [
        ("bar 1e-9; shares 1e-6; sum 1e-9", "bar_theta", 1e-9, 0),
        ("bar 1e-9; shares 1e-6; sum 1e-9", "shares", 1e-6, 0),
        ("price rel 1e-12; weight abs expected/1e12", "price_after", 0, 1e-12),
        ("price rel 1e-12; weight abs expected/1e12", "quote_weight_after", 0, 1e-12),
        ("relative 1e-6 (U96F32 arithmetic)", "anything", 0, 1e-6),
        ("1e-6 suggested (I32F32 exp/ln inside safe_pow)", "shares", 1e-6, 0),
        ("exact", "x", 0, 0),
    ],
)
def test_keyed_tolerance(text, key, abs_, rel):
    tol = conformance._keyed_tolerance({"tolerance": text}, ["bar_theta", "shares", "sum", "price_after",
                                                             "quote_weight_after"])
    t = tol.get(key, tol["*"])
    assert (t.abs, t.rel) == pytest.approx((abs_, rel))


def test_at_least_keys_are_lower_bounds():
    tol = conformance._keyed_tolerance({"tolerance": "test asserts >="}, ["price_active_tao_at_least", "x"])
    assert isinstance(tol["price_active_tao_at_least"], conformance.AtLeast)
    assert tol["price_active_tao_at_least"].ok(1000, 201_000)
    assert not tol["price_active_tao_at_least"].ok(1000, 999)


def test_a_wrong_post_2026_06_expectation_fails(tmp_path):
    data = json.loads(conformance.default_files()[1].read_text())
    v = next(v for v in data["vectors"] if v["id"] == "EGR-01")
    v["expected"]["bar_theta"] = 0.7  # the q-mass bar, not the rank-2 one
    data["vectors"] = [v]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    assert conformance.run(path)[0].passed is False


@pytest.mark.parametrize("vid", sorted(VECTORS))
def test_vector(vid):
    result = conformance.check_vector(VECTORS[vid])
    assert result.passed is not None, f"{vid}: no checker for mechanism {result.mechanism}"
    assert result.passed, f"{vid} ({result.mechanism}): expected {result.expected}, computed {result.computed}"


@pytest.mark.parametrize(
    ("text", "abs_", "rel"),
    [
        ("exact (integer rao)", 0, 0),
        ("+-2", 2, 0),
        ("+-39 (1%)", 39, 0),
        ("+-1e-9", 1e-9, 0),
        ("±0.001", 0.001, 0),
        ("1% relative per share; sum within 1e-12", 0, 0.01),
        ("1e-12 absolute on alpha", 1e-12, 0),
        ("+-1e-3 absolute per entry (asserted); float64 reference reproduces within 6e-5", 1e-3, 0),
    ],
)
def test_parse_tolerance(text, abs_, rel):
    t = conformance.parse_tolerance(text)
    assert (t.abs, t.rel) == (abs_, rel)


def test_a_wrong_expectation_fails(tmp_path):
    """The harness is able to fail: corrupt one expected value and it reports FAIL and exit code 1."""
    data = json.loads(conformance.default_file().read_text())
    v = next(v for v in data["vectors"] if v["id"] == "BE-07")
    v["expected"]["block_emission_rao"] += 1
    data["vectors"] = [v]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    assert conformance.run(path)[0].passed is False
    assert conformance.main([str(path)]) == 1


def test_unknown_mechanism_is_reported_not_crashed(tmp_path):
    data = {"vectors": [{"id": "X-1", "mechanism": "no_such_thing", "inputs": {}, "expected": {"x": 1}}]}
    path = tmp_path / "x.json"
    path.write_text(json.dumps(data))
    [r] = conformance.run(path)
    assert r.passed is None
    assert "no checker" in r.note


@pytest.mark.parametrize(("argv", "message"), [
    (["--width", "0"], "--width must be an integer in [2, 10000], got 0"),
    (["--width", "100000000"], "--width must be an integer in [2, 10000]"),
    (["/nonexistent/vectors.json"], "vectors file not found: /nonexistent/vectors.json"),
    (["/"], "/"),  # a folder: IsADirectoryError before
])
def test_cli_bad_arguments_exit_2_without_a_traceback(argv, message, capsys):
    """Bad command-line arguments end as argparse ends (usage, message, status 2), not in a traceback."""
    with pytest.raises(SystemExit) as info:
        conformance.main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: python -m dtao_lib.conformance" in err
    assert message in err


def test_cli_prints_the_table(capsys):
    code = conformance.main([])
    out = capsys.readouterr().out
    assert "vector" in out
    assert "mechanism" in out
    assert "BE-01" in out
    assert "EGR-01" in out
    assert "public.json: 56 passed, 0 failed" in out
    assert f"post-2026-06.json: {len(POST)} passed, 0 failed" in out
    assert code == 0


def test_bad_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="vectors file"):
        conformance.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    with pytest.raises(ValueError, match="vectors"):
        conformance.load(bad)


# ---------------------------------------------------------------------------------------------
# Bad input (issue 16): paths, ids and tolerances
# ---------------------------------------------------------------------------------------------
def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "nowhere.json"
    with pytest.raises(FileNotFoundError, match=r"nowhere\.json"):
        conformance.run(missing)
    with pytest.raises(FileNotFoundError, match=r"nowhere\.json"):
        conformance.table([conformance.default_files()[0], missing])


@pytest.mark.parametrize("bad", [3, 2.5, b"public.json", None])
def test_paths_of_the_wrong_kind_are_type_errors(bad):
    if bad is not None:
        with pytest.raises(TypeError, match="path"):
            conformance.run(bad)
    with pytest.raises(TypeError, match="path"):
        conformance.table([bad])


def test_empty_path_list_and_ids():
    with pytest.raises(ValueError, match="path"):
        conformance.table([])
    with pytest.raises(TypeError, match="ids"):
        conformance.run(None, ids="BE-01")  # a bare string would be read letter by letter
    with pytest.raises(ValueError, match=r"ids: unknown vector id\(s\) \['BE-99'\].*BE-01"):
        conformance.run(None, ids=["BE-01", "BE-99"])
    assert [r.vector for r in conformance.run(None, ids=["BE-07"])] == ["BE-07"]


def test_tolerances_and_summary_check_their_input():
    with pytest.raises(ValueError, match="abs"):
        conformance.Tolerance(abs=-1.0)
    with pytest.raises(TypeError, match="rel"):
        conformance.AtLeast(rel="1%")
    with pytest.raises(TypeError, match="text"):
        conformance.parse_tolerance(0.01)
    assert conformance.parse_tolerance(None) == conformance.Tolerance()
    with pytest.raises(TypeError, match="df"):
        conformance.summary({"file": [], "pass": []})
    with pytest.raises(ValueError, match=r"missing column\(s\) \['pass'\]"):
        conformance.summary(pd.DataFrame({"file": ["a"]}))
    with pytest.raises(TypeError, match="argv"):
        conformance.main("public.json")
