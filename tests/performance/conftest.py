import pytest

from tests.web.conftest import client_for, make_user  # noqa: F401  (signed-in clients)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
