"""qualify_deal: band boundaries of every framework, given scores vs inference, gap questions, next moves."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sales_playbook.schemas.common import Locale
from sales_playbook.schemas.deal import Deal
from sales_playbook.schemas.qualify import QualifyInput
from sales_playbook.tools.qualify import qualify, qualify_deal, qualify_markdown

AS_OF = date(2026, 11, 23)
MEDDPICC = [
    "metrics",
    "economic_buyer",
    "decision_criteria",
    "decision_process",
    "paper_process",
    "identified_pain",
    "champion",
    "competition",
]
MEDDIC = ["metrics", "economic_buyer", "decision_criteria", "decision_process", "identified_pain", "champion"]
BANT = ["budget", "authority", "need", "timeline"]


def scores_for(keys: list[str], total: int) -> dict[str, dict[str, int]]:
    """Given scores for `keys` adding up to `total` (each 1..3, filled from the first key)."""
    extra = total - len(keys)
    assert 0 <= extra <= 2 * len(keys)
    out = {}
    for key in keys:
        bump = min(2, extra)
        extra -= bump
        out[key] = {"score": 1 + bump}
    return out


def deal(**kwargs: Any) -> Deal:
    return Deal.model_validate({"company": "Acme", **kwargs})


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (8, "unqualified"),
        (9, "unqualified"),
        (10, "at_risk"),
        (14, "at_risk"),
        (15, "gaps"),
        (19, "gaps"),
        (20, "strong"),
        (24, "strong"),
    ],
)
def test_meddpicc_bands_at_every_boundary(total: int, band: str) -> None:
    out = qualify(deal(meddpicc=scores_for(MEDDPICC, total)), "meddpicc", AS_OF, "en")
    assert (out.total, out.max, out.band) == (total, 24, band)


@pytest.mark.parametrize(
    ("total", "band"),
    # 15/18 = 20/24 exactly (strong); 12/18 ≥ 15/24 > 11/18; 8/18 ≥ 10/24 > 7/18
    [
        (6, "unqualified"),
        (7, "unqualified"),
        (8, "at_risk"),
        (11, "at_risk"),
        (12, "gaps"),
        (14, "gaps"),
        (15, "strong"),
        (18, "strong"),
    ],
)
def test_meddic_ratio_bands(total: int, band: str) -> None:
    out = qualify(deal(meddpicc=scores_for(MEDDIC, total)), "meddic", AS_OF, "en")
    assert (out.total, out.max, out.band) == (total, 18, band)
    assert [e.key for e in out.elements] == MEDDIC


@pytest.mark.parametrize(
    ("total", "band"),
    # 10/12 = 20/24 exactly (strong); 8/12 ≥ 15/24 > 7/12; 5/12 = 10/24 exactly (at_risk)
    [(4, "unqualified"), (5, "at_risk"), (7, "at_risk"), (8, "gaps"), (9, "gaps"), (10, "strong"), (12, "strong")],
)
def test_bant_ratio_bands(total: int, band: str) -> None:
    out = qualify(deal(bant=scores_for(BANT, total)), "bant", AS_OF, "en")
    assert (out.total, out.max, out.band) == (total, 12, band)
    assert [e.key for e in out.elements] == BANT


def test_company_only_is_unqualified_with_all_eight_gap_questions() -> None:
    out = qualify(deal(), "meddpicc", AS_OF, "en")
    assert out.band == "unqualified" and out.total == 8
    assert [e.key for e in out.elements] == MEDDPICC
    assert all(e.score == 1 and e.status == "unknown" and e.source == "missing" for e in out.elements)
    questions = [e.gap_question for e in out.elements]
    assert all(q and q.endswith("?") for q in questions) and len(set(questions)) == 8
    assert len(out.next_actions) == 3
    assert [a.element for a in out.next_actions] == MEDDPICC[:3]  # all tied at 1: rubric order
    assert out.forecast_category == "omitted" and out.stage_probability == 0.05


def test_given_score_wins_over_inference_in_both_directions() -> None:
    notes = "Met the CFO, CFO approved the budget. Dana is pushing for us internally."
    out = qualify(
        deal(notes=notes, meddpicc={"economic_buyer": {"score": 1}, "champion": {"score": 3, "evidence": "Dana"}}),
        "meddpicc",
        AS_OF,
        "en",
    )
    by = {e.key: e for e in out.elements}
    assert (by["economic_buyer"].score, by["economic_buyer"].source) == (1, "given")
    assert (by["champion"].score, by["champion"].source, by["champion"].evidence) == (3, "given", "Dana")
    assert by["champion"].gap_question is None


def test_inference_lifts_to_partial_never_confirmed_and_quotes() -> None:
    notes = "Met the CFO on Tuesday; CFO approved the budget. 他们对账全靠手工，经常出错。"
    contacts = [{"name": "Dana", "role": "champion", "engaged": True}]
    out = qualify(deal(notes=notes, contacts=contacts), "meddpicc", AS_OF, "en")
    by = {e.key: e for e in out.elements}
    for key in ("economic_buyer", "identified_pain", "champion"):
        assert (by[key].score, by[key].status, by[key].source) == (2, "partial", "inferred")
        assert by[key].evidence and by[key].quotes
    assert "CFO approved the budget" in by["economic_buyer"].quotes[-1]
    assert "Dana" in by["champion"].evidence
    assert max(e.score for e in out.elements if e.source == "inferred") == 2


def test_negated_notes_stay_unknown() -> None:
    out = qualify(deal(notes="We have not met the CFO. 还没见到老板。No champion yet."), "meddpicc", AS_OF, "en")
    assert all(e.source == "missing" for e in out.elements)


def test_rep_evidence_without_score_counts_unless_negated() -> None:
    out = qualify(
        deal(
            meddpicc={"metrics": {"evidence": "wants to cut onboarding time 30%"}, "champion": {"evidence": "none yet"}}
        ),
        "meddpicc",
        AS_OF,
        "en",
    )
    by = {e.key: e for e in out.elements}
    assert (by["metrics"].score, by["metrics"].source) == (2, "inferred")
    assert by["champion"].source == "missing"


def test_competitors_on_the_deal_count_for_competition() -> None:
    out = qualify(deal(competitors=["Globex"]), "meddpicc", AS_OF, "en")
    comp = next(e for e in out.elements if e.key == "competition")
    assert comp.score == 2 and "Globex" in (comp.evidence or "")


def test_next_actions_take_the_weakest_elements_first_then_flags() -> None:
    scores = {k: {"score": 3} for k in MEDDPICC}
    scores["paper_process"] = {"score": 2}
    scores["champion"] = {"score": 1}
    out = qualify(deal(meddpicc=scores), "meddpicc", AS_OF, "en")
    assert [a.element for a in out.next_actions] == ["champion", "paper_process", None]
    assert out.next_actions[0].ask  # the champion gap question
    assert out.next_actions[2].action == out.red_flags[0].fix  # the first high-severity flag's fix


def test_forecast_category_and_probability_follow_the_stage() -> None:
    champion = [
        {"name": "Dana", "role": "champion", "engaged": True},
        {"name": "Lee", "role": "economic_buyer", "engaged": True},
        {"name": "Kim", "role": "technical_evaluator", "engaged": True},
    ]
    healthy = {
        "stage": "商务谈判",  # contract alias of negotiation
        "value": 20_000,
        "contacts": champion,
        "verbal_agreement": True,
        "stage_entered": str(AS_OF - timedelta(days=5)),
        "next_step": "Sign",
        "next_step_date": str(AS_OF + timedelta(days=3)),
        "last_activity": str(AS_OF - timedelta(days=1)),
        "close_date": str(AS_OF + timedelta(days=10)),
    }
    out = qualify(deal(**healthy), "meddpicc", AS_OF, "en")
    assert (out.forecast_category, out.stage_probability) == ("commit", 0.75)
    stale = qualify(deal(**{**healthy, "last_activity": str(AS_OF - timedelta(days=20))}), "meddpicc", AS_OF, "en")
    assert stale.forecast_category == "best_case"
    assert any("no_activity_14d" in reason for reason in stale.forecast_reasons)


def test_as_of_comes_from_the_input_when_given() -> None:
    inp = QualifyInput.model_validate(
        {
            "deal": {"company": "Acme", "stage": "evaluation", "last_activity": "2026-11-01", "next_step": "x"},
            "as_of": "2026-11-10",
        }
    )
    assert not any(f.code == "no_activity_14d" for f in qualify_deal(inp, date(2027, 1, 1), "en").red_flags)
    assert any(
        f.code == "no_activity_14d"
        for f in qualify_deal(inp.model_copy(update={"as_of": None}), date(2027, 1, 1), "en").red_flags
    )


def test_chinese_output() -> None:
    out = qualify(deal(company="北京某某科技"), "meddpicc", AS_OF, "zh")
    assert out.band_label == "不合格"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in (e.gap_question or "")) for e in out.elements)
    text = qualify_markdown(out)
    assert "北京某某科技" in text and "预测类别" in text


@pytest.mark.parametrize(
    ("locale", "lines"),
    [
        (
            "en",
            [
                '- [medium] Acme: the next step "Call" has no date.',
                "- [high] Acme: no engaged champion.",
                "Forecast: omitted · stage probability 50%",
            ],
        ),
        (
            "zh",
            [
                '- [中] Acme：下一步"Call"没有确定日期。',
                "- [高] Acme：没有积极参与的内部支持者。",
                "预测类别：不计入 · 阶段赢率 50%",
            ],
        ),
    ],
)
def test_text_names_severity_and_forecast_category_in_the_locale(locale: Locale, lines: list[str]) -> None:
    """The zh text shows the forecast category's label (forecast_categories.yaml) and the severity in Chinese,
    not the codes 'omitted' / 'high'; the structured result keeps the codes."""
    out = qualify(deal(company="Acme", stage="proposal", value=150_000, next_step="Call"), "meddpicc", AS_OF, locale)
    assert all(line in qualify_markdown(out).splitlines() for line in lines)
    assert out.forecast_category == "omitted" and {f.severity for f in out.red_flags} == {"high", "medium"}


def test_deterministic() -> None:
    d = deal(notes="Met the CFO. Also evaluating Globex.", value=50_000)
    assert qualify(d, "meddpicc", AS_OF, "en") == qualify(d, "meddpicc", AS_OF, "en")


def test_red_flags_are_the_shared_implementation() -> None:
    from sales_playbook.tools.red_flags import red_flags

    d = deal(stage="proposal", value=150_000, close_date_changes=2, next_step="Call", close_date=str(AS_OF))
    out = qualify(d, "meddpicc", AS_OF, "en")
    assert out.red_flags == red_flags(d, AS_OF, "en")
    severities = {f.code: f.severity for f in out.red_flags}
    assert severities["no_champion"] == "high"  # escalated from the proposal stage on
    assert severities["next_step_without_date"] == "medium" and severities["close_date_pushed"] == "medium"


def test_quotes_are_capped_and_deduplicated() -> None:
    notes = " ".join(f"Problem {i}: they are struggling with report {i}." for i in range(20))
    pain = next(e for e in qualify(deal(notes=notes), "meddpicc", AS_OF, "en").elements if e.key == "identified_pain")
    assert pain.score == 2 and len(pain.quotes) == 5 and len(set(pain.quotes)) == 5


@pytest.mark.parametrize(
    ("stage", "probability"),
    [("提案", 0.5), ("方案定制", 0.3), ("合同签订", 1.0), ("closed_lost", 0.0), ("Negotiation", 0.75)],
)
def test_stage_aliases_and_probabilities(stage: str, probability: float) -> None:
    assert qualify(deal(stage=stage), "meddpicc", AS_OF, "en").stage_probability == probability
