"""Shared input checks (dtao_lib._validate)."""

from __future__ import annotations

import pytest

from dtao_lib import coinbase, root_era
from dtao_lib._validate import check_u16_fraction


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
