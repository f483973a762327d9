"""Fixtures of the record page tests: the access tests' world (two plans, partners of every role, one user per
role) and clients logged in as those users."""

import pytest
from django.test import Client

from tests.access.conftest import World, build_world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client_for(world):
    """`client_for(role)`: a test client logged in as the world's user of that role."""

    def make(role: str) -> Client:
        client = Client()
        client.force_login(world.users[role])
        return client

    return make
