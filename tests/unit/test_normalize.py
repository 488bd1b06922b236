import copy
import random

import orjson
from hypothesis import given
from hypothesis import strategies as st

from collectors.base import TypeSpec
from cspm.drift.normalize import _sort_set, canon, compile_spec, normalize

SPEC = TypeSpec(
    type="aws.test.thing",
    volatile=("status", "pools/*/status", "meta/*/etag", "meta/a/extra", "gone/*"),
    sets=("cidrs", "pools/*/zones", "pools/*/taints"),
    keyed={"pools": "name", "rules": "Sid"},
)
norm = compile_spec(SPEC)


def test_type_without_spec_returns_the_same_dict_untouched():
    config = {"status": "ACTIVE", "cidrs": ["b", "a"], "pools": [{"name": "z"}, {"name": "a"}]}
    before = copy.deepcopy(config)
    assert normalize("aws.nothing.here", config) is config
    assert config == before


def test_volatile_paths_are_dropped_at_every_match_and_missing_paths_are_fine():
    config = {
        "status": "ACTIVE", "keep": 1,
        "pools": [{"name": "a", "status": "RUNNING", "size": 3}, {"name": "b"}],
        "meta": {"a": {"etag": "1", "extra": "x", "v": 1}, "b": {"etag": "2", "extra": "y"}},
        "gone": {"x": 1, "y": 2},
    }
    assert norm(config) is config  # in place
    assert config == {
        "keep": 1,
        "pools": [{"name": "a", "size": 3}, {"name": "b"}],
        # "*" and a named key at the same level both apply to the named key
        "meta": {"a": {"v": 1}, "b": {"extra": "y"}},
        "gone": {},
    }
    assert norm({"other": [1]}) == {"other": [1]}
    assert norm({"pools": "not a list", "meta": None}) == {"pools": "not a list", "meta": None}


def test_sets_sort_canonically_and_keep_duplicates():
    config = {"cidrs": ["10.0.0.0/8", 2, "0.0.0.0/0", {"b": 1, "a": 2}, 2, True, None]}
    norm(config)
    assert config["cidrs"] == sorted(["10.0.0.0/8", 2, "0.0.0.0/0", {"a": 2, "b": 1}, 2, True, None], key=canon)
    assert config["cidrs"].count(2) == 2


def test_keyed_lists_sort_by_key_with_keyless_elements_last():
    config = {"rules": [{"x": 2}, {"Sid": "b"}, "loose", {"Sid": "a", "v": 1}, {"x": 1}]}
    norm(config)
    assert config["rules"][:2] == [{"Sid": "a", "v": 1}, {"Sid": "b"}]
    assert config["rules"][2:] == sorted([{"x": 2}, "loose", {"x": 1}], key=canon)


def test_duplicate_keys_are_ordered_canonically_not_by_input_order():
    one = {"pools": [{"name": "p", "v": 2}, {"name": "p", "v": 1}]}
    two = {"pools": [{"name": "p", "v": 1}, {"name": "p", "v": 2}]}
    assert norm(one) == norm(two)


def test_inner_sets_are_sorted_before_the_outer_list_is_ordered():
    # Keyless pools are ordered by their canonical form, which must not depend on the zones' input order.
    one = {"pools": [{"zones": ["b", "a"]}, {"zones": ["c", "a"]}]}
    two = {"pools": [{"zones": ["a", "c"]}, {"zones": ["a", "b"]}]}
    assert norm(one) == norm(two) == {"pools": [{"zones": ["a", "b"]}, {"zones": ["a", "c"]}]}


def test_registered_spec_is_used_for_its_type():
    config = {"status": "UPDATING", "createdAt": "t", "name": "c",
              "resourcesVpcConfig": {"subnetIds": ["subnet-b", "subnet-a"]}}
    assert normalize("aws.eks.cluster", config) == {
        "name": "c", "resourcesVpcConfig": {"subnetIds": ["subnet-a", "subnet-b"]}}


def test_values_orjson_cannot_encode_still_sort_deterministically():
    big = {"cidrs": [2**70, 1, "\ud800"]}
    assert norm(copy.deepcopy(big)) == norm({"cidrs": ["\ud800", 1, 2**70]})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)
pools = st.lists(
    st.fixed_dictionaries({"zones": st.lists(json_values, max_size=4)},
                          optional={"name": st.sampled_from(["a", "b", "c"]) | st.integers(0, 2), "v": json_values}),
    max_size=5,
)


@given(pools, st.lists(json_values, max_size=6), st.randoms(use_true_random=False))
def test_normalizing_is_idempotent_and_ignores_input_order(pool_list, cidrs, rnd: random.Random):
    config = {"pools": pool_list, "cidrs": cidrs}
    shuffled = copy.deepcopy(config)
    rnd.shuffle(shuffled["pools"])
    rnd.shuffle(shuffled["cidrs"])
    for pool in shuffled["pools"]:
        rnd.shuffle(pool["zones"])
    once = orjson.dumps(norm(config), option=orjson.OPT_SORT_KEYS)
    assert orjson.dumps(norm(shuffled), option=orjson.OPT_SORT_KEYS) == once
    assert orjson.dumps(norm(config), option=orjson.OPT_SORT_KEYS) == once


@given(st.lists(st.text(max_size=6), max_size=8))
def test_plain_string_fast_path_gives_the_canonical_order(strings):
    fast = list(strings)
    _sort_set(fast)
    assert fast == sorted(strings, key=canon)
