"""The playbook as data: loads knowledge/*.yaml on first use, validates each file into its schema, and caches it.

A broken file fails loudly with the file and the field named (see `KnowledgeError`). Tools read sections
through `get(name, Model)` so they receive typed, immutable models; a section is parsed the first time a tool
needs it, and the knowledge models are imported then too, not at start-up.

Start-up still refuses a broken knowledge base, cheaply: `checked_index()` hashes the knowledge files and their
models (`fingerprint()`, a few milliseconds) and compares the hash with the packaged `index.json` (written by
`write_index()` after validating everything; a test checks it is current) or with the stamp of the last
successful validation in the data dir. Only when neither matches does it validate every file, which names the
broken file and field, and then stamps the data dir so the next start is fast again.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import ValidationError

    from ..schemas.knowledge.base import KnowledgeFile

KNOWLEDGE_DIR = Path(__file__).resolve().parent
MODELS_DIR = KNOWLEDGE_DIR.parent / "schemas" / "knowledge"
INDEX = KNOWLEDGE_DIR / "index.json"
STAMP_NAME = "knowledge-stamp.json"

M = TypeVar("M", bound="KnowledgeFile")

_SECTION_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class KnowledgeError(RuntimeError):
    """A knowledge file is missing, is not valid YAML, or does not match its schema."""


def _catalog() -> dict[str, type[KnowledgeFile]]:
    from ..schemas.knowledge.catalog import CATALOG  # imports every knowledge model: only when parsing

    return CATALOG


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
    if not _SECTION_NAME.match(name) or not path_of(name).is_file():
        known = sorted(path.stem for path in KNOWLEDGE_DIR.glob("*.yaml"))
        raise KnowledgeError(f"unknown knowledge section {name!r}; known: {', '.join(known)}")
    try:
        return path_of(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeError(f"knowledge/{name}.yaml cannot be read: {exc}") from exc


def parse_section(name: str, text: str) -> KnowledgeFile:
    """Parse and validate the YAML text of section `name`; errors name the file and the field."""
    import yaml
    from pydantic import ValidationError

    catalog = _catalog()
    if name not in catalog:
        raise KnowledgeError(f"unknown knowledge section {name!r}; known: {', '.join(sorted(catalog))}")
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"knowledge/{name}.yaml is not valid YAML: {exc}") from exc
    try:
        return catalog[name].model_validate(data)
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
    return sorted(_catalog())


def load_all() -> dict[str, KnowledgeFile]:
    """Validate every section (what `checked_index` does at start-up when the files changed since the last time)."""
    return {name: load(name) for name in names()}


# --- The cheap start-up check and the resource index ----------------------------------------------------------


@dataclass(frozen=True)
class SectionInfo:
    """What the resource list shows of a section, without parsing it."""

    name: str
    title_en: str
    title_zh: str
    summary_en: str


def fingerprint() -> str:
    """A hash of every knowledge file and every knowledge model module (either changing can break validation)."""
    digest = hashlib.sha256()
    for folder, pattern in ((KNOWLEDGE_DIR, "*.yaml"), (MODELS_DIR, "*.py")):
        for path in sorted(folder.glob(pattern)):
            digest.update(f"{folder.name}/{path.name}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def index_data(sections: dict[str, KnowledgeFile], fingerprint_: str) -> dict[str, Any]:
    return {
        "fingerprint": fingerprint_,
        "sections": [
            {"name": name, "title_en": s.title.en, "title_zh": s.title.zh, "summary_en": s.summary.en}
            for name, s in sorted(sections.items())
        ],
    }


def _read_index(path: Path, fingerprint_: str) -> list[SectionInfo] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != fingerprint_:
        return None
    try:
        return [SectionInfo(**entry) for entry in data["sections"]]
    except (KeyError, TypeError):
        return None


def write_index(path: Path = INDEX) -> Path:
    """Validate every section and write the index stamped with the current fingerprint:
    `python -c "from sales_playbook.knowledge import write_index; write_index()"`."""
    text = json.dumps(index_data(load_all(), fingerprint()), indent=1, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def checked_index(stamp_dir: Path | None = None) -> list[SectionInfo]:
    """The sections for the resource list, guaranteeing the knowledge base validates (see the module doc).

    Raises `KnowledgeError` naming the file and field when the files changed and one of them is broken."""
    current = fingerprint()
    index = _read_index(INDEX, current)
    if index is None and stamp_dir is not None:
        index = _read_index(stamp_dir / STAMP_NAME, current)
    if index is not None:
        return index
    sections = load_all()  # raises KnowledgeError on a broken file
    data = index_data(sections, current)
    if stamp_dir is not None:
        try:
            stamp_dir.mkdir(parents=True, exist_ok=True)
            (stamp_dir / STAMP_NAME).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        except OSError:  # a read-only data dir only costs the next start another validation
            pass
    return [SectionInfo(**entry) for entry in data["sections"]]
