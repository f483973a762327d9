"""The daily roll-up the engine reads its counts, sums, breakdowns, sources and series from.

One row per (plan, indicator, day, partner, breakdown key) holds how many records the indicator counts there
and the sum of its value field (masses in whole milligrams, so SQLite and PostgreSQL agree to the gram). Its
size follows days × partners × categories, not records. `copil.indicators.rollup` keeps it in step with every
write, in the write's own transaction.
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from copil.plans.models import Partner, Plan

# The previous day of a person's first record: before any period.
NO_EARLIER_DAY = dt.date(1, 1, 1)


class DailyRollup(models.Model):
    """One indicator's records of a plan, a day and a partner, for one breakdown key."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    indicator = models.CharField(max_length=64)
    day = models.DateField()
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    # The disaggregation values other than the year, joined by "|" in the catalogue's order ("" when none).
    key = models.CharField(max_length=200, default="", blank=True)
    record_count = models.BigIntegerField(default=0)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("daily roll-up row")
        verbose_name_plural = _("daily roll-up rows")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "indicator", "day", "partner", "key"], name="daily_rollup_unique_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.day} {self.key}: {self.record_count}"


class DataVersion(models.Model):
    """A counter per plan and record kind (or plan object), bumped in every write transaction that changes it:
    the page cache's keys read these counters instead of scanning the tables."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    kind = models.CharField(max_length=40)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")
        constraints = [models.UniqueConstraint(fields=["plan", "kind"], name="data_version_unique_kind")]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class PersonRollup(models.Model):
    """The first appearances behind a distinct-person indicator, rolled up so that its figure over a period
    needs no scan of the records.

    Each qualifying record of a person is counted on its own day with the month of that person's previous
    qualifying record (`NO_EARLIER_DAY` for the first one, and for a record without a pseudonym, a person of its
    own). The persons seen over a period starting on the first of a month are then exactly the records dated
    within it whose previous month is before the period's: one per person, the first of theirs in the period
    (`copil.indicators.engine` adds, for a period starting later in a month, the persons seen both earlier in
    that month and in the period). Its size follows days × months, not records; `copil.indicators.rollup` keeps
    it in step with every write, in the write's own transaction."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    indicator = models.CharField(max_length=64)
    day = models.DateField()
    # The first day of the month of the person's previous qualifying record, or NO_EARLIER_DAY.
    previous_month = models.DateField()
    record_count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("person roll-up row")
        verbose_name_plural = _("person roll-up rows")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "indicator", "day", "previous_month"], name="person_rollup_unique_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.day} (previous {self.previous_month:%Y-%m}): {self.record_count}"
