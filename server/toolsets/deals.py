"""The 'deals' toolset: qualify, close, propose, and the ROI that backs the business case."""

from __future__ import annotations

from typing import Any

from ...schemas.closing import ClosePlanInput, ClosePlanResult
from ...schemas.proposal import ProposalInput, ProposalResult
from ...schemas.qualify import QualifyInput, QualifyResult
from ...schemas.roi import RoiInput, RoiResult
from ...tools.closing import close_plan, close_plan_markdown
from ...tools.proposal import draft_proposal, proposal_markdown
from ...tools.qualify import qualify_deal, qualify_markdown
from ...tools.roi import calculate_roi, roi_markdown
from ..registry import CallEnv, ToolSpec


def _roi(inp: RoiInput, env: CallEnv) -> RoiResult:
    return calculate_roi(inp, env.locale)


def _qualify(inp: QualifyInput, env: CallEnv) -> QualifyResult:
    return qualify_deal(inp, env.today, env.locale)


def _close(inp: ClosePlanInput, env: CallEnv) -> ClosePlanResult:
    return close_plan(inp, env.today, env.locale)


def _proposal(inp: ProposalInput, env: CallEnv) -> ProposalResult:
    return draft_proposal(inp, env.today, env.locale)


SPECS: list[ToolSpec[Any, Any]] = [
    ToolSpec(
        name="qualify_deal",
        toolset="deals",
        title="Qualify a deal",
        description="Score a deal with MEDDPICC, MEDDIC or BANT (given scores win; evidence quoted from notes and "
        "contacts), with band, red flags, next three moves, forecast category and stage probability.",
        input_model=QualifyInput,
        output_model=QualifyResult,
        run=_qualify,
        render=qualify_markdown,
    ),
    ToolSpec(
        name="close_plan",
        toolset="deals",
        title="Plan the close",
        description="Readiness from buying signals, the closing technique with its script, the discount decision "
        "(never above 20%), negotiation rules, a back-scheduled mutual action plan, the stall checklist and urgency "
        "options the facts support.",
        input_model=ClosePlanInput,
        output_model=ClosePlanResult,
        run=_close,
        render=close_plan_markdown,
    ),
    ToolSpec(
        name="draft_proposal",
        toolset="deals",
        title="Draft a proposal",
        description="Write a proposal (problem, cost of inaction, solution per criterion, proof, ROI, price, mutual "
        "action plan, next step) and warn when budget or authority is unconfirmed.",
        input_model=ProposalInput,
        output_model=ProposalResult,
        run=_proposal,
        render=proposal_markdown,
    ),
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
