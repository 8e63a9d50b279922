"""Checks `aoscomm.types` (TypedDicts of the 26 protocol v7 `data` objects) against the canonical
frames our encoder wrote (`aoscomm/tests/data/canonical/*.json`).

Runs without the compiled extension: if `aoscomm` cannot be imported, `py/python/aoscomm/types.py`
is loaded by path. No network, no build.
"""

import copy
import importlib
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, List, Literal, Optional, Set, Tuple, Union, get_args, get_origin
from typing import get_type_hints

import pytest

ROOT = Path(__file__).resolve().parents[2]
CANONICAL = ROOT / "aoscomm" / "tests" / "data" / "canonical"
TYPES_PY = ROOT / "py" / "python" / "aoscomm" / "types.py"
MESSAGE_RS = ROOT / "aoscomm" / "src" / "protocol" / "message.rs"


def _load_types() -> ModuleType:
    try:
        return importlib.import_module("aoscomm.types")
    except ImportError:
        pass
    name = "_aoscomm_types_by_path"
    spec = importlib.util.spec_from_file_location(name, TYPES_PY)
    assert spec is not None and spec.loader is not None, TYPES_PY
    module = importlib.util.module_from_spec(spec)
    # Registered before exec so that typing can resolve the module's names.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


T = _load_types()

CANONICAL_FILES = sorted(CANONICAL.glob("*.json"))


def _data(path: Path) -> Dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        doc = json.load(f)
    assert set(doc) == {"header", "data"}, path.name
    data: Dict[str, Any] = doc["data"]
    return data


# ---------------------------------------------------------------------------------------------
# The checker

Seen = Set[Tuple[str, str]]


def _is_typeddict(tp: Any) -> bool:
    return (
        isinstance(tp, type)
        and issubclass(tp, dict)
        and hasattr(tp, "__required_keys__")
        and hasattr(tp, "__optional_keys__")
    )


def check(value: Any, tp: Any, path: str = "data", seen: Optional[Seen] = None) -> List[str]:
    """Returns the ways `value` (decoded JSON) does not match the annotation `tp`; [] if it does.

    `seen` collects (TypedDict name, key) for every key found in a matching object.
    """
    if seen is None:
        seen = set()
    origin = get_origin(tp)

    if _is_typeddict(tp):
        if not isinstance(value, dict):
            return [f"{path}: expected object {tp.__name__}, got {type(value).__name__}"]
        hints = get_type_hints(tp)
        errors = [
            f"{path}: missing required key {k!r} of {tp.__name__}"
            for k in sorted(tp.__required_keys__)
            if k not in value
        ]
        local: Seen = set()
        for key, v in value.items():
            if key not in hints:
                errors.append(f"{path}: undeclared key {key!r} in {tp.__name__}")
                continue
            errors += check(v, hints[key], f"{path}.{key}", local)
            local.add((tp.__name__, key))
        if not errors:
            seen |= local
        return errors

    if origin is Union:
        arm_errors = []
        for arm in get_args(tp):
            local = set()
            errs = check(value, arm, path, local)
            if not errs:
                seen |= local
                return []
            arm_errors.append(errs)
        best = min(arm_errors, key=len)
        return [f"{path}: matches no arm of {tp}; closest: {'; '.join(best)}"]

    if origin is Literal:
        if any(type(value) is type(a) and value == a for a in get_args(tp)):
            return []
        return [f"{path}: {value!r} is not one of {list(get_args(tp))}"]

    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: expected array, got {type(value).__name__}"]
        (elem,) = get_args(tp)
        errors = []
        for i, v in enumerate(value):
            errors += check(v, elem, f"{path}[{i}]", seen)
        return errors

    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path}: expected object, got {type(value).__name__}"]
        key_tp, val_tp = get_args(tp)
        errors = []
        for k, v in value.items():
            errors += check(k, key_tp, f"{path}<key {k!r}>", seen)
            errors += check(v, val_tp, f"{path}.{k}", seen)
        return errors

    if tp is str:
        ok = isinstance(value, str)
    elif tp is bool:
        ok = isinstance(value, bool)
    elif tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif tp is float:
        # A whole double is written without `.0`, so JSON integers are valid floats.
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        raise TypeError(f"{path}: the checker does not handle the annotation {tp!r}")
    if ok:
        return []
    return [f"{path}: expected {tp.__name__}, got {type(value).__name__} {value!r}"]


def check_data(data: Dict[str, Any], seen: Optional[Seen] = None) -> List[str]:
    cls = T.DATA_TYPES.get(data.get("messageType"))
    if cls is None:
        return [f"data.messageType: unknown {data.get('messageType')!r}"]
    return check(data, cls, "data", seen)


def declared_keys() -> Seen:
    """(TypedDict name, key) for every key of every TypedDict reachable from DATA_TYPES."""
    out: Seen = set()
    done: Set[Any] = set()

    def walk(tp: Any) -> None:
        if _is_typeddict(tp):
            if tp in done:
                return
            done.add(tp)
            for key, hint in get_type_hints(tp).items():
                out.add((tp.__name__, key))
                walk(hint)
        else:
            for arg in get_args(tp):
                walk(arg)

    for cls in T.DATA_TYPES.values():
        walk(cls)
    return out


# Keys the types declare but no canonical frame contains, with the reason.
NOT_IN_CANONICAL_DATA = {
    # AosIdentity is the protocol's generic identity object; unitStatus items only ever
    # carry id/codename/type, never a title.
    ("AosIdentity", "title"),
}


# ---------------------------------------------------------------------------------------------
# The module's tables


def test_all_names_exported() -> None:
    missing = [n for n in T.__all__ if not hasattr(T, n)]
    assert missing == []
    assert len(set(T.__all__)) == len(T.__all__)


def test_data_types_table() -> None:
    assert len(T.DATA_TYPES) == 26
    assert set(get_args(T.MessageType)) == set(T.DATA_TYPES)
    assert set(get_args(T.Data)) == set(T.DATA_TYPES.values())
    for wire, cls in T.DATA_TYPES.items():
        assert cls.__name__ == wire[0].upper() + wire[1:] + "Data"
        assert _is_typeddict(cls)
        assert get_type_hints(cls)["messageType"] == Literal[wire]
        assert "messageType" in cls.__required_keys__
        assert "correlationId" in cls.__optional_keys__
        assert get_type_hints(cls)["correlationId"] is str
        assert (cls.__doc__ or "").strip(), f"{cls.__name__} has no docstring"


def test_directions() -> None:
    both = T.UNIT_TO_CLOUD | T.CLOUD_TO_UNIT
    assert isinstance(T.UNIT_TO_CLOUD, frozenset)
    assert isinstance(T.CLOUD_TO_UNIT, frozenset)
    assert set(T.DATA_TYPES) == both
    assert len(both) == 26
    # §3.1: the unit sends 14 types and accepts 13; only `ack` goes both ways, `nack` is
    # cloud → unit only (the unit never sends one).
    assert len(T.UNIT_TO_CLOUD) == 14
    assert len(T.CLOUD_TO_UNIT) == 13
    assert T.UNIT_TO_CLOUD & T.CLOUD_TO_UNIT == {"ack"}
    assert "nack" in T.CLOUD_TO_UNIT


def test_directions_match_rust_model() -> None:
    assert MESSAGE_RS.exists(), f"{MESSAGE_RS} is part of the repository"
    rows = re.findall(
        r'^\s*\w+\([\w:]+\)\s*=\s*"(\w+)",\s*(UnitToCloud|CloudToUnit|Both),',
        MESSAGE_RS.read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    assert len(rows) == 26
    to_cloud = {w for w, d in rows if d in ("UnitToCloud", "Both")}
    to_unit = {w for w, d in rows if d in ("CloudToUnit", "Both")}
    assert to_cloud == T.UNIT_TO_CLOUD
    assert to_unit == T.CLOUD_TO_UNIT


# ---------------------------------------------------------------------------------------------
# Canonical frames


def test_canonical_files_cover_all_types() -> None:
    assert CANONICAL_FILES, f"no canonical files in {CANONICAL}"
    found = {_data(p)["messageType"] for p in CANONICAL_FILES}
    assert found == set(T.DATA_TYPES)


@pytest.mark.parametrize("path", CANONICAL_FILES, ids=lambda p: p.stem)
def test_canonical_frame_matches_its_type(path: Path) -> None:
    assert check_data(_data(path)) == []


def test_every_declared_key_is_exercised() -> None:
    seen: Seen = set()
    for path in CANONICAL_FILES:
        assert check_data(_data(path), seen) == [], path.name
    # `correlationId` is declared on every type by the envelope rule (§1.2) and is checked by
    # test_data_types_table; the unit's certificate messages never carry one (§5.9, §5.10).
    unexercised = {(c, k) for c, k in declared_keys() - seen if k != "correlationId"}
    assert unexercised == NOT_IN_CANONICAL_DATA


# ---------------------------------------------------------------------------------------------
# The checker can fail


def _canonical(name: str) -> Dict[str, Any]:
    data = _data(CANONICAL / f"{name}.json")
    assert check_data(data) == [], name
    return copy.deepcopy(data)


def _set(d: Dict[str, Any], path: str, value: Any) -> Dict[str, Any]:
    """Sets `value` at a dotted path (`nodes.0.cpu`); returns `d`."""
    parts = path.split(".")
    cur: Any = d
    for p in parts[:-1]:
        cur = cur[int(p)] if isinstance(cur, list) else cur[p]
    last = parts[-1]
    if isinstance(cur, list):
        cur[int(last)] = value
    else:
        cur[last] = value
    return d


def _del(d: Dict[str, Any], path: str) -> Dict[str, Any]:
    parts = path.split(".")
    cur: Any = d
    for p in parts[:-1]:
        cur = cur[int(p)] if isinstance(cur, list) else cur[p]
    del cur[parts[-1]]
    return d


BAD = [
    # (canonical file, mutation, expected fragment of the report)
    ("ack-1", lambda d: _set(d, "extra", 1), "undeclared key 'extra'"),
    (
        "unitStatus-1",
        lambda d: _set(d, "nodes.0.maxDMIPS", 48000),
        "undeclared key 'maxDMIPS'",
    ),
    ("nack-1", lambda d: _set(d, "retryAfter", "1500"), "expected int, got str"),
    ("nack-1", lambda d: _set(d, "retryAfter", 1.5), "expected int, got float"),
    ("stateRequest-1", lambda d: _set(d, "instance", True), "expected int, got bool"),
    ("stateRequest-1", lambda d: _set(d, "default", 1), "expected bool, got int"),
    ("pushLog-3", lambda d: _del(d, "status"), "missing required key 'status'"),
    ("pushLog-3", lambda d: _set(d, "status", "OK"), "'OK' is not one of"),
    ("unitStatus-2", lambda d: _set(d, "messageType", "ack"), "'ack' is not one of"),
    (
        "monitoringData-1",
        lambda d: _set(d, "nodes.0.items.0.cpu", "12.5"),
        "expected float, got str",
    ),
    (
        "requestBlobUrls-1",
        lambda d: _set(d, "digests", "sha256:00"),
        "expected array, got str",
    ),
    ("unitStatus-1", lambda d: _set(d, "nodes.0.attrs.zone", 2), "expected str, got int"),
    # A system alert carrying a core alert's key matches no arm of the Alert union.
    ("alerts-1", lambda d: _set(d, "items.0.coreComponent", "CM"), "matches no arm"),
    # InstanceIdent.item is {"id"} or {"codename"}, not an arbitrary object.
    ("newState-1", lambda d: _set(d, "item", {"name": "x"}), "matches no arm"),
    ("desiredStatus-1", lambda d: _del(d, "unitConfig.nodes.0.priority"), "'priority'"),
    ("blobUrls-1", lambda d: _del(d, "items.0.signInfo.trustedTimestamp"), "trustedTimestamp"),
]


@pytest.mark.parametrize(
    "name,mutate,fragment", BAD, ids=[f"{b[0]}:{b[2][:24]}" for b in BAD]
)
def test_checker_reports_bad_data(name: str, mutate: Any, fragment: str) -> None:
    data = _canonical(name)
    cls = T.DATA_TYPES[data["messageType"]]
    errors = check(mutate(data), cls)
    assert errors, "the checker accepted invalid data"
    assert any(fragment in e for e in errors), errors


def test_checker_accepts_integer_for_float() -> None:
    data = _canonical("monitoringData-2")
    assert isinstance(data["nodes"][0]["items"][0]["cpu"], int)
    assert check_data(data) == []


def test_checker_rejects_unknown_annotation() -> None:
    with pytest.raises(TypeError):
        check(b"x", bytes)
