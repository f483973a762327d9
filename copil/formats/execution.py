"""The record formats of the plan's own execution (issue 14, family 8): the status of each measure of the plan over
time, and its budget by funder and year.

The Cour des comptes' audit of the Paris « plan crack » (December 2021) blamed « un défaut de suivi de l'exécution
du plan »: these two files are that follow-up, one status line per measure each time it is reviewed, one budget line
per measure, funder and year.
"""

from copil.formats.columns import Column, ColumnType, RecordFormat
from copil.formats.common_columns import ID, date_column, options

AXIS = Column(
    "axe",
    "axis",
    ColumnType.CHOICE,
    options=options(
        repression=("répression", "lutte contre le trafic"),
        videoprotection=("vidéoprotection", "vidéo-protection"),
        prevention_care=("prévention et soins", "prise en charge sanitaire et sociale", "prévention"),
        housing=("logement", "hébergement"),
        coordination=("coordination", "pilotage"),
    ),
    title="Axe",
    description="Axe du plan dont relève la mesure ; vide si elle n'en a pas.",
)
MEASURE_CODE = Column(
    "code_mesure",
    "code",
    ColumnType.TEXT,
    required=True,
    formula_prefix_refused=True,
    title="Code de la mesure",
    description="Numéro ou code de la mesure dans le plan (« 12 », « A3 »), le même d'une ligne à l'autre.",
)


def _euros(name: str, field: str, title: str, description: str) -> Column:
    return Column(
        name,
        field,
        ColumnType.DECIMAL,
        minimum=0,
        title=title,
        description=f"{description} En euros, virgule décimale (Copil accepte aussi le point) ; vide vaut 0.",
        hint=f"{description} En euros.",
    )


EXECUTION_FORMATS: list[RecordFormat] = [
    RecordFormat(
        "plan_measure",
        "actions_du_plan",
        (
            ID,
            MEASURE_CODE,
            Column(
                "intitule",
                "title",
                ColumnType.TEXT,
                required=True,
                title="Intitulé",
                description="Intitulé de la mesure dans le plan.",
            ),
            AXIS,
            Column(
                "statut",
                "status",
                ColumnType.CHOICE,
                required=True,
                options=options(
                    planned=("prévue", "prevue", "à lancer", "non engagée"),
                    in_progress=("en cours", "engagée", "partiellement réalisée"),
                    done=("réalisée", "realisee", "terminée", "mise en œuvre"),
                    cancelled=("abandonnée", "abandonnee", "annulée"),
                ),
                title="Statut",
                description="Où en est la mesure à la date de la ligne : prévue, en cours, réalisée ou abandonnée.",
            ),
            date_column(
                "date",
                "as_of",
                "Date",
                "Date à laquelle la mesure avait ce statut (revue de suivi, comité de pilotage) ; le statut d'une "
                "mesure à une date est celui de sa dernière ligne à cette date.",
                required=True,
            ),
        ),
        title="Suivi des actions du plan",
        description=(
            "Le statut de chaque mesure du plan au fil du temps : une ligne par mesure et par date de revue (code, "
            "intitulé, axe, statut). Le porteur de la mesure est le partenaire qui envoie le fichier."
        ),
        period_column="date",
    ),
    RecordFormat(
        "budget_line",
        "budget_du_plan",
        (
            ID,
            MEASURE_CODE,
            Column(
                "financeur",
                "funder",
                ColumnType.TEXT,
                required=True,
                title="Financeur",
                description="Qui finance la ligne (« Ville de Paris », « ARS Île-de-France », « MILDECA »).",
            ),
            AXIS,
            Column(
                "annee",
                "year",
                ColumnType.DATE,
                required=True,
                year=True,
                title="Année",
                description=(
                    "Année budgétaire, au format AAAA ou par son 1er janvier (AAAA-01-01 ou 01/01/AAAA) ; une année "
                    "à venir du plan est acceptée (dix ans au plus)."
                ),
                hint="Le 1er janvier de l'année budgétaire de la ligne.",
            ),
            _euros("prevu", "planned_eur", "Prévu (€)", "Montant prévu par le plan pour cette mesure et cette année."),
            _euros("engage", "committed_eur", "Engagé (€)", "Montant engagé (crédits engagés, conventions signées)."),
            _euros("depense", "spent_eur", "Dépensé (€)", "Montant effectivement dépensé (mandaté)."),
        ),
        title="Budget du plan",
        description=(
            "Le budget du plan par mesure, financeur et année : prévu, engagé et dépensé, en euros. Le budget du "
            "plan à une date additionne les lignes des années commencées."
        ),
        period_column="annee",
    ),
]
