"""The daily roll-up the engine reads its counts, sums, breakdowns, sources and series from.

One row per (plan, indicator, day, partner, breakdown key) holds how many records the indicator counts there
and the sum of its value field (masses in whole milligrams, so SQLite and PostgreSQL agree to the gram). Its
size follows days × partners × categories, not records. `copil.indicators.rollup` keeps it in step with every
write, in the write's own transaction.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from copil.plans.models import Partner, Plan


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
