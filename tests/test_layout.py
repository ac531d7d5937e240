"""The test folders are not packages, so two test files with one name would shadow each other and the
whole run would stop at collection (as it once did in CI): every test file name is unique."""

from collections import Counter
from pathlib import Path


def test_every_test_file_name_is_unique():
    names = Counter(p.name for p in Path(__file__).parent.rglob("test_*.py"))
    assert [n for n, count in names.items() if count > 1] == []
