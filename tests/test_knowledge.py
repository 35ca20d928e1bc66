"""The knowledge base: every file validates, the catalog and the folder agree, and en/zh are complete."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import BaseModel
from sales_playbook.knowledge import KNOWLEDGE_DIR, KnowledgeError, load, load_all, names, parse_section
from sales_playbook.schemas.knowledge.base import Terms, Text

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
SEEDS = ("000", "001", "002", "003", "004")


def test_catalog_and_folder_agree() -> None:
    on_disk = {path.stem for path in KNOWLEDGE_DIR.glob("*.yaml")}
    assert on_disk == set(names())


def test_every_section_validates() -> None:
    sections = load_all()
    assert len(sections) == len(names()) >= 40


def _walk(value: Any, path: str) -> Any:
    if isinstance(value, BaseModel):
        yield path, value
        for field in type(value).model_fields:
            yield from _walk(getattr(value, field), f"{path}.{field}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")


@pytest.mark.parametrize("name", names())
def test_both_languages_are_complete(name: str) -> None:
    texts = terms = 0
    for where, node in _walk(load(name), name):
        if isinstance(node, Text):
            texts += 1
            assert node.en.strip() and node.zh.strip(), where
            en_slots, zh_slots = set(PLACEHOLDER.findall(node.en)), set(PLACEHOLDER.findall(node.zh))
            assert en_slots == zh_slots, f"{where}: placeholders differ between en {en_slots} and zh {zh_slots}"
        elif isinstance(node, Terms):
            terms += 1
            assert node.en and node.zh, f"{where}: cue list empty in one language"
    assert texts >= 2  # at least the title and summary


def test_every_seed_is_encoded() -> None:
    cited = " ".join(source for section in load_all().values() for source in section.sources)
    for seed in SEEDS:
        assert seed in cited, f"no knowledge section cites seed {seed}"


def test_a_broken_file_names_the_file_and_the_field() -> None:
    name = names()[0]
    with pytest.raises(KnowledgeError, match=rf"knowledge/{name}\.yaml.*\n.*field title"):
        parse_section(name, "title: 3\nsummary: {en: a, zh: b}\nsources: [x]\n")
    with pytest.raises(KnowledgeError, match=rf"knowledge/{name}\.yaml is not valid YAML"):
        parse_section(name, "title: [unclosed\n")
