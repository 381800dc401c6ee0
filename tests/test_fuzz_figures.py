"""Adversarial fuzzing of the figure modules, the claim registry, the interactive layer and the conformance entry
points (issue 16: "further cases of the same kinds will be run against the public API").

tests/test_bad_input.py feeds one typed bad value at a time to each parameter of a valid call. This file draws
*borderline* values of every plausible kind instead — 0, ±1, huge integers, subnormal and huge floats, −0.0, NaN,
infinities, numpy scalars of other dtypes, empty, one-element, mismatched and 2-D lists, lists holding None,
dicts, sets, strings with spaces or other case, ``Fraction``, ``Decimal``, bools where numbers are expected,
frames with a column missing or an infinity inside — for one or two parameters of each valid call in
``tests/bad_input_tables`` (and for the parameters with defaults that the table leaves out), and checks the
contract:

* the call returns, or raises :class:`TypeError` / :class:`ValueError` with a message — never another exception
  (ZeroDivisionError, OverflowError, KeyError, IndexError, AttributeError, a numpy internal error, ...);
* it finishes within :data:`CALL_SECONDS` (sizes must be bounded by validation);
* it leaves the caller's lists, arrays, dicts and frames unchanged;
* a returned table holds no infinity and no negative or NaN amount of rao;
* a returned :class:`~dtao_lib.interactive.Figure` also builds its static face under the same contract.

The "ci" profile (derandomized, see tests/conftest.py) draws :data:`CI_EXAMPLES` examples per callable; explore
with ``HYPOTHESIS_PROFILE=explore`` (1 000 per callable) or ``FUZZ_EXAMPLES=200`` (any number, either profile).
Defects found are pinned as explicit examples in :data:`REGRESSIONS`.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import importlib
import inspect
import math
import os
import signal
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.bad_input_tables import merged
from tests.test_bad_input import _call, _resolve

VALID, _NOT_CHECKED, _ALLOWED = merged()
AREAS = ("figures.", "claims.", "interactive.", "conformance.")
CALL_SECONDS = float(os.environ.get("FUZZ_CALL_SECONDS", "15"))
"""A call (or a static face) running longer than this on a borderline input is a defect (unbounded size). The
slowest valid static faces take ~0.5 s alone; 15 s leaves room for a loaded 2-core machine (set
``FUZZ_CALL_SECONDS=5`` when exploring on an idle one)."""
CI_EXAMPLES = 12

SKIPPED: dict[str, str] = {
    "figures.research_lab.chasers_study": "runs the simulator (~15 s once, cached by `full`); `full` is a flag "
                                          "fuzzed by tests/test_bad_input.py",
    "figures.research_lab.gate_study": "runs the simulator (~15 s once); `full` is a flag (test_bad_input.py)",
    "figures.research_lab.pump_study": "runs the simulator; `full` is a flag (test_bad_input.py)",
    "figures.research_lab.halving_study": "runs the simulator; `full` is a flag (test_bad_input.py)",
    "figures.research_lab.explorer_grid": "no parameters (the explorer's precomputed grid, ~1 s)",
    "figures.research_lab.checks_table": "no parameters; runs the reduced studies (~10 s once per process)",
    "interactive.setup": "no parameters; displays the vendored scripts",
    "conformance.main": "command line: argv is parsed by argparse (exit status 2 on bad options, tested in "
                        "tests/test_conformance.py)",
}
"""Callables of the area not fuzzed here, with the reason."""

# Parameters not fuzzed (the value is an object the generated suite and the module tests cover, not a number,
# string, list or frame a reader types).
FIXED_PARAMS: dict[str, str] = {
    "evidence": "a callable (claims.Claim checks it is callable: tests/test_claims.py)",
    "check": "a callable (claims.Claim checks it is callable: tests/test_claims.py)",
    "render": "a callable (interactive.live_panel checks it: tests/test_interactive.py)",
    "controls": "ipywidgets (interactive.live_panel checks them: tests/test_interactive.py)",
    "static": "an altair chart or a builder (interactive.Figure checks it: tests/test_interactive.py)",
    "live": "a builder or None (interactive.Figure checks it: tests/test_interactive.py)",
    "chart": "an altair chart or spec (interactive.chart_html checks it: tests/test_interactive.py)",
    "study": "a research_lab.Study built by the *_study functions",
    "scenario": "a sim.Scenario (validated by its own constructor, fuzzed with the sim module)",
    "res": "a result object built by the library (sim.run, figures.yuma.subnet_epoch)",
    "params": "a yuma.YumaParams (validated by its own constructor, fuzzed with the yuma module)",
    "block": "a HeadBlock built by figures.dynamic_tao.head_block",
    "state": "a coinbase.BlockState (validated by its own constructor)",
    "eras": "rows of INJECTION_ERAS (figures.dynamic_tao.one_block_grid checks the type)",
    "keys": "benchmark keys read from a JSON file",
}


def _area_callables() -> list[str]:
    return sorted(q for q in VALID if q.startswith(AREAS) and q not in SKIPPED)


# ---------------------------------------------------------------------------------------------
# borderline values by kind
# ---------------------------------------------------------------------------------------------
NAN, INF = math.nan, math.inf
NUMBERS: list[Any] = [
    0, 1, -1, 2, 2**31, 2**53 + 1, 2**63, 2**64 - 1, 2**64, 10**30, -(2**63),
    5e-324, 1e-300, 1e-9, 0.5, 1e300, 1e308, -0.0, -1e-300, NAN, INF, -INF,
    np.int8(1), np.int8(-1), np.uint8(255), np.int32(7), np.uint64(2**64 - 1), np.float32(0.5), np.float16(0.5),
    np.float16(INF), np.float32(NAN), np.longdouble(0.25),
    Fraction(1, 3), Fraction(10**40, 3), Decimal("0.5"), Decimal("NaN"), True, False, np.bool_(True),
]
OTHERS: list[Any] = [None, "HEAD", " head ", "v3.2.8 ", "", "1", "nan", {}, {"a": 1}, set(), [], [None], (), 1 + 0j,
                     b"x", object()]
STRINGS: list[Any] = ["HEAD", "head", " head ", "v3.2.8 ", "V3.2.8", "", " ", "\n", "x" * 10_000, "None", "ünïcode",
                      "../../etc/passwd", "nan", "0", "-1"]


def _number_variants(v: Any) -> list[Any]:
    out: list[Any] = []
    if isinstance(v, bool | np.bool_):
        return [np.bool_(v), not v, 0, 1, "True", "false", None, 1.0]
    if isinstance(v, int | np.integer):
        iv = int(v)
        out += [iv - 1, iv + 1, -iv, iv * 10**6, float(iv), float(iv) + 0.5, np.int8(min(iv, 127)), np.uint64(abs(iv)),
                np.float32(iv), np.float16(iv), Fraction(iv), Decimal(iv)]
    elif isinstance(v, float | np.floating | Fraction):
        fv = float(v)
        out += [fv * (1 + 1e-15), -fv, fv * 1e12, fv * 1e-12, np.float32(fv), np.float16(fv), Fraction(fv),
                Decimal(repr(fv)), math.nextafter(fv, INF), math.nextafter(fv, -INF)]
        if fv == int(fv):
            out.append(int(fv))
    return out


def _list_variants(v: Any) -> list[Any]:
    seq = list(v.tolist() if isinstance(v, np.ndarray) else v)
    out: list[Any] = [[], seq[:1], seq[:-1], seq + seq[-1:], [seq, seq], tuple(seq), [None] * len(seq),
                      dict(enumerate(seq)), seq * 50]
    with contextlib.suppress(TypeError):
        out.append(set(seq))
    flat_numbers = bool(seq) and all(isinstance(x, int | float | np.number) and not isinstance(x, bool) for x in seq)
    if flat_numbers:
        arr = np.asarray(seq)
        out += [arr, arr.astype(np.int8), arr.astype(np.uint64) if np.all(arr >= 0) else arr.astype(np.int64),
                arr.astype(np.float16), arr.astype(np.float32), arr[::-1].tolist(), sorted(seq) * 2]
        for bad in (NAN, INF, -1, 0, 2**64, 10**30, 1e308, -0.0, 5e-324, None, "1", np.uint64(2**64 - 1),
                    Fraction(1, 3), Decimal("0.5"), True, 0.5):
            out.append([bad, *seq[1:]])
            out.append([*seq[:-1], bad])
    elif seq and isinstance(seq[0], list | tuple):  # 2-D: ragged, transposed, one row, a NaN inside
        out += [[list(r) for r in seq[:-1]], [list(seq[0])], [list(r)[:-1] for r in seq],
                [[*list(r), 0.0] for r in seq], seq[0], [[NAN] * len(seq[0])] + [list(r) for r in seq[1:]],
                [[INF] * len(seq[0])] + [list(r) for r in seq[1:]], [[-1.0] * len(seq[0])] + [list(r) for r in seq[1:]],
                [[0.0] * len(r) for r in seq], np.asarray(seq, dtype=float).T.tolist()]
    elif seq and isinstance(seq[0], str):
        out += [[s.upper() for s in seq], [f" {s} " for s in seq], [""], [*seq, seq[0]], [seq[0], 3], "".join(seq)]
    return out


def _frame_variants(v: pd.DataFrame) -> list[Any]:
    out: list[Any] = [v.iloc[:0], v.head(1), v.to_dict(), v.values.tolist()]
    if len(v.columns):
        out.append(v.drop(columns=v.columns[-1]))
        out.append(v.drop(columns=v.columns[0]))
    num = [c for c in v.columns if pd.api.types.is_numeric_dtype(v[c]) and not pd.api.types.is_bool_dtype(v[c])]
    for c in num[:6]:
        for bad in (NAN, INF, -1.0):
            w = v.copy()
            w[c] = w[c].astype(float)
            w.iloc[0, w.columns.get_loc(c)] = bad
            out.append(w)
    for c in num[6:]:  # the other numeric columns: an infinity
        w = v.copy()
        w[c] = w[c].astype(float)
        w.iloc[0, w.columns.get_loc(c)] = INF
        out.append(w)
    for c in num[:4]:  # numbers written as text, a None inside
        out.append(v.assign(**{c: v[c].astype(str)}))
        w = v.copy().astype({c: object})
        w.iloc[0, w.columns.get_loc(c)] = None
        out.append(w)
    out.append(pd.concat([v, v], ignore_index=True))
    out.append(v.iloc[::-1])
    return out


def _string_variants(v: str) -> list[Any]:
    return [v.upper(), v.lower(), v.title(), f" {v} ", f"{v} ", f"{v}\n", v[:-1], v + "x", *STRINGS]


def candidates(value: Any) -> list[Any]:
    """Borderline values for a parameter whose valid value is ``value``."""
    out: list[Any] = []
    if isinstance(value, pd.DataFrame):
        out += _frame_variants(value)
    elif isinstance(value, str):
        out += _string_variants(value)
    elif isinstance(value, list | tuple | np.ndarray):
        out += _list_variants(value)
    elif isinstance(value, dt.date):
        out += [dt.date.min, dt.date.max, dt.date(1970, 1, 1), dt.date(2100, 1, 1), value - dt.timedelta(days=36_500),
                dt.datetime.combine(value, dt.time(23, 59)), pd.Timestamp(value), np.datetime64(value),
                value.isoformat(), dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)]
    elif isinstance(value, Mapping):
        out += [{}, dict.fromkeys(value, None), {**value, "extra": 1}, list(value), {k: NAN for k in value}]
    else:
        out += _number_variants(value)
    return out + NUMBERS + OTHERS


def _defaults(qual: str) -> dict[str, Any]:
    """Parameters the table's valid call leaves out but that have a default: fuzzed from their default."""
    fn = _resolve(qual)
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return {}
    out = {}
    for name, p in sig.parameters.items():
        if name in VALID[qual] or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.default is p.empty:
            continue
        if callable(p.default) and not isinstance(p.default, type):
            continue
        out[name] = p.default
    return out


def _fuzzable(qual: str) -> dict[str, Any]:
    base = {**_defaults(qual), **VALID[qual]}
    return {k: v for k, v in base.items() if k not in FIXED_PARAMS}


# ---------------------------------------------------------------------------------------------
# the contract
# ---------------------------------------------------------------------------------------------
class CallTimeout(Exception):
    """Raised by the alarm when a call runs longer than CALL_SECONDS."""


def _alarm(signum: int, frame: Any) -> None:
    raise CallTimeout(f"call ran longer than {CALL_SECONDS} s")


def _bounded(fn: Any) -> Any:
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, CALL_SECONDS)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, pd.DataFrame):
        return isinstance(b, pd.DataFrame) and a.equals(b) and list(a.columns) == list(b.columns)
    if isinstance(a, np.ndarray):
        if not (isinstance(b, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype):
            return False
        if a.dtype.kind in "fc":
            return bool(np.array_equal(a, b, equal_nan=True))
        return bool(np.array_equal(a, b))
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, set):
        return a == b
    if isinstance(a, float | np.floating) and isinstance(b, float | np.floating) and math.isnan(a) and math.isnan(b):
        return True
    try:
        return bool(a is b or a == b)
    except Exception:
        return a is b


def _frames_in(result: Any) -> list[pd.DataFrame]:
    if isinstance(result, pd.DataFrame):
        return [result]
    if hasattr(result, "data") and isinstance(getattr(result, "data", None), pd.DataFrame):  # a pandas Styler
        return [result.data]
    if isinstance(result, tuple | list):
        return [f for r in result for f in _frames_in(r)]
    if isinstance(result, dict):
        return [f for r in result.values() for f in _frames_in(r)]
    return []


def _check_result(qual: str, result: Any) -> None:
    for df in _frames_in(result):
        for col in df.columns:
            s = df[col]
            if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
                continue
            vals = s.to_numpy(dtype=float, na_value=np.nan)
            assert not np.any(np.isinf(vals)), f"{qual}: column {col!r} holds an infinity"
            if "rao" in str(col).lower():
                assert not np.any(np.isnan(vals)), f"{qual}: column {col!r} holds NaN rao"
                assert not np.any(vals < 0), f"{qual}: column {col!r} holds a negative amount of rao"


PATH_PARAMS = {"path", "root", "chapters_dir", "plan"}
"""File and folder parameters: a path that does not exist (or that the OS refuses, e.g. a name too long) raises
:class:`OSError` (FileNotFoundError naming the path), Python's exception for it, as ``open`` does."""


def _copies(kwargs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in kwargs.items():
        if isinstance(v, list | tuple | dict | set | np.ndarray | pd.DataFrame):
            try:
                out[k] = copy.deepcopy(v)
            except Exception:
                continue
    return out


def _finite_inputs(kwargs: dict[str, Any]) -> bool:
    """Whether no argument holds NaN or an infinity (a table built from an infinite input may show it)."""
    for v in kwargs.values():
        if isinstance(v, pd.DataFrame):
            num = v.select_dtypes("number")
            if num.size and not np.isfinite(num.to_numpy(dtype=float)).all():
                return False
        elif isinstance(v, float | np.floating) and not math.isfinite(v):
            return False
    return True


def check_call(qual: str, kwargs: dict[str, Any]) -> None:
    """Call ``qual(**kwargs)`` and assert the contract (see the module docstring)."""
    before = _copies(kwargs)
    try:
        result = _bounded(lambda: _call(qual, dict(kwargs)))
    except (TypeError, ValueError) as exc:
        if not str(exc).strip():
            pytest.fail(f"{qual}({_show(kwargs)}): {type(exc).__name__} without a message")
        return
    except OSError as exc:
        if any(not _same(kwargs[p], VALID[qual].get(p)) for p in PATH_PARAMS & set(kwargs)):
            return  # a path that is not there (see PATH_PARAMS)
        pytest.fail(f"{qual}({_show(kwargs)}) raised {type(exc).__name__}: {exc}")
    except CallTimeout:
        pytest.fail(f"{qual}({_show(kwargs)}) ran longer than {CALL_SECONDS} s (size not bounded by validation)")
    except Exception as exc:
        pytest.fail(f"{qual}({_show(kwargs)}) raised {type(exc).__name__}: {exc}")
    for k, v in before.items():
        assert _same(v, kwargs[k]), f"{qual} mutated its argument {k}"
    if _finite_inputs(kwargs):
        _check_result(qual, result)
    from dtao_lib.interactive import Figure

    changed = any(k not in VALID[qual] or not _same(v, VALID[qual][k]) for k, v in kwargs.items())
    if changed and isinstance(result, Figure):  # an accepted borderline input: its lazily built static face must
        # honour the same contract (the valid faces are drawn by each module's tests)
        try:
            _bounded(result.chart)
        except (TypeError, ValueError) as exc:
            pytest.fail(f"{qual}({_show(kwargs)}) accepted its input but the static face raised "
                        f"{type(exc).__name__}: {exc} (validate when the figure is made)")
        except CallTimeout:
            pytest.fail(f"{qual}({_show(kwargs)}): the static face ran longer than {CALL_SECONDS} s")
        except Exception as exc:
            pytest.fail(f"{qual}({_show(kwargs)}): the static face raised {type(exc).__name__}: {exc}")


def _show(kwargs: dict[str, Any]) -> str:
    parts = []
    for k, v in kwargs.items():
        r = f"<DataFrame {v.shape}>" if isinstance(v, pd.DataFrame) else repr(v)
        parts.append(f"{k}={r[:120]}")
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------------
# the fuzz
# ---------------------------------------------------------------------------------------------
CALLABLES = _area_callables()
# FUZZ_EXAMPLES=n overrides the number of examples per callable (local exploration with either profile)
_EXAMPLES = (int(os.environ["FUZZ_EXAMPLES"]) if os.environ.get("FUZZ_EXAMPLES")
             else CI_EXAMPLES if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci" else None)


def _kwargs_strategy(qual: str) -> st.SearchStrategy[dict[str, Any]]:
    base = _fuzzable(qual)
    fixed = {k: v for k, v in VALID[qual].items() if k in FIXED_PARAMS}
    if not base:
        return st.just(dict(VALID[qual]))
    names = sorted(base)
    per_param = {n: st.sampled_from(candidates(base[n])) for n in names}

    @st.composite
    def draw(draw_: Any) -> dict[str, Any]:
        chosen = draw_(st.lists(st.sampled_from(names), min_size=1, max_size=min(2, len(names)), unique=True))
        kw = {**dict(VALID[qual]), **fixed}
        for n in chosen:
            kw[n] = draw_(per_param[n])
        return kw

    return draw()


@pytest.mark.parametrize("qual", CALLABLES)
def test_borderline_inputs_keep_the_contract(qual):
    strategy = _kwargs_strategy(qual)
    kw = {"max_examples": _EXAMPLES} if _EXAMPLES else {}

    @settings(deadline=None, suppress_health_check=list(HealthCheck), database=None, **kw)
    @given(strategy)
    def run(kwargs):
        check_call(qual, kwargs)

    run()


def test_every_callable_of_the_area_is_fuzzed_or_skipped_with_a_reason():
    area = {q for q in VALID if q.startswith(AREAS)}
    assert set(SKIPPED) <= area, f"stale SKIPPED entries: {sorted(set(SKIPPED) - area)}"
    assert set(CALLABLES) | set(SKIPPED) == area


# ---------------------------------------------------------------------------------------------
# __all__ lists every public function
# ---------------------------------------------------------------------------------------------
AREA_MODULES = ["figures.adr", "figures.amm", "figures.appendices", "figures.dynamic_tao", "figures.emission_shares",
                "figures.halvings", "figures.research_lab", "figures.root_network", "figures.timeline",
                "figures.yuma", "claims", "interactive", "conformance"]
NOT_IN_ALL: dict[str, str] = {
    "figures.research_lab.precomputed_tables": "maintainer tool (python -m dtao_lib.figures.research_lab): runs "
                                               "every study to regenerate the shipped tables",
    "figures.research_lab.write_precomputed": "maintainer tool: writes the shipped tables (needs numba)",
    "interactive.responsive": "build-time rewriting of a vega-lite spec (chart_html, the Sphinx extension)",
    "interactive.narrow_rules": "build-time rewriting of a vega-lite spec (called by responsive)",
    "interactive.stacked": "build-time rewriting of a composed vega-lite spec (its narrow variant, for chart_html)",
    "conformance.default_file": "internal path helper; readers use default_files()",
    "conformance.checker": "decorator registering a mechanism's checker inside the module",
    "conformance.UnknownExpectedKey": "internal signal: a vector whose expected key no rule computes FAILS",
    "conformance.load": "reads a vectors file for run(); readers call run()/table()",
    "conformance.check_vector": "checks one vector dict for run(); readers call run()/table()",
}
"""Public (non-underscore) functions and classes deliberately left out of their module's ``__all__``."""


def test_every_public_function_is_in_all():
    """A public function missing from ``__all__`` escapes tests/test_bad_input.py, this file and the API docs."""
    missing = []
    for m in AREA_MODULES:
        mod = importlib.import_module(f"dtao_lib.{m}")
        names = set(mod.__all__)
        for n, obj in vars(mod).items():
            if n.startswith("_") or n in names or f"{m}.{n}" in NOT_IN_ALL:
                continue
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == mod.__name__:
                missing.append(f"{m}.{n}")
    assert not missing, f"add to __all__ (and to tests/bad_input_tables) or make private: {missing}"
    stale = [q for q in NOT_IN_ALL if not hasattr(importlib.import_module(f"dtao_lib.{q.rsplit('.', 1)[0]}"),
                                                  q.rsplit(".", 1)[1])]
    assert not stale, f"stale NOT_IN_ALL entries: {stale}"


# ---------------------------------------------------------------------------------------------
# regressions: defects found by this fuzz, pinned (each must keep the contract)
# ---------------------------------------------------------------------------------------------
def _with_inf(df: pd.DataFrame, col: str) -> pd.DataFrame:
    out = df.copy()
    out[col] = out[col].astype(float)
    out.iloc[0, out.columns.get_loc(col)] = INF
    return out


_SNAP = VALID["figures.dynamic_tao.head_block"]["snapshot"]
_SNAP_INF = _with_inf(_SNAP, "tao_in_tao")
_GATE_INF = _with_inf(VALID["figures.adr.gate_projection_summary"]["df"], "rank")
_PATH_1 = VALID["figures.emission_shares.pump_summary"]["path"].head(1)
_PATH_1.attrs = VALID["figures.emission_shares.pump_summary"]["path"].attrs

REGRESSIONS: list[tuple[str, dict[str, Any]]] = [
    # snapshot numbers reached int(): OverflowError (now ValueError naming the column)
    ("figures.dynamic_tao.head_block", {"snapshot": _SNAP_INF}),
    ("figures.dynamic_tao.root_proportions", {"snapshot": _SNAP_INF}),
    ("figures.emission_shares.share_rules", {"snapshot": _SNAP_INF}),
    # a price so small that the chain buy's pool exceeds the alpha supply: OverflowError
    ("figures.dynamic_tao.injection_table", {"price": 5e-324}),
    # reserves the static face could not use (ZeroDivisionError, or a ValueError naming tao_reserve, later)
    ("figures.amm.design_comparison", {"tao_rao": 1}),
    ("figures.amm.design_comparison", {"alpha_rao": 9_007_199_254_740_993}),
    ("figures.amm.price_path", {"tao_rao": 2_147_483_648}),
    ("figures.amm.price_path", {"alpha_rao": 39_999_999_999_999}),
    ("figures.amm.injection_explorer", {"alpha_rao": 1}),
    # numpy arrays of small dtypes overflowed in the grid's arithmetic; a share worth 0 rao divided by zero
    ("figures.adr.exit_grid", {"adrs": np.array([1, 2], dtype=np.int8)}),
    ("figures.adr.exit_grid", {"adrs": np.array([1.0, 2.0], dtype=np.float16)}),
    ("figures.adr.exit_grid", {"fracs_pct": [5e-324, 50.0]}),
    # frames too short or holding an infinity: IndexError / OverflowError
    ("figures.adr.adr_examples", {"snapshot": _SNAP.iloc[:0]}),
    ("figures.adr.gate_projection_summary", {"df": _GATE_INF}),
    ("figures.emission_shares.pump_summary", {"path": _PATH_1}),
    # a pending amount beyond the supply: OverflowError
    ("figures.root_network.split_table", {"pending_tao": 1e308}),
    # no halving with a calendar date: the static face raised KeyError 'date'
    ("figures.amm.injection_explorer", {"tao_rao": np.int8(1), "alpha_rao": np.int8(1)}),
    ("figures.halvings.issuance_explorer", {"start_date": dt.date(9999, 12, 31)}),
    # a non-whole stake was truncated silently
    ("figures.root_network.membership_demo", {"stakes": [1_000.5] + [1_000.0 + i for i in range(1, 64)]}),
]


@pytest.mark.parametrize(("qual", "override"), REGRESSIONS, ids=[f"{q}-{i}" for i, (q, _) in enumerate(REGRESSIONS)])
def test_regression(qual, override):
    check_call(qual, {**VALID[qual], **override})
