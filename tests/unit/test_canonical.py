import pytest

from collectors.errors import InvalidRecordError
from collectors.records import ResourceRecord
from cspm.inventory import canonical as canonical_module
from cspm.inventory.canonical import canonical, prepare


def record(config, **kw) -> ResourceRecord:
    return ResourceRecord(type=kw.pop("type", "aws.s3.bucket"), native_id=kw.pop("native_id", "arn:aws:s3:::b"),
                          config=config, **kw)


def test_canonical_json_ignores_key_order_and_is_compact():
    assert canonical({"b": 1, "a": {"d": [1, 2], "c": None}}) == b'{"a":{"c":null,"d":[1,2]},"b":1}'
    assert canonical({"a": {"c": None, "d": [1, 2]}, "b": 1}) == canonical({"b": 1, "a": {"d": [1, 2], "c": None}})


def test_hash_follows_config_name_region_and_tags():
    base, _ = prepare(record({"Name": "b"}))
    assert prepare(record({"Name": "b"}))[0] == base
    assert prepare(record({"Name": "c"}))[0] != base
    assert prepare(record({"Name": "b"}, name="other"))[0] != base
    assert prepare(record({"Name": "b"}, region="eu-west-1"))[0] != base
    assert prepare(record({"Name": "b"}, tags={"env": "prod"}))[0] != base


def test_types_are_not_confused():
    # JSON keeps true, 1 and "1" apart, and so must the hash.
    hashes = {prepare(record({"v": value}))[0] for value in (True, 1, "1", 1.5, None, [1], {"1": 1})}
    assert len(hashes) == 7


def test_datetimes_from_sdks_serialize():
    import datetime as dt

    _, body = prepare(record({"CreationDate": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)}))
    assert body == b'{"CreationDate":"2026-01-02T03:04:05+00:00"}'


def test_nul_and_surrogates_stay_visible():
    assert canonical({"a": "x\x00y"}) == b'{"a":"x\\\\u0000y"}'
    assert canonical({"k\x00": 1}) == b'{"k\\\\u0000":1}'
    assert canonical({"a": "x\ud800y"}) == '{"a":"x\ufffdy"}'.encode()
    # A literal backslash-u0000 text is not mistaken for a NUL.
    assert canonical({"a": "\\u0000"}) == b'{"a":"\\\\u0000"}'


@pytest.mark.parametrize(
    ("rec", "message"),
    [
        (record({"a": object()}), "not JSON"),
        (record({1: "int key"}), "not JSON"),
        (record(["not", "an", "object"]), "not a JSON object"),
        (record({}, type="aws.EKS.cluster"), "invalid resource type key"),
        (record({}, type="oracle.db.instance"), "invalid resource type key"),
        (record({}, native_id=""), "empty"),
        (record({}, native_id="x" * 5000), "longer than"),
        (record({}, tags={"k": 1}), "tags"),
    ],
)
def test_records_that_cannot_be_stored_are_refused(rec, message):
    with pytest.raises(InvalidRecordError) as err:
        prepare(rec)
    assert message in str(err.value)


def test_oversized_config_is_refused(monkeypatch):
    monkeypatch.setattr(canonical_module, "MAX_CONFIG_BYTES", 100)
    with pytest.raises(InvalidRecordError, match="larger than 100 bytes"):
        prepare(record({"blob": "x" * 200}))


def test_deeply_nested_config_is_refused():
    deep: dict = {}
    node = deep
    for _ in range(300):
        node["n"] = {}
        node = node["n"]
    with pytest.raises(InvalidRecordError, match="not JSON"):
        prepare(record(deep))
