from tests.legal.conftest import _fast_password_hashing, people  # noqa: F401
