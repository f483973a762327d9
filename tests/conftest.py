import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from tests.factories import make_partner, make_plan

force_login_password_only = Client.force_login


def pass_second_factor(client: Client, user) -> None:
    """Mark the client's session as having passed its second factor now, with the user's authenticator (enrolled
    here if missing), as a sign-in with password and code would."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from copil.access import twofactor

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[twofactor.SESSION_KEY] = {"method": twofactor.TOTP, "at": time.time(), "device": device.pk}
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def _force_login_with_second_factor(self: Client, user, backend=None) -> None:
    """`Client.force_login` skips the sign-in pages: for an account that must pass a second factor, it skips the
    code page too (tests/access/test_twofactor.py drives the real pages; `force_login_password_only` stops after
    the password)."""
    force_login_password_only(self, user, backend)
    from copil.access import policy, twofactor

    policy.forget(user)
    if twofactor.has_second_factor(user) or policy.second_factor_required(user):
        pass_second_factor(self, user)


Client.force_login = _force_login_with_second_factor


@pytest.fixture
def plan(db):
    return make_plan(slug="test-plan")


@pytest.fixture
def police(plan):
    return make_partner(plan, role="police", code="police", name="Police nationale")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: test databases reuse primary keys, so a page cached by an earlier
    test (copil.web.caching) could otherwise be served for another plan that happens to share its key."""
    cache.clear()
