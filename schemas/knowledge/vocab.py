"""The contract's vocabularies (CONTRACT.md), shared by every knowledge area and the tool schemas."""

from __future__ import annotations

from typing import Literal, get_args

StageCode = Literal["prospecting", "discovery", "evaluation", "proposal", "negotiation", "closed_won", "closed_lost"]
STAGE_ORDER: tuple[StageCode, ...] = get_args(StageCode)
"""The contract's stage codes in pipeline order."""

ContactRole = Literal[
    "champion",
    "economic_buyer",
    "technical_evaluator",
    "end_user",
    "procurement",
    "legal",
    "executive_sponsor",
    "coach",
    "blocker",
    "other",
]
"""Contact roles of the Deal shape (Deal.contacts[].role)."""

MeddpiccElement = Literal[
    "metrics",
    "economic_buyer",
    "decision_criteria",
    "decision_process",
    "paper_process",
    "identified_pain",
    "champion",
    "competition",
]
