import base64
import datetime as dt
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from PIL import Image

from copil.access.models import AuditEvent
from copil.notifications.models import Kind, Notification
from copil.signalements import actions, queries
from copil.signalements.models import Event, Photo, Signalement
from tests.factories import make_record

from .conftest import new_signalement


def test_same_client_id_makes_one_signalement(world):
    client_id = uuid.uuid4()
    first, created = new_signalement(world, client_id=client_id)
    again, created_again = new_signalement(world, client_id=str(client_id))
    assert created and not created_again and again.pk == first.pk
    assert Signalement.objects.filter(plan=world.plan).count() == 1
    assert Event.objects.filter(signalement=first, action="created").count() == 1


def test_creation_routes_and_notifies_the_responsible_and_informed_partners(world):
    s, _ = new_signalement(world)
    assert set(s.responsible.all()) == {world.partners["police"]}
    assert set(s.informed.all()) == {world.partners["city"]}
    recipients = set(Notification.objects.filter(kind=Kind.SIGNALEMENT).values_list("recipient", flat=True))
    assert recipients == {world.users["police"].pk, world.users["city"].pk}
    assert s.take_due_at - s.created_at == dt.timedelta(days=2)
    assert s.due_at - s.created_at == dt.timedelta(days=14)
    assert AuditEvent.objects.filter(object_id=str(s.pk), action="create").exists()
    assert list(queries.queue_for(world.users["police"], world.plan)) == [s]
    assert list(queries.queue_for(world.users["city"], world.plan)) == []


def test_a_name_in_the_description_is_refused_and_nothing_stored(world):
    with pytest.raises(ValidationError) as error:
        new_signalement(world, description="M. Dupont Kévin né le 12/03/1995")
    assert "description" in error.value.message_dict
    assert not Signalement.objects.exists()


def test_unknown_category_and_outsider_are_refused(world):
    with pytest.raises(ValidationError):
        new_signalement(world, category="inconnue")
    with pytest.raises(PermissionDenied):
        actions.create_signalement(
            world.plan,
            actor=world.outsider,
            client_id=uuid.uuid4(),
            category="nuisance",
            description="bruit",
            observed_at=timezone.now(),
        )


def test_full_lifecycle_with_history_and_outcome_for_the_reporter(world):
    s, _ = new_signalement(world)
    police = world.users["police"]
    with pytest.raises(PermissionDenied):
        actions.take_signalement(s, actor=world.users["care"])
    s = actions.take_signalement(s, actor=police)
    assert s.status == "taken" and s.owner == police and s.owner_partner == world.partners["police"]
    s = actions.engage_action(s, actor=police, note="patrouille prévue")
    operation = make_record("operation", world.partners["police"])
    with pytest.raises(ValidationError):
        actions.resolve_signalement(s, actor=police, outcome="  ")
    s = actions.resolve_signalement(s, actor=police, outcome="opération de police le 12/03", operation=operation)
    assert s.status == "resolved" and s.closed_at and s.operation == operation
    assert [e.action for e in s.events.all()] == ["created", "routed", "taken", "engaged", "resolved"]
    [mine] = queries.reported_by(world.users["housing"], world.plan)
    assert mine.outcome == "opération de police le 12/03"
    with pytest.raises(ValidationError):
        actions.take_signalement(s, actor=police)
    s = actions.reopen_signalement(s, actor=world.users["coordinator"], reason="toujours occupé")
    assert s.status == "new" and s.outcome == "" and s.owner is None
    s = actions.close_without_action(s, actor=police, outcome="rien constaté")
    assert s.status == "closed" and s.closed_at is not None
    assert s.events.last().action == "closed"
    assert AuditEvent.objects.filter(object_id=str(s.pk)).count() >= 6


def test_visibility_follows_reporting_and_routing(world):
    s, _ = new_signalement(world)
    assert s in queries.visible_signalements(world.users["coordinator"], world.plan)
    assert s in queries.visible_signalements(world.users["city"], world.plan)
    assert s not in queries.visible_signalements(world.users["care"], world.plan)
    assert s not in queries.visible_signalements(world.outsider, world.plan)
    assert queries.may_see_photos(world.users["housing"], s)
    assert queries.may_see_photos(world.users["police"], s)
    assert not queries.may_see_photos(world.users["city"], s)


def test_overdue_is_chased_then_escalated_to_the_coordinators(world):
    s, _ = new_signalement(world)
    assert actions.chase_overdue(now=s.created_at + dt.timedelta(days=1)) == {"chased": 0, "escalated": 0}
    later = s.created_at + dt.timedelta(days=2, hours=6)
    assert actions.chase_overdue(now=later) == {"chased": 1, "escalated": 0}
    assert actions.chase_overdue(now=later) == {"chased": 0, "escalated": 0}  # once a day
    overdue = Notification.objects.filter(kind=Kind.SIGNALEMENT_OVERDUE)
    assert set(overdue.values_list("recipient", flat=True)) == {world.users["police"].pk}
    assert actions.chase_overdue(now=later + dt.timedelta(days=1)) == {"chased": 0, "escalated": 1}
    s.refresh_from_db()
    assert s.escalated_at is not None and s.events.last().action == "escalated"
    assert overdue.filter(recipient=world.users["coordinator"]).count() == 1
    assert actions.chase_overdue(now=later + dt.timedelta(days=5)) == {"chased": 0, "escalated": 0}


def test_far_past_due_escalates_at_once(world):
    s, _ = new_signalement(world)
    actions.take_signalement(s, actor=world.users["police"])
    assert actions.chase_overdue(now=s.created_at + dt.timedelta(days=14 + 8)) == {"chased": 0, "escalated": 1}


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (3000, 2000), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photos_are_reencoded_without_exif_on_the_private_storage(world, settings):
    data_url = "data:image/jpeg;base64," + base64.b64encode(_jpeg_with_exif()).decode()
    s, _ = new_signalement(world, photos=[data_url])
    [photo] = Photo.objects.filter(signalement=s)
    assert (photo.width, photo.height) == (1600, 1067)
    path = settings.COPIL_PRIVATE_MEDIA_ROOT / photo.file.name
    assert path.exists()
    with Image.open(path) as stored:
        assert not stored.getexif()


def test_a_bad_photo_stores_nothing(world, settings):
    good = "data:image/jpeg;base64," + base64.b64encode(_jpeg_with_exif()).decode()
    with pytest.raises(ValidationError):
        new_signalement(world, photos=[good, "data:image/jpeg;base64,AAAA"])
    assert not Signalement.objects.exists() and not Photo.objects.exists()
    root = settings.COPIL_PRIVATE_MEDIA_ROOT
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_charter_gates_signalements_until_accepted(world):
    s, _ = new_signalement(world)
    police = world.users["police"]
    actions.publish_charter(world.plan, actor=world.users["coordinator"], text="Charte v1")
    assert queries.charter_gate(police, world.plan)
    assert not queries.visible_signalements(police, world.plan).exists()
    with pytest.raises(PermissionDenied):
        actions.take_signalement(s, actor=police)
    actions.accept_charter(world.plan, actor=police)
    assert queries.charter_gate(police, world.plan) is None
    assert queries.visible_signalements(police, world.plan).exists()
    actions.publish_charter(world.plan, actor=world.users["coordinator"], text="Charte v2")
    assert queries.charter_gate(police, world.plan)
    acceptance = actions.accept_charter(world.plan, actor=police)
    acceptance.accepted_at = timezone.now() - dt.timedelta(days=366)
    acceptance.save()
    assert queries.charter_gate(police, world.plan)
    with pytest.raises(PermissionDenied):
        actions.publish_charter(world.plan, actor=police, text="x")
