"""The wheel carries every subpackage and data file: `pip install .` (the README's first command) must work."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".venv", "tests", "bench", "build", ".git"}


def _pyproject() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_folder_is_listed() -> None:
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    on_disk = {"sales_playbook"}
    for init in ROOT.rglob("__init__.py"):
        relative = init.parent.relative_to(ROOT)
        if relative.parts and relative.parts[0] in SKIP:
            continue
        if relative.parts:
            on_disk.add("sales_playbook." + ".".join(relative.parts))
    assert on_disk == listed


def test_data_files_are_declared() -> None:
    data = _pyproject()["tool"]["setuptools"]["package-data"]
    kinds = {".yaml", ".md", ".sql", ".css", ".js"}
    suffixes = {path.suffix for path in ROOT.rglob("*") if path.is_file() and path.suffix in kinds}
    declared = " ".join(pattern for patterns in data.values() for pattern in patterns)
    for suffix in suffixes - {".md"}:
        assert f"*{suffix}" in declared, f"{suffix} files are not package data"
    assert "templates/*.md" in declared
