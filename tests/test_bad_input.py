"""Every public callable rejects bad input clearly and accepts numpy scalars (issue 16).

The callables are enumerated from each library module's ``__all__`` (so a new function cannot
escape): each must appear either in ``VALID`` (keyword arguments of one valid call) or in
``NOT_CHECKED`` (with the reason it takes no user input worth checking). For every argument in its
valid call the suite then feeds typed bad values — strings, NaN, infinity, complex numbers, −1,
integers beyond u64, wrong shapes, ``'False'`` for flags, unknown release tags — and expects a
``TypeError`` or ``ValueError`` whose message names the parameter. It also checks that numpy
scalars (``np.float64``, ``np.int64``/``np.uint64``, ``np.bool_``) are accepted where Python
numbers are.

``ALLOWED`` lists the few bad values that are meaningful for one parameter (e.g. a signed
amount), each with its reason.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.bad_input_tables import merged

# Modules of the public API: every module under dtao_lib whose name does not start with "_", found by walking
# the package (so a new module cannot escape either). Packages whose __init__ re-exports their submodules
# (dtao_lib.sim, dtao_lib.data) are checked through the package; build tools that readers do not call are skipped.
PACKAGES_REEXPORTING = {"dtao_lib.sim", "dtao_lib.data"}
SKIPPED_MODULES: dict[str, str] = {
    "dtao_lib.authoring": "chapter-authoring helpers run by maintainers (notebook formatting), not reader API",
    "dtao_lib.cjk_font": "build tool: regenerates the vendored Japanese font subset",
    "dtao_lib.icon_font": "build tool: regenerates the trimmed icon font",
    "dtao_lib.sphinx_ext": "Sphinx extension: called by Sphinx with its own objects",
    "dtao_lib.data.__main__": "command-line entry point (python -m dtao_lib.data)",
}


def _public_modules() -> list[str]:
    import dtao_lib

    out = []
    for info in pkgutil.walk_packages(dtao_lib.__path__, "dtao_lib."):
        name = info.name
        parts = name.split(".")
        if any(p.startswith("_") and p != "__main__" for p in parts[1:]) or name in SKIPPED_MODULES:
            continue
        if any(name.startswith(pkg + ".") for pkg in PACKAGES_REEXPORTING):
            continue
        if name.startswith("dtao_lib.claims."):
            continue  # the claim registry's data files; dtao_lib.claims re-exports the API
        out.append(name.removeprefix("dtao_lib."))
    return sorted(out)


MODULES = _public_modules()
VALID, NOT_CHECKED, ALLOWED = merged()


def _public_callables() -> list[str]:
    out = []
    for m in MODULES:
        mod = importlib.import_module(f"dtao_lib.{m}")
        for name in getattr(mod, "__all__", ()):
            if callable(getattr(mod, name)):
                out.append(f"{m}.{name}")
    return out


PUBLIC = _public_callables()


def _resolve(qual: str):
    m, name = qual.rsplit(".", 1)
    return getattr(importlib.import_module(f"dtao_lib.{m}"), name)


def _call(qual: str, kwargs: dict[str, Any]) -> Any:
    fn = _resolve(qual)
    if qual == "coinbase.block" and kwargs.get("state") is None:
        kwargs = {**kwargs, "state": _resolve("coinbase.BlockState")(**VALID["coinbase.BlockState"])}
    return fn(**kwargs)


def test_every_public_module_declares_all():
    """``__all__`` is what this suite (and the API reference) enumerate: a public module without it would escape."""
    missing = []
    for m in MODULES:
        mod = importlib.import_module(f"dtao_lib.{m}")
        defined = [n for n, o in vars(mod).items() if callable(o) and not n.startswith("_")
                   and getattr(o, "__module__", None) == mod.__name__]
        if defined and not hasattr(mod, "__all__"):
            missing.append(m)
    assert not missing, f"declare __all__ in: {missing}"


def test_every_public_callable_is_in_the_table():
    missing = [q for q in PUBLIC if q not in VALID and q not in NOT_CHECKED]
    assert not missing, f"add a valid call to VALID (or a reason to NOT_CHECKED) for: {missing}"
    stale = [q for q in list(VALID) + list(NOT_CHECKED) if q not in PUBLIC]
    assert not stale, f"no longer public: {stale}"


@pytest.mark.parametrize("qual", sorted(VALID))
def test_valid_call_works(qual):
    _call(qual, dict(VALID[qual]))


# -- bad values by the kind of the valid value --------------------------------------------------------
def _bad_values(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, bool | np.bool_):
        return [("'False'", "False"), ("1", 1), ("None", None)]
    if isinstance(value, int | np.integer):
        return [("'1'", "1"), ("1.5", 1.5), ("complex", 1 + 0j), ("nan", math.nan), ("True", True),
                ("-1", -1), ("2**64", 2**64 + 5)]
    if isinstance(value, float | np.floating | Fraction):
        return [("'0.5'", "0.5"), ("complex", 0.5 + 0j), ("nan", math.nan), ("True", True)]
    if isinstance(value, str):
        return [("int for str", 3), ("bytes", value.encode() or b"x")]
    if isinstance(value, pd.DataFrame):
        return [("dict for frame", value.head(2).to_dict()), ("list for frame", value.head(2).values.tolist())]
    if isinstance(value, list | tuple | np.ndarray) and value and all(
            isinstance(x, int | float) and not isinstance(x, bool) for x in np.ravel(np.asarray(value, dtype=object))):
        arr = np.asarray(value, dtype=float)
        bad = [("strings", np.full(arr.shape, "1").tolist()), ("nan inside", np.where(arr == arr.flat[0], np.nan,
                                                                                       arr).tolist()),
               ("complex", (arr + 1j).tolist()), ("wrong ndim", [arr.tolist(), arr.tolist()] if arr.ndim == 1
                                                    else arr.ravel().tolist())]
        return bad
    return []


OLD_ERAS = ["A", "v3.2.8"]  # parameters are validated whatever the era (also where the era ignores them)


def _works(qual: str, kwargs: dict[str, Any]) -> bool:
    try:
        _call(qual, dict(kwargs))
    except (TypeError, ValueError):
        return False  # this era needs other arguments (e.g. a pre-dTAO era has no pools)
    return True


def _cases() -> list[tuple[str, dict[str, Any], str, str, Any]]:
    out = []
    for qual, kwargs in sorted(VALID.items()):
        bases = [("", kwargs)]
        if "era" in kwargs:
            bases += [(f"@{e}", {**kwargs, "era": e}) for e in OLD_ERAS if _works(qual, {**kwargs, "era": e})]
        for tag, base in bases:
            for param, value in kwargs.items():
                if param == "era":
                    if not tag:
                        out.append((qual, base, param, "unknown tag", "v9.9.9"))
                        out.append((qual, base, param, "int", 3))
                    continue
                for label, bad in _bad_values(value):
                    if label in ALLOWED.get((qual, param), set()):
                        continue
                    out.append((qual + tag, base, param, label, bad))
    return out


CASES = _cases()


@pytest.mark.parametrize(("qual", "base", "param", "label", "bad"), CASES,
                         ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in CASES])
def test_bad_value_is_rejected_naming_the_parameter(qual, base, param, label, bad):
    kwargs = {**base, param: bad}
    with pytest.raises((TypeError, ValueError)) as info:
        _call(qual.split("@")[0], kwargs)
    assert param in str(info.value), f"{qual}({param}={label}) raised without naming {param}: {info.value}"


# -- numpy scalars are numbers ----------------------------------------------------------------------------
def _numpy_twin(value: Any) -> Any:
    if isinstance(value, bool):
        return np.bool_(value)
    if isinstance(value, int):
        return np.int64(value) if value <= 2**63 - 1 else np.uint64(value)
    if isinstance(value, float):
        return np.float64(value)
    return None


NUMPY_CASES = [(q, p) for q, kw in sorted(VALID.items()) for p, v in kw.items() if _numpy_twin(v) is not None]


@pytest.mark.parametrize(("qual", "param"), NUMPY_CASES, ids=[f"{q}-{p}" for q, p in NUMPY_CASES])
def test_numpy_scalars_are_accepted(qual, param):
    kwargs = dict(VALID[qual])
    kwargs[param] = _numpy_twin(kwargs[param])
    _call(qual, kwargs)


def test_signature_parameters_are_known():
    """The table's keywords exist in the signatures (a renamed parameter must be renamed here too)."""
    for qual, kwargs in VALID.items():
        params = inspect.signature(_resolve(qual)).parameters
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
            continue
        unknown = set(kwargs) - set(params)
        assert not unknown, f"{qual}: {unknown}"


# -- frozen state holds read-only arrays -------------------------------------------------------------------
def _frozen_arrays(obj: Any) -> list[tuple[str, np.ndarray]]:
    import dataclasses

    if not dataclasses.is_dataclass(obj) or not obj.__dataclass_params__.frozen:
        return []
    return [(f.name, v) for f in dataclasses.fields(obj) if isinstance(v := getattr(obj, f.name), np.ndarray)]


@pytest.mark.parametrize("qual", sorted(VALID))
def test_arrays_in_frozen_results_are_read_only(qual):
    out = _call(qual, dict(VALID[qual]))
    for name, arr in _frozen_arrays(out):
        assert not arr.flags.writeable, f"{qual}(...).{name} is a writable array inside a frozen dataclass"
