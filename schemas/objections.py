"""Input and output of `handle_objection`: classify what the buyer said and answer it with LAER."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .common import Money, ShortText, ToolInput, ToolOutput
from .knowledge.objections import CallContext, ObjectionCategory

MAX_OBJECTION_CHARS = 2_000


class ObjectionContext(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    deal_value: Money | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code.")] = "USD"
    competitor: ShortText | None = None
    cost_of_inaction_per_month: Money | None = Field(
        default=None, description="What the unsolved problem costs the buyer each month."
    )
    times_objected: Annotated[int, Field(ge=0, le=1000)] | None = Field(
        default=None, description="How many times the buyer has objected so far, this one included."
    )
    call_context: CallContext | None = Field(
        default=None, description="cold_call or deal; decides e.g. whether 'we already have one' is a brush-off."
    )
    problem: ShortText | None = Field(default=None, description="The buyer's problem in their words.")
    similar_company: ShortText | None = None
    result: ShortText | None = Field(default=None, description="The result that similar company achieved.")


class HandleObjectionInput(ToolInput):
    objection: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_OBJECTION_CHARS)
    ] = Field(description="What the buyer said, any language.")
    context: ObjectionContext | None = None


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MatchedObjection(_Out):
    id: str
    objection: str
    real_meaning: str


class Alternative(_Out):
    id: str
    category: ObjectionCategory
    objection: str
    confidence: float


class Laer(_Out):
    listen: str
    acknowledge: str
    explore: str
    respond: str


class ReverseOption(_Out):
    script: str
    when: str
    delivery: list[str]


class HandleObjectionResult(ToolOutput):
    category: ObjectionCategory
    matched: MatchedObjection | None = Field(description="The library entry; null when nothing matched (other).")
    confidence: float
    alternatives: list[Alternative]
    laer: Laer
    follow_up_questions: list[str]
    avoid: list[str]
    reverse_option: ReverseOption | None
    numbers: list[str] = Field(description="How the context's numbers were worked into the answer.")
    matched_cues: list[str] = Field(description="Library cue phrases and keywords the wording matched.")
    call_context: Literal["cold_call", "deal"] | None
