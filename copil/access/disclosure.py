"""Disclosure control for published figures (pure Python: no Django, usable anywhere).

Primary suppression: a count of persons under the threshold is published as "< threshold" ("< 5"). A figure
published alone (`published_value`) shows zero as 0 — a lone zero reveals nobody; in a table (`suppress`,
`suppress_period_split`, `suppress_relations`) zero is a small count like 1 to 4, because a visible zero tells
the reader that every "< 5" beside it is at least 1, which can pin them (a total "< 5" split into four "< 5"
would be 4 = 1 + 1 + 1 + 1).

Secondary suppression: a published table often states an additive relation — a total and its breakdown, or a
period next to its two halves (whole = first + second). Whenever one relation holds suppressed cells, a reader
can solve it for them. So, relation by relation, and again until nothing changes:

1. the cells a reader still cannot see are the suppressed ones; each is known to lie in an interval:
   [0, threshold − 1] for a primary cell ("< 5"), [threshold, ∞) for a secondary one (it would be primary
   otherwise);
2. if some suppressed cell's value follows from the relation and those intervals (exactly one suppressed cell
   in the relation — plain subtraction — or several whose intervals leave only one solution, e.g.
   total 9 = "< 5" + "< 5", both are 4), one more cell of that relation is suppressed: the smallest visible
   part, else the total;
3. a cell suppressed for one relation may open another relation it belongs to, hence the repetition.

Secondary cells are published as "s" (*secret statistique*): printing "< 5" for them would be false.
This protects every relation taken alone against subtraction and interval reasoning: a reader may narrow a
hidden count, never pin it (for thresholds of 3 and more; "< 2" tells 0 or 1 by itself). It is not a full audit
against a reader combining several relations at once (linear programming, as τ-ARGUS does); the bilan's tables
are small (one total, one breakdown, periods side by side), where relation-by-relation protection is the
established practice.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

DEFAULT_THRESHOLD = 5
SECONDARY_MARK = "s"

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Suppressed:
    """A cell withheld from publication: primary (a small count) or secondary (protects a small count)."""

    threshold: int
    primary: bool = True

    def __str__(self) -> str:
        return f"< {self.threshold}" if self.primary else SECONDARY_MARK

    @property
    def bounds(self) -> tuple[int, float]:
        """What a reader knows of the hidden value."""
        return (0, self.threshold - 1) if self.primary else (self.threshold, float("inf"))


Published = int | Suppressed


@dataclass(frozen=True)
class Relation:
    """`total` = sum of `parts` (keys of the table)."""

    total: Hashable
    parts: tuple[Hashable, ...]


def is_small(value: int, threshold: int) -> bool:
    """A count that must not be published alone: 1 to threshold − 1 (zero is, see the module docstring)."""
    return 0 < value < threshold


def published_value(value: int | None, threshold: int = DEFAULT_THRESHOLD) -> int | str | None:
    """A single figure as published: the value, or "< threshold" for a small count (None stays None).

    Use `suppress` instead when the figure is part of a total, a breakdown or periods side by side.
    """
    if value is None:
        return None
    _check(threshold)
    return f"< {threshold}" if is_small(int(value), threshold) else value


def suppress(
    cells: Mapping[K, int], total_key: K | None = None, threshold: int = DEFAULT_THRESHOLD
) -> dict[K, Published]:
    """An additive table as published: `cells` maps keys to counts; `total_key` names the cell that is the
    sum of all the others (None: no total is published, the cells are then independent).

    Returns the same keys, each an int or a `Suppressed` (str() gives "< 5" or "s").
    """
    relations = []
    if total_key is not None:
        if total_key not in cells:
            raise KeyError(total_key)
        relations.append(Relation(total_key, tuple(k for k in cells if k != total_key)))
    return suppress_relations(cells, relations, threshold)


def suppress_period_split(
    whole: int, first: int, second: int, threshold: int = DEFAULT_THRESHOLD
) -> tuple[Published, Published, Published]:
    """A period and its two sub-periods side by side (whole = first + second), as published.

    Publishing the whole next to one half reveals the other by subtraction; the same rule as for a total and
    its breakdown applies to the three cells.
    """
    result = suppress_relations(
        {"whole": whole, "first": first, "second": second}, [Relation("whole", ("first", "second"))], threshold
    )
    return result["whole"], result["first"], result["second"]


def suppress_relations(
    cells: Mapping[K, int], relations: Iterable[Relation | tuple[K, Sequence[K]]], threshold: int = DEFAULT_THRESHOLD
) -> dict[K, Published]:
    """Primary then secondary suppression of a set of cells bound by additive relations (see the module
    docstring). Each relation is a `Relation` or a (total key, part keys) pair; the cell values must satisfy
    them (ValueError otherwise)."""
    _check(threshold)
    values = {key: int(value) for key, value in cells.items()}
    if any(v < 0 for v in values.values()):
        raise ValueError("counts cannot be negative")
    rels = [r if isinstance(r, Relation) else Relation(r[0], tuple(r[1])) for r in relations]
    for relation in rels:
        missing = [k for k in (relation.total, *relation.parts) if k not in values]
        if missing:
            raise KeyError(missing[0])
        if values[relation.total] != sum(values[k] for k in relation.parts):
            raise ValueError(f"cells do not add up: {relation.total!r} ≠ sum of {list(relation.parts)!r}")

    marks: dict[K, Suppressed] = {
        key: Suppressed(threshold, primary=True) for key, value in values.items() if value < threshold
    }
    changed = True
    while changed:
        changed = False
        for relation in rels:
            while _discloses(relation, values, marks):
                candidate = _next_secondary(relation, values, marks)
                if candidate is None:
                    break
                marks[candidate] = Suppressed(threshold, primary=False)
                changed = True
    return {key: marks.get(key, value) for key, value in values.items()}


def _check(threshold: int) -> None:
    if int(threshold) < 1:
        raise ValueError("the threshold must be a positive integer")


def _discloses(relation: Relation, values: Mapping, marks: Mapping) -> bool:
    """Whether a reader can tell the exact value of a suppressed cell of the relation."""
    keys = (relation.total, *relation.parts)
    hidden = [k for k in dict.fromkeys(keys) if k in marks]
    if not hidden:
        return False
    if len(hidden) == 1:
        return True
    # Σ sign·x over hidden cells = known constant; parts count +1, the total −1.
    sign = {k: 0 for k in hidden}
    constant = 0
    for key, s in [(relation.total, -1), *((p, 1) for p in relation.parts)]:
        if key in marks:
            sign[key] += s
        else:
            constant -= s * values[key]
    for key in hidden:
        if sign[key] == 0 or marks[key].bounds[0] == marks[key].bounds[1]:
            continue  # cancels out of the relation, or its mark alone tells it ("< 2" is 1): nothing to protect
        low_rest, high_rest = 0.0, 0.0
        for other in hidden:
            if other == key or sign[other] == 0:
                continue
            lo, hi = marks[other].bounds
            a, b = sign[other] * lo, sign[other] * hi
            low_rest += min(a, b)
            high_rest += max(a, b)
        # sign[key]·x = constant − rest, rest ∈ [low_rest, high_rest]
        ends = ((constant - high_rest) / sign[key], (constant - low_rest) / sign[key])
        lo_x, hi_x = max(marks[key].bounds[0], min(ends)), min(marks[key].bounds[1], max(ends))
        if lo_x == hi_x:
            return True
    return False


def _next_secondary(relation: Relation, values: Mapping, marks: Mapping) -> Hashable | None:
    """The visible cell to suppress next: the smallest part, else the total (visible cells are all ≥ threshold)."""
    parts = [k for k in relation.parts if k not in marks]
    if parts:
        return min(parts, key=lambda k: values[k])
    if relation.total not in marks:
        return relation.total
    return None
