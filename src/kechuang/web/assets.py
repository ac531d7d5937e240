"""Build steps for the front end: vendor libraries from node_modules, translation catalogues."""

from __future__ import annotations

import shutil
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VENDOR_DIR = PACKAGE_DIR / "static" / "vendor"
VENDOR_FILES = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "echarts.min.js": "echarts/dist/echarts.min.js",
}


def copy_vendor(node_modules: Path) -> list[str]:
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    copied = []
    for target, source in VENDOR_FILES.items():
        src = node_modules / source
        if not src.exists():
            raise FileNotFoundError(f"找不到 {src}：请先运行 npm ci")
        shutil.copyfile(src, VENDOR_DIR / target)
        copied.append(target)
    return copied


def compile_messages() -> list[str]:
    """Compile every locale/*/LC_MESSAGES/*.po to .mo with polib (no GNU gettext needed)."""
    import polib

    done = []
    for po_path in sorted((PACKAGE_DIR / "locale").glob("*/LC_MESSAGES/*.po")):
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        done.append(f"{po_path.parent.parent.name}/{po_path.name}")
    return done
