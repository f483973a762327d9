"""The territory tree of a national deployment: every plan under its département, région and the whole country, with
the plans' additive figures summed at each level and divided by the population the plans cover.

Only additive figures are summed (counts, sums, stocks); distinct persons are never summed across plans (each plan
pseudonymises with its own key, so one person counts once per plan), nor are readings and daily series. Figures go
out as the public reads them (`policy.aggregate_rule` of an anonymous reader): person-level figures hidden or
suppressed under their threshold, with secondary suppression over the whole tree at once
(`copil.access.disclosure.suppress_relations`, a relation per node: node = sum of its children), so that no view,
nor two views side by side (a département and its plans, a région and its départements), lets a reader subtract
their way to a suppressed plan's figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.actors import Actor
from copil.access.disclosure import Published, Relation, Suppressed, suppress_relations
from copil.indicators.catalogue import AXES, IndicatorDefinition, get_catalogue
from copil.indicators.engine import values_per_plan
from copil.indicators.periods import Period
from copil.plans.geography import DEPARTEMENTS, NATIONAL_CODE, REGIONS, departement_code
from copil.plans.models import Plan, Territory
from copil.reports.formatting import format_mass, format_number

ADDITIVE = frozenset({"count", "sum", "stock"})
LEVELS = ("national", "region", "departement", "plan")


@dataclass
class Node:
    """A node of the tree: the country, a région, a département, or a plan (a leaf)."""

    key: str
    level: str
    code: str
    name: str
    plan: Plan | None = None
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    territories: dict[int, int | None] = field(default_factory=dict)  # plan territories below: pk -> population

    @property
    def population(self) -> int | None:
        """The inhabitants the plans below cover (each territory once), None when one of them is unknown."""
        counts = [p for p in self.territories.values() if p is not None]
        if not counts or len(counts) < len(self.territories):
            return None
        return sum(counts)

    @property
    def population_shown(self) -> str:
        """The population with its thousands spaces (« 1 415 757 »)."""
        return format_number(self.population) if self.population else ""

    def walk(self) -> list[Node]:
        """This node and every node below it, parents first."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found

    def ancestors(self) -> list[Node]:
        """The nodes above this one, the country first."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]


def _departement_of(territory: Territory) -> str | None:
    node: Territory | None = territory
    while node is not None:
        if node.level == Territory.Level.DEPARTEMENT:
            return node.insee_code if node.insee_code in DEPARTEMENTS else None
        if node.level in (Territory.Level.REGION, Territory.Level.NATIONAL):
            return None
        code = departement_code(node.insee_code)
        if code is not None and node.level in (Territory.Level.COMMUNE, Territory.Level.ARRONDISSEMENT):
            return code
        node = node.parent
    return None


def _region_of(territory: Territory) -> str | None:
    node: Territory | None = territory
    while node is not None:
        if node.level == Territory.Level.REGION:
            return node.insee_code if node.insee_code in REGIONS else None
        node = node.parent
    return None


def build_tree(plans: list[Plan] | None = None) -> Node:
    """The country, its régions and départements that hold a plan, and the plans under them (a regional plan under
    its région, a national one under the country)."""
    if plans is None:
        plans = list(Plan.objects.select_related("territory", "territory__parent", "territory__parent__parent"))
    root = Node(NATIONAL_CODE, "national", NATIONAL_CODE, _("France"))
    nodes: dict[str, Node] = {root.key: root}

    def child(parent: Node, key: str, level: str, code: str, name: str) -> Node:
        if key not in nodes:
            nodes[key] = Node(key, level, code, name, parent=parent)
            parent.children.append(nodes[key])
        return nodes[key]

    for plan in sorted(plans, key=lambda p: p.name):
        territory = plan.territory
        departement = _departement_of(territory)
        region = DEPARTEMENTS[departement][1] if departement else _region_of(territory)
        parent = root
        if region:
            parent = child(root, f"region:{region}", "region", region, REGIONS[region])
        if departement:
            name = DEPARTEMENTS[departement][0]
            parent = child(parent, f"departement:{departement}", "departement", departement, name)
        leaf = child(parent, f"plan:{plan.slug}", "plan", plan.slug, plan.name)
        leaf.plan = plan
        for node in [leaf, *leaf.ancestors()]:
            node.territories[territory.pk] = territory.population
    for node in root.walk():
        node.children.sort(key=lambda n: (LEVELS.index(n.level), n.name))
    return root


def find(root: Node, key: str) -> Node | None:
    """The node of a key: « FR », « region:76 », « departement:31 », « plan:<slug> »."""
    return next((node for node in root.walk() if node.key == key), None)


def node_key(level: str, code: str = "") -> str:
    """The key of a node from the address's level and code (région and département codes overlap: « 76 » is both
    Occitanie and Seine-Maritime)."""
    return NATIONAL_CODE if level == "national" else f"{level}:{code.upper()}"


def observed_codes(user: Actor) -> set[str]:
    """The tree codes the user observes (« FR », a région or département code); every code for a superuser."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if getattr(user, "is_superuser", False):
        return {NATIONAL_CODE}
    from copil.access.models import TerritoryObserver

    user_id = int(getattr(user, "pk", 0) or 0)
    return set(TerritoryObserver.objects.filter(user_id=user_id).values_list("territory_code", flat=True))


def may_observe(user: Actor, node: Node) -> bool:
    """Whether the user observes this node: it or a node above it was granted to them."""
    codes = observed_codes(user)
    for candidate in [node, *node.ancestors()]:
        if candidate.level == "national" and NATIONAL_CODE in codes:
            return True
        if candidate.level in ("region", "departement") and candidate.code in codes:
            return True
    return False


def tree_indicators() -> list[IndicatorDefinition]:
    """The additive indicators, axis by axis, that the public may read (the others are never shown in the tree)."""
    public = AnonymousUser()
    return [
        definition
        for axis in AXES
        for definition in get_catalogue().values()
        if definition.axis == axis
        and definition.aggregation in ADDITIVE
        and not getattr(definition, "person_count", False)
        and policy.aggregate_rule(public, definition).visible
    ]


@dataclass(frozen=True)
class TreeCell:
    """A node's figure as published: its value (None: hidden by secondary suppression or unknown), the text shown
    (« 5,1 kg », « < 5 », « s »), and the rate per 10,000 inhabitants the plans cover (« 1,3 »)."""

    value: Decimal | None
    shown: str
    rate: str


def _shown(definition: IndicatorDefinition, value: Decimal) -> str:
    if definition.unit == "g":
        return format_mass(value)
    text = format_number(value, max_decimals=1)
    return f"{text}\u00a0€" if definition.unit == "eur" else text


def published_tree(
    root: Node, period: Period, definitions: list[IndicatorDefinition], *, today: dt.date | None = None
) -> dict[str, dict[str, TreeCell]]:
    """Every node's published figure of each indicator over `period`: the plans' values, summed up the tree, then
    suppressed as the module docstring says. Keys: node key, then indicator code."""
    leaves = {node.plan.pk: node for node in root.walk() if node.plan is not None}
    by_code = values_per_plan(definitions, period, leaves, today=today)
    values: dict[str, dict[str, Decimal]] = {
        leaf.key: {d.code: Decimal(by_code[d.code][pk] or 0) for d in definitions} for pk, leaf in leaves.items()
    }
    for node in reversed(root.walk()):
        if node.plan is None:
            values[node.key] = {
                d.code: sum((values[c.key][d.code] for c in node.children), Decimal(0)) for d in definitions
            }
    relations = [Relation(n.key, tuple(c.key for c in n.children)) for n in root.walk() if n.plan is None]
    public = AnonymousUser()
    published: dict[str, dict[str, TreeCell]] = {node.key: {} for node in root.walk()}
    for definition in definitions:
        rule = policy.aggregate_rule(public, definition)
        if not rule.visible:
            continue
        marks: dict[str, Published] = {}
        if rule.suppress:
            cells = {key: int(by_code[definition.code]) for key, by_code in values.items()}
            marks = suppress_relations(cells, relations, rule.threshold)
        for node in root.walk():
            value = values[node.key][definition.code]
            mark = marks.get(node.key)
            if isinstance(mark, Suppressed):
                published[node.key][definition.code] = TreeCell(None, str(mark), "")
                continue
            population = node.population
            rate = format_number(value * 10_000 / population, max_decimals=1) if population else ""
            published[node.key][definition.code] = TreeCell(value, _shown(definition, value), rate)
    return published


def tree_payload(node: Node, period: Period, figures: dict[str, dict[str, TreeCell]], definitions: list[Any]) -> dict:
    """A node and its children with their published figures, for the API and the page."""

    def describe(item: Node) -> dict[str, Any]:
        return {
            "key": item.key,
            "level": item.level,
            "code": item.code,
            "name": item.name,
            "population": item.population,
            "figures": {
                code: {"value": cell.shown, "per_10000": cell.rate or None} for code, cell in figures[item.key].items()
            },
        }

    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "indicators": [{"code": d.code, "label": str(d.label), "unit": d.unit} for d in definitions],
        "node": describe(node),
        "children": [describe(child) for child in node.children],
    }
