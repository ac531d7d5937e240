"""Replace one '## ' section of docs/benchmarks.md, keeping the others."""

from __future__ import annotations

from pathlib import Path


def replace_section(path: Path, heading: str, text: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    parts = old.split("\n## ")
    head, sections = parts[0], ["## " + p for p in parts[1:]]
    sections = [s for s in sections if s.split("\n", 1)[0].strip() != heading.strip()]
    sections.append(text.rstrip() + "\n")
    path.write_text(head.rstrip() + "\n\n" + "\n".join(s.rstrip() + "\n" for s in sections), encoding="utf-8")
