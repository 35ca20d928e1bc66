"""calculate_roi: the contract's formulas, its worked example, and the edges (no payback, risk, speed)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sales_playbook.schemas.roi import RoiInput
from sales_playbook.tools.roi import calculate_roi, roi_markdown


def roi(**kwargs: object) -> dict[str, object]:
    return calculate_roi(RoiInput.model_validate(kwargs), "en").model_dump()


WORKED = {"headcount": 400, "cost_per_head": 150_000, "automatable_share": 0.6, "solution_cost": 12_000_000}


def test_worked_example_of_the_contract() -> None:
    out = roi(**WORKED, efficiency_factor=1, years=3)
    assert out["replaced_headcount"] == 240
    assert out["annual_saving"] == 36_000_000
    assert out["annual_solution_cost"] == 4_000_000
    assert out["annual_net"] == 32_000_000
    assert out["payback_months"] == 4.5
    assert out["roi_pct"] == 800  # (36M × 3 − 12M) / 12M × 100
    assert out["warnings"] == []
    assert "400 × 0.6 × 1 = 240" in out["explanation"][0]


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"efficiency_factor": 0.5}, "replaced_headcount", 120),
        ({"efficiency_factor": 0.5}, "annual_saving", 18_000_000),
        ({"years": 4}, "annual_solution_cost", 3_000_000),
        ({"years": 4}, "roi_pct", 1100),  # (36M × 4 − 12M) / 12M × 100
        (
            {"headcount": 10, "cost_per_head": 60_000, "automatable_share": 0.5, "solution_cost": 90_000},
            "payback_months",
            4,
        ),  # saving 300k, annual cost 30k, net 270k → 90k / 270k × 12 = 4
        (
            {"headcount": 3, "cost_per_head": 100_000, "automatable_share": 1 / 3, "solution_cost": 30_000},
            "replaced_headcount",
            1,
        ),  # decimal arithmetic: 3 × 0.333… rounds to 1.00
    ],
)
def test_formulas_table(changes: dict[str, object], field: str, expected: float) -> None:
    assert roi(**{**WORKED, **changes})[field] == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("solution_cost", [108_000_000, 120_000_000])
def test_no_payback_when_net_is_not_positive(solution_cost: float) -> None:
    # 108M over 3 years costs exactly the 36M saving (net 0); 120M costs more (net negative).
    out = roi(**{**WORKED, "solution_cost": solution_cost})
    assert out["annual_net"] <= 0
    assert out["payback_months"] is None
    assert len(out["warnings"]) == 1 and "no payback" in out["warnings"][0]


@pytest.mark.parametrize(
    "changes",
    [
        # net 1,000.004 − 1,000 = 0.004: annual_net reports 0 (cents), so no payback (it gave 9,000,000 months)
        {"headcount": 1, "cost_per_head": 1000.004, "automatable_share": 1, "solution_cost": 3000, "years": 3},
        {"headcount": 1, "cost_per_head": 0.01, "automatable_share": 0.6, "solution_cost": 0.01, "years": 3},
    ],
)
def test_a_net_that_rounds_to_zero_has_no_payback(changes: dict[str, object]) -> None:
    out = roi(**changes)
    assert out["annual_net"] == 0
    assert out["payback_months"] is None
    assert len(out["warnings"]) == 1 and "no payback" in out["warnings"][0]


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        # the text block showed "1.79999e+07%" and "9e+06 months": 6 significant digits in scientific notation
        ({**WORKED, "automatable_share": 0.001, "solution_cost": 1}, "- ROI: 17,999,900%"),
        (
            {"headcount": 1, "cost_per_head": 1000.01, "automatable_share": 1, "solution_cost": 3000},
            "- Payback: 3,600,000 months",
        ),
    ],
)
def test_text_block_shows_figures_as_the_result_gives_them(changes: dict[str, object], shown: str) -> None:
    assert shown in roi_markdown(calculate_roi(RoiInput.model_validate(changes), "en")).splitlines()


def test_just_positive_net_has_a_payback() -> None:
    out = roi(**{**WORKED, "solution_cost": 107_999_997})  # annual cost 35,999,999 → net 1
    assert out["annual_net"] == 1
    assert out["payback_months"] == pytest.approx(107_999_997 * 12, rel=1e-9)


def test_risk_value_is_added_to_the_saving() -> None:
    out = roi(**WORKED, risk={"potential_loss": 2_000_000, "probability": 0.25, "reduction": 0.5})
    assert out["risk_value"] == 250_000
    assert out["annual_saving"] == 36_250_000
    assert out["annual_net"] == 32_250_000
    assert any("2,000,000 USD × 0.25 × 0.5 = 250,000 USD" in line for line in out["explanation"])


@pytest.mark.parametrize(("before", "after", "gain"), [(30, 10, 200), (10, 10, 0), (10, 20, -50)])
def test_speed_gain(before: float, after: float, gain: float) -> None:
    out = roi(**WORKED, speed={"before_minutes": before, "after_minutes": after})
    assert out["speed_gain_pct"] == gain
    assert bool(out["warnings"]) is (gain < 0)


def test_zero_headcount_is_allowed_and_honest() -> None:
    out = roi(**{**WORKED, "headcount": 0})
    assert out["annual_saving"] == 0
    assert out["payback_months"] is None
    assert out["roi_pct"] == -100


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"headcount": -1}, "headcount"),
        ({"automatable_share": 1.5}, "automatable_share"),
        ({"automatable_share": -0.1}, "automatable_share"),
        ({"efficiency_factor": 1.01}, "efficiency_factor"),
        ({"solution_cost": 0}, "solution_cost"),
        ({"years": 0}, "years"),
        ({"cost_per_head": "a lot"}, "cost_per_head"),
        ({"cost_per_head": float("nan")}, "cost_per_head"),
        ({"cost_per_head": float("inf")}, "cost_per_head"),
        ({"cost_per_head": 1e300}, "cost_per_head"),
        ({"currency": "dollars"}, "currency"),
        ({"risk": {"potential_loss": 1, "probability": 2, "reduction": 0.5}}, "risk.probability"),
        ({"speed": {"before_minutes": 5, "after_minutes": 0}}, "speed.after_minutes"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_input_is_rejected_naming_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        RoiInput.model_validate({**WORKED, **changes})
    assert field in {".".join(str(p) for p in e["loc"]) for e in info.value.errors()}


def test_chinese_explanation_and_text_block() -> None:
    result = calculate_roi(RoiInput.model_validate(WORKED), "zh")
    assert result.explanation[0].startswith("可替代人数")
    text = roi_markdown(result)
    assert "回本周期：4.5 个月" in text
