"""The test suite's settings (pytest.ini): the journal's own, with fast password hashing.

Subprocesses started by the tests (manage.py, gunicorn, Celery) use it through
DJANGO_SETTINGS_MODULE=journal_site.settings_test. Never use it in a deployment.
"""

from journal_site.settings import *  # noqa: F403

# Argon2 is deliberately slow; the tests hash thousands of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
