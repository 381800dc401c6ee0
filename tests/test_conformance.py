"""Every public vector, through dtao_lib's public API, within the vector's own tolerance.

Parametrised by vector id, so a failure names the vector (spec §10; data/vectors/public.json).
"""

from __future__ import annotations

import json

import pytest

from dtao_lib import conformance
from tests.conftest import load_vectors

VECTORS = load_vectors()


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


def test_cli_prints_the_table(capsys):
    code = conformance.main([])
    out = capsys.readouterr().out
    assert "vector" in out
    assert "mechanism" in out
    assert "BE-01" in out
    assert code == 0


def test_bad_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="vectors file"):
        conformance.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    with pytest.raises(ValueError, match="vectors"):
        conformance.load(bad)
