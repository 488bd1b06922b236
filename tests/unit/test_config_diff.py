from cspm.web.configdiff import side_by_side


def test_a_changed_value_is_one_replace_row_between_equal_ones():
    rows = side_by_side({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 5, "c": 3})
    assert [r.tag for r in rows] == ["equal", "equal", "replace", "equal", "equal"]
    changed = rows[2]
    assert (changed.left.strip(), changed.right.strip()) == ('"b": 2,', '"b": 5,')
    assert changed.left_no == changed.right_no == 3


def test_key_order_is_not_a_difference_and_long_unchanged_runs_fold():
    before = {f"k{i:02}": i for i in range(30)}
    after = dict(reversed(list(before.items()))) | {"k15": "changed"}
    rows = side_by_side(before, after, context=2)
    assert sum(r.tag == "replace" for r in rows) == 1
    skips = [r for r in rows if r.tag == "skip"]
    assert len(skips) == 2 and all("unchanged lines" in r.left for r in skips)
    assert len(rows) < 15


def test_added_and_removed_resources_show_one_empty_side():
    rows = side_by_side(None, {"name": "x"})
    assert rows and all(r.tag == "insert" and r.left_no is None for r in rows)
    rows = side_by_side({"name": "x"}, None)
    assert rows and all(r.tag == "delete" and r.right_no is None for r in rows)
    assert side_by_side(None, None) == []
