"""The shapes of the reports (statement 3's quarters, the fidelity list, alerts, outcomes): what
vfb.services.reports answers and the API serves, one class each. Not tables."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class TrendPoint(BaseModel):
    from_: date = Field(serialization_alias="from")
    to: date
    label: str = Field(description='The financial quarter, e.g. "2026-27 Q1"')
    denominator: int
    numerator: int
    proportion: float | None


class PeriodPublic(BaseModel):
    from_: date = Field(serialization_alias="from")
    to: date
    label: str


class PeriodsPublic(BaseModel):
    this_quarter: PeriodPublic
    last_quarter: PeriodPublic
    this_year: PeriodPublic


class FidelityRow(BaseModel):
    """One programme of the fidelity list, with its verdict today and the criteria failing."""

    model_config = ConfigDict(frozen=True)

    programme_id: str
    child_id: str
    child_reference: str
    worker_id: str
    worker: str
    status: str
    offered_on: date
    ended_on: date | None
    held_sessions: int
    first_held_on: date | None
    last_held_on: date | None
    verdict: str
    failing: list[str]


class FidelityListPublic(BaseModel):
    data: list[FidelityRow]
    count: int
    limit: int
    offset: int
    verdicts: dict[str, int]


class Alert(BaseModel):
    """An active programme needing attention, and why (`code`, in words in `detail`)."""

    model_config = ConfigDict(frozen=True)

    programme_id: str
    child_id: str
    child_reference: str
    worker: str
    code: str
    detail: str


class ScaleChange(BaseModel):
    """The mean change on one carer-score scale, over the children scored before and after."""

    model_config = ConfigDict(frozen=True)

    scale: str
    children: int
    mean_before: float
    mean_after: float
    mean_change: float


class BreakdownsPublic(BaseModel):
    denominator: int
    children_with_breakdown: int
    rate: float | None
    reached_rate: float | None = Field(description="The measure's proportion, for comparison")


class OutcomesPublic(BaseModel):
    from_: date = Field(serialization_alias="from")
    to: date
    scales: list[ScaleChange]
    breakdowns: BreakdownsPublic
