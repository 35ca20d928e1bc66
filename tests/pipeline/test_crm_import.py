"""CRM export mapping: source detection, column mapping, row-by-row rejection, stable ids, limits."""

from __future__ import annotations

from datetime import date

import pytest
from sales_playbook.schemas.pipeline import MAX_CSV_CHARS
from sales_playbook.tools.crm_import import detect_source, parse_amount, parse_date, plan_import
from sales_playbook.tools.errors import PlaybookInputError

HUBSPOT = (
    "Record ID,Deal Name,Associated Company,Deal Stage,Amount,Close Date,Create Date,Deal owner,Last Activity Date\n"
    """101,Acme - New,Acme Robotics,Contract Sent,"$48,000.00",2026-12-15,2026-09-01 10:00,dana,2026-11-10
102,Globex,Globex,Presentation Scheduled,120000,12/20/2026,2026-10-01,lee,
103,Initech,Initech,Closed Won,30000,2026-11-02,2026-08-01,dana,
"""
)

SALESFORCE = (
    "Opportunity ID,Opportunity Name,Account Name,Stage,Amount,Close Date,Created Date,Opportunity Owner,Next Step\n"
    """006A,Big deal,Umbrella,Negotiation/Review,"250,000",2026-12-01,2026-07-01,kim,Legal redlines
006B,Small,Hooli,Id. Decision Makers,9000,2027-01-15,2026-10-10,kim,
006C,Lost one,Vandelay,Closed Lost,5000,2026-10-30,2026-06-01,kim,
"""
)

PIPEDRIVE = (
    "Deal - ID,Deal - Title,Deal - Organization,Deal - Value,Deal - Currency,Deal - Stage,Deal - Status,"
    "Deal - Expected close date,Deal - Won time,Deal - Lost reason\n"
    """7,Pilot,Stark,15000,EUR,Proposal Made,open,2026-12-10,,
8,Renewal,Wayne,40000,EUR,Negotiations Started,won,2026-11-30,2026-11-12 09:00:00,
9,Expansion,Oscorp,8000,EUR,Demo Scheduled,lost,2026-11-01,,Price too high
"""
)


@pytest.mark.parametrize(
    ("text", "source", "companies", "stages"),
    [
        (HUBSPOT, "hubspot", ["Acme Robotics", "Globex", "Initech"], ["negotiation", "evaluation", "closed_won"]),
        (SALESFORCE, "salesforce", ["Umbrella", "Hooli", "Vandelay"], ["negotiation", "evaluation", "closed_lost"]),
        (PIPEDRIVE, "pipedrive", ["Stark", "Wayne", "Oscorp"], ["proposal", "closed_won", "closed_lost"]),
    ],
)
def test_each_crm_export_is_detected_and_mapped(
    text: str, source: str, companies: list[str], stages: list[str]
) -> None:
    plan = plan_import(text)
    assert plan.source == source
    assert plan.rows == 3 and not plan.rejected
    assert [deal.company for _, _, deal in plan.accepted] == companies
    assert [deal.stage for _, _, deal in plan.accepted] == stages
    assert [line for line, _, _ in plan.accepted] == [2, 3, 4]


def test_hubspot_values() -> None:
    plan = plan_import(HUBSPOT)
    _, external, acme = plan.accepted[0]
    assert external == "hubspot:101"
    assert acme.value == 48000 and acme.created == date(2026, 9, 1) and acme.owner == "dana"
    assert acme.notes == "Deal: Acme - New"
    assert plan.accepted[1][2].close_date == date(2026, 12, 20)
    mapping = {m.column: m.field for m in plan.mapping}
    assert mapping["Deal Stage"] == "stage" and mapping["Associated Company"] == "company"


@pytest.mark.parametrize(
    ("internal", "stage"),
    [
        ("appointmentscheduled", "discovery"),
        ("qualifiedtobuy", "discovery"),
        ("presentationscheduled", "evaluation"),
        ("decisionmakerboughtin", "proposal"),
        ("contractsent", "negotiation"),
        ("closedwon", "closed_won"),
        ("closedlost", "closed_lost"),
    ],
)
def test_hubspot_internal_stage_values_are_its_default_stages(internal: str, stage: str) -> None:
    """An export with HubSpot's internal values holds `contractsent`, not `Contract Sent`."""
    text = "Record ID,Deal Name,Deal Stage,Amount\n" + f"1,Acme,{internal},1000\n"
    plan = plan_import(text)
    assert not plan.rejected, plan.rejected
    assert plan.accepted[0][2].stage == stage


def test_pipedrive_status_and_close_time() -> None:
    plan = plan_import(PIPEDRIVE)
    won = plan.accepted[1][2]
    assert won.stage == "closed_won" and won.close_date == date(2026, 11, 12) and won.currency == "EUR"
    assert plan.accepted[2][2].loss_reason == "Price too high"


def test_generic_headers_are_the_deal_fields() -> None:
    text = "company,value,stage,close_date,verbal_agreement,competitors\nAcme,10,提案,2026-12-01,yes,Globex;Initech\n"
    plan = plan_import(text)
    assert plan.source == "generic"
    deal = plan.accepted[0][2]
    assert deal.stage == "proposal" and deal.verbal_agreement and deal.competitors == ["Globex", "Initech"]


def test_bad_rows_are_reported_one_by_one() -> None:
    text = (
        "Record ID,Deal Name,Associated Company,Deal Stage,Amount,Close Date\n"
        "1,ok,Acme,Qualified To Buy,100,2026-12-01\n"
        "2,neg,Neg Co,Contract Sent,-5,2026-12-01\n"
        "3,date,Date Co,Contract Sent,5,2026-13-45\n"
        "4,stage,Stage Co,Sleeping,5,2026-12-01\n"
        "5,,,Contract Sent,5,2026-12-01\n"
        "1,dup,Acme again,Contract Sent,5,2026-12-01\n"
        "6,short,Short Co\n"
        "7,text,Text Co,Contract Sent,lots,2026-12-01\n"
    )
    plan = plan_import(text)
    assert len(plan.accepted) == 1
    rejected = {(r.row, r.field): r.reason for r in plan.rejected}
    assert rejected == {
        (3, "value"): "amount -5 is negative; amounts must be 0 or more",
        (4, "close_date"): "'2026-13-45' is not a date (use YYYY-MM-DD)",
        (5, "stage"): "unknown stage 'Sleeping'",
        (6, "company"): "empty (a deal needs its company or deal name)",
        (7, "record_id"): "duplicate of the record on line 2",
        (8, None): "has 3 cells, the header has 6",
        (9, "value"): "'lots' is not an amount",
    }


GENERIC_BAD_ROWS = (
    "id,company,stage,value,currency,created,stage entered,close date changes,verbal agreement,competitors,owner\n"
    "1,,discovery,5,USD,,,,,,\n"
    "2,A,,5,USD,,,,,,\n"
    "3,A,weird,5,USD,,,,,,\n"
    "4,A,discovery,abc,USD,,,,,,\n"
    "5,A,discovery,-5,USD,,,,,,\n"
    "6,A,discovery,1e20,USD,,,,,,\n"
    "7,A,discovery,5,US Dollar,,,,,,\n"
    "8,A,discovery,5,USD,2026-13-01,,,,,\n"
    "9,A,discovery,5,USD,2026-10-01,2026-09-01,,,,\n"
    "10,A,discovery,5,USD,,,x,,,\n"
    "11,A,discovery,5,USD,,,5000,,,\n"
    "12,A,discovery,5,USD,,,,maybe,,\n"
    f'13,A,discovery,5,USD,,,,,"{";".join(f"c{i}" for i in range(60))}",\n'
    f"14,{'A' * 300},discovery,5,USD,,,,,,\n"
    f"15,A,discovery,5,USD,,,,,,{'o' * 30_000}\n"
    f"16,A,discovery,5,USD,,,,,,{'o' * 600}\n"
    "17,A,discovery\n"
    "16,B,discovery,5,USD,,,,,,\n"
)


@pytest.mark.parametrize(
    ("locale", "reasons", "warnings"),
    [
        (
            "en",
            [
                "company: empty (a deal needs its company or deal name)",
                "stage: empty",
                "stage: unknown stage 'weird'",
                "value: 'abc' is not an amount",
                "value: amount -5 is negative; amounts must be 0 or more",
                "value: amount 1e20 exceeds the limit of 10,000,000,000,000",
                "currency: String should match pattern '^[A-Z]{3}$'",
                "created: '2026-13-01' is not a date (use YYYY-MM-DD)",
                "row: stage_entered 2026-09-01 must not be before created 2026-10-01",
                "close_date_changes: 'x' is not a whole number",
                "close_date_changes: Input should be less than or equal to 1000",
                "verbal_agreement: 'maybe' is not yes/no",
                "competitors: List should have at most 50 items after validation, not 60",
                "company: String should have at most 200 characters",
                "owner: cell longer than 20,000 characters",
                "None: has 3 cells, the header has 11",
                "record_id: duplicate of the record on line 17",
            ],
            ["line 17: owner cut to 500 characters"],
        ),
        (
            "zh",
            [
                "company: 为空（每笔交易都要有公司名称或交易名称）",
                "stage: 为空",
                "stage: 未知阶段“weird”",
                "value: “abc”不是金额",
                "value: 金额-5是负数；金额不能小于0",
                "value: 金额1e20超过上限10,000,000,000,000",
                "currency: 应为三个大写字母的货币代码，如USD、CNY",
                "created: “2026-13-01”不是日期（请写成YYYY-MM-DD）",
                "row: stage_entered（2026-09-01）不能早于created（2026-10-01）",
                "close_date_changes: “x”不是整数",
                "close_date_changes: 应不大于1000",
                "verbal_agreement: “maybe”不是“是”或“否”",
                "competitors: 最多50项，这里有60项",
                "company: 超过200个字符的上限",
                "owner: 单元格超过20,000个字符",
                "None: 有3个单元格，表头有11列",
                "record_id: 与第17行的记录重复",
            ],
            ["第17行：owner截断为500个字符"],
        ),
    ],
)
def test_rejected_rows_and_warnings_are_in_the_locale(locale: str, reasons: list[str], warnings: list[str]) -> None:
    """The reasons and warnings follow the locale; which rows are accepted or rejected, and where, does not."""
    plan = plan_import(GENERIC_BAD_ROWS, locale=locale)  # type: ignore[arg-type]
    assert [f"{r.field}: {r.reason}" for r in plan.rejected] == reasons
    assert plan.warnings == warnings
    assert [r.row for r in plan.rejected] == [*range(2, 17), 18, 19]
    assert [(line, deal.company) for line, _, deal in plan.accepted] == [(17, "A")]


def test_missing_required_columns_refuse_the_file_naming_them() -> None:
    with pytest.raises(PlaybookInputError, match=r"missing required column\(s\).*stage: one of .*deal stage"):
        plan_import("Record ID,Deal Name,Associated Company,Amount\n1,x,Acme,5\n", source="hubspot")
    with pytest.raises(PlaybookInputError, match="header row"):
        plan_import("")


def test_size_and_row_limits_are_named() -> None:
    with pytest.raises(PlaybookInputError, match=f"the limit is {MAX_CSV_CHARS:,}"):
        plan_import("company,stage\n" + "x" * MAX_CSV_CHARS)


def test_ids_are_stable_without_an_id_column() -> None:
    text = "company,stage,value,created\nAcme,discovery,5,2026-01-01\nGlobex,discovery,6,2026-01-02\n"
    first = [external for _, external, _ in plan_import(text).accepted]
    changed = text.replace("discovery,5", "proposal,500")
    assert [external for _, external, _ in plan_import(changed).accepted] == first
    assert first[0] != first[1] and first[0].startswith("generic:sha1:")


def test_detection_needs_signature_columns() -> None:
    assert detect_source(["company", "stage"]) == "generic"
    assert detect_source(["Deal - Title", "Deal - Stage"]) == "pipedrive"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20", date(2026, 11, 20)),
        ("2026-11-20T10:00:00Z", date(2026, 11, 20)),
        ("2026/11/20", date(2026, 11, 20)),
        ("11/20/2026", date(2026, 11, 20)),
        ("20/11/2026", date(2026, 11, 20)),
        ("20.11.2026", date(2026, 11, 20)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["tomorrow", "2026-02-30", "13/13/2026", ""])
def test_bad_dates(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("48000", 48000),
        ("$48,000.50", 48000.5),
        ("€ 1.234,50", 1234.5),
        ("0", 0),
        ("¥ 300000", 300000),
        ("USD 48,000", 48000),
        ("48,000 EUR", 48000),
        ("CN¥ 5,000", 5000),
        ("1.5E+05", 150_000),  # a spreadsheet's CSV: was read as 1.505
        ("4.8e4", 48_000),
    ],
)
def test_amounts(text: str, expected: float) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-1", "negative"),
        ("(200)", "negative"),
        ("$ -5", "negative"),
        ("abc", "not an amount"),
        ("48k", "not an amount"),  # was read as 48
        ("0x10", "not an amount"),  # was read as 10
        ("5e", "not an amount"),
    ],
)
def test_bad_amounts(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_amount(text)


def _close_dates(*dates: str) -> tuple[list[date | None], list[str]]:
    rows = "".join(f"Deal {n},discovery,1000,{d}\n" for n, d in enumerate(dates))
    plan = plan_import("company,stage,amount,close date\n" + rows)
    assert not plan.rejected
    return [deal.close_date for _, _, deal in plan.accepted], plan.warnings


@pytest.mark.parametrize(
    ("dates", "expected", "warned"),
    [
        # a day above 12 shows the file writes day/month: 01/02/2026 is then 1 February (it was read as 2 January)
        (["31/12/2026", "01/02/2026"], [date(2026, 12, 31), date(2026, 2, 1)], None),
        (["12/31/2026", "01/02/2026"], [date(2026, 12, 31), date(2026, 1, 2)], None),  # month/day shown
        (["01/02/2026", "03/04/2026"], [date(2026, 1, 2), date(2026, 3, 4)], "month/day"),  # nothing shows it
        (["05/05/2026"], [date(2026, 5, 5)], None),  # the same either way: nothing to warn about
        (
            ["31/12/2026", "12/31/2026", "01/02/2026"],
            [date(2026, 12, 31), date(2026, 12, 31), date(2026, 1, 2)],
            "both",
        ),
        (["2026-02-01", "01.02.2026"], [date(2026, 2, 1), date(2026, 2, 1)], None),  # ISO and dotted: no question
    ],
)
def test_slashed_dates_follow_the_order_the_file_shows(
    dates: list[str], expected: list[date], warned: str | None
) -> None:
    read, warnings = _close_dates(*dates)
    assert read == expected
    assert [w for w in warnings if "slashed" in w or "both orders" in w] == ([] if warned is None else [warnings[0]])
    if warned:
        assert warned in warnings[0]
