"""The password hasher: Argon2id with the parameters of the OWASP Password Storage Cheat Sheet.

Django's Argon2 defaults (memory 100 MiB, 2 passes, 8 lanes) cost about 250–330 ms of CPU per
check on the 2-core server the platform is sized for, so 50 officers signing in at the start of the
day queue for seconds (docs/benchmarks.md). OWASP's first recommended configuration for Argon2id —
19 MiB of memory, 2 passes, 1 lane — is the documented minimum for resisting offline guessing and
costs about 30 ms. Online guessing is stopped by the login throttle (kechuang.accounts.throttle),
not by the hash. The algorithm name stays "argon2", so existing hashes verify and are re-hashed with
these parameters at the next sign-in (Django's must_update). Decision record 0027.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
