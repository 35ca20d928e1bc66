"""Discovery-call preparation (playbook: discovery call structure and golden rule, question bank, research before
outreach; SPIN; MEDDPICC gap questions; ICP buyer personas).

The agenda is the 30-minute structure scaled to the call's length. Questions come from the playbook's bank (or
SPIN's samples), their `{placeholders}` filled with the known facts, led by questions written from the facts
themselves (trigger events, tools, current solution, pains) and the persona's concerns. With a deal, the gaps are
its MEDDPICC elements below 3, weakest first (a given score counts; an omitted element is 1, unknown).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache

from .. import knowledge
from ..schemas.common import Locale
from ..schemas.discovery import (
    AgendaItem,
    DiscoveryInput,
    DiscoveryPrep,
    Gap,
    KnownFacts,
    PersonaFocus,
    Questions,
    ResearchItemOut,
    TalkBudget,
)
from ..schemas.knowledge.discovery import (
    QUESTION_CATEGORIES,
    DemoFramework,
    DiscoveryCallPlan,
    DiscoveryQuestionBank,
    QuestionCategory,
    SpinMethod,
)
from ..schemas.knowledge.prospecting import IcpTemplate
from ..schemas.knowledge.qualification import MEDDPICC_ORDER, MeddpiccRubric
from ..schemas.knowledge.strategy import BuyingInfluences
from .formatting import number

MAX_FACT_QUESTIONS = 3
"""At most this many questions are written from one kind of known fact."""

_TEXT = {
    "trigger": {
        "en": "I saw {fact}. What has that changed in the way {process} runs at {company}?",
        "zh": "我看到{fact}。这给{company}的{process}带来了哪些变化？",
    },
    "tools": {
        "en": "How do {fact} fit into {process} today, and where do people work around them?",
        "zh": "{fact}目前在{process}中是怎么配合使用的？大家在哪些地方不得不绕开它们？",
    },
    "current": {
        "en": "What does {fact} not do well enough for you today?",
        "zh": "目前的{fact}在哪些方面还做得不够好？",
    },
    "pain": {
        "en": "You have {fact} on your plate: where does it show up most, and when did it last hurt?",
        "zh": "关于{fact}：它在哪些环节最突出？最近一次造成麻烦是什么时候？",
    },
    "persona": {
        "en": "If this were solved, what would it mean for {concern}?",
        "zh": "如果这个问题解决了，对{concern}意味着什么？",
    },
    "talk": {
        "en": "Talk at most {share}% of the {minutes}-minute call (about {rep} minutes). {why}",
        "zh": "在 {minutes} 分钟的通话中，你的讲话时间不超过 {share}%（约 {rep} 分钟）；{why}",
    },
    "next_step": {
        "en": "Propose a {minutes}-minute demo built on the pains they named; fix its date before hanging up. {rule}",
        "zh": "提议一场 {minutes} 分钟、围绕对方所说痛点展开的演示，并在挂断前定下日期。{rule}",
    },
    "unknown_gap": {
        "en": "Not scored yet: {meaning}",
        "zh": "尚未评分：{meaning}",
    },
    "partial_gap": {
        "en": "Partly confirmed: {meaning}",
        "zh": "部分确认：{meaning}",
    },
}


class _Defaults(dict[str, str]):
    """format_map values: a field with no value falls back to the file's default wording."""

    def __init__(self, values: Mapping[str, str], defaults: Mapping[str, str]) -> None:
        super().__init__(defaults)
        self.update({k: v for k, v in values.items() if v})

    def __missing__(self, key: str) -> str:
        return key


def _values(inp: DiscoveryInput, known: KnownFacts) -> dict[str, str]:
    tool = known.current_solution or (", ".join(known.tech_stack[:2]) if known.tech_stack else "")
    return {
        "process": inp.process or "",
        "problem": known.pains[0] if known.pains else "",
        "metric": inp.metric or "",
        "tool": tool,
    }


def _fact_questions(inp: DiscoveryInput, known: KnownFacts, process: str, locale: Locale) -> dict[str, list[str]]:
    text = {key: value[locale] for key, value in _TEXT.items()}
    sep = "、" if locale == "zh" else ", "
    out: dict[str, list[str]] = {c: [] for c in QUESTION_CATEGORIES}
    for event in known.trigger_events[:MAX_FACT_QUESTIONS]:
        out["situation"].append(text["trigger"].format(fact=event, process=process, company=inp.company))
    if known.tech_stack:
        out["situation"].append(text["tools"].format(fact=sep.join(known.tech_stack[:4]), process=process))
    if known.current_solution:
        out["pain"].append(text["current"].format(fact=known.current_solution))
    for pain in known.pains[:MAX_FACT_QUESTIONS]:
        out["pain"].append(text["pain"].format(fact=pain))
    template = knowledge.get("icp_template", IcpTemplate)
    persona = template.persona(inp.persona)
    concern = persona.cares_about.get(locale)[0]
    out["need_payoff"].append(text["persona"].format(concern=concern))
    return out


def _bank_questions(inp: DiscoveryInput, values: Mapping[str, str], locale: Locale) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {c: [] for c in QUESTION_CATEGORIES}
    if inp.methodology == "spin":
        spin = knowledge.get("spin", SpinMethod)
        fill = _Defaults(values, {p.code: p.default.get(locale) for p in spin.placeholders})
        for stage in spin.stages:
            for category in stage.playbook_categories:
                out[category] += [q.get(locale).format_map(fill) for q in stage.sample_questions]
        bank = knowledge.get("discovery_questions", DiscoveryQuestionBank)
        bank_fill = _Defaults(values, bank.defaults(locale))
        for category in spin.process_bucket.playbook_categories:
            out[category] += [q.text.get(locale).format_map(bank_fill) for q in bank.by_category(category)]
        return out
    bank = knowledge.get("discovery_questions", DiscoveryQuestionBank)
    fill = _Defaults(values, bank.defaults(locale))
    for category, questions in _bank_texts(locale).items():
        out[category] = [question.format_map(fill) for question in questions]
    return out


@cache
def _bank_texts(locale: Locale) -> dict[QuestionCategory, list[str]]:
    """The bank's questions by category, in one language (looked up once per process and locale)."""
    bank = knowledge.get("discovery_questions", DiscoveryQuestionBank)
    return {category: [q.text.get(locale) for q in bank.by_category(category)] for category in QUESTION_CATEGORIES}


@cache
def _askable() -> frozenset[str]:
    """The MEDDPICC elements the bank has discovery questions for (the ones a discovery call can close)."""
    bank = knowledge.get("discovery_questions", DiscoveryQuestionBank)
    return frozenset(key for key in MEDDPICC_ORDER if bank.for_element(key))


def _gaps(inp: DiscoveryInput, known: KnownFacts, locale: Locale) -> list[Gap]:
    rubric = knowledge.get("meddpicc", MeddpiccRubric)
    scores: dict[str, int] = {}
    for key in MEDDPICC_ORDER:
        given = inp.deal.meddpicc.get(key) if inp.deal is not None else None
        if given is not None and given.score is not None:
            scores[key] = given.score
        elif inp.deal is None and key == "identified_pain" and known.pains:
            scores[key] = 2
        else:
            scores[key] = 1
    keys = [k for k in MEDDPICC_ORDER if scores[k] < 3]
    if inp.deal is None:  # before a deal: only the elements a discovery call can close
        keys = [k for k in keys if k in _askable()]
    keys.sort(key=lambda k: (scores[k], MEDDPICC_ORDER.index(k)))
    gaps = []
    for key in keys:
        element = rubric.element(key)
        level = element.level(scores[key])
        why = _TEXT["unknown_gap" if scores[key] == 1 else "partial_gap"][locale].format(
            meaning=element.meaning.get(locale)
        )
        gaps.append(
            Gap(
                element=key,
                label=element.label.get(locale),
                score=scores[key],
                status=level.status,
                question=element.gap_questions[0].get(locale),
                why=why,
            )
        )
    return gaps


def _research(known: KnownFacts, locale: Locale) -> list[ResearchItemOut]:
    """The research checklist; a known fact list fills the first item that points at it, the rest stay to collect."""
    plan = knowledge.get("discovery_call", DiscoveryCallPlan)
    given: dict[str, list[str]] = {
        "trigger_events": list(known.trigger_events),
        "tech_stack": list(known.tech_stack),
        "pains": list(known.pains),
        "current_solution": [known.current_solution] if known.current_solution else [],
    }
    used: set[str] = set()
    items = []
    for item in plan.research_checklist:
        facts: list[str] = []
        if item.known_field is not None and item.known_field not in used:
            facts = given[item.known_field]
            used.add(item.known_field)
        items.append(
            ResearchItemOut(
                code=item.code,
                label=item.label.get(locale),
                look_for=item.look_for.get(locale),
                status="known" if facts else "to_collect",
                known=facts,
            )
        )
    return items


def _given_facts(known: KnownFacts | None) -> KnownFacts:
    """The known facts without blank entries (an empty string is no fact to ask about or to count as known)."""
    if known is None:
        return KnownFacts()
    return KnownFacts(
        pains=[fact for fact in known.pains if fact.strip()],
        trigger_events=[fact for fact in known.trigger_events if fact.strip()],
        tech_stack=[fact for fact in known.tech_stack if fact.strip()],
        current_solution=known.current_solution if known.current_solution and known.current_solution.strip() else None,
    )


def prep_discovery(inp: DiscoveryInput, locale: Locale) -> DiscoveryPrep:
    plan = knowledge.get("discovery_call", DiscoveryCallPlan)
    bank = knowledge.get("discovery_questions", DiscoveryQuestionBank)
    known = _given_facts(inp.known)
    minutes = plan.scaled_minutes(inp.minutes)
    agenda = [
        AgendaItem(phase=p.code, label=p.label.get(locale), minutes=minutes[p.code], goal=p.goal.get(locale))
        for p in plan.phases
    ]
    values = _values(inp, known)
    process = values["process"] or bank.defaults(locale)["process"]
    lead = _fact_questions(inp, known, process, locale)
    banked = _bank_questions(inp, values, locale)
    questions: dict[QuestionCategory, list[str]] = {c: lead[c] + banked[c] for c in QUESTION_CATEGORIES}

    share = plan.golden_rule.max_rep_talk_share
    rep = math.floor(inp.minutes * share * 10) / 10
    template = knowledge.get("icp_template", IcpTemplate)
    persona = template.persona(inp.persona)
    influence = knowledge.get("buying_influences", BuyingInfluences).influence_for_role(inp.persona)
    demo = knowledge.get("demo", DemoFramework)
    used = [*known.trigger_events, *known.tech_stack, *known.pains]
    if known.current_solution:
        used.append(known.current_solution)
    used += [v for v in (inp.process, inp.metric) if v]
    return DiscoveryPrep(
        locale=locale,
        company=inp.company,
        methodology=inp.methodology,
        agenda=agenda,
        questions=Questions(**questions),
        research_checklist=_research(known, locale),
        gaps_to_close=_gaps(inp, known, locale),
        talk_budget=TalkBudget(
            max_rep_share=share,
            rep_minutes=rep,
            prospect_minutes=round(inp.minutes - rep, 1),
            rule=_TEXT["talk"][locale].format(
                share=number(share * 100), minutes=inp.minutes, rep=number(rep), why=plan.golden_rule.why.get(locale)
            ),
        ),
        persona=PersonaFocus(
            label=persona.label.get(locale),
            cares_about=persona.cares_about.get(locale),
            speaks_in=persona.speaks_in.get(locale),
            influence=influence.abbreviation if influence else None,
            how_to_engage=[item.get(locale) for item in influence.how_to_engage] if influence else [],
        ),
        personalised_with=used,
        next_step_offer=_TEXT["next_step"][locale].format(minutes=demo.total_minutes, rule=demo.principle.get(locale)),
    )


def discovery_markdown(result: DiscoveryPrep) -> str:
    zh = result.locale == "zh"
    rows = [f"## {'需求挖掘准备' if zh else 'Discovery prep'}: {result.company}", ""]
    rows += [f"- {item.minutes} {'分钟' if zh else 'min'} · {item.label}: {item.goal}" for item in result.agenda]
    labels = {
        c.code: c.label.get(result.locale)
        for c in knowledge.get("discovery_questions", DiscoveryQuestionBank).categories
    }
    for category in QUESTION_CATEGORIES:
        items = getattr(result.questions, category)
        rows.append(f"\n**{labels[category]}**")
        rows += [f"- {q}" for q in items[:5]]
    if result.gaps_to_close:
        rows.append(f"\n**{'待补缺口' if zh else 'Gaps to close'}**")
        rows += [f"- {g.label} ({g.score}/3): {g.question}" for g in result.gaps_to_close]
    rows.append(f"\n{result.talk_budget.rule}")
    rows.append(result.next_step_offer)
    return "\n".join(rows)
