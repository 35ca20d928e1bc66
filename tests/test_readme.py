"""The README documents every tool, prompt, resource kind and setting the server has."""

from __future__ import annotations

import re
from pathlib import Path

from sales_playbook.prompts import names as prompt_names
from sales_playbook.server.registry import all_specs
from sales_playbook.server.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_tool_is_in_the_tool_table() -> None:
    for spec in all_specs():
        assert re.search(rf"^\| `{spec.name}` \|", README, re.M), f"README tool table lacks {spec.name}"


def test_every_prompt_is_documented() -> None:
    for name in prompt_names():
        assert f"`{name}`" in README, f"README lacks prompt {name}"


def test_every_setting_is_documented() -> None:
    for field in Settings.model_fields:
        assert f"SALES_PLAYBOOK_{field.upper()}" in README, f"README lacks setting {field}"


def test_readme_has_the_two_commands_and_client_configs() -> None:
    for needle in ("Claude Desktop", "Claude Code", "Cursor", "playbook://", "MCP Inspector"):
        assert needle in README
    assert re.search(r"```(?:sh|bash)\n[^`]*sales-playbook serve", README)
    assert re.search(r"```(?:sh|bash)\n[^`]*pytest", README)
