"""The record format of harm-reduction and care activity (issue 14, family 6): one line per site and month.

CAARUD, CSAPA, haltes soins addictions and maraudes report their activity by month in their annual reports
(rapports d'activité ASA-CAARUD, ASA-CSAPA): counts only, never a person.
"""

from copil.formats.columns import Column, ColumnType, RecordFormat
from copil.formats.common_columns import COUNT, ID, options


def _count(name: str, field: str, title: str, description: str) -> Column:
    return Column(
        name,
        field,
        ColumnType.INTEGER,
        **COUNT,
        title=title,
        description=f"{description} Une cellule vide vaut 0.",
        hint=description,
    )


CARE_FORMATS: list[RecordFormat] = [
    RecordFormat(
        "care_activity",
        "activite_rdr",
        (
            ID,
            Column(
                "site",
                "site",
                ColumnType.TEXT,
                required=True,
                title="Site",
                description="Nom du site ou du dispositif (« Halte soins addictions Paris Nord-Est », « CAARUD Ego »).",
            ),
            Column(
                "type_site",
                "site_type",
                ColumnType.CHOICE,
                required=True,
                options=options(
                    caarud=("CAARUD",),
                    csapa=("CSAPA",),
                    hsa=("halte soins addictions", "HSA", "salle de consommation à moindre risque", "SCMR"),
                    outreach=("maraude", "équipe mobile", "maraudes"),
                ),
                title="Type de site",
                description="CAARUD, CSAPA, halte soins addictions (HSA) ou maraude.",
            ),
            Column(
                "mois",
                "month",
                ColumnType.DATE,
                required=True,
                month=True,
                title="Mois",
                description=(
                    "Mois d'activité, au format AAAA-MM ou par son premier jour (AAAA-MM-01 ou 01/MM/AAAA) ; "
                    "un autre jour du mois est refusé."
                ),
                hint="Le premier jour du mois dont la ligne donne l'activité.",
            ),
            _count(
                "file_active",
                "active_file",
                "File active",
                "Nombre de personnes différentes accueillies ou suivies par le site dans le mois.",
            ),
            _count("passages", "passages", "Passages", "Nombre de passages (visites) dans le mois."),
            _count(
                "consommations_supervisees",
                "supervised_consumptions",
                "Consommations supervisées",
                "Nombre de consommations supervisées dans le mois (halte soins addictions).",
            ),
            _count(
                "kits_base",
                "crack_kits",
                "Kits base",
                "Nombre de kits base (kits d'inhalation de crack) distribués dans le mois.",
            ),
            _count("seringues", "syringes", "Seringues", "Nombre de seringues distribuées dans le mois."),
            _count(
                "overdoses",
                "overdoses",
                "Overdoses prises en charge",
                "Nombre de surdoses prises en charge par l'équipe dans le mois.",
            ),
            _count(
                "personnes_hebergees",
                "people_housed",
                "Personnes hébergées ou mises à l'abri",
                "Nombre de personnes orientées vers un hébergement ou une mise à l'abri dans le mois.",
            ),
        ),
        title="Activité de réduction des risques et de soins",
        description=(
            "L'activité mensuelle des dispositifs de réduction des risques et de soins (CAARUD, CSAPA, haltes soins "
            "addictions, maraudes), une ligne par site et par mois, en nombres seulement (aucune donnée "
            "individuelle) : la file active du mois, les passages, les consommations supervisées, le matériel "
            "distribué, les overdoses prises en charge et les personnes hébergées ou mises à l'abri."
        ),
        period_column="mois",
    ),
]
