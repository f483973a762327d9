"""Authentication backend: Django's username + password, refused while the username is locked from the
client's address (see `copil.access.throttling`)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from . import throttling
from .audit import client_ip


class ThrottledModelBackend(ModelBackend):
    """ModelBackend with login throttling; a locked attempt counts as a failure (it is one)."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username and throttling.is_locked(username, client_ip(request)):
            raise PermissionDenied  # stops every backend; Django then signals the failure
        return super().authenticate(request, username=username, password=password, **kwargs)
