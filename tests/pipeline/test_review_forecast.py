"""review_pipeline and forecast as pure functions: the numbers, the categories, the YAML and accuracy."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml
from sales_playbook.knowledge import get
from sales_playbook.schemas.common import Locale
from sales_playbook.schemas.deal import Deal
from sales_playbook.schemas.forecast import ForecastInput, ForecastSnapshot
from sales_playbook.schemas.knowledge.pipeline import PipelineReviewTemplate
from sales_playbook.schemas.pipeline import CloseDateChange, ReviewPipelineInput, StageChange
from sales_playbook.tools.errors import PlaybookInputError
from sales_playbook.tools.forecast import forecast, forecast_markdown, snapshot_of
from sales_playbook.tools.forecast_rules import forecast_category
from sales_playbook.tools.periods import quarter_of
from sales_playbook.tools.pipeline_review import review_markdown, review_pipeline
from sales_playbook.tools.red_flags import red_flags

AS_OF = date(2026, 11, 20)
HEALTHY = {
    "last_activity": "2026-11-18",
    "next_step": "Call",
    "next_step_date": "2026-11-25",
    "stage_entered": "2026-11-01",
    "created": "2026-09-01",
}
CHAMPS = [
    {"name": "A", "role": "champion", "engaged": True},
    {"name": "B", "role": "economic_buyer", "engaged": True},
    {"name": "C", "role": "end_user", "engaged": True},
]


def deal(company: str, **fields: Any) -> Deal:
    return Deal.model_validate({"company": company, **HEALTHY, "contacts": CHAMPS, **fields})


PIPELINE = [
    deal("Commit Co", id="1", value=60_000, stage="negotiation", verbal_agreement=True, close_date="2026-12-10"),
    deal("Best Co", id="2", value=40_000, stage="proposal", close_date="2026-12-01"),
    deal("NoChamp Co", id="3", value=30_000, stage="proposal", close_date="2026-12-05", contacts=CHAMPS[1:]),
    deal("Eval Co", id="4", value=20_000, stage="evaluation", close_date="2026-11-30"),
    deal("Early Co", id="5", value=10_000, stage="discovery", close_date="2026-12-20"),
    deal("Next Q Co", id="6", value=90_000, stage="negotiation", verbal_agreement=True, close_date="2027-02-01"),
    deal("Won Co", id="7", value=25_000, stage="closed_won", close_date="2026-10-15", created="2026-08-16"),
    deal("Old Win", id="8", value=35_000, stage="closed_won", close_date="2026-06-30", created="2026-04-01"),
    deal("Lost Co", id="9", value=15_000, stage="closed_lost", close_date="2026-11-01", loss_reason="Price"),
    deal("Lost Two", id="10", value=5_000, stage="closed_lost", close_date="2026-11-03", loss_reason="price"),
    deal("New Co", id="11", value=8_000, stage="prospecting", created="2026-11-18", stage_entered="2026-11-18"),
]


def test_quarter_defaults() -> None:
    assert quarter_of(date(2026, 11, 20)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_of(date(2026, 1, 1)) == (date(2026, 1, 1), date(2026, 3, 31))


def test_review_summary_and_health() -> None:
    result = review_pipeline(ReviewPipelineInput(quota=100_000), PIPELINE, AS_OF, "en")
    s = result.summary
    open_values = [60_000, 40_000, 30_000, 20_000, 10_000, 90_000, 8_000]
    assert s.total_pipeline == sum(open_values)
    assert s.weighted_pipeline == pytest.approx(
        60_000 * 0.75 + 40_000 * 0.5 + 30_000 * 0.5 + 20_000 * 0.3 + 10_000 * 0.15 + 90_000 * 0.75 + 8_000 * 0.05
    )
    assert (s.new_this_week.count, s.new_this_week.value) == (1, 8_000)
    assert (s.closed_won.count, s.closed_won.value) == (1, 25_000)  # Old Win closed last quarter
    assert (s.closed_lost.count, s.closed_lost.value) == (2, 20_000)
    assert [(r.reason, r.count, r.value) for r in s.closed_lost.reasons] == [("Price", 2, 20_000)]
    h = result.pipeline_health
    assert h.coverage_ratio == 2.58 and h.coverage_ok is False and h.coverage_target == (3, 4)
    assert h.win_rate == 0.5  # 2 won / (2 won + 2 lost), all closed deals
    assert h.avg_deal_size == 30_000
    assert h.avg_sales_cycle_days == (60 + 90) / 2
    assert [d.company for d in result.deals_to_review][:3] == ["Next Q Co", "Commit Co", "Best Co"]
    assert len(result.deals_to_review) == 7  # every open deal, at most ten


def test_review_risk_and_actions() -> None:
    stale = deal("Stale Co", value=500_000, stage="proposal", last_activity="2026-10-01", next_step=None)
    result = review_pipeline(ReviewPipelineInput(), [stale, *PIPELINE], AS_OF, "en")
    top = result.deals_to_review[0]
    assert top.company == "Stale Co" and top.risk == "red"
    assert any("no next step" in reason for reason in top.risk_reasons)
    assert result.actions[0].startswith("Stale Co: ")
    green = next(d for d in result.deals_to_review if d.company == "Best Co")
    assert green.risk == "green" and green.risk_reasons == [] and green.age_in_stage_days == 19


def test_top_ten_limit() -> None:
    many = [deal(f"Co {i:02d}", value=1000 + i, stage="evaluation") for i in range(15)]
    result = review_pipeline(ReviewPipelineInput(), many, AS_OF, "en")
    assert [d.value for d in result.deals_to_review] == [1014 - i for i in range(10)]


def test_advanced_and_slipped_from_history() -> None:
    deals = [deal("Moved", id="a", stage="proposal"), deal("Still", id="b", stage="proposal")]
    history = {
        "a": [
            StageChange(from_stage=None, to_stage="evaluation", changed_on=date(2026, 10, 1), actor="x"),
            StageChange(from_stage="evaluation", to_stage="proposal", changed_on=date(2026, 11, 17), actor="x"),
        ],
        "b": [StageChange(from_stage=None, to_stage="proposal", changed_on=date(2026, 11, 1), actor="x")],
    }
    pushes = {
        "a": [CloseDateChange(old_date=date(2026, 11, 28), new_date=date(2026, 12, 5), changed_on=AS_OF, actor="x")],
        "b": [
            CloseDateChange(
                old_date=date(2026, 12, 1), new_date=date(2026, 12, 9), changed_on=date(2026, 11, 19), actor="x"
            )
        ],
    }
    result = review_pipeline(ReviewPipelineInput(), deals, AS_OF, "en", history=history, close_date_history=pushes)
    assert result.summary.advanced_this_week == 1
    assert result.summary.slipped == 1 and result.summary.slipped_basis == "history"
    conversion = {c.key: (c.reached_from, c.reached_to) for c in result.pipeline_health.stage_conversion}
    assert conversion == {"discovery_to_eval": (2, 2), "eval_to_proposal": (2, 2), "proposal_to_closed": (2, 0)}


def test_review_yaml_uses_the_playbook_keys() -> None:
    result = review_pipeline(ReviewPipelineInput(quota=100_000), PIPELINE, AS_OF, "zh")
    doc = yaml.safe_load(result.yaml)
    template = get("pipeline_review_template", PipelineReviewTemplate)
    review = doc["pipeline_review"]
    assert list(review) == ["date", "summary", "deals_to_review", "actions", "pipeline_health"]
    assert list(review["summary"]) == [f.key for f in template.review_summary.fields]
    assert list(review["deals_to_review"][0]) == [f.key for f in template.deals_to_review.fields]
    assert list(review["pipeline_health"]) == [
        "coverage_ratio",
        "avg_deal_size",
        "avg_sales_cycle",
        "win_rate",
        "stage_conversion",
    ]
    assert review["pipeline_health"]["coverage_ratio"] == "2.58x"
    assert review["summary"]["closed_lost"].startswith("2笔")


@pytest.mark.parametrize(
    ("locale", "review_header", "forecast_header"),
    [
        ("en", "| deal | value | stage | days | risk |", "| deal | value | stage | category |"),
        ("zh", "| 客户 | 金额 | 阶段 | 天数 | 风险 |", "| 客户 | 金额 | 阶段 | 类别 |"),
    ],
)
def test_markdown_table_headers_follow_the_locale(locale: Locale, review_header: str, forecast_header: str) -> None:
    review = review_markdown(review_pipeline(ReviewPipelineInput(quota=100_000), PIPELINE, AS_OF, locale))
    assert review_header in review.splitlines()
    inp = ForecastInput(period_start=date(2026, 10, 1), period_end=date(2026, 12, 31))
    rows = [deal("Big", value=50_000, stage="proposal", close_date="2026-12-10")]
    assert forecast_header in forecast_markdown(forecast(inp, rows, AS_OF, locale)).splitlines()


@pytest.mark.parametrize(
    ("locale", "review_rows"),
    [
        ("en", ["| Commit Co | 60,000 | negotiation | 19 | green |", "| NoChamp Co | 30,000 | proposal | 19 | red |"]),
        ("zh", ["| Commit Co | 60,000 | 谈判 | 19 | 绿色 |", "| NoChamp Co | 30,000 | 提案 | 19 | 红色 |"]),
    ],
)
def test_review_text_shows_stage_and_risk_labels_in_chinese(locale: Locale, review_rows: list[str]) -> None:
    """The zh review names each stage and risk colour by its label (stages.yaml, red_flags.yaml risk_levels); the
    en text keeps the codes; the structured rows keep the codes in both."""
    result = review_pipeline(ReviewPipelineInput(quota=100_000), PIPELINE, AS_OF, locale)
    lines = review_markdown(result).splitlines()
    assert all(row in lines for row in review_rows)
    assert {(d.stage, d.risk) for d in result.deals_to_review if d.company == "NoChamp Co"} == {("proposal", "red")}


@pytest.mark.parametrize(
    ("locale", "forecast_lines"),
    [
        (
            "en",
            [
                "- commit 60,000 · best_case 40,000 · pipeline 50,000 · closed 25,000",
                "- Forecast (commit + best_case): 100,000",
                "| Commit Co | 60,000 | negotiation | commit |",
                "| Best Co | 40,000 | proposal | best_case |",
                "| Eval Co | 20,000 | evaluation | pipeline |",
            ],
        ),
        (
            "zh",
            [
                "- 确定成交 60,000 · 最佳情况 40,000 · 待成交 50,000 · 成交 25,000",
                "- 预测 (确定成交 + 最佳情况): 100,000",
                "| Commit Co | 60,000 | 谈判 | 确定成交 |",
                "| Best Co | 40,000 | 提案 | 最佳情况 |",
                "| Eval Co | 20,000 | 评估 | 待成交 |",
            ],
        ),
    ],
)
def test_forecast_text_shows_category_and_stage_labels_in_chinese(locale: Locale, forecast_lines: list[str]) -> None:
    """The zh forecast names categories and stages by their labels (forecast_categories.yaml, stages.yaml)."""
    inp = ForecastInput(period_start=date(2026, 10, 1), period_end=date(2026, 12, 31))
    result = forecast(inp, PIPELINE, AS_OF, locale)
    lines = forecast_markdown(result).splitlines()
    assert all(line in lines for line in forecast_lines), lines
    assert {d.category for d in result.deals} == {"commit", "best_case", "pipeline", "omitted"}


def test_period_end_before_start_is_refused() -> None:
    with pytest.raises(PlaybookInputError, match="period_end"):
        review_pipeline(
            ReviewPipelineInput(period_start=date(2026, 12, 1), period_end=date(2026, 11, 1)), [], AS_OF, "en"
        )


def test_forecast_categories_totals_and_gap() -> None:
    result = forecast(ForecastInput(quota=200_000), PIPELINE, AS_OF, "en")
    category = {d.company: d.category for d in result.deals}
    assert category == {
        "Commit Co": "commit",
        "Best Co": "best_case",
        "NoChamp Co": "pipeline",
        "Eval Co": "pipeline",
        "Early Co": "omitted",
        "Next Q Co": "omitted",
        "Won Co": "omitted",
        "Old Win": "omitted",
        "Lost Co": "omitted",
        "Lost Two": "omitted",
        "New Co": "omitted",
    }
    t = result.totals
    assert (t.commit, t.best_case, t.pipeline, t.closed) == (60_000, 40_000, 50_000, 25_000)
    assert result.forecast == 100_000
    assert result.gap_to_quota == 200_000 - 25_000 - 100_000
    next_q = next(d for d in result.deals if d.company == "Next Q Co")
    assert next_q.reasons == ["Not forecast: close date 2027-02-01 is outside the period 2026-10-01 – 2026-12-31."]


def test_forecast_demotes_on_a_high_flag_and_says_which() -> None:
    risky = deal(
        "Risky",
        value=10,
        stage="negotiation",
        verbal_agreement=True,
        close_date="2026-12-01",
        last_activity="2026-10-01",
    )
    row = forecast(ForecastInput(), [risky], AS_OF, "en").deals[0]
    assert row.category == "best_case"
    assert "no_activity_14d" in row.reasons[-1]


def test_forecast_matches_the_per_deal_rule_with_full_flags() -> None:
    """Skipping flags where they cannot matter (and their texts) changes no category or reason."""
    variants = [
        deal(
            f"V{i}",
            value=10,
            stage=stage,
            close_date="2026-12-01",
            last_activity=activity,
            next_step=step,
            verbal_agreement=verbal,
            contacts=contacts,
        )
        for i, (stage, activity, step, verbal, contacts) in enumerate(
            (s, a, n, v, c)
            for s in ("prospecting", "discovery", "evaluation", "proposal", "negotiation")
            for a in ("2026-11-19", "2026-09-01")
            for n in ("Call", None)
            for v in (True, False)
            for c in (CHAMPS, CHAMPS[:1], [])
        )
    ]
    result = forecast(ForecastInput(), variants, AS_OF, "en")
    for d, row in zip(variants, result.deals, strict=True):
        assert (row.category, row.reasons) == forecast_category(d, AS_OF, red_flags(d, AS_OF, "en"), "en")


def test_forecast_accuracy_from_snapshots() -> None:
    q3 = (date(2026, 7, 1), date(2026, 9, 30))
    snaps = [
        ForecastSnapshot(
            taken_on=date(2026, 7, 5),
            period_start=q3[0],
            period_end=q3[1],
            quota=None,
            commit=0,
            best_case=0,
            pipeline=0,
            closed=0,
            forecast=10_000,
            deal_count=1,
        ),
        ForecastSnapshot(
            taken_on=date(2026, 9, 1),
            period_start=q3[0],
            period_end=q3[1],
            quota=None,
            commit=0,
            best_case=0,
            pipeline=0,
            closed=0,
            forecast=40_000,
            deal_count=1,
        ),
    ]
    won = [
        deal("Q3 win", value=38_000, stage="closed_won", close_date="2026-08-20"),
        deal("Q2 win", value=5_000, stage="closed_won", close_date="2026-06-20"),
    ]
    result = forecast(ForecastInput(), won, AS_OF, "en", snapshots=snaps)
    [item] = result.accuracy
    assert (item.taken_on, item.forecast, item.actual, item.accuracy) == (date(2026, 9, 1), 40_000, 38_000, 0.95)
    assert item.on_target is True and item.within_tolerance is True
    worse = forecast(ForecastInput(), won, AS_OF, "en", snapshots=[snaps[1].model_copy(update={"forecast": 60_000})])
    assert worse.accuracy[0].on_target is False
    assert any("below the 90% target" in w for w in worse.warnings)


def test_snapshot_of_a_run() -> None:
    result = forecast(ForecastInput(quota=1), PIPELINE, AS_OF, "en")
    snap = snapshot_of(result)
    assert (snap.taken_on, snap.forecast, snap.commit, snap.closed, snap.deal_count) == (
        AS_OF,
        100_000,
        60_000,
        25_000,
        4,
    )
