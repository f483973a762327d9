"""Two-factor sign-in: time-based one-time codes (TOTP, RFC 6238, django-otp's `TOTPDevice`) enrolled by scanning a
QR code, and single-use recovery codes stored hashed (`RecoveryCode`).

Who must enrol is the access policy's (`policy.second_factor_required`); `SecondFactorMiddleware` confines a
signed-in account whose session has not passed its second factor to the pages below. A session's second factor
is recorded in the session (`SESSION_KEY`: method, time, device), so its age can be checked (API token creation
wants one less than 15 minutes old). A ProConnect sign-in counts as both factors: the provider's strong
authentication stands for ours, its `acr`/`amr` claims go to the audit trail.

Failed codes are `otp_failed` events of the audit trail, which the login throttling counts with failed passwords
(`copil.access.throttling`); enrolment, success, failure and reset are all recorded there.
"""

from __future__ import annotations

import base64
import hashlib
import io
import secrets
import time
from dataclasses import dataclass
from typing import Any

import qrcode
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from copil.access.actors import Actor
from copil.plans.models import Membership

from . import policy, throttling
from .audit import client_ip, record_event
from .models import AuditEvent, RecoveryCode

SESSION_KEY = "copil_second_factor"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # base32: 16 characters carry 80 bits
_RECOVERY_LENGTH = 16
TOTP = "totp"
RECOVERY = "recovery"
PROCONNECT = "proconnect"


# --- Devices and recovery codes ----------------------------------------------------------------------------------


def has_second_factor(user: Any) -> bool:
    """Whether the user has enrolled an authenticator application (a confirmed TOTP device)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def sign_in_status(user: Any) -> tuple[bool, bool]:
    """(enrolled, required) for a signed-in account, in one query: whether it has an authenticator, and whether it
    must pass a second factor (`policy.second_factor_required`)."""
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            plan_requires=Exists(
                Membership.objects.filter(
                    user=OuterRef("pk"), deactivated_at__isnull=True, partner__plan__require_second_factor=True
                )
            ),
        )
        .values("enrolled", "plan_requires")
        .first()
    ) or {"enrolled": False, "plan_requires": False}
    return row["enrolled"], policy.second_factor_required(user, plan_requires=row["plan_requires"])


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled (created on first call, then the same one, so reloading the page
    keeps the QR code the person may already have scanned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator application"), confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The device's key in base32, grouped by four, for typing it into an application that cannot scan."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's `otpauth://` address as an inline SVG QR code (no image library needed)."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :]


def _digest(user: Any, code: str) -> str:
    return hashlib.sha256(f"{user.pk}:{normalize_code(code)}".encode()).hexdigest()


def normalize_code(code: str) -> str:
    """A code as typed: spaces and hyphens dropped, lower case."""
    return "".join(ch for ch in (code or "").lower() if ch not in " -\t")


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def _replace_recovery_codes(user: Any) -> list[str]:
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_digest(user, code)) for code in codes)
    return codes


def enrolled_user_ids(plan: Any) -> set[int]:
    """The members of the plan who have enrolled an authenticator (for the members page)."""
    members = Membership.objects.filter(partner__plan=plan).values("user_id")
    return set(TOTPDevice.objects.filter(user_id__in=members, confirmed=True).values_list("user_id", flat=True))


def unused_recovery_codes(user: Any) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# --- Enrolment, verification, reset ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """The outcome of a code typed by the person: `method` ("totp" or "recovery") when it verified."""

    method: str | None
    locked_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.method is not None


def _label(user: Any) -> str:
    return throttling.normalize_username(user.get_username())


def _lock(user: Any, request: HttpRequest | None) -> int:
    return throttling.lock_remaining(user.get_username(), client_ip(request))


def confirm_enrolment(user: Any, code: str, *, request: HttpRequest | None = None) -> tuple[Verification, list[str]]:
    """Check the first code of the pending device; when right, the device becomes the user's only one, fresh
    recovery codes replace any old ones, and they are returned (to be shown once)."""
    locked = _lock(user, request)
    if locked:
        return Verification(None, locked), []
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None or not device.verify_token(normalize_code(code)):
            _record_failure(user, request, "enrolment")
            return Verification(None, _lock(user, request)), []
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _replace_recovery_codes(user)
        record_event(
            user,
            AuditEvent.Action.OTP_ENROL,
            obj=user,
            actor_label=_label(user),
            details={"device": "totp", "recovery_codes": len(codes)},
            ip=client_ip(request),
        )
    if request is not None:
        mark_verified(request, TOTP, device)
    return Verification(TOTP), codes


def verify_code(user: Any, code: str, *, request: HttpRequest | None = None) -> Verification:
    """Check a code typed at sign-in: six digits from the authenticator, or one of the recovery codes (spent at
    once). Refused while the login throttling locks the account from this address."""
    locked = _lock(user, request)
    if locked:
        return Verification(None, locked)
    typed = normalize_code(code)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    method = None
    if device is not None and typed.isdigit() and len(typed) <= 8:
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            if device.verify_token(typed):
                method = TOTP
    elif device is not None and typed:
        spent = RecoveryCode.objects.filter(user=user, digest=_digest(user, typed), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        method = RECOVERY if spent else None
    if method is None:
        _record_failure(user, request, "sign-in")
        return Verification(None, _lock(user, request))
    details: dict[str, Any] = {"method": method}
    if method == RECOVERY:
        details["recovery_codes_left"] = unused_recovery_codes(user)
    record_event(
        user,
        AuditEvent.Action.OTP_VERIFIED,
        obj=user,
        actor_label=_label(user),
        details=details,
        ip=client_ip(request),
    )
    if request is not None:
        mark_verified(request, method, device)
    return Verification(method)


def _record_failure(user: Any, request: HttpRequest | None, step: str) -> None:
    record_event(
        user,
        AuditEvent.Action.OTP_FAILED,
        obj=user,
        actor_label=_label(user),
        details={"step": step},
        ip=client_ip(request),
    )


def reset_second_factor(actor: Actor, membership: Membership) -> None:
    """A coordinator of the member's plan removes the member's authenticator and recovery codes: the member must
    enrol again at the next sign-in (sessions verified with the old device stop counting). An administrator's
    second factor is reset only by another administrator."""
    plan = membership.partner.plan
    user = membership.user
    if actor is not None and not policy.is_plan_coordinator(actor, plan):
        raise PermissionDenied(_("Only a coordinator of the plan can reset a member's second factor."))
    if actor is not None and user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only an administrator can reset an administrator's second factor."))
    with transaction.atomic():
        devices = TOTPDevice.objects.filter(user=user).delete()[0]
        codes = RecoveryCode.objects.filter(user=user).delete()[0]
        record_event(
            actor,
            AuditEvent.Action.OTP_RESET,
            plan=plan,
            partner=membership.partner,
            obj=user,
            details={"user": user.get_username(), "devices_removed": devices, "recovery_codes_removed": codes},
        )


# --- The session's second factor ---------------------------------------------------------------------------------


def mark_verified(request: HttpRequest, method: str, device: TOTPDevice | None = None, **details: Any) -> None:
    """Record in the session that its user passed a second factor now (a new session key: fixation)."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "method": method,
        "at": time.time(),
        "device": device.pk if device is not None else None,
        **details,
    }


def forget_verification(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def session_second_factor(request: HttpRequest) -> dict[str, Any] | None:
    """The session's second factor, if it still holds: a device-based one only while that device exists (a reset
    ends it)."""
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict):
        return None
    if state.get("method") in {TOTP, RECOVERY}:
        if not TOTPDevice.objects.filter(pk=state.get("device"), user=request.user, confirmed=True).exists():
            return None
    return state


def verified_within(request: HttpRequest, seconds: int | None = None) -> bool:
    """Whether the session passed its second factor less than `seconds` ago (COPIL_SECOND_FACTOR_RECENT_SECONDS)."""
    seconds = settings.COPIL_SECOND_FACTOR_RECENT_SECONDS if seconds is None else seconds
    state = session_second_factor(request)
    return state is not None and time.time() - float(state.get("at", 0)) < seconds
