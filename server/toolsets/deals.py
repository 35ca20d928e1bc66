"""The 'deals' toolset: qualify, close, propose, and the ROI that backs the business case."""

from __future__ import annotations

from typing import Any

from ...schemas.roi import RoiInput, RoiResult
from ...tools.roi import calculate_roi, roi_markdown
from ..registry import CallEnv, ToolSpec


def _roi(inp: RoiInput, env: CallEnv) -> RoiResult:
    return calculate_roi(inp, env.locale)


SPECS: list[ToolSpec[Any, Any]] = [
    ToolSpec(
        name="calculate_roi",
        toolset="deals",
        title="Calculate ROI",
        description="Compute replaced headcount, annual saving, payback and ROI from the playbook's formulas, "
        "showing each formula with its numbers.",
        input_model=RoiInput,
        output_model=RoiResult,
        run=_roi,
        render=roi_markdown,
    ),
]
