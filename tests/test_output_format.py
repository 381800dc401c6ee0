"""Output cells print floats readably: ten significant digits, thousands separators (issue 15)."""

from __future__ import annotations

import numpy as np
import pytest

from dtao_lib.figures._style import plain_float, tidy_plain_text


@pytest.mark.parametrize(("value", "text"), [
    (6676.281999999999, "6,676.282"),            # binary noise of 6676.282 disappears
    (0.0033333333333333335, "0.003333333333"),
    (0.09999999986030161, "0.09999999986"),      # I32F32's 0.1 still shows its error
    (20999999.980442226, "20,999,999.98"),
    (2e-06, "2e-06"),
    (10500000.0, "10,500,000"),
    (np.float64(0.25), "0.25"),
])
def test_plain_float(value, text):
    assert plain_float(value) == text


def test_plain_float_non_finite():
    assert plain_float(float("nan")) == "nan"
    assert plain_float(float("-inf")) == "-inf"


def test_ipython_prints_floats_in_containers_readably():
    pytest.importorskip("IPython")
    from IPython.core.formatters import DisplayFormatter

    class Shell:
        display_formatter = DisplayFormatter()

    shell = Shell()
    assert tidy_plain_text(shell)
    fmt = shell.display_formatter.formatters["text/plain"]
    assert fmt((6676.281999999999, np.float64(0.0033333333333333335), 3)) == "(6,676.282, 0.003333333333, 3)"
    assert fmt([np.float32(0.5)]) == "[0.5]"


def test_without_ipython_shell_nothing_happens(monkeypatch):
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)   # plain Python: no running shell
    assert tidy_plain_text() is False


def test_claim_box_values_are_readable():
    from dtao_lib.claims import _fmt

    assert _fmt(10_500_000.0) == "10,500,000"
    assert _fmt(3_600) == "3,600"
    assert _fmt(0.25) == "0.25"
