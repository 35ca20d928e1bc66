"""CRM export import: map the columns of a HubSpot, Salesforce or Pipedrive deal export (or a CSV whose headers
are the contract's Deal field names) onto Deals, row by row, with every rejected row and its reason.

- The source is detected from the header (the export's signature columns) unless the caller names it.
- A file without a company column or a stage column is refused as a whole, naming the columns looked for.
- A row is rejected (with its line number, field and reason) for: no company, an unknown stage, a date that
  is not a date, an amount that is not a number or is negative, a duplicate record id, a cell too long.
- Each accepted row gets a stable external id: `source:record id` when the export has an id column, else a
  hash of source, company, deal name and created date — so re-importing the same file updates the same deals.
- Dates: ISO (2026-11-20, with or without a time), 2026/11/20, and slashed US dates (11/20/2026; read as
  day/month when the first number is above 12), 20.11.2026.

Reasons and warnings are written in the caller's locale (en or zh); what is imported does not depend on it.

Pure: text in, a plan out; the server writes the accepted rows in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from pydantic import ValidationError

from ..knowledge import get
from ..schemas.common import MAX_MONEY, MAX_SHORT_TEXT, Locale
from ..schemas.deal import Deal
from ..schemas.knowledge.pipeline import PipelineStages
from ..schemas.knowledge.vocab import StageCode
from ..schemas.pipeline import MAX_CSV_CHARS, MAX_IMPORT_ROWS, ColumnMapping, RejectedRow
from .errors import PlaybookInputError

Source = Literal["hubspot", "salesforce", "pipedrive", "generic"]

# Export column name (normalised: lower case, single spaces, Pipedrive's "deal - " prefix removed) → target.
# Targets are Deal fields, plus: record_id (the CRM's key), deal_name (kept in notes), status (Pipedrive
# open/won/lost) and closed_on (the actual close time of a won/lost deal).
COLUMNS: dict[Source, dict[str, str]] = {
    "hubspot": {
        "record id": "record_id",
        "deal id": "record_id",
        "deal name": "deal_name",
        "associated company": "company",
        "associated company (primary)": "company",
        "company name": "company",
        "deal stage": "stage",
        "amount": "value",
        "amount in company currency": "value",
        "deal currency code": "currency",
        "currency": "currency",
        "close date": "close_date",
        "create date": "created",
        "deal owner": "owner",
        "hubspot owner": "owner",
        "last activity date": "last_activity",
        "next step": "next_step",
        "next activity date": "next_step_date",
        "closed lost reason": "loss_reason",
        "deal description": "notes",
    },
    "salesforce": {
        "opportunity id": "record_id",
        "opportunity name": "deal_name",
        "account name": "company",
        "stage": "stage",
        "amount": "value",
        "opportunity currency": "currency",
        "amount currency": "currency",
        "currency": "currency",
        "close date": "close_date",
        "created date": "created",
        "opportunity owner": "owner",
        "owner name": "owner",
        "last activity": "last_activity",
        "last activity date": "last_activity",
        "next step": "next_step",
        "last stage change date": "stage_entered",
        "loss reason": "loss_reason",
        "closed lost reason": "loss_reason",
        "description": "notes",
    },
    "pipedrive": {
        "id": "record_id",
        "title": "deal_name",
        "organization": "company",
        "organization name": "company",
        "value": "value",
        "currency": "currency",
        "stage": "stage",
        "status": "status",
        "expected close date": "close_date",
        "deal created": "created",
        "add time": "created",
        "owner": "owner",
        "last activity date": "last_activity",
        "next activity date": "next_step_date",
        "next activity subject": "next_step",
        "lost reason": "loss_reason",
        "won time": "closed_on",
        "lost time": "closed_on",
        "close time": "closed_on",
    },
    "generic": {
        "id": "record_id",
        "external id": "record_id",
        "company": "company",
        "account": "company",
        "value": "value",
        "amount": "value",
        "currency": "currency",
        "stage": "stage",
        "owner": "owner",
        "created": "created",
        "stage entered": "stage_entered",
        "close date": "close_date",
        "close date changes": "close_date_changes",
        "last activity": "last_activity",
        "next step": "next_step",
        "next step date": "next_step_date",
        "verbal agreement": "verbal_agreement",
        "contract signed": "contract_signed",
        "competitors": "competitors",
        "loss reason": "loss_reason",
        "notes": "notes",
    },
}

# Headers that only one CRM writes: their presence names the source.
SIGNATURES: dict[Source, tuple[str, ...]] = {
    "hubspot": ("record id", "deal name", "deal stage", "create date", "associated company", "deal owner"),
    "salesforce": ("opportunity id", "opportunity name", "account name", "opportunity owner", "created date"),
    "pipedrive": ("organization", "status", "expected close date", "deal created", "title", "won time"),
    "generic": (),
}

# Default pipeline stage names of the three CRMs that the playbook's stage aliases do not already cover.
CRM_STAGES: dict[str, StageCode] = {
    "appointment scheduled": "discovery",
    "qualified to buy": "discovery",
    "presentation scheduled": "evaluation",
    "decision maker bought in": "proposal",
    "decision maker bought-in": "proposal",
    "value proposition": "evaluation",
    "id. decision makers": "evaluation",
    "id decision makers": "evaluation",
    "perception analysis": "evaluation",
    "proposal/price quote": "proposal",
    "negotiation/review": "negotiation",
    "demo scheduled": "discovery",
    "closed lost": "closed_lost",
    "lost": "closed_lost",
    # HubSpot's internal values of its default pipeline (what an export with "internal values" holds)
    "appointmentscheduled": "discovery",
    "qualifiedtobuy": "discovery",
    "presentationscheduled": "evaluation",
    "decisionmakerboughtin": "proposal",
    "contractsent": "negotiation",
    "closedlost": "closed_lost",
}

REQUIRED = ("company", "stage")
_BOOL_TRUE = {"true", "yes", "y", "1", "是", "x"}
_BOOL_FALSE = {"false", "no", "n", "0", "否", ""}
_DATE_FIELDS = ("created", "stage_entered", "close_date", "last_activity", "next_step_date", "closed_on")
_SPACES = re.compile(r"\s+")

_REASONS: dict[str, dict[Locale, str]] = {
    "cells": {"en": "has {cells} cells, the header has {header}", "zh": "有{cells}个单元格，表头有{header}列"},
    "long_cell": {"en": "cell longer than 20,000 characters", "zh": "单元格超过20,000个字符"},
    "cut": {"en": "line {line}: {name} cut to {limit} characters", "zh": "第{line}行：{name}截断为{limit}个字符"},
    "duplicate": {"en": "duplicate of the record on line {line}", "zh": "与第{line}行的记录重复"},
    "no_company": {
        "en": "empty (a deal needs its company or deal name)",
        "zh": "为空（每笔交易都要有公司名称或交易名称）",
    },
    "no_stage": {"en": "empty", "zh": "为空"},
    "unknown_stage": {"en": "unknown stage {stage!r}", "zh": "未知阶段“{stage}”"},
    "not_date": {"en": "{text!r} is not a date (use YYYY-MM-DD)", "zh": "“{text}”不是日期（请写成YYYY-MM-DD）"},
    "not_amount": {"en": "{text!r} is not an amount", "zh": "“{text}”不是金额"},
    "negative": {"en": "amount {text} is negative; amounts must be 0 or more", "zh": "金额{text}是负数；金额不能小于0"},
    "over_limit": {"en": "amount {text} exceeds the limit of {limit}", "zh": "金额{text}超过上限{limit}"},
    "not_whole": {"en": "{text!r} is not a whole number", "zh": "“{text}”不是整数"},
    "not_yes_no": {"en": "{text!r} is not yes/no", "zh": "“{text}”不是“是”或“否”"},
    "dates_ambiguous": {
        "en": (
            "slashed dates such as 01/02/2026 were read as month/day: no date in the file shows its order "
            "(a day above 12); check them if the export writes day/month"
        ),
        "zh": (
            "形如01/02/2026的日期按“月/日”读取：文件中没有能看出顺序的日期（日大于12）；如果导出格式是“日/月”，请核对"
        ),
    },
    "dates_mixed": {
        "en": (
            "the file writes slashed dates in both orders (month/day and day/month); each was read on its own, "
            "month first unless its first number is above 12: check them"
        ),
        "zh": ("文件中的日期同时出现“月/日”和“日/月”两种顺序；每个日期单独判断（第一个数大于12时按“日/月”），请核对"),
    },
    "dates_order": {
        "en": "stage_entered {entered} must not be before created {created}",
        "zh": "stage_entered（{entered}）不能早于created（{created}）",
    },
}
"""Why a row is rejected (or a cell cut), in each locale."""

_PYDANTIC_ZH: dict[str, str] = {
    "string_too_long": "超过{max_length}个字符的上限",
    "too_long": "最多{max_length}项，这里有{actual_length}项",
    "greater_than_equal": "应不小于{ge}",
    "less_than_equal": "应不大于{le}",
    "string_pattern_mismatch": "格式不对（应匹配{pattern}）",
    "currency": "应为三个大写字母的货币代码，如USD、CNY",
}
"""Chinese for the schema checks a mapped row can still fail (others keep pydantic's English message)."""


def _reason(key: str, locale: Locale, **values: Any) -> str:
    return _REASONS[key][locale].format(**values)


@dataclass
class ImportPlan:
    source: Source
    mapping: list[ColumnMapping]
    rows: int
    accepted: list[tuple[int, str, Deal]] = field(default_factory=list)
    """(line, external id, deal) of every valid row."""
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_HEADER_SPACES = re.compile(r"[\s_]+")


def normalise_header(name: str) -> str:
    text = _HEADER_SPACES.sub(" ", name.replace("\ufeff", "").strip().lower())
    return text.removeprefix("deal - ").strip()


def detect_source(headers: list[str]) -> Source:
    names = {normalise_header(h) for h in headers}
    prefixed = sum(1 for h in headers if h.strip().lower().startswith("deal - "))
    scores: dict[Source, int] = {
        source: sum(1 for sig in SIGNATURES[source] if sig in names)
        for source in ("hubspot", "salesforce", "pipedrive")
    }
    scores["pipedrive"] += prefixed
    best = max(scores.values())
    if best < 2:
        return "generic"
    return next(source for source, score in scores.items() if score == best)


def map_columns(headers: list[str], source: Source) -> list[ColumnMapping]:
    table = {**COLUMNS["generic"], **COLUMNS[source]} if source != "generic" else COLUMNS["generic"]
    mapping: list[ColumnMapping] = []
    taken: set[str] = set()
    for header in headers:
        target = table.get(normalise_header(header))
        if target is not None and target in taken:
            target = None  # the first column for a field wins; later duplicates are ignored
        if target is not None:
            taken.add(target)
        mapping.append(ColumnMapping(column=header, field=target))
    return mapping


SlashOrder = Literal["month_first", "day_first", "each"]
"""How a slashed date (01/02/2026) is read: as the file shows it (month/day or day/month), or, when the file
shows both, each date on its own (day first only when the first number cannot be a month)."""

_ANY_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/\d{4}(?![\d/])")


def slash_order(text: str) -> tuple[SlashOrder, str | None]:
    """The order a file writes its slashed dates in, and why when it is a guess: 'ambiguous' (no date shows it,
    month/day assumed, as HubSpot and Salesforce export it) or 'mixed' (both orders appear)."""
    if "/" not in text:  # ISO dates only (or none): nothing to decide
        return "month_first", None
    pairs = {(int(first), int(second)) for first, second in _ANY_SLASHED.findall(text)}
    day_first = any(first > 12 for first, _ in pairs)
    month_first = any(second > 12 for _, second in pairs)
    if day_first and month_first:
        return "each", "mixed"
    if day_first:
        return "day_first", None
    ambiguous = any(first != second for first, second in pairs)
    return "month_first", "ambiguous" if ambiguous and not month_first else None


def parse_date(text: str, locale: Locale = "en", order: SlashOrder = "each") -> date:
    try:
        return _parse_date(text.strip(), order)
    except ValueError:
        raise ValueError(_reason("not_date", locale, text=text.strip())) from None


_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_SLASHED_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T,].*)?$")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T].*)?$")


def _parse_date(raw: str, order: SlashOrder = "each") -> date:
    iso = _ISO_DATE.match(raw)
    if iso:
        return date(int(iso[1]), int(iso[2]), int(iso[3]))
    slashed = _SLASHED_DATE.match(raw)
    if slashed:
        first, second, year = int(slashed[1]), int(slashed[2]), int(slashed[3])
        day_first = order == "day_first" or (order == "each" and first > 12)
        month, day = (second, first) if day_first else (first, second)
        return date(year, month, day)
    dotted = _DOTTED_DATE.match(raw)
    if dotted:
        return date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
    return datetime.fromisoformat(raw).date()


_NOT_DIGITS = re.compile(r"[^\d.,]")
_CURRENCY_MARKS = re.compile(
    r"^\s*(?:[A-Za-z]{0,3}\s*[$€£¥]|[A-Za-z]{3}(?![A-Za-z]))|(?:[$€£¥]|(?<![A-Za-z])[A-Za-z]{3})\s*$"
)
"""A currency symbol (optionally with a country prefix, CN¥) or an ISO code before or after the number."""
_PLAIN_AMOUNT = re.compile(r"[-(]?\s*[\d.,\s']*\d[\d.,\s']*\)?")
_EXPONENT_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?[eE][-+]?\d+")
"""How spreadsheets write large numbers in CSV (1.5E+05)."""


def parse_amount(text: str, locale: Locale = "en") -> float:
    raw = text.strip()
    negative = raw.startswith("-") or (raw.startswith("(") and raw.endswith(")"))
    number = _CURRENCY_MARKS.sub("", raw).strip()
    negative = negative or number.startswith("-") or (number.startswith("(") and number.endswith(")"))
    if _EXPONENT_AMOUNT.fullmatch(number):
        cleaned = str(abs(float(number)))
    elif _PLAIN_AMOUNT.fullmatch(number):  # digits and separators only: '48k' or '1e' is no amount
        cleaned = _NOT_DIGITS.sub("", number)
    else:
        raise ValueError(_reason("not_amount", locale, text=text))
    if "," in cleaned and "." in cleaned and cleaned.rfind(",") > cleaned.rfind("."):
        cleaned = cleaned.replace(".", "").replace(",", ".")  # 1.234,50
    else:
        cleaned = cleaned.replace(",", "")
    if not cleaned or cleaned.count(".") > 1:
        raise ValueError(_reason("not_amount", locale, text=text))
    value = float(cleaned)
    if negative and value != 0:
        raise ValueError(_reason("negative", locale, text=text.strip()))
    if value > MAX_MONEY:
        raise ValueError(_reason("over_limit", locale, text=text.strip(), limit=f"{MAX_MONEY:,.0f}"))
    return value


def resolve_stage(name: str) -> StageCode | None:
    """The stage of a cell: what `PipelineStages.resolve` finds (a code, alias or label, in any case or spacing),
    else one of the CRMs' own default stage names."""
    found = get("stages", PipelineStages).resolve(name)
    if found is not None:
        return found
    raw = name.strip()
    return CRM_STAGES.get(_SPACES.sub(" ", raw.lower()))


def _external_id(source: Source, values: Mapping[str, str]) -> str:
    record = values.get("record_id", "").strip()
    if record:
        return f"{source}:{record}"
    key = "\x1f".join(values.get(name, "").strip().casefold() for name in ("company", "deal_name", "created"))
    return f"{source}:sha1:{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


def _row_to_deal(
    values: Mapping[str, str], default_currency: str, locale: Locale = "en", order: SlashOrder = "each"
) -> dict[str, Any]:
    """Deal fields from one row's mapped cells; raises ValueError('field: reason') on the first bad cell."""
    data: dict[str, Any] = {}
    company = values.get("company", "").strip() or values.get("deal_name", "").strip()
    if not company:
        raise ValueError(f"company: {_reason('no_company', locale)}")
    data["company"] = company
    status = values.get("status", "").strip().lower()
    stage_text = values.get("stage", "").strip()
    if status in ("won", "lost"):
        data["stage"] = "closed_won" if status == "won" else "closed_lost"
    elif not stage_text:
        raise ValueError(f"stage: {_reason('no_stage', locale)}")
    else:
        stage = resolve_stage(stage_text)
        if stage is None:
            raise ValueError(f"stage: {_reason('unknown_stage', locale, stage=stage_text)}")
        data["stage"] = stage
    for name in _DATE_FIELDS:
        cell = values.get(name, "").strip()
        if cell:
            try:
                data[name] = parse_date(cell, locale, order)
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
    closed = data.pop("closed_on", None)
    if closed is not None and data["stage"] in ("closed_won", "closed_lost"):
        data["close_date"] = closed
    if values.get("value", "").strip():
        try:
            data["value"] = parse_amount(values["value"], locale)
        except ValueError as exc:
            raise ValueError(f"value: {exc}") from None
    currency = values.get("currency", "").strip().upper() or default_currency
    data["currency"] = currency
    for name in ("owner", "next_step", "loss_reason"):
        cell = values.get(name, "").strip()
        if cell:
            data[name] = cell
    if values.get("close_date_changes", "").strip():
        try:
            data["close_date_changes"] = int(values["close_date_changes"])
        except ValueError:
            text = values["close_date_changes"]
            raise ValueError(f"close_date_changes: {_reason('not_whole', locale, text=text)}") from None
    for name in ("verbal_agreement", "contract_signed"):
        cell = values.get(name, "").strip().lower()
        if cell in _BOOL_TRUE:
            data[name] = True
        elif cell not in _BOOL_FALSE:
            raise ValueError(f"{name}: {_reason('not_yes_no', locale, text=values[name])}")
    if values.get("competitors", "").strip():
        data["competitors"] = [c.strip() for c in re.split(r"[;,|]", values["competitors"]) if c.strip()]
    notes = [values.get("notes", "").strip()]
    deal_name = values.get("deal_name", "").strip()
    if deal_name and deal_name != company:
        notes.insert(0, f"Deal: {deal_name}")
    if any(notes):
        data["notes"] = "\n".join(n for n in notes if n)
    return data


def _first_error(exc: ValidationError, data: Mapping[str, Any], locale: Locale = "en") -> tuple[str, str]:
    """The field and reason of the first schema check a mapped row fails (`data`: the row's Deal fields)."""
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in error["loc"]) or "row"
    if error["type"] == "value_error" and not error["loc"]:  # Deal's one row-level check: the dates' order
        return where, _reason("dates_order", locale, entered=data["stage_entered"], created=data["created"])
    if locale == "zh" and error["type"] in _PYDANTIC_ZH:
        key = "currency" if where == "currency" and error["type"] == "string_pattern_mismatch" else error["type"]
        return where, _PYDANTIC_ZH[key].format(**error.get("ctx", {}))
    return where, error["msg"].removeprefix("Value error, ")


def plan_import(
    text: str,
    source: Literal["auto", "hubspot", "salesforce", "pipedrive", "generic"] = "auto",
    default_currency: str = "USD",
    locale: Locale = "en",
) -> ImportPlan:
    """Parse and validate a CRM export; the file as a whole is refused (PlaybookInputError) when it cannot be
    read or lacks a required column, otherwise every row is accepted or rejected with its reason (in `locale`)."""
    if len(text) > MAX_CSV_CHARS:
        raise PlaybookInputError("csv", f"is {len(text):,} characters; the limit is {MAX_CSV_CHARS:,} (about 5 MB)")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        headers = next(reader, None)
    except csv.Error as exc:
        raise PlaybookInputError("csv", f"line 1 is not valid CSV: {exc}") from None
    if not headers or not any(h.strip() for h in headers):
        raise PlaybookInputError("csv", "the first line must be a header row naming the columns")
    chosen: Source = detect_source(headers) if source == "auto" else source
    mapping = map_columns(headers, chosen)
    mapped = {m.field for m in mapping if m.field}
    missing = [name for name in REQUIRED if name not in mapped]
    if "company" in missing and "deal_name" in mapped:
        missing.remove("company")
    if "stage" in missing and "status" in mapped:
        missing.remove("stage")
    if missing:
        table = {**COLUMNS["generic"], **COLUMNS[chosen]}
        expected = {need: sorted(col for col, target in table.items() if target == need) for need in missing}
        looked_for = "; ".join(f"{need}: one of {', '.join(cols)}" for need, cols in expected.items())
        raise PlaybookInputError(
            "csv", f"missing required column(s) for a {chosen} export — {looked_for} (found: {', '.join(headers)})"
        )
    plan = ImportPlan(source=chosen, mapping=mapping, rows=0)
    order, guess = slash_order(text)
    if guess is not None:
        plan.warnings.append(_reason(f"dates_{guess}", locale))
    columns = [(index, column.field) for index, column in enumerate(mapping) if column.field]
    seen: dict[str, int] = {}
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = reader.line_num
            raise PlaybookInputError("csv", f"line {line} is not valid CSV: {exc}") from None
        line = reader.line_num
        if not any(map(str.strip, cells)):
            continue
        plan.rows += 1
        if plan.rows > MAX_IMPORT_ROWS:
            raise PlaybookInputError("csv", f"has more than {MAX_IMPORT_ROWS:,} rows; split the export")
        if len(cells) != len(headers):
            plan.rejected.append(
                RejectedRow(
                    row=line, field=None, reason=_reason("cells", locale, cells=len(cells), header=len(headers))
                )
            )
            continue
        longest = max(map(len, cells))  # most rows have no long cell: the checks below are skipped
        if longest > 20_000:
            too_long = next((field for index, field in columns if len(cells[index]) > 20_000), None)
            if too_long:
                plan.rejected.append(RejectedRow(row=line, field=too_long, reason=_reason("long_cell", locale)))
                continue
        values = {field: cells[index] for index, field in columns}
        if longest > MAX_SHORT_TEXT:
            for name in ("owner", "next_step", "loss_reason", "company"):
                if len(values.get(name, "").strip()) > MAX_SHORT_TEXT:
                    values[name] = values[name].strip()[:MAX_SHORT_TEXT]
                    plan.warnings.append(_reason("cut", locale, line=line, name=name, limit=MAX_SHORT_TEXT))
        data: dict[str, Any] = {}
        try:
            data = _row_to_deal(values, default_currency, locale, order)
            deal = Deal.model_validate(data)
        except ValueError as exc:
            if isinstance(exc, ValidationError):
                where, reason = _first_error(exc, data, locale)
            else:
                where, _, reason = str(exc).partition(": ")
            plan.rejected.append(RejectedRow(row=line, field=where, reason=reason))
            continue
        external = _external_id(chosen, values)
        if external in seen:
            plan.rejected.append(
                RejectedRow(row=line, field="record_id", reason=_reason("duplicate", locale, line=seen[external]))
            )
            continue
        seen[external] = line
        plan.accepted.append((line, external, deal))
    return plan
