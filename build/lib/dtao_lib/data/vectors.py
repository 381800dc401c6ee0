"""The public conformance vectors (``data/vectors/public.json``).

Numbers read from opentensor/subtensor's Rust tests (HEAD ``14bc6f9f``, 2026-06-30); see
``data/vectors/PROVENANCE.md``. The file is one JSON object: ``schema`` (field → description),
``repo``, ``head_commit``, ``head_date``, ``units``, ``about`` and ``vectors``, a list of objects
that each carry every field named in ``schema``.
"""

from __future__ import annotations

import os
from typing import Any

from ._parse import read_json
from ._paths import resolve_file

__all__ = ["VECTOR_FIELDS", "VECTOR_STATUSES", "load_vectors"]

DEFAULT_VECTORS = "vectors/public.json"

TOP_LEVEL_KEYS: tuple[str, ...] = ("schema", "repo", "head_commit", "head_date", "units", "vectors")
"""Keys the file must have (``about`` is optional)."""

VECTOR_FIELDS: tuple[str, ...] = (
    "id",
    "source_file",
    "source_ref",
    "test_name",
    "mechanism",
    "inputs",
    "expected",
    "tolerance",
    "status",
    "notes",
    "independently_recomputed",
)
"""Fields every vector has; the file's own ``schema`` must list at least these."""

VECTOR_STATUSES = frozenset({"asserted", "derived", "uncertain"})


def load_vectors(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The conformance-vector file as a ``dict``, after checking its schema.

    Parameters
    ----------
    path
        The JSON file, a folder holding ``public.json``, or ``None`` for the shipped file.

    Returns
    -------
    dict
        The parsed file unchanged: ``d["vectors"]`` is the list of vectors; ``{v["id"]: v for v in
        d["vectors"]}`` indexes them.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        Naming the file: invalid JSON, a missing top-level key, a ``schema`` without the standard
        fields, a vector lacking a field of ``schema``, ``inputs``/``expected`` not objects, an unknown
        ``status``, or a repeated ``id``.

    Examples
    --------
    >>> d = load_vectors()
    >>> d["head_commit"][:8], len(d["vectors"]) > 0
    ('14bc6f9f', True)
    """
    p = resolve_file(path, DEFAULT_VECTORS, "conformance vectors", pattern="*.json")
    d = read_json(p, "conformance-vector file")
    if not isinstance(d, dict):
        raise ValueError(f"{p}: conformance-vector file must be a JSON object, got {type(d).__name__}")
    missing = [k for k in TOP_LEVEL_KEYS if k not in d]
    if missing:
        raise ValueError(f"{p}: missing top-level key(s) {', '.join(map(repr, missing))}")
    schema = d["schema"]
    if not isinstance(schema, dict):
        raise ValueError(f"{p}: 'schema' must be an object mapping field names to descriptions")
    absent = [k for k in VECTOR_FIELDS if k not in schema]
    if absent:
        raise ValueError(f"{p}: 'schema' lacks the standard field(s) {', '.join(map(repr, absent))}")
    vectors = d["vectors"]
    if not isinstance(vectors, list) or not vectors:
        raise ValueError(f"{p}: 'vectors' must be a non-empty list")
    seen: set[str] = set()
    for i, v in enumerate(vectors):
        where = f"{p}: vectors[{i}]"
        if not isinstance(v, dict):
            raise ValueError(f"{where} must be an object")
        lacks = [k for k in schema if k not in v]
        if lacks:
            raise ValueError(f"{where} (id {v.get('id')!r}) lacks field(s) {', '.join(map(repr, lacks))}")
        vid = v["id"]
        if not isinstance(vid, str) or not vid:
            raise ValueError(f"{where}: id must be a non-empty string, got {vid!r}")
        if vid in seen:
            raise ValueError(f"{where}: id {vid!r} appears more than once")
        seen.add(vid)
        for k in ("inputs", "expected"):
            if not isinstance(v[k], dict):
                raise ValueError(f"{where} ({vid}): {k!r} must be an object")
        if v["status"] not in VECTOR_STATUSES:
            raise ValueError(f"{where} ({vid}): status must be one of {sorted(VECTOR_STATUSES)}, got {v['status']!r}")
    return d
