"""Notebook hygiene: every chapter is in the table of contents, committed without outputs, thin,
and installs dtao_lib from the repository named in _config.yml when it is missing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").rglob("*.ipynb"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def _toc_files(node) -> set[str]:
    """Every `file:` entry of the parsed table of contents (commented lines are not entries)."""
    if isinstance(node, dict):
        return ({node["file"]} if "file" in node else set()) | {f for v in node.values() for f in _toc_files(v)}
    if isinstance(node, list):
        return {f for v in node for f in _toc_files(v)}
    return set()


TOC_FILES = _toc_files(TOC) | {TOC["root"]}
MAX_CODE_LINES = 15


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _ids(paths):
    return [p.relative_to(ROOT).as_posix() for p in paths]


def test_there_are_chapters():
    assert CHAPTERS, "no notebooks under chapters/"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_no_outputs(path):
    nb = _nb(path)
    dirty = [i for i, c in enumerate(nb["cells"])
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; run `python -m dtao_lib.authoring strip {path}`"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_cells_are_thin(path):
    """Logic lives in dtao_lib: code cells are short and define no functions or classes."""
    for i, c in enumerate(_nb(path)["cells"]):
        if c["cell_type"] != "code":
            continue
        src = "".join(c["source"])
        lines = [ln for ln in src.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        assert len(lines) <= MAX_CODE_LINES, f"{path.name} cell {i}: {len(lines)} lines"
        assert not any(ln.lstrip().startswith(("def ", "class ")) for ln in lines), (
            f"{path.name} cell {i} defines a function or class; move it into dtao_lib"
        )


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_in_toc(path):
    rel = path.relative_to(ROOT).with_suffix("").as_posix()
    assert rel in TOC_FILES, f"{rel} is not in _toc.yml"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_installs_dtao_lib_when_missing(path):
    """The first code cell installs dtao_lib from the repository in _config.yml (Colab, Binder)."""
    first = next(c for c in _nb(path)["cells"] if c["cell_type"] == "code")
    src = "".join(first["source"])
    url = CONFIG["repository"]["url"].rstrip("/")
    assert "except ImportError" in src, f"{path.name}: first cell must install dtao_lib when missing"
    assert "%pip install" in src, f"{path.name}: first cell must install dtao_lib when missing"
    assert f"git+{url}" in src, f"{path.name}: install URL must be git+{url}"
    assert "setup()" in src, f"{path.name}: first cell must call dtao_lib.interactive.setup()"
    assert "remove-cell" in first.get("metadata", {}).get("tags", []), f"{path.name}: hide the install cell"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_kernelspec(path):
    assert _nb(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_saved_as_jupyterlab_writes_it(path):
    """nbformat 4.5 with a valid id on every cell, keys sorted like nbformat's writer: opening a
    chapter in JupyterLab 4 / Notebook 7 does not mark it modified, and `strip` is a no-op."""
    import nbformat

    from dtao_lib import authoring

    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5), f"{path.name}: save as nbformat 4.5"
    nbformat.validate(nb)  # includes the 4.5 cell-id pattern
    ids = [c["id"] for c in nb["cells"]]
    assert len(ids) == len(set(ids)), f"{path.name}: duplicate cell ids"
    assert json.dumps(authoring.clean(nb), indent=1, sort_keys=True, ensure_ascii=False) + "\n" == text, (
        f"{path.name}: run `python -m dtao_lib.authoring strip {path}`"
    )


PAGES = sorted((ROOT / "chapters").glob("*.md"))
_BARE_EXERCISE = re.compile(r"(?i)\bexercises? (?:\d|[ivx]+\b)")
_EXERCISE_XREF = re.compile(r"\{(?:num)?ref\}`(?:[^`<]*<)?([A-Za-z0-9_-]+-ex\d+)>?`")


def _prose(path: Path) -> str:
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    return "\n".join("".join(c["source"]) for c in _nb(path)["cells"] if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", CHAPTERS + PAGES, ids=_ids(CHAPTERS + PAGES))
def test_exercise_references_are_cross_references(path):
    """An exercise is referred to by {numref}`<label>` (its number, the same on every page), never
    by a typed number such as "exercise 2", which goes stale when exercises move; the build (-n -W)
    fails on a reference to a missing label, and this test names it first."""
    from dtao_lib.figures.appendices import find_exercises

    text = _prose(path)
    bare = [m.group(0) for m in _BARE_EXERCISE.finditer(text)]
    assert not bare, f"{path.name}: typed exercise numbers {bare}; use {{numref}}`<label>`"
    labels = set(find_exercises(ROOT / "chapters"))
    dangling = sorted(set(_EXERCISE_XREF.findall(text)) - labels)
    assert not dangling, f"{path.name}: references to unknown exercise labels {dangling}"


def _toc_order(node) -> list[str]:
    """The `file:` entries of the table of contents in reading order."""
    if isinstance(node, dict):
        return ([node["file"]] if "file" in node else []) + [f for k, v in node.items() if k != "file"
                                                            for f in _toc_order(v)]
    if isinstance(node, list):
        return [f for v in node for f in _toc_order(v)]
    return []


READING_ORDER = [TOC["root"], *_toc_order(TOC["parts"])]
_DOC_REF = re.compile(r"\{doc\}`(?:[^`<]*<)?/?(?:chapters/)?([A-Za-z0-9_]+)>?`")


def test_the_newcomer_chapter_comes_first():
    assert READING_ORDER[1] == "chapters/quick_tour", "the 15-minute tour is the first chapter after the front page"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_prerequisites_point_backwards(path):
    """A chapter's **Prerequisites:** name only pages that come before it in the table of contents."""
    rel = path.relative_to(ROOT).with_suffix("").as_posix()
    text = _prose(path)
    m = re.search(r"\*\*Prerequisites:\*\*(.*?)(?:\*\*Time:|\n\n)", text, flags=re.S)
    if m is None or rel not in READING_ORDER:
        return
    here = READING_ORDER.index(rel)
    for name in _DOC_REF.findall(m.group(1)):
        target = f"chapters/{name}"
        assert target in READING_ORDER, f"{path.name}: prerequisite {name} is not in _toc.yml"
        assert READING_ORDER.index(target) < here, f"{path.name}: prerequisite {name} comes later in the book"


def test_workshop_follows_the_reading_order():
    """The workshop plan reads the chapters in the book's order (its table rows, top to bottom)."""
    text = (ROOT / "chapters" / "workshop.md").read_text(encoding="utf-8")
    rows = [ln for ln in text.splitlines() if re.match(r"^\| \d:\d\d", ln)]
    seen = [f"chapters/{n}" for row in rows for n in _DOC_REF.findall(row)]
    positions = [READING_ORDER.index(f) for f in seen if f in READING_ORDER]
    assert positions, "the workshop plan names no chapter"
    assert positions == sorted(positions), f"workshop plan reads {seen}"


def test_launch_buttons_work_for_anyone():
    """Binder and Colab only: a JupyterHub button works only for that hub's members."""
    launch = CONFIG["launch_buttons"]
    assert launch.get("binderhub_url") == "https://mybinder.org"
    assert launch.get("colab_url") == "https://colab.research.google.com"
    assert "jupyterhub_url" not in launch
    assert (ROOT / ".binder").is_dir(), "Binder builds the environment from .binder/"


_PLUMBING = re.compile(r"^(?:[\w, ]+=\s*)?(?:fig\.\w+\(|claims\.show\(|from dtao_lib\.figures import \w+ as fig$)")
_HIDDEN = {"remove-cell", "remove-input", "hide-input"}


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_plumbing_cells_hide_their_input(path):
    """A cell that only draws a figure or a claim box (`fig.x()`, `claims.show(...)`) shows its output
    on the site but not its code: the visible cells are the ones that teach dtao_lib."""
    shown = []
    for i, c in enumerate(_nb(path)["cells"]):
        if c["cell_type"] != "code" or _HIDDEN & set(c.get("metadata", {}).get("tags", [])):
            continue
        code = [ln.strip() for ln in "".join(c["source"]).splitlines()]
        lines = [ln for ln in code if ln and not ln.startswith("#")]
        if lines and all(_PLUMBING.match(ln) for ln in lines):
            shown.append(i)
    assert not shown, f"{path.name}: cells {shown} only draw a figure or claim box; tag them remove-input"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_install_cell_is_generated(path):
    """Every chapter's first cell is authoring.install_cell for the repository in _config.yml."""
    from dtao_lib import authoring

    first = next(c for c in _nb(path)["cells"] if c["cell_type"] == "code")
    assert "".join(first["source"]) == authoring.install_cell(CONFIG["repository"]["url"]), (
        f"{path.name}: run `python -m dtao_lib.authoring install-cell {path}`"
    )


def _run_install_cell(monkeypatch, reachable: bool, pip_calls: list) -> None:
    """Run the install cell with dtao_lib missing and the network reachable or not; record %pip."""
    import builtins
    import socket

    from IPython.core.inputtransformer2 import TransformerManager

    from dtao_lib import authoring

    real_import = builtins.__import__

    def no_dtao(name, *args, **kwargs):
        if name == "dtao_lib" or name.startswith("dtao_lib."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    def connect(address, timeout=None):
        assert timeout is not None, "the reachability check must time out"
        assert timeout <= 10, "the reachability check must time out quickly"
        if not reachable:
            raise OSError("Network is unreachable")
        return socket.socket()

    class Shell:
        def run_line_magic(self, name, line):
            pip_calls.append(f"%{name} {line}")

    code = TransformerManager().transform_cell(authoring.install_cell(CONFIG["repository"]["url"]))
    monkeypatch.setattr(socket, "create_connection", connect)
    monkeypatch.setattr(builtins, "__import__", no_dtao)
    try:
        exec(code, {"get_ipython": Shell})
    finally:
        monkeypatch.setattr(builtins, "__import__", real_import)


def test_install_cell_offline_says_so_instead_of_running_pip(monkeypatch):
    pip_calls: list[str] = []
    with pytest.raises(SystemExit, match=r"dtao_lib is not installed and github\.com cannot be reached"):
        _run_install_cell(monkeypatch, reachable=False, pip_calls=pip_calls)
    assert pip_calls == []


def test_install_cell_online_runs_pip_from_the_repository(monkeypatch):
    pip_calls: list[str] = []
    with pytest.raises(ImportError):  # pip is recorded, not run: the import after it still fails here
        _run_install_cell(monkeypatch, reachable=True, pip_calls=pip_calls)
    url = CONFIG["repository"]["url"].rstrip("/")
    assert pip_calls == [f'%pip install --quiet "dtao-lib @ git+{url}"']


_EXERCISE_BLOCK = re.compile(r"```\{exercise\}.*?```", re.S)
_CALL = re.compile(r"`([a-z_]+)\.([A-Za-z_]\w*)\(")


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_exercises_use_documented_functions(path):
    """Every `module.function(` an exercise asks for exists and has a docstring (fig is the chapter's
    figures module, as its import cell names it)."""
    import importlib

    nb = _nb(path)
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    fig = re.search(r"from dtao_lib\.figures import (\w+) as fig", code)
    modules = {"fig": f"dtao_lib.figures.{fig.group(1)}" if fig else None}
    for block in _EXERCISE_BLOCK.findall(_prose(path)):
        for mod, name in _CALL.findall(block):
            target = modules.get(mod) or f"dtao_lib.{mod}"
            try:
                module = importlib.import_module(target)
            except ModuleNotFoundError:  # a standard-library helper such as dataclasses.replace
                target = mod
                module = importlib.import_module(mod)
            obj = getattr(module, name, None)
            assert obj is not None, f"{path.name}: an exercise uses {mod}.{name}, which {target} does not have"
            assert (obj.__doc__ or "").strip(), f"{path.name}: an exercise uses {mod}.{name}, which has no docstring"
