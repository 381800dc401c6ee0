"""Shared input checks (dtao_lib._validate)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from dtao_lib import coinbase, params, root_era
from dtao_lib._validate import (
    check_array,
    check_bool,
    check_choice,
    check_int,
    check_int_array,
    check_real,
    check_u16_fraction,
    freeze_arrays,
    readonly,
)


@pytest.mark.parametrize(("value", "expected"), [(0, 0.0), (1, 1.0), (0.25, 0.25), (32767, 32767 / 65535),
                                                  (65535, 1.0), (11796, 11796 / 65535)])
def test_u16_fraction(value, expected):
    assert check_u16_fraction("x", value) == expected


@pytest.mark.parametrize("value", [65536, -1, 1.5, float("nan")])
def test_u16_fraction_rejects(value):
    with pytest.raises(ValueError, match="x must be"):
        check_u16_fraction("x", value)


def test_raw_u16_equals_fraction_in_the_public_api():
    w, s = [[1, 0], [0, 1], [1, 1]], [1, 2, 3]
    a = root_era.root_epoch(w, s, rho=10, kappa=32767, block_emission_rao=10**9)
    b = root_era.root_epoch(w, s, rho=10, kappa=32767 / 65535, block_emission_rao=10**9)
    assert a == b
    x = coinbase.split_alpha_out(10**9, owner_cut=11796, root_proportion=0.2, root_sell_flag=True)
    y = coinbase.split_alpha_out(10**9, owner_cut=11796 / 65535, root_proportion=0.2, root_sell_flag=True)
    assert tuple(x) == tuple(y)
    assert x.owner == y.owner > 0


# -- the shared layer (issue 16) ----------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False, np.bool_(True), np.bool_(False)])
def test_check_bool_accepts_bools(value):
    assert check_bool("flag", value) is bool(value)


@pytest.mark.parametrize("value", ["False", "True", 0, 1, None, 0.0, np.int64(1)])
def test_check_bool_rejects_truthy_stand_ins(value):
    with pytest.raises(TypeError, match="flag must be a bool"):
        check_bool("flag", value)


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint64(3), np.int8(3), 2**64 - 1])
def test_check_int_accepts_python_and_numpy_integers(value):
    assert check_int("n", value) == int(value)


@pytest.mark.parametrize(("value", "exc"), [(2**64, ValueError), (-1, ValueError), (True, TypeError),
                                            (np.bool_(True), TypeError), (1.0, TypeError), ("1", TypeError),
                                            (1 + 0j, TypeError)])
def test_check_int_rejects(value, exc):
    with pytest.raises(exc, match="n must be an integer"):
        check_int("n", value)


def test_check_int_unbounded_on_request():
    assert check_int("bits", 2**100, hi=None) == 2**100


@pytest.mark.parametrize("value", [0.5, np.float64(0.5), np.float32(0.5), np.int64(1), Fraction(1, 2), 1])
def test_check_real_accepts_reals(value):
    assert check_real("x", value) == float(value)


@pytest.mark.parametrize(("value", "exc"), [("0.5", TypeError), (0.5 + 0j, TypeError), (np.complex128(1), TypeError),
                                            (True, TypeError), (float("nan"), ValueError),
                                            (float("inf"), ValueError), (10**400, ValueError)])
def test_check_real_rejects(value, exc):
    with pytest.raises(exc, match="x must be a"):
        check_real("x", value)


@pytest.mark.parametrize(("values", "exc"), [(["1", "2"], TypeError), ([True, False], TypeError),
                                             ([1 + 1j, 2], TypeError), ("12", TypeError), ([1, "2"], TypeError),
                                             ([[1, 2], [3]], TypeError), ([1.0, float("nan")], ValueError),
                                             ([10**400, 1], ValueError)])
def test_check_array_rejects_what_numpy_would_coerce(values, exc):
    with pytest.raises(exc, match="arr must"):
        check_array("arr", values)


@pytest.mark.parametrize("values", [[True, 8.0], [1, False], [[1.0, 2.0], [np.True_, 3.0]], (2.5, True)])
def test_check_array_rejects_a_bool_among_numbers(values):
    """numpy would read the bool as 1.0 or 0.0 (the list's dtype is float): a flag among numbers is refused."""
    with pytest.raises(TypeError, match="arr must contain only real numbers, got a bool"):
        check_array("arr", values, ndim=None)


def test_check_array_accepts_numbers_and_big_python_ints():
    assert check_array("arr", [1, 2.5, np.int64(3)]).tolist() == [1.0, 2.5, 3.0]
    assert check_array("arr", [2**70, 1]).tolist() == [float(2**70), 1.0]


@pytest.mark.parametrize(("values", "expected", "dtype"), [
    ([1, 2, 3], [1, 2, 3], np.int64),
    ([1000.0, 2.0], [1000, 2], np.int64),  # whole floats are integers
    ([np.int8(3), np.uint64(2**64 - 1)], [3, 2**64 - 1], np.uint64),
    (np.array([2**63, 1], dtype=np.uint64), [2**63, 1], np.uint64),
    ([Fraction(6, 2), 4], [3, 4], np.int64),
    ([], [], np.int64),
])
def test_check_int_array_accepts_integers_and_whole_numbers(values, expected, dtype):
    out = check_int_array("arr", values)
    assert out.tolist() == expected
    assert all(type(x) is int for x in out.tolist())
    assert out.dtype == dtype


def test_check_int_array_is_exact_beyond_float_precision():
    # 2**64 - 1 and 2**64 are the same float: the bound must compare the integers
    assert check_int_array("arr", [2**64 - 1]).tolist() == [2**64 - 1]
    with pytest.raises(ValueError, match=r"arr must contain integers >= 0 and <= u64::MAX \(\d+\), "
                                         r"got max 18446744073709551616$"):
        check_int_array("arr", [2**64])
    assert check_int_array("arr", [-(2**70), 2**70], lo=None, hi=None).tolist() == [-(2**70), 2**70]


def test_check_int_array_returns_a_copy():
    src = np.array([1, 2, 3])
    out = check_int_array("arr", src)
    out[0] = 9
    assert src.tolist() == [1, 2, 3]


@pytest.mark.parametrize(("values", "kwargs", "exc", "match"), [
    ([1000.5], {}, ValueError, "whole numbers"),
    ([Fraction(1, 3)], {}, ValueError, "whole numbers"),
    ([float("nan")], {}, ValueError, r"whole numbers .* \(finite\)"),
    ([float("inf"), 1], {}, ValueError, r"whole numbers .* \(finite\)"),
    (np.array([1, np.inf]), {}, ValueError, r"whole numbers .* \(finite\)"),
    (np.array([1, 2.5]), {}, ValueError, "whole numbers"),
    ([True, 2], {}, TypeError, "integers"),
    (["1"], {}, TypeError, "integers"),
    ("12", {}, TypeError, "integers"),
    ([1, None], {}, TypeError, "integers"),
    ([1 + 0j], {}, TypeError, "integers"),
    ([[1, 2], [3]], {}, TypeError, "integers"),
    ([[1, 2]], {}, ValueError, "1-dimensional"),
    ([-1], {}, ValueError, r">= 0 and <= u64::MAX"),
    ([5], {"hi": 4}, ValueError, r"\[0, 4\]"),
    ([], {"min_size": 1}, ValueError, "at least 1"),
    ([1, 2, 3], {"max_size": 2}, ValueError, "at most 2 elements"),
])
def test_check_int_array_rejects(values, kwargs, exc, match):
    with pytest.raises(exc, match=match) as info:
        check_int_array("arr", values, **kwargs)
    assert str(info.value).startswith("arr must")


def test_check_choice_is_exact():
    assert check_choice("side", "buy", ["buy", "sell"]) == "buy"
    with pytest.raises(ValueError, match="side must be one of 'buy', 'sell', got 'BUY'"):
        check_choice("side", "BUY", ["buy", "sell"])
    with pytest.raises(ValueError, match="side must be one of"):
        check_choice("side", 1, [True, False])  # 1 is not True here


def test_readonly_and_freeze_arrays_copy():
    from dataclasses import dataclass

    src = np.arange(3.0)
    ro = readonly(src)
    assert not ro.flags.writeable
    assert src.flags.writeable

    @dataclass(frozen=True)
    class Holder:
        a: np.ndarray

        def __post_init__(self):
            freeze_arrays(self)

    h = Holder(src)
    with pytest.raises(ValueError, match="read-only"):
        h.a[0] = 5.0
    src[0] = 7.0
    assert h.a[0] == 0.0


@pytest.mark.parametrize("tag", ["v9.9.9", "v3.3.99", "v0.0.1", "v3.4.10"])
def test_unknown_release_tags_are_rejected(tag):
    with pytest.raises(ValueError, match="era must be a subtensor release tag"):
        params.era(tag)


@pytest.mark.parametrize("tag", ["v1.0.0", "v2.0.5", "v3.2.6", "v3.4.5-419", "v3.4.9"])
def test_real_release_tags_resolve(tag):
    assert params.era(tag).tag == tag


def test_block_state_arrays_are_read_only():
    st = coinbase.BlockState(ema_prices=[0.1, 0.2], spot_prices=[0.1, 0.2], alpha_issuance=[10**15, 10**15],
                             root_tao=10**15, block_emission=10**9)
    with pytest.raises(ValueError, match="read-only"):
        st.ema_prices[0] = 0.0
    res = coinbase.block(st, era="v3.4.6")
    with pytest.raises(ValueError, match="read-only"):
        res.tao_in[0] = 0


def test_check_str_and_check_frame():
    import pandas as pd

    from dtao_lib._validate import check_frame, check_str

    assert check_str("side", np.str_("stake")) == "stake"
    with pytest.raises(TypeError, match="side must be a string"):
        check_str("side", 3)
    with pytest.raises(ValueError, match="side must be a non-empty string"):
        check_str("side", "")
    assert check_str("title", "", allow_empty=True) == ""
    df = pd.DataFrame({"netuid": [1]})
    assert check_frame("snapshot", df, ["netuid"]) is df
    with pytest.raises(TypeError, match="snapshot must be a pandas DataFrame"):
        check_frame("snapshot", [1, 2])
    with pytest.raises(ValueError, match=r"snapshot is missing column\(s\) \['price'\]"):
        check_frame("snapshot", df, ["netuid", "price"])


def test_check_array_range_message_shows_plain_numbers():
    """numpy 2 would print the extreme as ``np.float64(1e+300)``; the message shows the number."""
    with pytest.raises(ValueError, match=r"^x must contain numbers <= 1\.0, got max 1e\+300$"):
        check_array("x", [0.5, 1e300], hi=1.0)
    with pytest.raises(ValueError, match=r"^x must contain numbers >= 0\.0, got min -2\.5$"):
        check_array("x", np.array([-2.5, 1.0]), lo=0.0)


def test_check_path():
    from pathlib import Path

    from dtao_lib._validate import check_path

    assert check_path("path", "a/b.json") == Path("a/b.json")
    assert check_path("path", Path("x")) == Path("x")
    with pytest.raises(TypeError, match=r"path must be a path \(str or pathlib.Path\), got int 3"):
        check_path("path", 3)
    with pytest.raises(TypeError, match="root must be a path"):
        check_path("root", b"bytes")
    with pytest.raises(ValueError, match="plan must be a path, got ''"):
        check_path("plan", "")
