"""Helpers shared by the benchmark scripts (imported by them; running this file does nothing).

The scripts run as ``python benchmarks/NAME.py``, so this directory is first on ``sys.path`` and they
import it as ``_common``. (``benchmarks/core.py`` is the benchmark of the core economics, not a
shared module.)
"""

from __future__ import annotations

import importlib
import os
import platform
from pathlib import Path


def machine_note(*packages: str) -> str:
    """One line describing the machine a benchmark ran on, for the reference JSON files.

    CPU model (from ``/proc/cpuinfo`` where there is one), core count, Python version, the version of
    each named package (e.g. ``machine_note("numpy", "numba")``) and the operating system.
    """
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = [f"{name} {importlib.import_module(name).__version__}" for name in packages]
    return ", ".join([cpu, f"{os.cpu_count()} cores", f"Python {platform.python_version()}", *versions,
                      platform.system()])
