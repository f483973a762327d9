"""The read-back check: read the CSV files just written, print the seed articles' figures and assert them."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from demo.alencon import A_END, A_START, A_TOTALS_G
from demo.common import (
    ROOT,
    decimal_fr,
)
from demo.haute_garonne import H_END, H_FINES, H_OPERATIONS, H_PREVIOUS, H_START
from demo.paris import P_END, P_PLAN_START, P_START, P_TRAFFICKER_ARRESTS


def parse_date(text: str) -> date:
    if "/" in text:
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)


def read_rows(slug: str, stem: str) -> list[tuple[str, dict[str, str]]]:
    rows = []
    for path in sorted((ROOT / slug).glob(f"*/{stem}.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            rows += [(path.parent.name, row) for row in csv.DictReader(handle, delimiter=";")]
    return rows


def within(text: str, start: date, end: date) -> bool:
    return bool(text) and start <= parse_date(text) <= end


def report_alencon() -> None:
    s, e = A_START, A_END
    print(f"Alençon — période du {s} au {e}")
    grams: dict[str, Decimal] = defaultdict(Decimal)
    for _, row in read_rows("alencon", "saisies"):
        if within(row["date"], s, e) and row["unite"] in ("g", "kg"):
            factor = 1000 if row["unite"] == "kg" else 1
            grams[row["substance"]] += Decimal(row["quantite"].replace(",", ".")) * factor
    for substance in A_TOTALS_G:
        print(f"  saisies {substance}: {decimal_fr(grams[substance])} g")
        assert grams[substance] == A_TOTALS_G[substance], substance
    networks = [r for _, r in read_rows("alencon", "reseaux") if within(r.get("demantele_le", ""), s, e)]
    points = [r for _, r in read_rows("alencon", "points_de_deal") if within(r.get("neutralise_le", ""), s, e)]
    active = [r for _, r in read_rows("alencon", "points_de_deal") if not r.get("neutralise_le")]
    ops = [r for _, r in read_rows("alencon", "operations") if within(r["date"], s, e)]
    convicted = [r for _, r in read_rows("alencon", "condamnations") if within(r["date"], s, e)]
    persons = {r["pseudonyme"] for r in convicted}
    print(f"  réseaux démantelés: {len(networks)}; points de deal neutralisés: {len(points)} (actifs: {len(active)})")
    print(f"  opérations: {len(ops)}")
    print(
        f"  personnes condamnées: {len(persons)} ({len(convicted)} condamnations), "
        f"déférées: {sum(r['deferement'] == 'oui' for r in convicted)}, "
        f"récidivistes avec interdiction de séjour: "
        f"{sum(r['recidiviste'] == 'oui' and r['interdiction_sejour'] == 'oui' for r in convicted)}"
    )
    assert (len(networks), len(points), len(active), len(persons), len(convicted)) == (2, 4, 2, 34, 34)
    assert all(r["deferement"] == "oui" for r in convicted)
    cameras = [r for _, r in read_rows("alencon", "cameras")]

    def in_service(day: date) -> int:
        return sum(
            parse_date(r["installee_le"]) <= day and (not r["retiree_le"] or parse_date(r["retiree_le"]) > day)
            for r in cameras
        )

    new_2023 = [r for r in cameras if within(r["installee_le"], date(2023, 1, 1), date(2023, 12, 31))]
    print(
        f"  caméras en service: {in_service(date(2022, 12, 31))} au 31/12/2022, "
        f"{in_service(date(2023, 12, 31))} au 31/12/2023, {in_service(e)} au {e}; "
        f"installées en 2023: {len(new_2023)} "
        f"(vision nocturne: {sum(r['vision_nocturne'] == 'oui' for r in new_2023)})"
    )
    assert (in_service(date(2022, 12, 31)), in_service(date(2023, 12, 31)), in_service(e)) == (52, 72, 72)
    assert len(new_2023) == 20 and all(r["vision_nocturne"] == "oui" for r in new_2023)
    actions = [(p, r) for p, r in read_rows("alencon", "actions_prevention") if within(r["date"], s, e)]
    referrals = [r for _, r in read_rows("alencon", "orientations_soins") if within(r["date"], s, e)]
    print(
        f"  actions de prévention: {len(actions)} par {len({p for p, _ in actions})} associations, "
        f"{sum(int(r['personnes_touchees']) for _, r in actions)} personnes touchées"
    )
    print(f"  orientations vers le soin: {len(referrals)} pour {len({r['pseudonyme'] for r in referrals})} personnes")
    evictions = read_rows("alencon", "procedures_expulsion")
    print(
        f"  procédures d'expulsion: {len(evictions)}; observations de terrain: "
        f"{len(read_rows('alencon', 'observations_terrain'))}"
    )


def report_paris() -> None:
    s, e = P_START, P_END
    print(f"Paris — période du {s} au {e}")
    traffickers = [
        r
        for _, r in read_rows("paris", "interpellations")
        if within(r["date"], s, e) and r["role"] in ("trafiquant", "vendeur")
    ]
    print(f"  interpellations de trafiquants: {len(traffickers)}")
    assert len(traffickers) == P_TRAFFICKER_ARRESTS
    daily: dict[date, int] = defaultdict(int)
    forces: dict[date, set[str]] = defaultdict(set)
    for _, row in read_rows("paris", "releves_deploiement"):
        daily[parse_date(row["date"])] += int(row["effectifs"])
        forces[parse_date(row["date"])].add(row["force"])
    assert all(len(f) == 2 for f in forces.values()) and len(daily) == (e - P_PLAN_START).days + 1
    period = [v for d, v in daily.items() if s <= d <= e]
    print(
        f"  effectifs déployés par jour: min {min(period)}, max {max(period)}, "
        f"moyenne {sum(period) / len(period):.0f} "
        f"(max avant 2023: {max(v for d, v in daily.items() if d < s)})"
    )
    assert (min(period), max(period)) == (100, 800)
    street: dict[date, int] = defaultdict(int)
    for _, row in read_rows("paris", "comptages_rue"):
        street[date.fromisoformat(row["date_heure"][:10])] += int(row["personnes"])
    last_month = [v for d, v in street.items() if e - timedelta(days=29) <= d <= e]
    print(f"  usagers présents chaque jour dans l'espace public (dernier mois): {min(last_month)} à {max(last_month)}")
    assert (min(last_month), max(last_month)) == (100, 150)
    care: dict[str, int] = defaultdict(int)
    active_file: dict[str, int] = defaultdict(int)
    for _, row in read_rows("paris", "activite_rdr"):
        if within(row["mois"], s, e):
            for column in ("passages", "consommations_supervisees", "kits_base", "seringues", "overdoses"):
                care[column] += int(row[column] or 0)
            active_file[row["mois"]] += int(row["file_active"] or 0)
    print(
        f"  réduction des risques: {care['passages']} passages, {care['consommations_supervisees']} consommations "
        f"supervisées, {care['kits_base']} kits base, {care['seringues']} seringues, {care['overdoses']} overdoses; "
        f"file active de {min(active_file.values())} à {max(active_file.values())} sur {len(active_file)} mois"
    )
    assert len(active_file) == 9  # January to September 2023: October's activity is not reported on 5 October

    def latest(kind: str, on: date, strictly_before: bool = False) -> int:
        readings = [
            (parse_date(r["date"]), int(r["valeur"]))
            for _, r in read_rows("paris", "releves_capacite")
            if r["type"] == kind
        ]
        eligible = [x for x in readings if (x[0] < on if strictly_before else x[0] <= on)]
        return max(eligible)[1]

    sheltered = (latest("personnes hébergées", P_PLAN_START, True), latest("personnes hébergées", e))
    beds = (latest("places hospitalières", P_PLAN_START, True), latest("places hospitalières", e))
    print(f"  personnes hébergées chaque nuit: {sheltered[1]} contre {sheltered[0]} avant le plan")
    print(f"  places hospitalières: {beds[1]} contre {beds[0]} avant le plan")
    assert sheltered == (200, 610) and beds == (35, 50)
    convictions = [r for _, r in read_rows("paris", "condamnations") if within(r["date"], s, e)]
    print(
        f"  condamnations: {len(convictions)}, dont reconduites à la frontière: "
        f"{sum(r['reconduite_frontiere'] == 'oui' for r in convictions)}; observations de terrain: "
        f"{len(read_rows('paris', 'observations_terrain'))}"
    )


def report_haute_garonne() -> None:
    s, e = H_START, H_END
    print(f"Haute-Garonne — période du {s} au {e}")
    ops = [r for _, r in read_rows("haute-garonne", "operations") if within(r["date"], s, e)]
    fines = [r for _, r in read_rows("haute-garonne", "amendes_forfaitaires") if within(r["date"], s, e)]
    before = [r for _, r in read_rows("haute-garonne", "amendes_forfaitaires") if within(r["date"], *H_PREVIOUS)]
    print(f"  opérations: {len(ops)}; AFD: {len(fines)} contre {len(before)} en {H_PREVIOUS[0].year}")
    assert (len(ops), len(fines), len(before)) == (H_OPERATIONS, H_FINES[s.year], H_FINES[H_PREVIOUS[0].year])
    measures = [r for _, r in read_rows("haute-garonne", "mesures_administratives")]
    bans = [r for r in measures if r["mesure"] == "interdiction de paraître"]
    stages = [sum(within(r[column], s, e) for r in bans) for column in ("demandee_le", "arretee_le", "notifiee_le")]
    closures = [r for r in measures if r["mesure"] == "fermeture administrative" and within(r["arretee_le"], s, e)]
    print(
        f"  interdictions de paraître: {stages[0]} demandes, {stages[1]} arrêtés, {stages[2]} notifiés; "
        f"fermetures administratives: {len(closures)}"
    )
    assert stages == [61, 50, 32] and len(closures) == 3
