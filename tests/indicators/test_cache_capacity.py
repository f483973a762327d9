"""The cache holds the figures of several plans at once: a plan's dashboard and bilan use about 150 entries, and
Django's default cap of 300 would cull a third of them as soon as a second and third plan are viewed."""

from __future__ import annotations

from django.core.cache import cache


def test_the_cache_keeps_the_entries_of_several_plans():
    cache.clear()
    for number in range(1000):  # about six plans' dashboards and bilans
        cache.set(f"capacity-{number}", number)

    kept = sum(cache.get(f"capacity-{number}") == number for number in range(1000))

    assert kept == 1000
    cache.clear()
