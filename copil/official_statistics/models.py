"""Official statistics: the SSMSI's published figures of recorded delinquency, per commune or département and year."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OfficialFigure(models.Model):
    """One published figure of the SSMSI base: an indicator's count and rate per 1,000 inhabitants in one place and
    year. `count` and `rate_per_thousand` are empty when the figure is withheld (`published` false, « non diffusé »),
    and the rate also when the population is 0; the base's `complement_info_*` (a mean of the withheld communes)
    is never stored, so it can never pass for a commune's figure."""

    class Geography(models.TextChoices):
        COMMUNE = "commune", _("commune")
        DEPARTEMENT = "departement", _("département")

    geography = models.CharField(_("geography"), max_length=12, choices=Geography.choices)
    code = models.CharField(_("INSEE code"), max_length=5)
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=100)
    published = models.BooleanField(pgettext_lazy("official figure", "published"))
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    rate_per_thousand = models.DecimalField(
        _("rate per 1,000 inhabitants"), max_digits=12, decimal_places=6, null=True, blank=True
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)

    class Meta:
        verbose_name = _("official figure")
        verbose_name_plural = _("official figures")
        constraints = [
            models.UniqueConstraint(
                fields=["geography", "code", "year", "indicator", "unit"], name="official_figure_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(published=True) | models.Q(count__isnull=True, rate_per_thousand__isnull=True),
                name="official_figure_withheld_is_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.code} {self.year}"
