"""Prompt templates: front matter is checked, placeholders must be declared, both languages render."""

from __future__ import annotations

from pathlib import Path

import pytest
from sales_playbook import prompts


@pytest.mark.parametrize("name", prompts.names())
def test_every_template_loads_in_both_languages(name: str) -> None:
    template = prompts.load(name)
    assert template.title and template.description
    assert set(template.bodies) == {"en", "zh"}
    values = {arg.name: f"<{arg.name}>" for arg in template.arguments}
    for locale in ("en", "zh"):
        text = template.render(locale, values)
        assert "{{" not in text
        assert all(f"<{arg.name}>" in text for arg in template.arguments)


def test_missing_optional_values_read_as_not_given() -> None:
    template = prompts.load("business-case-roi")
    assert "(not given)" in template.render("en", {"company": "Acme"})
    assert "（未提供）" in template.render("zh", {"company": "Acme"})


def test_undeclared_placeholder_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bad.md").write_text("---\ntitle: t\ndescription: d\narguments: []\n---\nHi {{who}}\n")
    monkeypatch.setattr(prompts, "TEMPLATE_DIR", tmp_path)
    prompts.load.cache_clear()
    try:
        with pytest.raises(prompts.PromptTemplateError, match="undeclared arguments"):
            prompts.load("bad")
    finally:
        prompts.load.cache_clear()
