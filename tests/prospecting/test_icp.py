"""generate_icp: ranges and lists derived from won customers, template defaults, YAML round trip."""

from __future__ import annotations

import pytest
import yaml
from sales_playbook.schemas.accounts import AccountsInput
from sales_playbook.schemas.icp import IcpIn, IcpInput, IcpResult
from sales_playbook.tools.accounts import score_accounts
from sales_playbook.tools.icp import generate_icp

CUSTOMERS = [
    {
        "company": "A",
        "industry": "SaaS",
        "employees": 120,
        "revenue": 8e6,
        "geography": "US",
        "tech_stack": ["Salesforce", "Slack"],
        "growth_stage": "Series B",
        "deal_value": 30000,
        "cycle_days": 40,
    },
    {
        "company": "B",
        "industry": "saas",
        "employees": 300,
        "revenue": 2e7,
        "geography": "UK",
        "tech_stack": ["Salesforce"],
        "growth_stage": "Series B",
        "deal_value": 50000,
        "cycle_days": 60,
    },
    {
        "company": "C",
        "industry": "Fintech",
        "employees": 80,
        "geography": "US",
        "tech_stack": ["HubSpot", "Slack"],
        "growth_stage": "Series C",
    },
    {"company": "D", "industry": "Logistics", "employees": 2000, "tech_stack": ["Zendesk"]},
    {"company": "E", "industry": "Retail", "employees": 5000, "won": False},
    {"company": "F", "industry": "SaaS", "employees": 40, "won": False},
]


def _icp(locale: str = "en", customers: list[dict[str, object]] | None = None) -> IcpResult:
    return generate_icp(
        IcpInput.model_validate({"product": "Onboarding automation", "best_customers": customers or []}), locale
    )  # type: ignore[arg-type]


def test_company_block_is_derived_from_won_customers_only() -> None:
    icp = _icp(customers=CUSTOMERS)
    c = icp.company
    assert c.source == "best_customers"
    assert c.industry == ["SaaS", "Fintech", "Logistics"]  # SaaS twice (case-insensitive), then first seen
    assert (c.size_employees.min, c.size_employees.max) == (80, 2000)  # type: ignore[union-attr]
    assert (c.size_revenue.min, c.size_revenue.max) == (8e6, 2e7)  # type: ignore[union-attr]
    assert c.geography == ["US", "UK"]
    assert c.growth_stage == ["Series B", "Series C"]
    # a tool counts when at least a third of the 4 won customers (2) use it
    assert c.tech_stack == ["Salesforce", "Slack"]
    evidence = " | ".join(c.evidence)
    assert "SaaS 2, Fintech 1, Logistics 1 (of 4 won customers)" in evidence
    assert "80, 120, 300, 2,000" in evidence
    assert "Retail 1" in evidence  # lost-only industry reported, not included
    assert icp.won_benchmarks is not None
    assert (icp.won_benchmarks.won, icp.won_benchmarks.lost) == (4, 2)
    assert icp.won_benchmarks.avg_deal_value == 40000 and icp.won_benchmarks.avg_cycle_days == 50


def test_without_customers_the_template_examples_are_used() -> None:
    icp = _icp()
    assert icp.company.source == "template"
    assert icp.company.industry == ["SaaS", "Fintech", "Healthcare"]
    assert (icp.company.size_employees.min, icp.company.size_employees.max) == (50, 500)  # type: ignore[union-attr]
    assert icp.won_benchmarks is None
    assert [p.code for p in icp.buyer_personas] == ["economic_buyer", "champion", "technical_evaluator", "end_user"]
    assert {a.code for a in icp.anti_signals} == {
        "company_size_under",
        "no_budget_indicator",
        "tech_mismatch",
        "committee_at_low_acv",
    }
    assert [t.time_pct for t in icp.tiering] == [50, 30, 15, 5]
    assert len(icp.pain_indicators) == 5


def test_zh_profile() -> None:
    icp = _icp("zh")
    assert icp.company.industry == ["SaaS", "金融科技", "医疗健康"]
    assert icp.buyer_personas[0].label == "经济决策者"
    assert "20" in icp.anti_signals[0].rule


@pytest.mark.parametrize("locale", ["en", "zh"])
@pytest.mark.parametrize("customers", [None, CUSTOMERS])
def test_yaml_round_trips(locale: str, customers: list[dict[str, object]] | None) -> None:
    icp = _icp(locale, customers)
    loaded = yaml.safe_load(icp.yaml)
    assert loaded == icp.model_dump(mode="json", exclude={"yaml", "locale"})
    # and the loaded YAML is a valid ICP for score_accounts, equal to the original profile
    again = IcpIn.model_validate(loaded)
    assert again.company == icp.company
    result = score_accounts(AccountsInput(accounts=[{"name": "X", "industry": "SaaS"}], icp=again), "en")  # type: ignore[list-item]
    assert result.accounts[0].fit > 0


def test_whole_output_is_accepted_as_icp_input() -> None:
    icp = _icp(customers=CUSTOMERS)
    inp = AccountsInput.model_validate({"accounts": [{"name": "X"}], "icp": icp.model_dump(mode="json")})
    assert inp.icp is not None and inp.icp.company.tech_stack == ["Salesforce", "Slack"]


def test_customer_list_is_bounded() -> None:
    with pytest.raises(ValueError, match="1000"):
        IcpInput.model_validate({"product": "x", "best_customers": [{"company": "c"}] * 1001})


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_thousand_won_customers_fit_the_evidence_lines(locale: str) -> None:
    """Every size and industry is distinct: the evidence lists the first ten values and counts the rest (the
    ICP used to fail its own 500-character and 50-item limits here)."""
    customers = [
        {
            "company": f"C{i}",
            "industry": f"Industry {i} " + "x" * 40,
            "employees": 100 + i,
            "revenue": 1e6 + i * 12_345.6,
        }
        for i in range(1000)
    ]
    result = generate_icp(IcpInput.model_validate({"product": "x", "best_customers": customers}), locale)
    lines = result.company.evidence
    assert all(len(line) <= 500 for line in lines)
    assert any("100–1,099" in line and "(+990)" in line for line in lines), lines
    assert len(result.company.industry) == 50  # the most frequent, as many as the list holds


@pytest.mark.parametrize(
    ("won", "tools_each"),
    [
        (2, 26),  # need = 1 of 2: 52 distinct tools pass the one-third share
        (3, 50),  # need = 1 of 3: 150 distinct tools
    ],
)
def test_few_won_customers_with_many_tools_keep_the_50_item_limit(won: int, tools_each: int) -> None:
    """The tech stack used to fail its own 50-item limit (a validation crash) when few won customers named many
    distinct tools; it keeps the most used, as many as the list holds, and still loads back as an ICP."""
    customers = [{"company": f"C{i}", "tech_stack": [f"T{i}-{j}" for j in range(tools_each)]} for i in range(won)]
    result = generate_icp(IcpInput.model_validate({"product": "x", "best_customers": customers}), "en")
    assert len(result.company.tech_stack) == 50
    assert IcpIn.model_validate(result.model_dump(mode="json")).company.tech_stack == result.company.tech_stack
