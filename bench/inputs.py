"""Realistic inputs for every tool, used by the benchmarks (round trips and in-process cost).

Tools without an entry here are reported as "no input" rather than skipped silently.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from typing import Any

AS_OF = "2026-11-23"

DEAL: dict[str, Any] = {
    "company": "Acme Robotics",
    "value": 48000,
    "stage": "evaluation",
    "created": "2026-09-01",
    "stage_entered": "2026-10-20",
    "close_date": "2026-12-15",
    "last_activity": "2026-11-10",
    "next_step": "Security review call with IT",
    "next_step_date": "2026-11-26",
    "competitors": ["Globex"],
    "contacts": [
        {"name": "Dana Lee", "title": "VP Operations", "role": "champion", "engaged": True},
        {"name": "Sam Ortiz", "title": "CFO", "role": "economic_buyer", "engaged": False},
    ],
    "meddpicc": {"metrics": {"score": 2, "evidence": "wants to cut onboarding time 30%"}},
    "notes": "Dana says the CFO approved budget for Q1. They compare us with Globex on integrations.",
}

REALISTIC: dict[str, dict[str, Any]] = {
    "calculate_roi": {
        "headcount": 400,
        "cost_per_head": 150000,
        "automatable_share": 0.6,
        "solution_cost": 12000000,
        "risk": {"potential_loss": 2000000, "probability": 0.2, "reduction": 0.5},
    },
    "qualify_deal": {"deal": DEAL, "as_of": AS_OF},
    "close_plan": {"deal": DEAL, "target_go_live": "2027-02-01", "discount_requested_pct": 10, "as_of": AS_OF},
    "draft_proposal": {
        "company": "Acme Robotics",
        "problem": "Onboarding a new operator takes 6 weeks",
        "cost_of_inaction_per_month": 40000,
        "criteria": ["integrations", "time to value", "security"],
        "solution_points": ["guided onboarding", "SSO", "ERP connector"],
        "price": 48000,
        "target_go_live": "2027-02-01",
    },
    "handle_objection": {
        "objection": "Honestly this is way more than we budgeted for this year.",
        "context": {"deal_value": 48000, "cost_of_inaction_per_month": 40000, "times_objected": 1},
    },
    "prep_discovery": {
        "company": "Acme Robotics",
        "industry": "Manufacturing",
        "persona": "champion",
        "known": {"pains": ["slow onboarding"], "tech_stack": ["SAP"]},
    },
    "generate_icp": {"product": "An onboarding platform for manufacturing operators"},
    "build_cadence": {
        "company": "Acme Robotics",
        "contact": {"name": "Dana Lee", "title": "VP Operations"},
        "tier": 1,
        "start_date": AS_OF,
        "trigger": "opened a second plant",
        "problem": "slow operator onboarding",
    },
    "draft_email": {
        "kind": "trigger",
        "company": "Acme Robotics",
        "contact": {"name": "Dana Lee", "title": "VP Operations"},
        "trigger": "opened a second plant in Ohio",
        "problem": "operator onboarding",
        "result": "cut onboarding from 6 weeks to 2",
        "similar_company": "Globex Manufacturing",
    },
}


BENCH_DEAL_ID = "bench-acme"


def _closed_deals(count: int) -> list[dict[str, Any]]:
    reasons = ["price", "no decision", "competitor", "timing"]
    return [
        {
            **DEAL,
            "id": f"W{i}",
            "company": f"Closed {i}",
            "stage": "closed_won" if i % 3 else "closed_lost",
            "close_date": f"2026-{(i % 9) + 1:02d}-15",
            "loss_reason": None if i % 3 else reasons[i % 4],
        }
        for i in range(count)
    ]


def _csv(rows: int) -> str:
    lines = ["Deal Name,Amount,Deal Stage,Close Date,Create Date,Deal owner"]
    stages = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "contractsent", "closedwon"]
    for i in range(rows):
        lines.append(f"Company {i},{10_000 + 1_000 * i},{stages[i % 5]},2026-12-{(i % 28) + 1:02d},2026-09-01,Alex")
    return "\n".join(lines) + "\n"


_REP_LINES = [
    "So tell me how {process} works today at {site}?",
    "What happens when a new {role} starts on a {day}?",
    "How many {role}s do you bring on each {period}?",
    "What does that cost you each {period}, roughly?",
    "Who else is involved when you decide on a tool like this?",
    "If you could fix one thing about {process} by {month}, what would it be?",
    "How do you measure {process} today, is it {metric}?",
    "Got it, and how long has that been the case?",
    "What have you tried so far, {tool}?",
    "When you say {number} weeks, is that for every {role} or only at {site}?",
    "Walk me through the last time that went wrong.",
    "Who signs off on budget for something like this, is it the {title}?",
    "What would it mean for the team if {process} took {small} days instead?",
    "Makes sense. We see the same thing with other {industry} teams.",
    "How are you handling it with {tool} at the moment?",
    "What is driving the timing, the {month} rollout?",
    "Could we set up a call with the {title} next {day} to go through the numbers?",
    "I can send over a short summary and the {metric} figures after this call.",
]
_BUYER_LINES = [
    "Right now {process} takes about {number} weeks and our supervisors spend hours on it every {day}.",
    "Honestly the bigger problem is turnover, we lose {role}s before they are productive.",
    "We use {tool} for some of it, but most of it is spreadsheets at {site}.",
    "The {title} wants {metric} down by {percent} percent before {month}.",
    "We bring on maybe {number} {role}s a {period}, more in the busy season.",
    "Last {period} we had a {role} at {site} make a mistake that cost us about {money} dollars.",
    "I am not sure we have budget for this until {month}, to be honest.",
    "We looked at {tool} last year but it did not fit how {site} works.",
    "The {title} signs off on anything over {money} dollars.",
    "If it took {small} days we could staff the new line without hiring.",
    "Our IT team will want to see how it connects to {tool}.",
    "mm-hmm",
    "yeah",
    "That would help, {title} has been asking about {metric} every {period}.",
    "We are rolling out the new {process} process at {site} in {month}.",
    "Sure, next {day} works, I will bring the {title}.",
]
_SLOTS = {
    "process": ["onboarding", "shift handover", "training", "quality checks", "line changeover", "certification"],
    "site": ["the Dayton plant", "Monterrey", "the Lyon site", "our Ohio warehouse", "the new facility"],
    "role": ["operator", "technician", "line lead", "inspector", "forklift driver"],
    "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "period": ["month", "quarter", "week", "year"],
    "month": ["March", "April", "May", "June", "September"],
    "metric": ["time to productivity", "scrap rate", "first-pass yield", "overtime hours", "ramp time"],
    "tool": ["SAP", "Workday", "a homegrown LMS", "Cornerstone", "paper checklists"],
    "title": ["VP Operations", "CFO", "plant manager", "HR director", "COO"],
    "industry": ["manufacturing", "logistics", "automotive", "food processing"],
    "number": ["four", "five", "six", "eight", "ten", "twelve"],
    "small": ["three", "five", "ten"],
    "percent": ["20", "25", "30", "40"],
    "money": ["40,000", "75,000", "120,000", "250,000"],
}
_SLOT = re.compile(r"\{(\w+)\}")


def transcript(words: int, seed: int = 7) -> str:
    """A two-speaker discovery call of about `words` words in `Name: text` lines, each line filled from templates
    with random facts, so lines rarely repeat (as in a real call; backchannels do)."""
    rng = random.Random(seed)
    lines, count, turn = [], 0, 0
    while count < words:
        speaker, pool = ("Alex", _REP_LINES) if turn % 2 == 0 else ("Dana", _BUYER_LINES)
        text = _SLOT.sub(lambda m: rng.choice(_SLOTS[m.group(1)]), rng.choice(pool))
        lines.append(f"{speaker}: {text}")
        count += len(text.split())
        turn += 1
    return "\n".join(lines)


def deals(count: int, seed: int = 11) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    stages = ["prospecting", "discovery", "evaluation", "proposal", "negotiation", "closed_won", "closed_lost"]
    start = date(2026, 6, 1)
    out = []
    for i in range(count):
        created = start + timedelta(days=rng.randrange(0, 150))
        entered = created + timedelta(days=rng.randrange(0, 20))
        out.append(
            {
                "id": f"D{i}",
                "company": f"Company {i}",
                "value": rng.randrange(5_000, 250_000),
                "stage": rng.choice(stages),
                "created": created.isoformat(),
                "stage_entered": entered.isoformat(),
                "close_date": (date(2026, 10, 1) + timedelta(days=rng.randrange(0, 120))).isoformat(),
                "last_activity": (date(2026, 11, 23) - timedelta(days=rng.randrange(0, 30))).isoformat(),
                "next_step": "Call" if rng.random() > 0.2 else None,
                "verbal_agreement": rng.random() > 0.8,
                "contacts": [{"name": "A", "role": "champion", "engaged": rng.random() > 0.3}],
            }
        )
    return out


def accounts(count: int, seed: int = 5) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        {
            "name": f"Account {i}",
            "industry": rng.choice(["SaaS", "Fintech", "Healthcare", "Retail"]),
            "employees": rng.randrange(10, 5000),
            "pain_signals": ["hiring ops managers"] if rng.random() > 0.5 else [],
            "buying_power": rng.randrange(1, 6),
            "buying_habits": rng.randrange(1, 6),
            "sales_cost": rng.randrange(1, 6),
            "acquisition": rng.randrange(1, 6),
            "competitiveness": rng.randrange(1, 6),
            "cycle": rng.randrange(1, 6),
        }
        for i in range(count)
    ]


# The store-backed tools read and write the bench's own data dir. `SETUP` runs once before any timing and stores
# a rep's pipeline: the deal `log_activity` logs to and 25 others across the stages (bench/run.py times the tools
# that only read before the ones that write, so every reader sees these 26 deals).
SETUP: list[tuple[str, dict[str, Any]]] = [("save_deal", {"deal": {**DEAL, "id": BENCH_DEAL_ID}, "as_of": AS_OF})] + [
    ("save_deal", {"deal": {**deal, "id": f"bench-{deal['id']}"}, "as_of": AS_OF}) for deal in deals(25, seed=3)
]
REALISTIC.update(
    {
        "coach_call": {"transcript": transcript(1_500), "rep_names": ["Alex"]},
        "score_accounts": {"accounts": accounts(25)},
        "save_deal": {"deal": DEAL, "as_of": AS_OF},
        "list_deals": {},
        "log_activity": {"deal_id": BENCH_DEAL_ID, "kind": "call", "summary": "Walked Dana through the ERP connector."},
        "import_deals": {"csv": _csv(50), "dry_run": True},
        "review_pipeline": {"quota": 500_000, "as_of": AS_OF},
        "forecast": {"quota": 500_000, "as_of": AS_OF, "period_start": "2026-10-01", "period_end": "2026-12-31"},
        "analyze_win_loss": {"deals": _closed_deals(30)},
    }
)

HEAVY: dict[str, tuple[str, dict[str, Any]]] = {
    "coach_call 15,000 words": ("coach_call", {"transcript": transcript(15_000), "rep_names": ["Alex"]}),
    "review_pipeline 10,000 deals": ("review_pipeline", {"deals": deals(10_000), "quota": 2_000_000, "as_of": AS_OF}),
    "forecast 10,000 deals": (
        "forecast",
        {
            "deals": deals(10_000),
            "quota": 2_000_000,
            "as_of": AS_OF,
            "period_start": "2026-10-01",
            "period_end": "2026-12-31",
        },
    ),
    "score_accounts 1,000 accounts": ("score_accounts", {"accounts": accounts(1_000)}),
}
