"""The codec from Python: decode/encode every canonical frame of our own test data, errors that
name the field and the rule, and the Python-value -> JSON conversion."""

import json
import math
import pickle

import pytest

import aoscomm
from conftest import DATA, canonical_frames


@pytest.mark.parametrize("path", canonical_frames(), ids=lambda p: p.name)
def test_canonical_frames_round_trip(path):
    raw = path.read_bytes().rstrip(b"\n")
    frame = json.loads(raw)
    m = aoscomm.decode(raw)
    assert m.message_type == frame["data"]["messageType"]
    assert m.txn == frame["header"]["txn"]
    assert m.system_id == frame["header"]["systemId"]
    assert m.created_at == frame["header"].get("createdAt")
    assert m.correlation_id == frame["data"].get("correlationId")
    # Plain dicts with the wire keys, in the wire's order.
    assert m.data == frame["data"]
    assert list(m.data) == list(frame["data"])
    assert m.to_dict() == frame
    assert m.encode() == raw
    assert bytes(m) == raw
    # str and already-parsed input decode the same.
    assert aoscomm.decode(raw.decode()) == m
    assert aoscomm.decode(frame) == m
    assert aoscomm.encode(m) == raw
    assert aoscomm.encode(frame) == raw


def test_all_26_types_are_covered_and_directions_match_the_typed_dicts():
    seen = {aoscomm.decode(p.read_bytes()).message_type for p in canonical_frames()}
    assert seen == set(aoscomm.MESSAGE_TYPES)
    assert len(aoscomm.MESSAGE_TYPES) == 26
    from aoscomm import types

    assert set(aoscomm.UNIT_TO_CLOUD) == set(types.UNIT_TO_CLOUD)
    assert set(aoscomm.CLOUD_TO_UNIT) == set(types.CLOUD_TO_UNIT)


def _expected_invalid():
    for line in (DATA / "invalid" / "EXPECTED.tsv").read_text().splitlines():
        if line.strip():
            name, path, rule = line.split("\t")
            yield pytest.param(name, path, rule, id=name)


@pytest.mark.parametrize("name,path,rule", list(_expected_invalid()))
def test_invalid_frames_raise_decode_error_with_path_and_rule(name, path, rule):
    with pytest.raises(aoscomm.DecodeError) as ei:
        aoscomm.decode((DATA / "invalid" / name).read_bytes())
    e = ei.value
    assert e.path == path
    assert rule in e.reason
    assert str(e) == f"{e.path}: {e.reason}"
    assert e.kind and e.kind.islower()


def test_decode_error_is_a_value_error_and_pickles():
    with pytest.raises(ValueError) as ei:
        aoscomm.decode_data({"messageType": "alerts", "items": [{"tag": "systemAlert"}]})
    e = ei.value
    assert isinstance(e, aoscomm.DecodeError) and isinstance(e, aoscomm.Error)
    assert (e.path, e.reason, e.kind) == ("data.items[0]", 'missing key "timestamp"', "missing_key")
    e2 = pickle.loads(pickle.dumps(e))
    assert (type(e2), e2.path, e2.reason, str(e2)) == (type(e), e.path, e.reason, str(e))


def test_decode_data_returns_the_canonical_form():
    out = aoscomm.decode_data('{"MESSAGETYPE":"nack"}')
    assert out == {"messageType": "nack", "retryAfter": 500}


@pytest.mark.parametrize(
    "value,reason",
    [
        ({1, 2}, "a value of type set has no JSON form"),
        (math.nan, "NaN is not a JSON number"),
        (math.inf, "inf is not a JSON number"),
        (2**70, "integer does not fit in 64 bits"),
    ],
)
def test_python_values_without_json_form_name_the_field(value, reason):
    data = {"messageType": "alerts", "items": [{"tag": "systemAlert", "x": value}]}
    with pytest.raises(aoscomm.DecodeError) as ei:
        aoscomm.decode_data(data)
    assert ei.value.path == "data.items[0].x"
    assert ei.value.reason == reason
    assert ei.value.kind == "not_json"


def test_non_string_key_is_rejected():
    with pytest.raises(aoscomm.DecodeError) as ei:
        aoscomm.decode_data({"messageType": "alerts", 1: 2})
    assert ei.value.path == "data" and "key 1 is not a string" in ei.value.reason


def test_tuples_and_mappings_are_accepted():
    import types as pytypes

    d = pytypes.MappingProxyType({"messageType": "stateRequest", "item": {"id": "i"},
                                  "subject": {"id": "s"}, "instance": 0, "default": False})
    assert aoscomm.decode_data(d)["messageType"] == "stateRequest"
    assert aoscomm.decode_data({"messageType": "requestBlobUrls", "digests": ("sha256:1",)})[
        "digests"
    ] == ["sha256:1"]


def test_encode_a_bare_data_object_with_a_header():
    raw = aoscomm.encode(
        {"messageType": "alerts", "items": []},
        system_id="unit-1",
        txn="00000000-0000-4000-8000-000000000001",
        created_at="2026-01-02T03:04:05.000000Z",
    )
    assert raw == (
        b'{"header":{"version":7,"systemId":"unit-1","createdAt":"2026-01-02T03:04:05.000000Z",'
        b'"txn":"00000000-0000-4000-8000-000000000001"},"data":{"messageType":"alerts","items":[]}}'
    )
    fresh = aoscomm.decode(aoscomm.encode({"messageType": "alerts", "items": []}, system_id="u"))
    assert len(fresh.txn) == 36 and fresh.created_at.endswith("Z")


def test_max_size_is_enforced():
    raw = (DATA / "canonical" / "unitStatus-1.json").read_bytes()
    with pytest.raises(aoscomm.DecodeError) as ei:
        aoscomm.decode(raw, max_size=100)
    assert ei.value.kind == "input_too_large"


def test_message_is_immutable_hashable_and_has_a_repr():
    raw = (DATA / "canonical" / "alerts-1.json").read_bytes()
    a, b = aoscomm.decode(raw), aoscomm.decode(raw)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert repr(a).startswith('Message(message_type="alerts", txn=')
    with pytest.raises(AttributeError):
        a.txn = "x"  # type: ignore[misc]
    # `data` is a fresh dict every time: changing it does not change the message.
    a.data["messageType"] = "changed"
    assert a.data["messageType"] == "alerts"
