"""The record formats of the administrative measures of the 2025 loi narcotrafic and of the penal chain (issue 14,
families 5 and 4).

A préfecture follows its measures in a spreadsheet of one line per measure (« tableau de suivi des mesures »),
a column per stage holding the day it was reached: re-sending the same file as the measures move on updates each
line (same identifier) instead of piling up one line per stage.
"""

from copil.formats.columns import Column, ColumnType, RecordFormat
from copil.formats.common_columns import ADDRESS, COUNT, ID, LATITUDE, LONGITUDE, PSEUDONYM, date_column, options

_MEASURE_STAGES = ("demandee_le", "arretee_le", "notifiee_le", "violee_le", "poursuivie_le")

SANCTION_FORMATS: list[RecordFormat] = [
    RecordFormat(
        "administrative_measure",
        "mesures_administratives",
        (
            ID,
            Column(
                "mesure",
                "measure",
                ColumnType.CHOICE,
                required=True,
                options=options(
                    appearance_ban=("interdiction de paraître", "interdiction de paraitre", "IDP"),
                    shop_closure=("fermeture administrative", "fermeture de commerce", "fermeture"),
                    eviction_injunction=("injonction au bailleur", "injonction d'expulser", "injonction"),
                ),
                title="Mesure",
                description=(
                    "Mesure administrative de la loi du 13 juin 2025 : interdiction de paraître sur les lieux du "
                    "trafic, fermeture administrative d'un commerce, ou injonction au bailleur d'expulser."
                ),
            ),
            Column(
                "pseudonyme",
                "pseudonym",
                ColumnType.TEXT,
                **PSEUDONYM,
                title="Pseudonyme",
                description=(
                    "Pseudonyme de la personne visée (64 caractères hexadécimaux, jamais son nom) ; vide pour une "
                    "fermeture de commerce."
                ),
            ),
            ADDRESS,
            LATITUDE,
            LONGITUDE,
            date_column(
                "demandee_le",
                "requested_on",
                "Demandée le",
                "Date de la demande (proposition du service ou saisine du préfet).",
                required=True,
            ),
            date_column("arretee_le", "ordered_on", "Arrêtée le", "Date de l'arrêté préfectoral ; vide sinon."),
            date_column("notifiee_le", "notified_on", "Notifiée le", "Date de notification ; vide sinon."),
            date_column(
                "violee_le", "breached_on", "Violée le", "Date de la première violation constatée ; vide sinon."
            ),
            date_column(
                "poursuivie_le",
                "prosecuted_on",
                "Poursuivie le",
                "Date des poursuites engagées pour la violation ; vide sinon.",
            ),
            Column(
                "duree_jours",
                "duration_days",
                ColumnType.INTEGER,
                **COUNT,
                title="Durée (jours)",
                description="Durée de la mesure arrêtée, en jours (fermeture : jusqu'à 6 mois) ; vide si inconnue.",
            ),
        ),
        title="Mesures administratives",
        description=(
            "Les mesures administratives de la loi narcotrafic, une ligne par mesure avec la date de chaque étape "
            "atteinte (demandée, arrêtée, notifiée, violée, poursuivie) : renvoyer le fichier quand les mesures "
            "avancent met à jour chaque ligne."
        ),
        period_column="demandee_le",
        date_order=(
            *zip(_MEASURE_STAGES, _MEASURE_STAGES[1:], strict=False),
            *(("demandee_le", later) for later in _MEASURE_STAGES[2:]),
        ),
    ),
    RecordFormat(
        "penal_step",
        "chaine_penale",
        (
            ID,
            date_column(
                "date", "occurred_on", "Date", "Date à laquelle la personne a atteint cette étape.", required=True
            ),
            Column(
                "pseudonyme",
                "pseudonym",
                ColumnType.TEXT,
                required=True,
                **PSEUDONYM,
                title="Pseudonyme",
                description="Pseudonyme de la personne (64 caractères hexadécimaux, jamais son nom).",
            ),
            Column(
                "etape",
                "stage",
                ColumnType.CHOICE,
                required=True,
                options=options(
                    custody=("garde à vue", "GAV"),
                    referral=("déferrement", "défèrement", "deferement"),
                    immediate_trial=("comparution immédiate", "CI"),
                    investigation=("information judiciaire", "ouverture d'information"),
                    remand=("mandat de dépôt", "détention provisoire"),
                    sentence=("condamnation", "jugement", "peine"),
                ),
                title="Étape",
                description=(
                    "Étape de la chaîne pénale atteinte par la personne : garde à vue, déferrement, comparution "
                    "immédiate, information judiciaire, mandat de dépôt ou condamnation."
                ),
            ),
            Column(
                "ferme_mois",
                "firm_months",
                ColumnType.INTEGER,
                minimum=1,
                title="Emprisonnement ferme (mois)",
                description=(
                    "Condamnation seulement : durée d'emprisonnement ferme prononcée, en mois ; vide si la peine "
                    "ne comporte pas de prison ferme."
                ),
            ),
            Column(
                "sursis_mois",
                "suspended_months",
                ColumnType.INTEGER,
                minimum=1,
                title="Emprisonnement avec sursis (mois)",
                description=(
                    "Condamnation seulement : durée d'emprisonnement avec sursis prononcée, en mois ; vide sinon."
                ),
            ),
        ),
        title="Chaîne pénale",
        description=(
            "Les étapes de la chaîne pénale atteintes par chaque personne (pseudonymisée), une ligne par personne "
            "et par étape : garde à vue, déferrement, comparution immédiate, information judiciaire, mandat de "
            "dépôt, condamnation avec ses mois de prison ferme et avec sursis."
        ),
        period_column="date",
    ),
]
