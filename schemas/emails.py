"""Input and output of `draft_email`: cold emails, meeting follow-ups and recaps from the playbook's templates."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from .common import MAX_SHORT_TEXT, Name, ShortText, ToolInput, ToolOutput
from .knowledge.prospecting import EmailKind, MeetingType

MAX_LIST_ITEMS = 20


class Person(BaseModel):
    """The first name is taken from `name`."""

    model_config = ConfigDict(extra="forbid", str_max_length=MAX_SHORT_TEXT)

    name: Name
    title: ShortText | None = None


def _name_as_person(value: Any) -> Any:
    """A bare string is read as the contact's name."""
    return {"name": value} if isinstance(value, str) else value


PersonIn = Annotated[Person, BeforeValidator(_name_as_person)]
Points = Annotated[list[ShortText], Field(max_length=MAX_LIST_ITEMS)]


class EmailFacts(ToolInput):
    """The facts a template can use; each fills the `{placeholder}` of the same name."""

    trigger: ShortText | None = Field(default=None, description="The specific event seen at the account.")
    similar_company: ShortText | None = None
    problem: ShortText | None = None
    result: ShortText | None = Field(default=None, description="The result the similar company got.")
    peer_group: ShortText | None = Field(default=None, description="Companies in the same situation.")
    proof_point: ShortText | None = Field(default=None, description="A data point backing the claim.")
    solution_line: ShortText | None = Field(default=None, description="One sentence on how you solve it.")
    industry: ShortText | None = None
    cost_figure: ShortText | None = Field(default=None, description="What the problem cost the similar company.")
    resource: ShortText | None = Field(default=None, description="Article, insight or data to share.")
    key_insight: ShortText | None = None
    meeting_type: MeetingType | None = Field(default=None, description="Required for follow_up.")
    meeting_date: ShortText | None = None
    discussed: Points = Field(default_factory=list)
    cost_of_inaction: ShortText | None = None
    next_step: ShortText | None = None
    next_step_date: ShortText | None = Field(default=None, description="Day (and time) of the next step.")
    roi: ShortText | None = None
    criteria: Points = Field(default_factory=list, description="Their top decision criteria.")
    target_go_live: ShortText | None = None
    economic_buyer: ShortText | None = None
    open_items: Points = Field(default_factory=list)
    action_items: Points = Field(default_factory=list)
    sender_name: ShortText | None = None
    sender_company: ShortText | None = None


class EmailInput(EmailFacts):
    kind: EmailKind
    company: Name
    contact: PersonIn
    polish: bool = Field(default=False, description="Ask a model to polish the wording (sampling, else Anthropic).")


class EmailDraft(ToolOutput):
    kind: EmailKind
    template: str
    """Id of the playbook template used."""
    subject: str
    body: str
    word_count: int
    placeholders_left: list[str]
    """Template fields no fact filled; they appear in the draft as [name]."""
    warnings: list[str]
    polished: bool
    polished_by: Literal["sampling", "anthropic"] | None = None
    polish_note: str | None = None
    """Why the draft was or was not polished."""
    prompt: str
    """A rewrite prompt with the facts fenced as data, for the assistant (or a model) to polish the draft."""
