"""The 'prospecting' toolset: who to chase (ICP, account tiers), how (cadence, emails), and discovery prep."""

from __future__ import annotations

from typing import Any

from ...schemas.accounts import AccountsInput, AccountsResult
from ...schemas.cadence import CadenceInput, CadenceResult
from ...schemas.discovery import DiscoveryInput, DiscoveryPrep
from ...schemas.emails import EmailDraft, EmailInput
from ...schemas.icp import IcpInput, IcpResult
from ...tools.accounts import accounts_markdown, score_accounts
from ...tools.cadence import build_cadence, cadence_markdown
from ...tools.discovery import discovery_markdown, prep_discovery
from ...tools.emails import draft_email, email_markdown
from ...tools.icp import generate_icp, icp_markdown
from ..polish import draft_email_polished, resolve_polish
from ..registry import CallEnv, ToolSpec


def _icp(inp: IcpInput, env: CallEnv) -> IcpResult:
    return generate_icp(inp, env.locale)


def _accounts(inp: AccountsInput, env: CallEnv) -> AccountsResult:
    return score_accounts(inp, env.locale)


def _cadence(inp: CadenceInput, env: CallEnv) -> CadenceResult:
    return build_cadence(inp, env.locale)


def _email(inp: EmailInput, env: CallEnv) -> EmailDraft:
    return draft_email(inp, env.locale)


def _discovery(inp: DiscoveryInput, env: CallEnv) -> DiscoveryPrep:
    return prep_discovery(inp, env.locale)


SPECS: list[ToolSpec[Any, Any]] = [
    ToolSpec(
        name="generate_icp",
        toolset="prospecting",
        title="Generate ideal customer profile",
        description="Fill the playbook's ICP template (firmographics from your won customers, pain indicators, "
        "personas, anti-signals, tiers) and return it as data and YAML.",
        input_model=IcpInput,
        output_model=IcpResult,
        run=_icp,
        render=icp_markdown,
    ),
    ToolSpec(
        name="score_accounts",
        toolset="prospecting",
        title="Score and tier accounts",
        description="Score accounts against the ICP (fit 0–100, tier 1/2/3/drop, BANT, strategy-matrix quadrant) "
        "and check the territory's tier sizes and time split.",
        input_model=AccountsInput,
        output_model=AccountsResult,
        run=_accounts,
        render=accounts_markdown,
    ),
    ToolSpec(
        name="build_cadence",
        toolset="prospecting",
        title="Build outreach cadence",
        description="Lay out a tier's multi-channel outreach sequence on real business days, with each email "
        "drafted and each call's opener.",
        input_model=CadenceInput,
        output_model=CadenceResult,
        run=_cadence,
        render=cadence_markdown,
    ),
    ToolSpec(
        name="draft_email",
        toolset="prospecting",
        title="Draft sales email",
        description="Draft a cold, breakup, follow-up or recap email from the playbook's templates, listing unfilled "
        "fields and warnings; optionally polished by a model.",
        input_model=EmailInput,
        output_model=EmailDraft,
        run=_email,
        render=email_markdown,
        open_world=True,
        resolve=resolve_polish,
        run_async=draft_email_polished,
    ),
    ToolSpec(
        name="prep_discovery",
        toolset="prospecting",
        title="Prepare discovery call",
        description="Plan a discovery call: agenda scaled from the 30-minute structure, personalised questions, "
        "research checklist, MEDDPICC gaps and talk budget.",
        input_model=DiscoveryInput,
        output_model=DiscoveryPrep,
        run=_discovery,
        render=discovery_markdown,
    ),
]
