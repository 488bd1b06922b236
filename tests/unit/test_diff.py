import copy
import hashlib

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cspm.drift.diff import apply_changes, diff, diff_configs, diff_view


def strict(value):
    """A form in which 1, 1.0, True and -0.0/0.0 all differ, for comparing documents exactly."""
    if isinstance(value, dict):
        return ("dict", sorted((k, strict(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", [strict(v) for v in value])
    if isinstance(value, float):
        return ("float", value.hex())
    return (type(value).__name__, value)


def test_nested_objects_are_recursed_and_changes_sorted_by_path():
    before = {"a": 1, "b": {"c": 1, "d": 2}, "gone": True}
    after = {"a": 2, "b": {"c": 1, "e": 3}, "new": None}
    assert diff(before, after) == [
        {"path": "/a", "op": "replace", "before": 1, "after": 2},
        {"path": "/b/d", "op": "remove", "before": 2, "after": None},
        {"path": "/b/e", "op": "add", "before": None, "after": 3},
        {"path": "/gone", "op": "remove", "before": True, "after": None},
        {"path": "/new", "op": "add", "before": None, "after": None},
    ]


def test_equal_documents_give_no_change():
    doc = {"a": [1, {"b": 2.5}], "c": {"d": None}}
    assert diff(doc, copy.deepcopy(doc)) == []


def test_lists_are_compared_as_whole_values():
    assert diff({"l": [1, 2, 3]}, {"l": [1, 3]}) == [
        {"path": "/l", "op": "replace", "before": [1, 2, 3], "after": [1, 3]}]


@pytest.mark.parametrize(("before", "after"), [
    (1, True), (1, 1.0), (0, False), (0.0, -0.0), ([1], [True]), ([{"x": 1}], [{"x": 1.0}]), ("1", 1),
])
def test_values_python_thinks_equal_are_different_json(before, after):
    [change] = diff({"v": before}, {"v": after})
    assert change["path"] == "/v" and change["op"] == "replace"
    assert strict(change["before"]) == strict(before) and strict(change["after"]) == strict(after)


def test_type_change_is_a_replace():
    assert diff({"v": {"a": 1}}, {"v": [1]}) == [{"path": "/v", "op": "replace", "before": {"a": 1}, "after": [1]}]


def test_non_object_roots_give_one_root_replace():
    assert diff([1], [2]) == [{"path": "", "op": "replace", "before": [1], "after": [2]}]
    assert diff({"a": 1}, None) == [{"path": "", "op": "replace", "before": {"a": 1}, "after": None}]
    assert diff("x", "x") == []


def test_keys_are_escaped_as_json_pointer():
    changes = diff({}, {"a/b": 1, "m~n": 2})
    assert [c["path"] for c in changes] == ["/a~1b", "/m~0n"]
    assert apply_changes({}, changes) == {"a/b": 1, "m~n": 2}


def test_apply_changes_does_not_mutate_its_input():
    doc = {"a": {"b": [1]}, "c": 1}
    before = copy.deepcopy(doc)
    out = apply_changes(doc, [{"path": "/a/b", "op": "replace", "before": [1], "after": [2]},
                              {"path": "/c", "op": "remove", "before": 1, "after": None}])
    assert out == {"a": {"b": [2]}}
    assert doc == before


@pytest.mark.parametrize("change", [
    {"path": "/x/y", "op": "add", "after": 1},           # missing parent
    {"path": "/a/0", "op": "replace", "after": 1},       # parent is a list
    {"path": "/nope", "op": "remove"},                   # missing member
    {"path": "/nope", "op": "replace", "after": 1},
    {"path": "a", "op": "add", "after": 1},              # not a pointer
    {"path": "/a~2", "op": "add", "after": 1},           # bad escape
    {"path": "", "op": "remove"},                        # cannot remove the root
    {"path": "/a", "op": "move", "after": 1},            # not supported
])
def test_apply_changes_refuses_paths_that_do_not_fit(change):
    with pytest.raises(ValueError):
        apply_changes({"a": [1]}, [change])


def test_root_replace_is_applied():
    assert apply_changes({"a": 1}, [{"path": "", "op": "replace", "before": {"a": 1}, "after": [1]}]) == [1]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "~", "/", "a/~1"]) |
                                                               st.text(max_size=3), inner, max_size=4),
    max_leaves=15,
)
json_objects = st.dictionaries(st.text(max_size=3), json_values, max_size=5)


@given(json_objects, json_objects)
def test_applying_the_diff_gives_the_target(a, b):
    changes = diff(a, b)
    assert strict(apply_changes(a, changes)) == strict(b)
    assert [c["path"] for c in changes] == sorted(c["path"] for c in changes)


@given(json_values, json_values)
def test_applying_the_diff_works_for_any_roots(a, b):
    assert strict(apply_changes(a, diff(a, b))) == strict(b)


@given(json_values)
def test_a_document_has_no_diff_with_itself(a):
    assert diff(a, copy.deepcopy(a)) == []


def gke(*pools, status="RUNNING"):
    return {"name": "c", "status": status, "nodePools": list(pools)}


def pool(name, machine="e2-standard-4", **extra):
    return {"name": name, "config": {"machineType": machine}, **extra}


def test_keyed_lists_diff_by_natural_key():
    before = gke(pool("default-pool"), pool("batch"))
    after = gke(pool("batch"), pool("default-pool", machine="n2-standard-8"), status="RECONCILING")
    assert diff_configs("gcp.gke.cluster", before, after) == [{
        "path": "/nodePools/default-pool/config/machineType", "op": "replace",
        "before": "e2-standard-4", "after": "n2-standard-8"}]


def test_added_pool_is_one_add_named_by_its_key():
    changes = diff_configs("gcp.gke.cluster", gke(pool("a")), gke(pool("a"), pool("gpu")))
    assert changes == [{"path": "/nodePools/gpu", "op": "add", "before": None, "after": pool("gpu")}]


def test_diff_view_names_duplicates_and_keyless_elements():
    keyless = {"config": {"machineType": "x"}}
    view = diff_view("gcp.gke.cluster", gke(pool("p"), pool("p", machine="y"), pool("p", machine="z"), keyless))
    digest = hashlib.sha256(orjson.dumps(keyless, option=orjson.OPT_SORT_KEYS)).hexdigest()[:12]
    assert list(view["nodePools"]) == ["p", "p#2", "p#3", "#" + digest]
    assert view["nodePools"]["#" + digest] == keyless


def test_diff_view_copies_and_normalizes():
    config = gke(pool("b"), pool("a"))
    original = copy.deepcopy(config)
    view = diff_view("gcp.gke.cluster", config)
    assert config == original
    assert "status" not in view and list(view["nodePools"]) == ["a", "b"]
    view["nodePools"]["a"]["config"]["machineType"] = "changed"
    assert config == original


def test_diff_view_leaves_a_type_without_keyed_lists_as_a_copy():
    config = {"a": [{"name": "x"}]}
    view = diff_view("aws.nothing.here", config)
    assert view == config and view is not config and view["a"] is not config["a"]


pool_lists = st.lists(
    st.fixed_dictionaries({"name": st.sampled_from(["a", "b", "c", "a/b", "~x"])},
                          optional={"config": st.dictionaries(st.sampled_from(["m", "n"]), json_values, max_size=2)}),
    max_size=4,
)


@given(pool_lists, pool_lists)
def test_keyed_diffs_patch_one_view_into_the_other(a, b):
    before, after = gke(*a), gke(*b)
    changes = diff_configs("gcp.gke.cluster", before, after)
    assert strict(apply_changes(diff_view("gcp.gke.cluster", before), changes)) == strict(
        diff_view("gcp.gke.cluster", after))
    assert all(c["path"].startswith("/nodePools") for c in changes)
