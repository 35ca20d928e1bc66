"""The catalog: every knowledge file name (stem of knowledge/NAME.yaml) mapped to the model that validates it."""

from __future__ import annotations

from . import (
    closing,
    coaching,
    discovery,
    objections,
    pipeline,
    postsale,
    prospecting,
    qualification,
    strategy,
    value,
)
from .base import KnowledgeFile

AREAS = (prospecting, postsale, qualification, discovery, objections, closing, pipeline, strategy, value, coaching)


def _build() -> dict[str, type[KnowledgeFile]]:
    catalog: dict[str, type[KnowledgeFile]] = {}
    for area in AREAS:
        for name, model in area.SECTIONS.items():
            if name in catalog:
                raise RuntimeError(f"knowledge section {name!r} is declared twice (in {area.__name__})")
            catalog[name] = model
    return catalog


CATALOG: dict[str, type[KnowledgeFile]] = _build()
