"""The 'coaching' toolset: coach a call from its transcript, and handle an objection with LAER."""

from __future__ import annotations

from typing import Any

from ...schemas.coaching import CoachCallInput, CoachCallResult
from ...schemas.objections import HandleObjectionInput, HandleObjectionResult
from ...tools.coaching import coach_call, coach_call_markdown
from ...tools.objections import handle_objection, handle_objection_markdown
from ..boundary import gc_paused
from ..registry import CallEnv, ToolSpec


def _coach(inp: CoachCallInput, env: CallEnv) -> CoachCallResult:
    with gc_paused():  # a long call builds ~10,000 short-lived turn objects at once: see gc_paused
        return coach_call(inp, env.locale)


def _objection(inp: HandleObjectionInput, env: CallEnv) -> HandleObjectionResult:
    return handle_objection(inp, env.locale)


SPECS: list[ToolSpec[Any, Any]] = [
    ToolSpec(
        name="coach_call",
        toolset="coaching",
        title="Coach a sales call",
        description="Count talk share, questions, monologues and next steps exactly from a call transcript and "
        "score it against the playbook's targets, with quoted strengths and improvements.",
        input_model=CoachCallInput,
        output_model=CoachCallResult,
        run=_coach,
        render=coach_call_markdown,
    ),
    ToolSpec(
        name="handle_objection",
        toolset="coaching",
        title="Handle an objection",
        description="Classify what the buyer said against the playbook's objection library and answer it with "
        "LAER, working in the deal's numbers.",
        input_model=HandleObjectionInput,
        output_model=HandleObjectionResult,
        run=_objection,
        render=handle_objection_markdown,
    ),
]
