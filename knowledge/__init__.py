"""The playbook as data: loads knowledge/*.yaml once, validates each file into its schema, and caches it.

A broken file fails loudly with the file and the field named (see `KnowledgeError`). Tools read sections
through `get(name, Model)` so they receive typed, immutable models.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import ValidationError

from ..schemas.knowledge.base import KnowledgeFile
from ..schemas.knowledge.catalog import CATALOG

KNOWLEDGE_DIR = Path(__file__).resolve().parent

M = TypeVar("M", bound=KnowledgeFile)

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class KnowledgeError(RuntimeError):
    """A knowledge file is missing, is not valid YAML, or does not match its schema."""


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors()[:10]:
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        lines.append(f"  field {where}: {item['msg']}")
    if error.error_count() > 10:
        lines.append(f"  ... and {error.error_count() - 10} more")
    return "\n".join(lines)


def path_of(name: str) -> Path:
    return KNOWLEDGE_DIR / f"{name}.yaml"


@cache
def raw_text(name: str) -> str:
    """The YAML text of one section, as shipped (served as an MCP resource)."""
    if name not in CATALOG:
        raise KnowledgeError(f"unknown knowledge section {name!r}; known: {', '.join(sorted(CATALOG))}")
    path = path_of(name)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeError(f"knowledge/{name}.yaml cannot be read: {exc}") from exc


def parse_section(name: str, text: str) -> KnowledgeFile:
    """Parse and validate the YAML text of section `name`; errors name the file and the field."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"knowledge/{name}.yaml is not valid YAML: {exc}") from exc
    try:
        return CATALOG[name].model_validate(data)
    except ValidationError as exc:
        raise KnowledgeError(f"knowledge/{name}.yaml does not match its schema:\n{_describe(exc)}") from exc


@cache
def load(name: str) -> KnowledgeFile:
    """One section, parsed and validated; cached, so each file is read once per process."""
    return parse_section(name, raw_text(name))


def get(name: str, model: type[M]) -> M:
    """A section as its model type (raises if the catalog maps the name to another model)."""
    section = load(name)
    if not isinstance(section, model):
        raise KnowledgeError(f"knowledge section {name!r} is a {type(section).__name__}, not a {model.__name__}")
    return section


def names() -> list[str]:
    return sorted(CATALOG)


def load_all() -> dict[str, KnowledgeFile]:
    """Validate every section (done at start-up so a broken file stops the server with a clear message)."""
    return {name: load(name) for name in names()}
