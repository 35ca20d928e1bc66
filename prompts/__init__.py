"""Prompt templates (text files in prompts/templates) and the code that renders them.

Each `NAME.md` starts with a YAML front matter (`title`, `description`, `arguments`: name, description,
required) followed by the English body; `NAME.zh.md` holds the Chinese body. Bodies use `{{argument}}`
placeholders. The same templates are served as MCP prompts and used by tools for drafting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class PromptArg:
    name: str
    description: str
    required: bool


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    title: str
    description: str
    arguments: tuple[PromptArg, ...]
    bodies: dict[str, str]

    def render(self, locale: str, values: dict[str, str]) -> str:
        """Fill the body for `locale`; an optional argument that was not given reads as '(not given)'."""
        body = self.bodies.get(locale) or self.bodies["en"]
        missing = "（未提供）" if locale == "zh" else "(not given)"

        def fill(match: re.Match[str]) -> str:
            value = values.get(match.group(1))
            return value.strip() if value and value.strip() else missing

        return _PLACEHOLDER.sub(fill, body)


class PromptTemplateError(RuntimeError):
    pass


def _parse(path: Path) -> tuple[dict[str, object], str]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}, text
    _, front, body = text.split("---\n", 2)
    meta = yaml.load(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    if not isinstance(meta, dict):
        raise PromptTemplateError(f"{path.name}: front matter must be a mapping")
    return meta, body.lstrip("\n")


@cache
def load(name: str) -> PromptTemplate:
    path = TEMPLATE_DIR / f"{name}.md"
    if not path.is_file():
        raise PromptTemplateError(f"no prompt template {name!r}")
    meta, body = _parse(path)
    raw_arguments = meta.get("arguments") or []
    try:
        if not isinstance(raw_arguments, list):
            raise TypeError("arguments must be a list")
        arguments = tuple(
            PromptArg(str(arg["name"]), str(arg["description"]), bool(arg.get("required", False)))
            for arg in raw_arguments
        )
        title, description = str(meta["title"]), str(meta["description"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise PromptTemplateError(f"{path.name}: front matter needs title, description, arguments") from exc
    bodies = {"en": body}
    zh_path = TEMPLATE_DIR / f"{name}.zh.md"
    if zh_path.is_file():
        bodies["zh"] = _parse(zh_path)[1]
    declared = {arg.name for arg in arguments}
    for locale, text in bodies.items():
        used = set(_PLACEHOLDER.findall(text))
        if used - declared:
            raise PromptTemplateError(f"{path.name} ({locale}) uses undeclared arguments {sorted(used - declared)}")
    return PromptTemplate(name, title, description, arguments, bodies)


def names() -> list[str]:
    return sorted(p.stem for p in TEMPLATE_DIR.glob("*.md") if not p.stem.endswith(".zh"))
