"""Outreach cadences (playbook: multi-channel sequence, standard tier-1 sequence, sequence rules; territory
contact frequency for tiers 2 and 3). Day N falls on start_date + (N - 1); a touch on a Saturday or Sunday
moves to the following Monday; one contact never gets two emails on one date (the later email moves to the
next business day). Email steps are drafted from their template, phone steps get the cold-call opener with
the voicemail to leave if nobody answers.
"""

from __future__ import annotations

from datetime import date, timedelta

from .. import knowledge
from ..schemas.cadence import CadenceInput, CadenceResult, CadenceRule, CadenceStepOut
from ..schemas.common import Locale
from ..schemas.knowledge.prospecting import CadenceLibrary, CadenceStep, CallScript, CallScripts, EmailTemplates
from ..schemas.knowledge.prospecting import Territory as TerritoryPlan
from .emails import fill, first_name
from .errors import PlaybookInputError
from .formatting import sentences, weekday

SATURDAY = 5

_TEXT = {
    "weekend": {
        "en": "day {day} falls on {weekday} {planned}; moved to the following Monday",
        "zh": "第{day}天是{weekday}（{planned}），顺延到下周一",
    },
    "email_clash": {
        "en": "another email to this contact is already on {taken}; moved to the next business day",
        "zh": "{taken}已经给此联系人安排了一封邮件，顺延到下一个工作日",
    },
    "weekend_rule": {
        "en": "A touch that lands on a Saturday or Sunday moves to the following Monday.",
        "zh": "落在周六或周日的触达顺延到下周一。",
    },
    "voicemail": {"en": "If nobody answers, leave this voicemail:", "zh": "如果没人接听，留下这段语音："},
    "fallback_note": {
        "en": "No trigger event known, so the first email uses the peer-reference template.",
        "zh": "没有已知的触发事件，第一封邮件改用同行案例模板。",
    },
}


def next_business_day(day: date) -> date:
    """The first Monday–Friday strictly after `day`."""
    day += timedelta(days=1)
    while day.weekday() >= SATURDAY:
        day += timedelta(days=1)
    return day


def schedule(start: date, steps: list[tuple[int, bool]], locale: Locale = "en") -> list[tuple[date, str | None]]:
    """Dates for steps given as (day, is_email), in sequence order: (date, why it moved or None)."""
    text = {key: value[locale] for key, value in _TEXT.items()}
    email_dates: set[date] = set()
    out: list[tuple[date, str | None]] = []
    for day, is_email in steps:
        planned = start + timedelta(days=day - 1)
        when, why = planned, None
        if when.weekday() >= SATURDAY:
            when = when + timedelta(days=7 - when.weekday())
            why = text["weekend"].format(day=day, weekday=weekday(planned, locale), planned=planned.isoformat())
        if is_email:
            while when in email_dates:
                clash = text["email_clash"].format(taken=when.isoformat())
                why = f"{why}; {clash}" if why else clash
                when = next_business_day(when)
            email_dates.add(when)
        out.append((when, why))
    return out


def _values(inp: CadenceInput) -> dict[str, str]:
    values = {"company": inp.company, "first_name": first_name(inp.contact.name)}
    for name, value in (
        ("trigger", inp.trigger),
        ("similar_company", inp.similar_customer),
        ("problem", inp.problem),
        ("result", inp.result),
        ("proof_point", inp.proof_point),
        ("industry", inp.industry),
        ("peer_group", inp.peer_group),
        ("solution_line", inp.solution_line),
        ("cost_figure", inp.cost_figure),
        ("resource", inp.resource),
        ("key_insight", inp.key_insight),
        ("sender_name", inp.sender_name),
        ("sender_company", inp.sender_company),
    ):
        if value:
            values[name] = value
    return values


def _script_text(script: CallScript, values: dict[str, str], locale: Locale) -> tuple[str, list[str]]:
    lines: list[str] = []
    left: list[str] = []
    for step in script.steps:
        said, missing = fill(step.say.get(locale), values)
        left += [name for name in missing if name not in left]
        when = f" ({step.when.get(locale)})" if step.when else ""
        lines.append(f"{step.order}.{when} {said}")
    return "\n".join(lines), left


def _template_id(step: CadenceStep, inp: CadenceInput) -> str | None:
    """The email template or script: a trigger email needs a known trigger, else its fallback (peer reference)."""
    if step.template == "trigger" and not inp.trigger and step.fallback_template:
        return step.fallback_template
    return step.template


def build_cadence(inp: CadenceInput, locale: Locale) -> CadenceResult:
    library = knowledge.get("cadences", CadenceLibrary)
    emails = knowledge.get("email_templates", EmailTemplates)
    scripts = knowledge.get("call_scripts", CallScripts)
    territory = knowledge.get("territory", TerritoryPlan)
    cadence = library.for_tier(inp.tier)
    values = _values(inp)

    try:
        dates = schedule(inp.start_date, [(s.day, s.channel == "email") for s in cadence.steps], locale)
    except OverflowError:
        raise PlaybookInputError(
            "start_date", f"the tier-{inp.tier} sequence from {inp.start_date.isoformat()} runs past 9999-12-31"
        ) from None
    steps: list[CadenceStepOut] = []
    all_left: list[str] = []
    for step, (when, why) in zip(cadence.steps, dates, strict=True):
        template_id = _template_id(step, inp)
        subject = draft = None
        left: list[str] = []
        action = step.action.get(locale)
        if step.channel == "email" and template_id:
            template = emails.template(template_id)
            subject, left_subject = fill(template.subject.get(locale), values)
            draft, left_body = fill(template.body.get(locale), values)
            left = [n for n in template.placeholders if n in left_subject or n in left_body]
            if template_id != step.template:
                action = sentences((action, _TEXT["fallback_note"][locale]), locale)
        elif step.channel == "phone" and template_id:
            opener, left = _script_text(scripts.script(template_id), values, locale)
            draft = opener
            if step.fallback_template:
                voicemail, left_vm = _script_text(scripts.script(step.fallback_template), values, locale)
                draft = f"{opener}\n\n{_TEXT['voicemail'][locale]}\n{voicemail}"
                left += [name for name in left_vm if name not in left]
        all_left += [name for name in left if name not in all_left]
        steps.append(
            CadenceStepOut(
                day=step.day,
                date=when,
                channel=step.channel,
                action=action,
                goal=step.goal.get(locale),
                template=template_id,
                subject=subject,
                draft=draft,
                placeholders_left=left,
                moved=why,
            )
        )
    steps.sort(key=lambda s: (s.date, s.day))

    rules = [CadenceRule(code=rule.code, rule=rule.rule.get(locale)) for rule in library.rules.all()]
    rules.append(CadenceRule(code="weekend_to_monday", rule=_TEXT["weekend_rule"][locale]))
    tier = territory.tier(inp.tier)
    return CadenceResult(
        locale=locale,
        company=inp.company,
        tier=inp.tier,
        name=cadence.name.get(locale),
        derived=cadence.derived,
        derivation=cadence.derivation.get(locale) if cadence.derivation else None,
        contact_frequency=tier.contact.label.get(locale),
        steps=steps,
        rules=rules,
        end_date=max(s.date for s in steps),
        placeholders_left=all_left,
    )


_CHANNELS_ZH = {"email": "邮件", "linkedin": "LinkedIn", "phone": "电话"}
"""What the Chinese text calls each channel (the English text shows the channel's code)."""


def cadence_markdown(result: CadenceResult) -> str:
    zh = result.locale == "zh"
    rows = [f"## {result.name} — {result.company}", ""]
    rows.append("| 天 | 日期 | 渠道 | 动作 |" if zh else "| day | date | channel | action |")
    rows.append("|---|---|---|---|")
    for step in result.steps:
        day_name = weekday(step.date, result.locale)
        moved = " ↷" if step.moved else ""
        channel = _CHANNELS_ZH[step.channel] if zh else step.channel
        rows.append(f"| {step.day} | {step.date.isoformat()} {day_name}{moved} | {channel} | {step.action} |")
    rows.append("")
    rows += [f"- {rule.rule}" for rule in result.rules]
    if result.placeholders_left:
        rows.append(("待补充：" if zh else "To fill: ") + ", ".join(f"[{n}]" for n in result.placeholders_left))
    return "\n".join(rows)
