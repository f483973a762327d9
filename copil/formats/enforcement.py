"""The record formats of the figures real plans publish besides the first ones (issue 14): fixed fines for drug
use, weapons and criminal assets seized, street prices, street counts."""

from copil.formats.columns import Column, ColumnType, RecordFormat
from copil.formats.common_columns import ADDRESS, COUNT, ID, LATITUDE, LONGITUDE, date_column, options, reference_column

ENFORCEMENT_FORMATS: list[RecordFormat] = [
    # --- Issue 14: fixed fines, weapons seized ------------------------------------------------------------
    RecordFormat(
        "drug_fine",
        "amendes_forfaitaires",
        (
            ID,
            date_column("date", "issued_on", "Date", "Date de l'amende forfaitaire délictuelle.", required=True),
            ADDRESS,
            LATITUDE,
            LONGITUDE,
            Column(
                "montant",
                "amount",
                ColumnType.DECIMAL,
                required=True,
                minimum=0,
                exclusive_minimum=True,
                title="Montant (€)",
                description=(
                    "Montant de l'amende en euros, strictement positif (200 € pour l'usage de stupéfiants) ; "
                    "virgule décimale (Copil accepte aussi le point)."
                ),
            ),
            Column(
                "statut",
                "status",
                ColumnType.CHOICE,
                options=options(
                    notified=("notifiée", "notifiee", "émise"),
                    paid=("payée", "payee", "réglée"),
                    increased=("majorée", "majoree"),
                    contested=("contestée", "contestee"),
                ),
                title="Statut",
                description="Où en est l'amende ; vide vaut « notifiée ».",
            ),
        ),
        title="Amendes forfaitaires délictuelles",
        description="Les amendes forfaitaires délictuelles (AFD) pour usage de stupéfiants, une ligne par amende.",
        period_column="date",
    ),
    RecordFormat(
        "weapon_seizure",
        "saisies_armes",
        (
            ID,
            date_column("date", "seized_on", "Date", "Date de la saisie.", required=True),
            Column(
                "categorie",
                "category",
                ColumnType.CHOICE,
                required=True,
                options=options(
                    firearm=("arme à feu", "armes à feu", "arme de poing", "fusil"),
                    blade=("arme blanche", "armes blanches", "couteau", "couteaux"),
                    replica=("réplique", "répliques", "arme factice"),
                    other=("autre", "autre arme"),
                ),
                title="Catégorie",
                description="Catégorie des armes saisies (les munitions ont leur colonne « munitions »).",
            ),
            Column(
                "nombre",
                "quantity",
                ColumnType.INTEGER,
                **COUNT,
                title="Nombre d'armes",
                description="Nombre d'armes de cette catégorie saisies ; vide vaut 0 (munitions seules).",
            ),
            Column(
                "munitions",
                "rounds",
                ColumnType.INTEGER,
                **COUNT,
                title="Munitions",
                description="Nombre de munitions (cartouches) saisies avec ces armes ; vide vaut 0.",
            ),
            reference_column("operation", "operation", "operation", "Opération", "de l'opération", "operations"),
        ),
        title="Saisies d'armes",
        description="Les armes et munitions saisies, une ligne par catégorie d'armes saisie à une date.",
        period_column="date",
    ),
    RecordFormat(
        "asset_seizure",
        "avoirs_saisis",
        (
            ID,
            date_column("date", "seized_on", "Date", "Date de la saisie.", required=True),
            Column(
                "categorie",
                "category",
                ColumnType.CHOICE,
                required=True,
                options=options(
                    cash=("numéraire", "espèces", "argent liquide"),
                    vehicle=("véhicule", "véhicules"),
                    goods=("biens", "bien", "objets"),
                    account=("compte bancaire", "comptes bancaires", "avoirs bancaires"),
                ),
                title="Catégorie",
                description="Nature des avoirs saisis.",
            ),
            Column(
                "valeur_eur",
                "value_eur",
                ColumnType.DECIMAL,
                required=True,
                minimum=0,
                exclusive_minimum=True,
                title="Valeur (€)",
                description=(
                    "Montant saisi ou valeur estimée des biens, en euros, strictement positif ; "
                    "virgule décimale (Copil accepte aussi le point)."
                ),
            ),
            reference_column("operation", "operation", "operation", "Opération", "de l'opération", "operations"),
        ),
        title="Avoirs criminels saisis",
        description="Les avoirs criminels saisis (numéraire, véhicules, biens, comptes), une ligne par saisie.",
        period_column="date",
    ),
    RecordFormat(
        "street_price",
        "prix_de_rue",
        (
            ID,
            date_column(
                "valable_du",
                "valid_from",
                "Valable du",
                "Date à partir de laquelle ce prix s'applique (jusqu'au prix suivant de la même substance).",
                required=True,
            ),
            Column(
                "substance",
                "substance",
                ColumnType.CHOICE,
                required=True,
                options=options(
                    cannabis=("cannabis", "résine de cannabis", "herbe de cannabis"),
                    heroin="héroïne",
                    cocaine="cocaïne",
                    crack=("crack", "cocaïne basée"),
                    other="autre",
                ),
                title="Substance",
                description="Substance dont le prix est relevé.",
            ),
            Column(
                "prix_gramme_eur",
                "price_per_gram",
                ColumnType.DECIMAL,
                required=True,
                minimum=0,
                exclusive_minimum=True,
                title="Prix au gramme (€)",
                description=(
                    "Prix de revente au détail d'un gramme, en euros, strictement positif ; "
                    "virgule décimale (Copil accepte aussi le point)."
                ),
            ),
        ),
        title="Prix de rue",
        description=(
            "Le barème daté des prix de revente au gramme, par substance, qui sert à estimer la valeur "
            "de revente des saisies du plan."
        ),
        period_column="valable_du",
    ),
    # --- Issue 14, kinds2: street counts --------------------------------------------------------------
    RecordFormat(
        "street_count",
        "comptages_rue",
        (
            ID,
            Column(
                "date_heure",
                "counted_at",
                ColumnType.DATETIME,
                required=True,
                title="Date et heure",
                description=(
                    "Date et heure du comptage, heure de Paris, au format AAAA-MM-JJTHH:MM "
                    "(Copil accepte aussi les secondes, une espace au lieu du T et JJ/MM/AAAA HH:MM)."
                ),
            ),
            Column(
                "zone",
                "zone",
                ColumnType.TEXT,
                required=True,
                title="Zone",
                description="Zone de l'espace public parcourue (secteur, square, station).",
            ),
            Column(
                "personnes",
                "people_count",
                ColumnType.INTEGER,
                required=True,
                **COUNT,
                title="Personnes",
                description="Nombre d'usagers vus dans la zone lors du comptage.",
            ),
        ),
        title="Comptages de rue",
        description=(
            "Les comptages simultanés des usagers présents dans l'espace public (comptage de rue, maraude de "
            "nuit), une ligne par zone : les zones d'un même jour s'additionnent."
        ),
        period_column="date_heure",
    ),
]
