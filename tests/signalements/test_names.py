import pytest

from copil.signalements.names import find_personal_data

REFUSED = [
    "M. Dupont Kévin né le 12/03/1995",
    "Monsieur X vend devant le hall",
    "Mme Durand est présente tous les soirs",
    "Mlle Martin au pied de l'immeuble",
    "Madame Leroy signale du bruit",
    "Kévin DUPONT vend au hall C",
    "DUPONT Kévin est là chaque soir",
    "Jean Martin deale au parking",
    "un homme né le 03/04/1988",
    "né en 1995, toujours présent",
    "date de naissance inconnue, environ 30 ans",
    "DDN 01/02/1990",
    "présent le 12/03/1995 d'après les voisins",
]
ACCEPTED = [
    "deux hommes, hall B",
    "rue Riquet, bâtiment C",
    "place Jean Jaurès, vers 20h",
    "Regroupement avenue Jean Jaurès",
    "Seringues derrière le lycée Jean Moulin",
    "Occupation du hall B, bâtiment C, cité Bourbaki",
    "Trois jeunes rue Riquet le 12/03/2025",
    "Groupe de cinq personnes sous le pont, matériel au sol",
    "Squat au 4 impasse Saint Martin",
    "Devant la gare, mardi soir, une dizaine d'usagers",
    "Nuisances nocturnes boulevard de Strasbourg",
    "hall A et bâtiment D, escalier 2",
]


@pytest.mark.parametrize("text", REFUSED)
def test_names_and_dates_of_birth_are_refused(text):
    reasons = find_personal_data(text)
    assert reasons and all("«" in reason for reason in reasons)


@pytest.mark.parametrize("text", ACCEPTED)
def test_descriptions_of_places_and_groups_pass(text):
    assert find_personal_data(text) == []
