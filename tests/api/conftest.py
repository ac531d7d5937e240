"""The enterprise population of tests/enterprises, for the API fuzzing."""

from tests.enterprises.conftest import population  # noqa: F401
