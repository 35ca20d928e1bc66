"""The 'pipeline' toolset."""

from __future__ import annotations

from typing import Any

from ..registry import ToolSpec

SPECS: list[ToolSpec[Any, Any]] = []
