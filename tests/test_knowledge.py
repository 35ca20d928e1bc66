"""The knowledge base: every file validates, the catalog and the folder agree, and en/zh are complete."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
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


_CJK = "\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”《》"
FOLDED_BREAK = re.compile(f"[{_CJK}] +[{_CJK}]")
"""A space between two Chinese characters: a YAML folded line break inside a Chinese sentence ('技术深入 交流')."""


@pytest.mark.parametrize("name", names())
def test_chinese_texts_have_no_space_between_chinese_characters(name: str) -> None:
    for where, node in _walk(load(name), name):
        if isinstance(node, Text):
            found = FOLDED_BREAK.search(node.zh)
            assert found is None, f"{where}: '{found.group()}' — break the line with a quoted string and '\\'"


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


SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"
WINDOW = 16  # characters; a copied clause, not a shared term such as a quadrant name


def _strings_outside_sources(value: Any) -> Any:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "sources":
                yield from _strings_outside_sources(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_outside_sources(item)


@pytest.mark.skipif(not SEED_DIR.is_dir(), reason="the seed documents are not beside the repository")
def test_sentences_are_our_own_words() -> None:
    """Facts carry over from the seeds; sentences don't: no 16-character run of seed text (10+ CJK) is copied."""
    seeds = "".join(path.read_text(encoding="utf-8") for path in SEED_DIR.glob("*.txt"))
    copied = []
    for path in sorted(KNOWLEDGE_DIR.glob("*.yaml")):
        for text in _strings_outside_sources(yaml.safe_load(path.read_text(encoding="utf-8"))):
            for start in range(max(0, len(text) - WINDOW + 1)):
                window = text[start : start + WINDOW]
                if sum(1 for char in window if "\u4e00" <= char <= "\u9fff") >= 10 and window in seeds:
                    copied.append(f"{path.name}: {window}")
                    break
    assert not copied, f"{len(copied)} knowledge strings copy seed sentences verbatim:\n" + "\n".join(copied[:20])
