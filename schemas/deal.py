"""The Deal shape of CONTRACT.md, shared by qualify_deal, close_plan, review_pipeline, forecast and save_deal.

Stage names are normalised on the way in (codes, the contract's Chinese process-stage names, labels and other
aliases from knowledge/stages.yaml); anything else is refused with the allowed codes named.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from .common import MAX_NOTE_TEXT, IsoDate, Money, Name, ShortText
from .knowledge.vocab import STAGE_ORDER, ContactRole, MeddpiccElement, StageCode

MAX_CONTACTS = 200
MAX_COMPETITORS = 50

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]

BantElement = Literal["budget", "authority", "need", "timeline"]


def normalise_stage(value: Any) -> Any:
    """'商务谈判' → 'negotiation', 'Closed Won' → 'closed_won'; unknown names are left for the enum to refuse."""
    if not isinstance(value, str) or value in STAGE_ORDER:
        return value
    from ..knowledge import get
    from .knowledge.pipeline import PipelineStages

    resolved = get("stages", PipelineStages).resolve(value)
    return resolved if resolved is not None else value


Stage = Annotated[StageCode, BeforeValidator(normalise_stage)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Contact(_Strict):
    name: Name
    title: ShortText | None = None
    role: ContactRole = "other"
    engaged: bool = False
    last_contact: IsoDate | None = None


class ElementScore(_Strict):
    """A given score (1–3) wins over inference from notes."""

    score: Annotated[int, Field(ge=1, le=3)] | None = None
    evidence: ShortText | None = None


class Deal(_Strict):
    id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None = None
    company: Name
    value: Money = 0
    currency: Currency = "USD"
    stage: Stage = "prospecting"
    owner: ShortText | None = None
    created: IsoDate | None = None
    stage_entered: IsoDate | None = None
    close_date: IsoDate | None = None
    close_date_changes: Annotated[int, Field(ge=0, le=1000)] = 0
    last_activity: IsoDate | None = None
    next_step: ShortText | None = None
    next_step_date: IsoDate | None = None
    verbal_agreement: bool = False
    contract_signed: bool = False
    competitors: Annotated[list[ShortText], Field(max_length=MAX_COMPETITORS)] = Field(default_factory=list)
    loss_reason: ShortText | None = None
    contacts: Annotated[list[Contact], Field(max_length=MAX_CONTACTS)] = Field(default_factory=list)
    meddpicc: dict[MeddpiccElement, ElementScore] = Field(default_factory=dict)
    bant: dict[BantElement, ElementScore] = Field(
        default_factory=dict, description="For qualify_deal with framework bant."
    )
    notes: Annotated[str, StringConstraints(max_length=MAX_NOTE_TEXT)] = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> Deal:
        if self.created and self.stage_entered and self.stage_entered < self.created:
            raise ValueError(f"stage_entered {self.stage_entered} must not be before created {self.created}")
        return self

    @property
    def is_open(self) -> bool:
        return self.stage not in ("closed_won", "closed_lost")

    def engaged_contacts(self) -> list[Contact]:
        return [contact for contact in self.contacts if contact.engaged]


class RedFlag(BaseModel):
    """A deal risk from the contract's red-flag table, with the severity it has at the deal's stage."""

    code: str
    severity: Literal["high", "medium"]
    message: str
    fix: str
