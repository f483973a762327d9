"""Optimistic concurrency: of two edits of the same version, one wins and the other is told, in French."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from copil.records.actions import StaleRecord, create_record, delete_record, update_record
from copil.records.models import Seizure

from .conftest import build_world, sample


def _seizure(world):
    partner = world.partners["police-1"]
    return create_record(None, "seizure", plan=world.plan, partner=partner, data=sample("seizure", partner, "S-1"))


def test_the_second_update_of_a_stale_version_is_refused_with_a_french_message(world):
    police = world.users["police"]
    record = _seizure(world)
    first_view, second_view = Seizure.objects.get(pk=record.pk), Seizure.objects.get(pk=record.pk)
    update_record(police, first_view, {"quantity": "20.000"}, expected_version=1)
    with pytest.raises(StaleRecord) as conflict:
        update_record(police, second_view, {"unit": "kg"}, expected_version=1)
    message = str(conflict.value)
    assert "Conflit" in message and "version 2" in message and "version 1" in message
    stored = Seizure.objects.get(pk=record.pk)
    assert (str(stored.quantity), stored.unit, stored.version) == ("20.000", "g", 2), "first change kept, none mixed"


def test_a_stale_delete_is_refused_and_an_update_of_a_deleted_record_too(world):
    police = world.users["police"]
    record = _seizure(world)
    update_record(police, Seizure.objects.get(pk=record.pk), {"quantity": "20.000"}, expected_version=1)
    with pytest.raises(StaleRecord):
        delete_record(police, Seizure.objects.get(pk=record.pk), expected_version=1)
    delete_record(police, Seizure.objects.get(pk=record.pk), expected_version=2)
    with pytest.raises(StaleRecord) as conflict:
        update_record(police, record, {"quantity": "1.000"}, expected_version=2)
    assert "supprimé" in str(conflict.value)


def test_two_admin_users_editing_the_same_record(world):
    """The second form, read before the first save, is refused with the conflict message; nothing is lost."""
    record = _seizure(world)
    police = world.users["police"]
    second_user = type(police).objects.create_user("police-2-user", "p2@example.fr", "pw", is_staff=True)
    second_user.membership_set.create(partner=world.partners["police-1"])
    first, second = Client(), Client()
    first.force_login(police)
    second.force_login(second_user)
    url = f"/admin/records/seizure/{record.pk}/change/"
    assert first.get(url).status_code == 200 and second.get(url).status_code == 200  # both read version 1
    form = {
        "external_id": "S-1",
        "seized_on": "2024-03-01",
        "substance": "crack",
        "quantity": "12.5",
        "unit": "g",
        "expected_version": 1,
    }
    assert first.post(url, {**form, "quantity": "30"}).status_code == 302
    response = second.post(url, {**form, "substance": "cocaine"})
    assert response.status_code == 200
    assert "Conflit" in response.content.decode()
    stored = Seizure.objects.get(pk=record.pk)
    assert (stored.substance, str(stored.quantity), stored.version) == ("crack", "30.000", 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_updates_of_the_same_version_exactly_one_wins():
    world = build_world()
    record = _seizure(world)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def edit(quantity: str) -> None:
        try:
            barrier.wait()
            update_record(
                world.users["police"], Seizure.objects.get(pk=record.pk), {"quantity": quantity}, expected_version=1
            )
            outcomes.append("won")
        except StaleRecord:
            outcomes.append("stale")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=edit, args=(f"{n}.000",)) for n in range(2, 6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["stale", "stale", "stale", "won"]
    assert Seizure.objects.get(pk=record.pk).version == 2
