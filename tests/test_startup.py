"""Start-up stays light: nothing a stdio session may never use is imported before `initialize` is answered, the
precomputed tool manifest and knowledge index are current, and a broken knowledge file still stops the server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sales_playbook import knowledge as kb
from sales_playbook.server import registry
from sales_playbook.server.services import DEFAULT_ACTOR
from sales_playbook.server.settings import TOOLSETS, Settings

REGENERATE = "UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_schema_snapshot.py tests/test_startup.py"

# Imported lazily, on the first call that needs them (or never, over stdio).
HEAVY_PREFIXES = (
    "sales_playbook.server.toolsets.",
    "sales_playbook.schemas.knowledge",
    "sales_playbook.server.store",
    "sales_playbook.server.polish",
    "anthropic",
    "psycopg",
    "yaml",
    "jsonschema",
)
LIGHT_SCHEMAS = {"sales_playbook.schemas", "sales_playbook.schemas.common"}
LIGHT_TOOLS = {"sales_playbook.tools", "sales_playbook.tools.errors", "sales_playbook.tools.locale"}

PROBE = """
import json, sys
from sales_playbook.server.cli import _parser, _settings  # the path `sales-playbook serve` takes
from sales_playbook.server.app import build_server
server = build_server(_settings(_parser().parse_args(["serve", "--toolsets", "all", "--data-dir", sys.argv[1]])))
print(json.dumps(sorted(sys.modules)))
"""


def _run_probe(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run a probe script in a fresh interpreter (its own sys.modules) with a data dir under tmp_path."""
    return subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "SALES_PLAYBOOK_LOG_LEVEL": "WARNING"},
    )


def test_start_up_imports_no_tool_module_model_or_client_library(tmp_path: Path) -> None:
    done = _run_probe(PROBE, tmp_path)
    modules = set(json.loads(done.stdout))
    heavy = sorted(m for m in modules if m.startswith(HEAVY_PREFIXES))
    schemas = sorted(m for m in modules if m.startswith("sales_playbook.schemas") and m not in LIGHT_SCHEMAS)
    tools = sorted(m for m in modules if m.startswith("sales_playbook.tools") and m not in LIGHT_TOOLS)
    assert heavy == schemas == tools == [], (
        "start-up imported these; when server/tools.json, server/prompts.json or knowledge/index.json is stale the "
        f"server falls back to the models and templates (see the tests below; regenerate with: {REGENERATE})"
    )
    assert "sales_playbook.server.app" in modules


def test_the_tool_manifest_is_what_the_specs_publish() -> None:
    current = registry.manifest_text()
    if os.environ.get("UPDATE_SNAPSHOTS"):
        registry.write_manifest()
    assert registry.MANIFEST.read_text(encoding="utf-8") == current, (
        f"server/tools.json is stale (a tool's schema or description changed); regenerate with: {REGENERATE}"
    )


def test_the_manifest_covers_every_spec_once() -> None:
    published = registry.published_for(TOOLSETS)
    assert [tool.name for tool in published] == [spec.name for spec in registry.all_specs()]


def test_the_knowledge_index_is_current() -> None:
    if os.environ.get("UPDATE_SNAPSHOTS"):
        kb.write_index()
    current = kb.index_data(kb.load_all(), kb.fingerprint())
    assert json.loads(kb.INDEX.read_text(encoding="utf-8")) == current, (
        f"knowledge/index.json is stale (a knowledge file or model changed); regenerate with: {REGENERATE}"
    )


def test_the_prompt_index_is_current() -> None:
    from sales_playbook.server import app

    if os.environ.get("UPDATE_SNAPSHOTS"):
        app.write_prompt_index()
    assert json.loads(app.PROMPT_INDEX.read_text(encoding="utf-8")) == app.prompt_index_data(), (
        f"server/prompts.json is stale (a prompt template changed); regenerate with: {REGENERATE}"
    )


@pytest.fixture
def knowledge_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the knowledge files the loader reads instead of the packaged ones (its own fingerprint)."""
    folder = tmp_path / "knowledge"
    folder.mkdir()
    for path in kb.KNOWLEDGE_DIR.glob("*.yaml"):
        (folder / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(kb, "KNOWLEDGE_DIR", folder)
    kb.raw_text.cache_clear()
    kb.load.cache_clear()
    yield folder
    kb.raw_text.cache_clear()
    kb.load.cache_clear()


def test_a_normal_start_only_hashes_the_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def fail() -> Any:
        raise AssertionError("validated although the packaged index matches")

    monkeypatch.setattr(kb, "load_all", fail)
    index = kb.checked_index(tmp_path / "data")
    assert {section.name for section in index} == {path.stem for path in kb.KNOWLEDGE_DIR.glob("*.yaml")}
    assert not (tmp_path / "data").exists()  # nothing written when the packaged index matches


def test_changed_files_are_validated_once_then_stamped(knowledge_copy: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = knowledge_copy / "bant.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    first = kb.checked_index(data)
    assert (data / kb.STAMP_NAME).is_file()
    kb.load.cache_clear()
    calls: list[int] = []
    original = kb.load_all

    def counting() -> Any:
        calls.append(1)
        return original()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kb, "load_all", counting)
        assert kb.checked_index(data) == first
    assert calls == []  # the stamp matched: no second validation


def test_a_broken_file_stops_the_start_naming_file_and_field(knowledge_copy: Path, tmp_path: Path) -> None:
    path = knowledge_copy / "bant.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title:", "titel:", 1), encoding="utf-8")
    with pytest.raises(kb.KnowledgeError) as caught:
        kb.checked_index(tmp_path / "data")
    assert "knowledge/bant.yaml" in str(caught.value)
    assert "titel" in str(caught.value) or "title" in str(caught.value)
    assert not (tmp_path / "data" / kb.STAMP_NAME).exists()


def test_a_broken_file_fails_build_server(knowledge_copy: Path, tmp_path: Path) -> None:
    from sales_playbook.server.app import build_server

    path = knowledge_copy / "spin.yaml"
    path.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(kb.KnowledgeError, match=r"knowledge/spin\.yaml"):
        build_server(Settings(data_dir=tmp_path / "data"))


def test_services_default_actor_matches_the_store() -> None:
    from sales_playbook.server.store.store import DEFAULT_ACTOR as STORE_DEFAULT

    assert DEFAULT_ACTOR == STORE_DEFAULT


WARM_UP_PROBE = """
import asyncio, json, sys
from mcp import Client
from sales_playbook import knowledge as kb
from sales_playbook.server.cli import _parser, _settings
from sales_playbook.server.app import build_server
server = build_server(_settings(_parser().parse_args(["serve", "--toolsets", "deals", "--data-dir", sys.argv[1]])))
before = sorted(sys.modules)
async def main():
    async with Client(server) as client:
        await client.list_tools()
        assert server.warmed.wait(timeout=60)
asyncio.run(main())
print(json.dumps({"before": before, "after": sorted(sys.modules), "sections": kb.load.cache_info().currsize}))
"""


def test_the_first_tool_listing_warms_up_the_served_toolsets_and_the_knowledge(tmp_path: Path) -> None:
    done = _run_probe(WARM_UP_PROBE, tmp_path)
    seen = json.loads(done.stdout)
    assert "sales_playbook.server.toolsets.deals" not in seen["before"]
    assert "sales_playbook.server.toolsets.deals" in seen["after"]
    assert "sales_playbook.server.toolsets.pipeline" not in seen["after"]  # not served, not imported
    assert seen["sections"] == len(kb.names())


WARM_UP_YIELDS_PROBE = """
import json, sys, time
from sales_playbook.server.cli import _parser, _settings
from sales_playbook.server.app import build_server
server = build_server(_settings(_parser().parse_args(["serve", "--toolsets", "deals", "--data-dir", sys.argv[1]])))
server._calls_in_flight = 1  # a tool call is running
server.start_warm_up()
time.sleep(0.5)
during = "sales_playbook.server.toolsets.deals" in sys.modules
server._calls_in_flight = 0
print(json.dumps({"during": during, "after": server.warmed.wait(timeout=60)}))
"""


def test_the_warm_up_waits_while_a_tool_call_runs(tmp_path: Path) -> None:
    done = _run_probe(WARM_UP_YIELDS_PROBE, tmp_path)
    assert json.loads(done.stdout) == {"during": False, "after": True}
