"""The enterprises app's service layer: what views, API and CLI call (importing, qualification, registry)."""

from kechuang.enterprises.importing import EnterpriseImportError, ImportSummary, check_files, import_files
from kechuang.enterprises.qualification import (
    qualification_frames,
    qualify_registry,
    recompute_tiers,
    verdicts,
)

__all__ = [
    "EnterpriseImportError",
    "ImportSummary",
    "check_files",
    "import_files",
    "qualification_frames",
    "qualify_registry",
    "recompute_tiers",
    "verdicts",
]
