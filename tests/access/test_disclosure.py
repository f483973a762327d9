"""Disclosure control: small counts print "< 5", and no suppressed cell can be recovered from the others."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copil.access.disclosure import (
    Relation,
    Suppressed,
    published_value,
    suppress,
    suppress_period_split,
    suppress_relations,
)


def test_published_value_hides_small_counts_only():
    assert published_value(0) == 0
    assert published_value(1) == "< 5"
    assert published_value(4) == "< 5"
    assert published_value(5) == 5
    assert published_value(3, threshold=3) == 3
    assert published_value(2, threshold=3) == "< 3"
    assert published_value(None) is None


def test_a_single_small_cell_of_a_breakdown_takes_the_next_smallest_with_it():
    table = {"total": 40, "csapa": 3, "caarud": 12, "hospital": 25}
    published = suppress(table, total_key="total")
    assert published["csapa"] == Suppressed(5, primary=True)
    assert str(published["csapa"]) == "< 5"
    assert published["caarud"] == Suppressed(5, primary=False)  # else 40 − 12 − 25 = 3
    assert str(published["caarud"]) == "s"
    assert published["hospital"] == 25 and published["total"] == 40


def test_two_small_cells_protect_each_other_unless_their_sum_gives_them_away():
    assert suppress({"t": 30, "a": 2, "b": 3, "c": 25}, total_key="t") == {
        "t": 30,
        "a": Suppressed(5),
        "b": Suppressed(5),
        "c": 25,
    }
    # a + b = 8 with both at most 4: both are 4. One more cell must go.
    published = suppress({"t": 33, "a": 4, "b": 4, "c": 25}, total_key="t")
    assert published["c"] == Suppressed(5, primary=False)


def test_interval_reasoning_is_blocked_too():
    # total 5 = a (< 5, so at most 4) + b (hidden but not "< 5", so at least 5): a = 0, b = 5 — the total goes.
    published = suppress({"t": 5, "a": 0, "b": 5}, total_key="t")
    assert published == {"t": Suppressed(5, primary=False), "a": Suppressed(5), "b": Suppressed(5, primary=False)}


def test_in_a_table_zero_is_a_small_count_too():
    # Had b printed 0, a = total; and four "< 5" under a "< 5" total of 4 would all be 1.
    assert suppress({"t": 3, "a": 3, "b": 0}, total_key="t") == {
        "t": Suppressed(5),
        "a": Suppressed(5),
        "b": Suppressed(5),
    }
    published = suppress({"t": 4, "a": 1, "b": 1, "c": 1, "d": 1, "e": 0}, total_key="t")
    assert all(value == Suppressed(5) for value in published.values())


def test_without_a_total_cells_are_independent():
    assert suppress({"a": 2, "b": 30}) == {"a": Suppressed(5), "b": 30}


def test_period_split_whole_and_halves():
    assert suppress_period_split(30, 27, 3) == (30, Suppressed(5, primary=False), Suppressed(5))
    assert suppress_period_split(3, 0, 3) == (Suppressed(5), Suppressed(5), Suppressed(5))
    assert suppress_period_split(40, 20, 20) == (40, 20, 20)


def test_inconsistent_tables_are_refused():
    with pytest.raises(ValueError):
        suppress({"t": 10, "a": 3, "b": 3}, total_key="t")
    with pytest.raises(ValueError):
        suppress({"a": -1})
    with pytest.raises(KeyError):
        suppress({"a": 1}, total_key="t")


# --- Property: nothing suppressed can be recovered -------------------------------------------------------------


def _possible_values(relation, published, threshold, cap):
    """For each hidden cell of one relation, every value it can take given what is published, by exhaustive
    search (the sums the other hidden cells can reach, value by value): primary cells range over
    0..threshold−1, secondary ones over threshold..cap."""
    sign: dict = {}
    constant = 0
    for key, s in [(relation.total, -1), *((p, 1) for p in relation.parts)]:
        if isinstance(published[key], Suppressed):
            sign[key] = sign.get(key, 0) + s
        else:
            constant -= s * published[key]

    def values_of(key):
        return range(0, threshold) if published[key].primary else range(threshold, cap + 1)

    possible = {}
    for key in sign:
        reachable = {0}
        for other in sign:
            if other != key:
                reachable = {r + sign[other] * v for r in reachable for v in values_of(other)}
        possible[key] = {v for v in values_of(key) if constant - sign[key] * v in reachable}
    return possible


def _assert_nothing_recoverable(values, relations, threshold):
    published = suppress_relations(values, relations, threshold)
    # Primary suppression: every small count (zero included) is hidden, everything else printed as is or hidden.
    for key, value in values.items():
        if value < threshold:
            assert published[key] == Suppressed(threshold, primary=True)
        elif not isinstance(published[key], Suppressed):
            assert published[key] == value
    # No relation is left with exactly one hidden cell (plain subtraction).
    for relation in relations:
        hidden = [k for k in (relation.total, *relation.parts) if isinstance(published[k], Suppressed)]
        assert len(hidden) != 1, (values, published)
    # Within each relation, taken alone, every hidden cell keeps at least two possible values.
    cap = sum(values.values()) + threshold
    for relation in relations:
        for key, possible in _possible_values(relation, published, threshold, cap).items():
            assert values[key] in possible, "the true value must be among the possible ones"
            assert len(possible) >= 2, f"{key} = {values[key]} recoverable: {published}"


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=4), threshold=st.integers(3, 6))
def test_no_suppressed_cell_of_a_breakdown_is_recoverable(parts, threshold):
    values = {f"p{i}": v for i, v in enumerate(parts)}
    values["total"] = sum(parts)
    _assert_nothing_recoverable(values, [Relation("total", tuple(k for k in values if k != "total"))], threshold)


@settings(max_examples=200, deadline=None)
@given(
    halves=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=1, max_size=3),
    threshold=st.integers(3, 5),
)
def test_no_suppressed_cell_of_periods_side_by_side_is_recoverable(halves, threshold):
    """A breakdown for a period and for each of its halves: every row (whole = first + second) and every
    column (total = sum of categories) is an additive relation."""
    values: dict = {}
    for i, (first, second) in enumerate(halves):
        values[("first", i)], values[("second", i)], values[("whole", i)] = first, second, first + second
    for period in ("first", "second", "whole"):
        values[(period, "total")] = sum(values[(period, i)] for i in range(len(halves)))
    relations = [Relation(("whole", i), (("first", i), ("second", i))) for i in [*range(len(halves)), "total"]]
    relations += [
        Relation((period, "total"), tuple((period, i) for i in range(len(halves))))
        for period in ("first", "second", "whole")
    ]
    _assert_nothing_recoverable(values, relations, threshold)
