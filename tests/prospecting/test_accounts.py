"""score_accounts: fit, tiers by the playbook's rules, anti-signals, BANT, quadrants, territory, scale."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sales_playbook import knowledge
from sales_playbook.schemas.accounts import AccountsInput
from sales_playbook.schemas.knowledge.strategy import StrategyMatrix
from sales_playbook.tools.accounts import accounts_markdown, score_accounts
from sales_playbook.tools.errors import PlaybookInputError

# Against the playbook's default ICP: SaaS/Fintech/Healthcare, 50–500 employees, 5M–50M revenue, US/UK/DACH,
# growth stage Series A-C/post-PMF/scaling (tech stack is not a criterion without concrete tools).
FIT = {"industry": "SaaS", "employees": 200, "revenue": 10_000_000, "geography": "US", "growth_stage": "scaling"}


def _score(accounts: list[dict[str, Any]], icp: dict[str, Any] | None = None, locale: str = "en") -> Any:
    return score_accounts(AccountsInput.model_validate({"accounts": accounts, "icp": icp}), locale)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("account", "fit", "icp_fit", "tier"),
    [
        ({**FIT, "pain_signals": ["Hiring three onboarding specialists"]}, 100, "full", 1),
        (FIT, 100, "full", 2),
        # one attribute not given: 4.5 / 5 = 90, still a full fit
        ({**FIT, "geography": None}, 90, "full", 2),
        # one miss: 4 / 5 = 80 but a miss is never a full fit
        ({**FIT, "industry": "Retail"}, 80, "partial", 3),
        ({**FIT, "industry": "Retail", "pain_signals": ["new VP of Sales"]}, 80, "partial", 3),
        # a blank pain signal is no observed pain (it used to make the account tier 1, "Pain seen: .")
        ({**FIT, "pain_signals": [""]}, 100, "full", 2),
        ({**FIT, "pain_signals": ["   ", ""]}, 100, "full", 2),
        # nothing given: 2.5 / 5 = 50, partial
        ({}, 50, "partial", 3),
        # ICP terms match as whole words (CJK anywhere): "US" is not in "Australia", "UK" not in "Ukraine",
        # "Care" is not the industry "Healthcare" (each used to be a match, a full fit and tier 2)
        ({**FIT, "geography": "Australia"}, 80, "partial", 3),
        ({**FIT, "geography": "Ukraine"}, 80, "partial", 3),
        ({**FIT, "industry": "Care"}, 80, "partial", 3),
        ({**FIT, "geography": "US East", "industry": "B2B SaaS"}, 100, "full", 2),
        ({**FIT, "geography": "美国加州"}, 100, "full", 2),
        # three misses, two unknown: 1 / 5 = 20, below the 40 floor: dropped
        ({"industry": "Retail", "employees": 5000, "revenue": 1e9}, 20, "none", "drop"),
    ],
)
def test_fit_and_tier_rules(account: dict[str, Any], fit: int, icp_fit: str, tier: object) -> None:
    scored = _score([{"name": "A", **account}]).accounts[0]
    assert (scored.fit, scored.icp_fit, scored.tier) == (fit, icp_fit, tier)
    assert scored.reasons[0].startswith(f"Fit {fit}/100")


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"employees": 19}, "company_size_under"),
        ({"notes": "Still pre-revenue, building the MVP"}, "no_budget_indicator"),
        ({"layoffs_pct": 35}, "no_budget_indicator"),
        ({"notes": "Announced layoffs of 40% of staff last month"}, "no_budget_indicator"),
        ({"notes": "Grew fast. Then laid off 30.5% of the team."}, "no_budget_indicator"),
        ({"notes": "去年裁员 35%，今年冻结招聘"}, "no_budget_indicator"),
        ({"notes": "Security policy: on-prem only"}, "tech_mismatch"),
        ({"tech_stack": ["mainframe"]}, "tech_mismatch"),
        ({"stakeholders": 7, "expected_acv": 12000}, "committee_at_low_acv"),
        ({"notes": "只接受私有化部署"}, "tech_mismatch"),
    ],
)
def test_anti_signals_drop_the_account(extra: dict[str, Any], code: str) -> None:
    scored = _score([{"name": "A", **FIT, "pain_signals": ["new VP of Sales"], **extra}]).accounts[0]
    assert scored.tier == "drop"
    assert code in scored.anti_signals
    assert any(r.startswith("Drop:") for r in scored.reasons)


@pytest.mark.parametrize(
    "extra",
    [
        {"employees": 20},  # the rule is strictly fewer than 20
        {"layoffs_pct": 30},  # strictly above 30%
        {"stakeholders": 7, "expected_acv": 25000},  # not below 25,000
        {"stakeholders": 5, "expected_acv": 10000},  # fewer than 6 people
        {"notes": "They run a lot of rifles"},  # 'RIF' only as a whole word
        {"notes": "Revenue grew 50% last year. Some layoffs of 10% in support."},  # the share next to the layoffs
    ],
)
def test_boundaries_that_do_not_drop(extra: dict[str, Any]) -> None:
    scored = _score([{"name": "A", **FIT, "employees": 200, **extra}]).accounts[0]
    assert scored.tier != "drop", scored.reasons


def test_layoffs_without_a_share_and_committee_without_value_ask_to_check() -> None:
    scored = _score([{"name": "A", **FIT, "notes": "recent layoffs", "stakeholders": 8}]).accounts[0]
    assert scored.tier == 2
    text = " ".join(scored.reasons)
    assert "without a share" in text and "8 stakeholders must agree" in text


def test_pain_signals_are_classified() -> None:
    scored = _score(
        [{"name": "A", **FIT, "pain_signals": ["Hiring 3 onboarding reps", "New CRO appointed", "shiny website"]}]
    ).accounts[0]
    assert scored.visible_pain == ["hiring_for", "org_changes", "other"]


@pytest.mark.parametrize(
    ("signals", "seen"),
    [
        (["Hiring 3 onboarding reps", "shiny website"], "Hiring for tell-tale roles; shiny website."),
        # the 'other' pain is quoted from the signal that matched no indicator (it used to be the first signal)
        (["Hiring 3 onboarding reps", "", "shiny website", "big logo"], "; shiny website."),
    ],
)
def test_tier_1_reason_quotes_the_unmatched_signal_as_other(signals: list[str], seen: str) -> None:
    scored = _score([{"name": "A", **FIT, "pain_signals": signals}]).accounts[0]
    assert scored.tier == 1 and scored.visible_pain == ["hiring_for", "other"]
    assert any(reason.startswith("Tier 1:") and reason.endswith(seen) for reason in scored.reasons), scored.reasons


@pytest.mark.parametrize(
    ("bant", "total", "priority"),
    [
        (None, 4, "deprioritise"),
        ({"budget": 3, "authority": 3, "need": 2, "timeline": 2}, 10, "follow_up_now"),
        ({"budget": 3, "authority": 3, "need": 3, "timeline": 1}, 10, "qualify_further"),  # one element unknown
        ({"budget": 2, "authority": 2, "need": 2, "timeline": 2}, 8, "qualify_further"),
        ({"budget": 2, "authority": 2, "need": 2}, 7, "deprioritise"),
    ],
)
def test_bant_priority(bant: dict[str, int] | None, total: int, priority: str) -> None:
    scored = _score([{"name": "A", "bant": bant}]).accounts[0]
    assert (scored.bant.total, scored.bant.max, scored.bant.priority) == (total, 12, priority)


MATRIX = knowledge.get("strategy_matrix", StrategyMatrix)


@pytest.mark.parametrize("example", MATRIX.examples, ids=lambda e: e.quadrant)
def test_quadrant_matches_the_playbook_examples(example: Any) -> None:
    scored = _score([{"name": "A", **example.ideal, **example.difficulty}]).accounts[0]
    assert scored.quadrant.code == example.quadrant


@pytest.mark.parametrize(
    ("dims", "quadrant", "ideal", "difficulty"),
    [
        # (0.5×5 + 0.5×5)/1 = 5.0 high; 1+1+1 = 3 low → grow
        (
            {
                "buying_power": 5,
                "buying_habits": 5,
                "sales_cost": 1,
                "acquisition": 1,
                "competitiveness": 1,
                "cycle": 1,
            },
            "grow",
            5.0,
            3,
        ),
        # 5.0 high; 5+5+5 = 15 high → small pond
        (
            {
                "buying_power": 5,
                "buying_habits": 5,
                "sales_cost": 1,
                "acquisition": 5,
                "competitiveness": 5,
                "cycle": 5,
            },
            "small_pond",
            5.0,
            15,
        ),
        # (1+1)/2/5 = 0.2 low; 3 low → net
        (
            {
                "buying_power": 1,
                "buying_habits": 1,
                "sales_cost": 5,
                "acquisition": 1,
                "competitiveness": 1,
                "cycle": 1,
            },
            "net",
            0.2,
            3,
        ),
        # 0.2 low; 15 high → assault
        (
            {
                "buying_power": 1,
                "buying_habits": 1,
                "sales_cost": 5,
                "acquisition": 5,
                "competitiveness": 5,
                "cycle": 5,
            },
            "assault",
            0.2,
            15,
        ),
        # nothing given: 3s → 1.0 medium and 9 medium → nurture, and the result says so
        ({}, "nurture", 1.0, 9),
        # 4/5 = 0.8 is low (boundary), 8 is medium → corner: low side, 8 < 9 low side → net
        (
            {
                "buying_power": 4,
                "buying_habits": 4,
                "sales_cost": 5,
                "acquisition": 3,
                "competitiveness": 3,
                "cycle": 2,
            },
            "net",
            0.8,
            8,
        ),
    ],
)
def test_quadrant_placement(dims: dict[str, int], quadrant: str, ideal: float, difficulty: int) -> None:
    result = _score([{"name": "A", **dims}])
    scored = result.accounts[0]
    q = scored.quadrant
    assert (q.code, q.ideal_score, q.difficulty_total) == (quadrant, ideal, difficulty)
    assert q.code in result.quadrants and result.quadrants[q.code].actions
    if not dims:
        assert len(q.assumed) == 6 and "taken as 3" in scored.reasons[-1]


def test_territory_counts_status_and_coverage() -> None:
    tier1 = [{"name": f"T1-{i}", **FIT, "pain_signals": ["hiring"], "engaged": i < 16} for i in range(20)]
    tier2 = [{"name": f"T2-{i}", **FIT} for i in range(90)]
    tier3 = [{"name": f"T3-{i}", "industry": "Retail"} for i in range(10)]
    dropped = [{"name": "tiny", "employees": 5}]
    result = _score(tier1 + tier2 + tier3 + dropped)
    loads = {t.tier: t for t in result.territory.tiers}
    assert (loads[1].count, loads[1].status, loads[1].engaged, loads[1].coverage_pct) == (20, "within", 16, 80.0)
    assert (loads[2].count, loads[2].status) == (90, "over")
    assert (loads[3].count, loads[3].status) == (10, "under")
    assert result.territory.dropped == 1
    assert result.territory.time_split == {"1": 50, "2": 30, "3": 15, "new": 5}
    assert result.territory.tier1_coverage_ok is False  # must be above 80%, 80% is not enough
    advice = " ".join(result.territory.advice)
    assert "Tier 2 holds 90" in advice and "Tier 3 holds 10" in advice and "80%" in advice


def test_custom_icp_with_tech_stack() -> None:
    icp = {"company": {"industry": ["Logistics"], "tech_stack": ["Salesforce"]}}
    scored = _score(
        [
            {"name": "A", "industry": "Logistics", "tech_stack": ["salesforce", "Slack"]},
            {"name": "B", "industry": "Logistics", "tech_stack": ["HubSpot"]},
        ],
        icp,
    ).accounts
    assert (scored[0].fit, scored[0].icp_fit) == (100, "full")
    assert (scored[1].fit, scored[1].icp_fit) == (50, "partial")


@pytest.mark.parametrize(
    "company",
    [{}, {"industry": [], "geography": []}, {"source": "best_customers", "evidence": ["no won customers given"]}],
)
def test_an_icp_with_nothing_to_score_against_is_an_input_error(company: dict[str, Any]) -> None:
    """It used to score every account 0 of 0 points and drop them all, without saying why."""
    with pytest.raises(PlaybookInputError) as error:
        _score([{"name": "A", "industry": "Logistics"}], {"company": company})
    assert error.value.field == "icp.company" and "industry" in str(error.value)


def test_one_icp_attribute_is_enough_to_score() -> None:
    [scored] = _score([{"name": "A", "geography": "US"}], {"company": {"geography": ["US"]}}).accounts
    assert (scored.fit, scored.icp_fit) == (100, "full")


@pytest.mark.parametrize(("locale", "tier"), [("en", "drop"), ("zh", "放弃")])
def test_text_names_a_dropped_account_in_the_locale(locale: str, tier: str) -> None:
    """The zh table's tier column says 放弃 (the word the zh drop reason uses), not the code 'drop'."""
    result = _score([{"name": "A", "industry": "Retail", "employees": 5000, "revenue": 1e9}], locale=locale)
    assert result.accounts[0].tier == "drop"
    assert accounts_markdown(result).splitlines()[2].split(" | ")[2] == tier


def test_zh_reasons() -> None:
    result = _score([{"name": "甲", **FIT}], locale="zh")
    scored = result.accounts[0]
    assert scored.reasons[0].startswith("匹配度 100/100")
    assert result.quadrants[scored.quadrant.code].name == "培养"
    assert result.bant_priorities["deprioritise"].label == "暂缓"


@pytest.mark.parametrize(
    ("locale", "industry", "shown"),
    [
        ("en", "Retail", "industry: Retail ∉ SaaS, Fintech, Healthcare"),
        ("zh", "零售", "行业: 零售 ∉ SaaS, 金融科技, 医疗健康"),
    ],
)
def test_playbook_icp_misses_list_the_terms_of_the_locale(locale: str, industry: str, shown: str) -> None:
    """The playbook's ICP matches terms of both languages, but a miss lists only the answer's language."""
    [scored] = _score([{"name": "A", **FIT, "industry": industry}], locale=locale).accounts
    assert scored.attributes["industry"] == "miss"
    [reason] = [r for r in scored.reasons if "∉" in r]
    assert reason == shown


def test_a_thousand_accounts_in_one_call() -> None:
    accounts = [
        {
            "name": f"Account {i}",
            "industry": ("SaaS", "Retail", "Fintech")[i % 3],
            "employees": (10, 120, 600, 300)[i % 4],
            "revenue": 1e7,
            "geography": "US",
            "pain_signals": ["hiring onboarding specialists"] if i % 2 else [],
            "notes": "on-prem only" if i % 17 == 0 else None,
            "bant": {"budget": 3, "need": 2},
            "buying_power": 1 + i % 5,
            "sales_cost": 1 + (i // 5) % 5,
            "engaged": i % 3 == 0,
        }
        for i in range(1000)
    ]
    started = time.perf_counter()
    result = _score(accounts)
    elapsed = time.perf_counter() - started
    assert len(result.accounts) == 1000
    assert sum(t.count for t in result.territory.tiers) + result.territory.dropped == 1000
    assert elapsed < 5, f"1,000 accounts took {elapsed:.2f} s"


def test_account_list_is_bounded() -> None:
    with pytest.raises(ValueError, match="2000"):
        AccountsInput.model_validate({"accounts": [{"name": "x"}] * 2001})
