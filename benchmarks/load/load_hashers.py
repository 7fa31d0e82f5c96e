"""The load test's password hasher: Django's PBKDF2 with fewer iterations (see load_settings)."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class LoadTestPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sha256_load"
    iterations = 10_000
