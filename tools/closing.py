"""Closing a deal: is the buyer ready, how to ask, what to do about a discount, what remains to be done.

Implements the playbook's closing section from knowledge/ (buying_signals, closing_techniques, discount_policy,
negotiation_rules, urgency_tactics, mutual_action_plan, stall_checklist):

- buying signals: the verbal and behavioural cues of `buying_signals` found in the deal's notes and the logged
  activities (a negated mention, "they never asked about price", does not count);
- readiness: `ready` with three or more different signals, the economic buyer at least identified and no
  high-severity red flag; `almost` with at least one signal; `not_ready` with none;
- technique: the closing-technique facts are checked on the deal (MEDDPICC scores as `qualify_deal` computes
  them, inputs, signals) and the applicable technique with the lowest priority wins; its script is filled from
  the inputs, else the playbook's neutral wording;
- discount: the decision tree walked with `has_budget` / `strategic` / `competitive` (unknown answers take the
  tree's `if_unknown` branch), never above the policy's 20% cap and never above what was asked;
- urgency: only the levers whose facts the inputs establish (a price deadline or regulation already past does
  not count);
- stall checklist: the eight checks answered from contacts, scores, red flags, inputs and note cues.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

from ..knowledge import get
from ..schemas.closing import (
    ClosePlanInput,
    ClosePlanResult,
    DiscountAdvice,
    NegotiationRuleOut,
    Readiness,
    SignalSeen,
    StallCheckOut,
    UrgencyOption,
)
from ..schemas.common import Locale
from ..schemas.deal import Deal, RedFlag
from ..schemas.knowledge.base import Terms, placeholder_set
from ..schemas.knowledge.closing import (
    BuyingSignal,
    BuyingSignals,
    ClosingTechniques,
    DiscountPolicy,
    FalseSignal,
    NegotiationRules,
    UrgencyTactics,
)
from ..schemas.knowledge.discovery import MutualActionPlanTemplate
from ..schemas.knowledge.objections import PlaceholderSpec, Template
from ..schemas.knowledge.pipeline import MultithreadingRules, StallCheck, StallChecklist
from ..schemas.knowledge.qualification import MeddpiccRubric
from ..schemas.qualify import QualifyResult
from .errors import PlaybookInputError
from .evidence import CueSet, Passage, cue_set, find_cues, terms
from .formatting import listing, money, number, sentences
from .mutual_action_plan import build_plan
from .qualify import qualify

STRONG_SIGNALS = 3

_T = {
    "en": {
        "ready": "{n} different buying signals, the economic buyer is known and no high-severity red flag: ask for "
        "the close.",
        "signals_some": "{n} buying signal(s) seen: probe and move to the next concrete step.",
        "signals_none": "No buying signal in the notes or activities yet: keep qualifying before you ask.",
        "eb_missing": "The economic buyer is not identified yet (MEDDPICC economic buyer below 2).",
        "high_flag": "High-severity red flag: {codes}.",
        "technique": "{when} Deal facts that hold: {facts}.",
        "technique_default": "No technique's conditions are fully met ({facts}); the default is to propose the "
        "next concrete step.",
        "none": "none",
        "not_requested": "No discount was requested: do not offer one; keep the conversation on value.",
        "above_cap": "The {requested}% asked for is above the {cap}% cap: never go beyond {cap}%, and only in "
        "exchange for something.",
        "not_signal": "Not a buying signal — {label}: {why} (“{quote}”)",
        "stalled_yes": "The deal has stalled ({why}): work through the checklist.",
        "stall_activity": "{days} days since the last activity",
        "stall_stage": "{days} days in the stage",
        "engaged": "{engaged} engaged contact(s); this deal size needs {minimum}",
        "input": "input {name} = {value}",
        "score": "MEDDPICC {element} = {score}",
        "flag": "red flag {code}",
        "contact": "engaged {role}: {name}",
        "competitors": "competitors: {names}",
        "blocker": "engaged blocker: {name}",
        "champion_quiet": "champion {name} last contacted {days} days ago",
    },
    "zh": {
        "ready": "已出现 {n} 种不同的购买信号，经济决策者已明确，且没有高严重度风险信号：可以提出成交。",
        "signals_some": "已出现 {n} 个购买信号：继续探询，并推进到下一个具体步骤。",
        "signals_none": "备注和活动记录中还没有购买信号：先继续做资格评估，再提成交。",
        "eb_missing": "经济决策者尚未明确（MEDDPICC 经济决策者低于 2 分）。",
        "high_flag": "存在高严重度风险信号：{codes}。",
        "technique": "{when}已满足的条件：{facts}。",
        "technique_default": "没有哪种成交技巧的条件全部满足（{facts}）；默认做法是提出下一个具体步骤。",
        "none": "无",
        "not_requested": "客户没有要求折扣：不要主动给折扣，把对话保持在价值上。",
        "above_cap": "客户要求的 {requested}% 超过了 {cap}% 的上限：折扣绝不超过 {cap}%，且必须换取对等条件。",
        "not_signal": "这不是购买信号——{label}：{why}（“{quote}”）",
        "stalled_yes": "这笔交易已停滞（{why}）：请逐项检查。",
        "stall_activity": "距上次活动已 {days} 天",
        "stall_stage": "在当前阶段已 {days} 天",
        "engaged": "积极参与的联系人 {engaged} 位；此规模至少需要 {minimum} 位",
        "input": "输入 {name} = {value}",
        "score": "MEDDPICC {element} = {score}",
        "flag": "风险信号 {code}",
        "contact": "已参与的 {role}：{name}",
        "competitors": "竞争对手：{names}",
        "blocker": "已参与的阻碍者：{name}",
        "champion_quiet": "内部推动者 {name} 上次联系是 {days} 天前",
    },
}


# ----------------------------------------------------------------------------------------- templates


@cache
def _placeholders(template: str) -> tuple[str, ...]:
    """A knowledge template's placeholder names, sorted (en and zh use the same ones)."""
    return tuple(sorted(placeholder_set(template)))


def fill(
    template: Template, specs: list[PlaceholderSpec], given: Mapping[str, str], locale: Locale
) -> tuple[str, list[str]]:
    """Fill a script: given values first, then constants and the playbook's neutral defaults.

    A placeholder with neither stays as `[its meaning]` and is listed in the second element.
    """
    by_name = {spec.name: spec for spec in specs}
    values: dict[str, str] = {}
    left: list[str] = []
    for name in _placeholders(template.en):
        spec = by_name[name]
        if given.get(name):
            values[name] = given[name]
        elif spec.value is not None:
            values[name] = number(spec.value)
        elif spec.default is not None:
            values[name] = spec.default.get(locale)
        else:
            values[name] = f"[{spec.meaning.get(locale)}]"
            left.append(name)
    return template.get(locale).format_map(values), left


# ----------------------------------------------------------------------------------------- buying signals


TextSource = Literal["notes", "activity"]


@dataclass(frozen=True)
class _Cues:
    """The cue lists close_plan looks for in notes and activities, prepared once from the knowledge."""

    negations: tuple[str, ...]
    signals: tuple[tuple[BuyingSignal, CueSet], ...]
    not_signals: tuple[tuple[FalseSignal, CueSet], ...]
    stall_checks: tuple[tuple[StallCheck, CueSet | None, CueSet | None], ...]
    """In checklist order, each with its pass and fail cues."""


@cache
def _cues() -> _Cues:
    signals = get("buying_signals", BuyingSignals)

    def prepared(cues: Terms | None) -> CueSet | None:
        return None if cues is None else cue_set(terms(cues))

    return _Cues(
        negations=terms(get("meddpicc", MeddpiccRubric).negation_cues),
        signals=tuple((signal, cue_set(terms(signal.cues))) for signal in signals.signals),
        not_signals=tuple((false, cue_set(terms(false.cues))) for false in signals.not_signals),
        stall_checks=tuple(
            (check, prepared(check.pass_cues), prepared(check.fail_cues))
            for check in sorted(get("stall_checklist", StallChecklist).checks, key=lambda c: c.order)
        ),
    )


def _texts(deal: Deal, inp: ClosePlanInput) -> list[tuple[TextSource, Passage]]:
    """The deal's notes and the logged activities, each cut once for all the cue look-ups."""
    texts: list[tuple[TextSource, Passage]] = [("notes", Passage(deal.notes))]
    texts.extend(("activity", Passage(activity.summary)) for activity in inp.activities)
    return texts


def buying_signals_seen(texts: list[tuple[TextSource, Passage]], locale: Locale) -> tuple[list[SignalSeen], list[str]]:
    """Signals found in notes and activities (one per signal, first occurrence), and not-signals as warnings."""
    cues = _cues()
    seen: list[SignalSeen] = []
    for signal, signal_cues in cues.signals:
        for source, text in texts:
            if source == "activity" and not ({"notes", "activity"} & set(signal.detect_from)):
                continue
            hits = find_cues(text, signal_cues, cues.negations, statements_only=False, whole_sentences=True)
            if hits:
                seen.append(
                    SignalSeen(
                        code=signal.code,
                        kind=signal.kind,
                        label=signal.label.get(locale),
                        quote=hits[0][1],
                        source=source,
                        what_to_do=signal.what_to_do.get(locale),
                    )
                )
                break
    warnings: list[str] = []
    for false, false_cues in cues.not_signals:
        for _source, text in texts:
            hits = find_cues(text, false_cues, cues.negations, statements_only=False, whole_sentences=True)
            if hits:
                warnings.append(
                    _T[locale]["not_signal"].format(
                        label=false.label.get(locale), why=false.why.get(locale), quote=hits[0][1]
                    )
                )
                break
    return seen, warnings


# ----------------------------------------------------------------------------------------- technique


def closing_facts(inp: ClosePlanInput, scores: Mapping[str, int], signals: int) -> set[str]:
    """The closing-technique facts that hold for the deal (knowledge/closing_techniques.yaml `facts`)."""
    book = get("closing_techniques", ClosingTechniques)
    true: set[str] = set()
    for fact in book.facts:
        ok = True
        if fact.meddpicc_element is not None and fact.min_score is not None:
            ok = scores.get(fact.meddpicc_element, 1) >= fact.min_score
        if ok and fact.fields_all:
            ok = all(_present(_field(inp, name)) for name in fact.fields_all)
        if ok and fact.min_buying_signals is not None:
            ok = signals >= fact.min_buying_signals
        if ok and fact.max_buying_signals is not None:
            ok = signals <= fact.max_buying_signals
        if ok:
            true.add(fact.code)
    return true


def _present(value: object) -> bool:
    """A fact is given: not None, False, an empty text or list, nor a zero amount (a cost of 0 is no cost)."""
    if value is None or value is False:
        return False
    return not (isinstance(value, str | list | int | float) and not value)


_INPUTS = frozenset(ClosePlanInput.model_fields) - {"deal"}
_DEAL_FIELDS = frozenset(Deal.model_fields)


def _field(inp: ClosePlanInput, name: str) -> object:
    """A close_plan input, else a deal field, by name (what the knowledge's `fields_all` / `inputs` refer to);
    None for an unknown name or a blank next step."""
    if name in _INPUTS:
        value = getattr(inp, name)
    elif name in _DEAL_FIELDS:
        value = getattr(inp.deal, name)
    else:
        return None
    if name == "next_step" and isinstance(value, str) and not value.strip():
        return None
    return value


def _script_values(inp: ClosePlanInput, locale: Locale) -> dict[str, str]:
    deal = inp.deal
    values: dict[str, str] = {}
    if inp.problem:
        values["problem"] = inp.problem
    if inp.cost_of_inaction_per_month:
        values["monthly_cost"] = money(inp.cost_of_inaction_per_month, deal.currency)
        values["cost_of_inaction_per_month"] = values["monthly_cost"]
        factor = get("urgency_tactics", UrgencyTactics).quarter_multiplier
        values["cost_by_next_quarter"] = money(inp.cost_of_inaction_per_month * factor, deal.currency)
    if inp.target_go_live:
        values["date"] = inp.target_go_live.isoformat()
    if inp.reason:
        values["reason"] = inp.reason
    if inp.product:
        values["product"] = inp.product
    if inp.top_criteria:
        values["top_criteria"] = ("、" if locale == "zh" else ", ").join(inp.top_criteria[:3])
    if deal.next_step and deal.next_step.strip():
        values["next_action"] = deal.next_step + (
            f" ({deal.next_step_date.isoformat()})" if deal.next_step_date else ""
        )
    if inp.onboarding_slots is not None:
        values["onboarding_slots"] = str(inp.onboarding_slots)
        values["slots_left"] = str(inp.onboarding_slots)
    if inp.next_slot_date:
        values["next_slot_date"] = inp.next_slot_date.isoformat()
    if inp.price_change_date and inp.price_change_date > date.min:
        values["price_valid_until"] = (inp.price_change_date - timedelta(days=1)).isoformat()
    if inp.competitor_signed:
        values["rival_company"] = inp.competitor_signed
    if inp.regulation:
        values["regulation"] = inp.regulation
    if inp.regulatory_deadline:
        values["effective_date"] = inp.regulatory_deadline.isoformat()
    if inp.prep_weeks:
        values["prep_weeks"] = str(inp.prep_weeks)
    return values


# ----------------------------------------------------------------------------------------- discount


def discount_advice(
    inp: ClosePlanInput, facts: set[str], values: Mapping[str, str], locale: Locale
) -> tuple[DiscountAdvice, list[str]]:
    """Walk the discount tree (or say no discount was asked for); returns the advice and warnings."""
    policy = get("discount_policy", DiscountPolicy)
    t = _T[locale]
    if inp.discount_requested_pct is None:
        return (
            DiscountAdvice(
                requested_pct=None,
                decision="hold_firm",
                max_pct=0,
                trade_for=[],
                value_adds=[],
                path=[],
                advice=t["not_requested"],
                script="",
            ),
            [],
        )
    answers = {"has_budget": inp.has_budget, "strategic": inp.strategic, "competitive": inp.competitive}
    outcome, path = policy.walk(answers)
    decision = outcome.decision
    if outcome.alternative is not None and outcome.alternative_when in facts:
        decision = outcome.alternative
    requested = inp.discount_requested_pct
    max_pct = min(outcome.max_pct, policy.max_discount_pct, requested) if decision == "trade" else 0.0
    trades = list(policy.trades)
    if inp.competitive:  # in a competitive deal, trade for commitment first (strategic_trade advice)
        commitment = ("annual_commitment", "longer_term", "faster_signature")
        trades.sort(key=lambda c: (c.code not in commitment, commitment.index(c.code) if c.code in commitment else 0))
    script, _left = fill(outcome.script, list(policy.placeholders), values, locale)
    warnings: list[str] = []
    advice = outcome.advice.get(locale)
    if requested > policy.max_discount_pct:
        cap_note = t["above_cap"].format(requested=number(requested), cap=number(policy.max_discount_pct))
        advice = sentences((advice, cap_note), locale)
        warnings.append(cap_note)
    return (
        DiscountAdvice(
            requested_pct=requested,
            decision=decision,
            max_pct=max_pct,
            trade_for=[c.label.get(locale) for c in trades] if outcome.offer_trades else [],
            value_adds=[c.label.get(locale) for c in policy.value_adds] if outcome.offer_value_adds else [],
            path=path,
            advice=advice,
            script=script,
        ),
        warnings,
    )


# ----------------------------------------------------------------------------------------- negotiation


def negotiation_rules(values: Mapping[str, str], locale: Locale) -> list[NegotiationRuleOut]:
    """The seven rules, each with the first example whose placeholders are known (None when none is)."""
    book = get("negotiation_rules", NegotiationRules)
    specs = {spec.name: spec for spec in book.placeholders}
    out: list[NegotiationRuleOut] = []
    for rule in book.rules:
        example = None
        for candidate in rule.examples:
            if all(values.get(name) or specs[name].default is not None for name in _placeholders(candidate.en)):
                example, _ = fill(candidate, list(book.placeholders), values, locale)
                break
        out.append(
            NegotiationRuleOut(
                code=rule.code,
                title=rule.title.get(locale),
                explanation=rule.explanation.get(locale),
                example=example,
            )
        )
    return out


# ----------------------------------------------------------------------------------------- urgency


def urgency_facts(inp: ClosePlanInput, as_of: date) -> set[str]:
    """The urgency facts the inputs establish; a dated fact already past does not count."""
    book = get("urgency_tactics", UrgencyTactics)

    def value(name: str) -> object:
        found = _field(inp, name)
        if name in ("price_change_date", "regulatory_deadline") and isinstance(found, date) and found < as_of:
            return None
        return found

    true: set[str] = set()
    for fact in book.facts:
        present = all(_present(value(name)) for name in fact.inputs)
        absent = all(not _present(value(name)) for name in fact.inputs)
        if (fact.negated and absent) or (not fact.negated and present):
            true.add(fact.code)
    return true


def urgency_options(inp: ClosePlanInput, as_of: date, values: Mapping[str, str], locale: Locale) -> list[UrgencyOption]:
    book = get("urgency_tactics", UrgencyTactics)
    options: list[UrgencyOption] = []
    for lever in book.usable(urgency_facts(inp, as_of)):
        script, left = fill(lever.script, list(book.placeholders), values, locale)
        options.append(
            UrgencyOption(
                code=lever.code,
                name=lever.name.get(locale),
                script=script,
                caution=lever.caution.get(locale),
                placeholders_left=left,
            )
        )
    return options


# ----------------------------------------------------------------------------------------- stall checklist


def _cue_hits(cues: CueSet | None, texts: list[Passage], negations: tuple[str, ...]) -> list[str]:
    if cues is None:
        return []
    return [clause for text in texts for _phrase, clause in find_cues(text, cues, negations)]


def stall_checklist(
    inp: ClosePlanInput, texts: list[Passage], q: QualifyResult, flags: list[RedFlag], as_of: date, locale: Locale
) -> list[StallCheckOut]:
    """The eight checks, each pass or fail with the evidence used and the action when it fails; `texts` are the
    notes and activities."""
    deal = inp.deal
    t = _T[locale]
    cues = _cues()
    scores = {e.key: e.score for e in q.elements}
    flag_codes = {f.code for f in flags}
    engaged = deal.engaged_contacts()
    champions = [c for c in engaged if c.role == "champion"]
    out: list[StallCheckOut] = []
    for check, pass_cues, fail_cues in cues.stall_checks:
        passes = _cue_hits(pass_cues, texts, cues.negations)
        fails = _cue_hits(fail_cues, texts, cues.negations)
        evidence: list[str] = []
        ok: bool
        if check.code == "champion":
            evidence += [t["contact"].format(role="champion", name=c.name) for c in champions]
            evidence += fails or passes
            ok = not fails and (bool(champions) or scores["champion"] >= 2 or bool(passes))
            if not champions and scores["champion"] >= 2:
                evidence.append(t["score"].format(element="champion", score=scores["champion"]))
        elif check.code == "economic_buyer_access":
            buyers = [c for c in engaged if c.role == "economic_buyer"]
            evidence += [t["contact"].format(role="economic_buyer", name=c.name) for c in buyers]
            evidence += fails or passes
            given_full = any(e.key == "economic_buyer" and e.source == "given" and e.score == 3 for e in q.elements)
            if given_full:
                evidence.append(t["score"].format(element="economic_buyer", score=3))
            ok = not fails and (bool(buyers) or given_full or bool(passes))
        elif check.code == "compelling_event":
            bad = sorted(flag_codes & {"close_date_pushed", "close_date_passed"})
            evidence += [t["flag"].format(code=code) for code in bad]
            if inp.target_go_live:
                evidence.append(t["input"].format(name="target_go_live", value=inp.target_go_live.isoformat()))
            if inp.regulatory_deadline:
                evidence.append(
                    t["input"].format(name="regulatory_deadline", value=inp.regulatory_deadline.isoformat())
                )
            evidence += fails or passes
            ok = not bad and not fails and (bool(inp.target_go_live or inp.regulatory_deadline) or bool(passes))
        elif check.code == "cost_of_inaction":
            if inp.cost_of_inaction_per_month:
                evidence.append(
                    t["input"].format(
                        name="cost_of_inaction_per_month", value=money(inp.cost_of_inaction_per_month, deal.currency)
                    )
                )
                ok = True
            else:
                evidence += fails or passes
                if scores["metrics"] >= 2:
                    evidence.append(t["score"].format(element="metrics", score=scores["metrics"]))
                ok = not fails and (scores["metrics"] >= 2 or bool(passes))
        elif check.code == "unresolved_objections":
            # an objection cue fails the check unless the notes also say it was resolved
            evidence += fails + passes
            ok = not fails or bool(passes)
        elif check.code == "competitor_blocking":
            blockers = [c for c in engaged if c.role == "blocker"]
            if deal.competitors:
                evidence.append(t["competitors"].format(names=", ".join(deal.competitors)))
            if inp.competitive:
                evidence.append(t["input"].format(name="competitive", value="true"))
            evidence += [t["blocker"].format(name=c.name) for c in blockers]
            evidence += passes or fails
            blocked = bool(deal.competitors or inp.competitive or blockers or fails)
            ok = bool(passes) or not blocked
        elif check.code == "champion_engaged":
            quiet = [c for c in champions if c.last_contact is not None and (as_of - c.last_contact).days > 14]
            evidence += [t["contact"].format(role="champion", name=c.name) for c in champions if c not in quiet]
            evidence += [
                t["champion_quiet"].format(name=c.name, days=(as_of - c.last_contact).days)
                for c in quiet
                if c.last_contact is not None
            ]
            if "no_activity_14d" in flag_codes:
                evidence.append(t["flag"].format(code="no_activity_14d"))
            evidence += fails or passes
            active = [c for c in champions if c not in quiet]
            ok = bool(active) and not fails and "no_activity_14d" not in flag_codes
        else:  # multithreaded
            minimum = get("multithreading", MultithreadingRules).minimum_for(deal.value)
            bad = sorted(flag_codes & {"single_threaded", "below_multithread_minimum"})
            evidence.append(t["engaged"].format(engaged=len(engaged), minimum=minimum))
            evidence += [t["flag"].format(code=code) for code in bad]
            ok = not bad
        out.append(
            StallCheckOut(
                code=check.code,
                question=check.question.get(locale),
                result="pass" if ok else "fail",
                evidence=list(dict.fromkeys(evidence)),
                action=None if ok else check.action.get(locale),
            )
        )
    return out


def is_stalled(deal: Deal, as_of: date, locale: Locale) -> tuple[bool, list[str]]:
    """The checklist's 'applies when' test on the metrics the deal has (no stage average is known here)."""
    book = get("stall_checklist", StallChecklist)
    t = _T[locale]
    metrics: dict[str, float] = {}
    if deal.last_activity:
        metrics["days_since_last_activity"] = (as_of - deal.last_activity).days
    if deal.stage_entered:
        metrics["days_in_stage"] = (as_of - deal.stage_entered).days
    why: list[str] = []
    for threshold in book.stalled_when:
        observed = metrics.get(threshold.metric)
        if observed is not None and threshold.breached(observed):
            key = "stall_activity" if threshold.metric == "days_since_last_activity" else "stall_stage"
            why.append(t[key].format(days=int(observed)))
    return bool(why), why


# ----------------------------------------------------------------------------------------- the plan


def readiness(signals: int, q: QualifyResult, flags: list[RedFlag], locale: Locale) -> tuple[Readiness, list[str]]:
    t = _T[locale]
    high = [f.code for f in flags if f.severity == "high"]
    eb_known = next(e.score for e in q.elements if e.key == "economic_buyer") >= 2
    if signals == 0:
        return "not_ready", [t["signals_none"]]
    if signals >= STRONG_SIGNALS and eb_known and not high:
        return "ready", [t["ready"].format(n=signals)]
    reasons = [t["signals_some"].format(n=signals)]
    if not eb_known:
        reasons.append(t["eb_missing"])
    if high:
        reasons.append(t["high_flag"].format(codes=", ".join(high)))
    return "almost", reasons


def close_plan(inp: ClosePlanInput, as_of: date, locale: Locale) -> ClosePlanResult:
    """The whole close plan for an open deal on `as_of`."""
    deal = inp.deal
    if not deal.is_open:
        raise PlaybookInputError(
            "deal.stage", f"close_plan needs an open deal; {deal.stage!r} is closed (use an open stage)"
        )
    t = _T[locale]
    texts = _texts(deal, inp)
    q = qualify(deal, "meddpicc", as_of, locale, notes=texts[0][1])
    flags = q.red_flags
    signals, warnings = buying_signals_seen(texts, locale)
    scores = {e.key: e.score for e in q.elements}
    facts = closing_facts(inp, scores, len(signals))
    book = get("closing_techniques", ClosingTechniques)
    technique = book.choose(facts)
    values = _script_values(inp, locale)
    script, _left = fill(technique.script, list(book.placeholders), values, locale)
    held = listing((book.fact(code).label.get(locale) for code in sorted(facts)), locale) or t["none"]  # type: ignore[arg-type]
    if set(technique.requires) <= facts:
        why = t["technique"].format(when=technique.when.get(locale), facts=held)
    else:
        why = t["technique_default"].format(facts=held)
    for caution in book.cautions:
        if not set(caution.unless_all) <= facts:
            warnings.append(caution.warning.get(locale))
    discount, discount_warnings = discount_advice(inp, facts, values, locale)
    warnings += discount_warnings
    economic_buyer = next((c for c in deal.contacts if c.role == "economic_buyer"), None)
    plan, plan_warnings = build_plan(
        inp.target_go_live,
        as_of,
        locale,
        company=deal.company,
        our_company=inp.our_company,
        economic_buyer=(
            f"{economic_buyer.name}" + (f" ({economic_buyer.title})" if economic_buyer.title else "")
            if economic_buyer
            else None
        ),
        close_date=deal.close_date,
        contract_signed=deal.contract_signed,
    )
    warnings += plan_warnings
    stalled, stalled_why = is_stalled(deal, as_of, locale)
    if stalled:
        warnings.append(t["stalled_yes"].format(why="; ".join(stalled_why)))
    ready, ready_reasons = readiness(len(signals), q, flags, locale)
    return ClosePlanResult(
        locale=locale,
        company=deal.company,
        readiness=ready,
        readiness_reasons=ready_reasons,
        buying_signals_seen=signals,
        technique=technique.code,
        technique_name=technique.name.get(locale),
        technique_reason=why,
        script=script,
        discount=discount,
        negotiation_rules=negotiation_rules(values, locale),
        mutual_action_plan=plan,
        stall_checklist=stall_checklist(inp, [text for _source, text in texts], q, flags, as_of, locale),
        stalled=stalled,
        urgency_options=urgency_options(inp, as_of, values, locale),
        red_flags=flags,
        warnings=warnings,
    )


_MD = {
    "en": {
        "title": "**Close plan — {company}**: {readiness}",
        "signals": "Buying signals:",
        "technique": "Technique: {name}",
        "discount": "Discount: {decision} (max {max_pct}%)",
        "map": "Mutual action plan:",
        "stall": "Stall checklist:",
        "urgency": "Urgency options:",
        "warnings": "Warnings:",
        "undated": "undated",
        "ready": "ready to close",
        "almost": "almost ready",
        "not_ready": "not ready",
        "hold_firm": "hold firm",
        "trade": "trade",
        "walk_away": "walk away",
        "defer": "defer",
        "pass": "pass",
        "fail": "fail",
    },
    "zh": {
        "title": "**成交计划——{company}**：{readiness}",
        "signals": "购买信号：",
        "technique": "成交技巧：{name}",
        "discount": "折扣：{decision}（最多 {max_pct}%）",
        "map": "双方行动计划：",
        "stall": "停滞检查清单：",
        "urgency": "可用的紧迫感手段：",
        "warnings": "提醒：",
        "undated": "未定日期",
        "ready": "可以提出成交",
        "almost": "接近成交",
        "not_ready": "尚未准备好",
        "hold_firm": "坚持价格",
        "trade": "以条件交换",
        "walk_away": "放弃",
        "defer": "推迟",
        "pass": "通过",
        "fail": "未通过",
    },
}


def close_plan_markdown(result: ClosePlanResult) -> str:
    t = _MD[result.locale]
    statuses = {
        s.code: s.label.get(result.locale) for s in get("mutual_action_plan", MutualActionPlanTemplate).statuses
    }
    lines = [t["title"].format(company=result.company, readiness=t[result.readiness]), *result.readiness_reasons, ""]
    if result.buying_signals_seen:
        lines.append(t["signals"])
        lines += [f"- {s.label} — “{s.quote}”" for s in result.buying_signals_seen]
        lines.append("")
    lines += [t["technique"].format(name=result.technique_name), f"> {result.script}", ""]
    lines.append(t["discount"].format(decision=t[result.discount.decision], max_pct=number(result.discount.max_pct)))
    lines += [result.discount.advice, ""]
    lines.append(t["map"])
    for item in result.mutual_action_plan:
        when = item.date.isoformat() if item.date else t["undated"]
        mark = " ⚠" if item.past_due else ""
        lines.append(f"- {when}{mark} — {item.step} ({item.owner_label}, {statuses[item.status]})")
    lines += ["", t["stall"]]
    for check in result.stall_checklist:
        lines.append(f"- [{t[check.result]}] {check.question}" + (f" → {check.action}" if check.action else ""))
    if result.urgency_options:
        lines += ["", t["urgency"]]
        lines += [f"- {u.name}: {u.script}" for u in result.urgency_options]
    if result.warnings:
        lines += ["", t["warnings"]]
        lines += [f"- {w}" for w in result.warnings]
    return "\n".join(lines)
