"""Cold emails, follow-ups and recaps (playbook: cold email templates, sequence rules, discovery and demo
follow-up rules). A draft is the playbook's template filled with the caller's facts; a field no fact fills
stays visible as `[name]` and is listed in `placeholders_left`. The checks of the email guidance run on
every draft: length cap, generic personalisation, a specific dated next step after a meeting.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from string import Formatter

from .. import knowledge
from .. import prompts as prompt_templates
from ..schemas.common import Locale
from ..schemas.emails import EmailDraft, EmailFacts, EmailInput
from ..schemas.knowledge.prospecting import EmailGuidance, EmailTemplate, EmailTemplates, count_words
from .errors import PlaybookInputError
from .locale import is_cjk

COLD_KINDS = ("trigger", "peer_referral", "value_add", "voicemail_follow_up", "breakup")
MEETING_KINDS = ("follow_up", "recap")
POLISH_PROMPT = "polish-email"

_TEXT = {
    "too_long": {
        "en": "The body has {n} words, over the {cap}-word cap: {note}",
        "zh": "正文共 {n} 词（中文按字计），超过 {cap} 的上限：{note}",
    },
    "generic": {
        "en": 'Generic personalisation "{cue}": {rule}',
        "zh": "空泛的个性化开场“{cue}”：{rule}",
    },
    "no_next_step": {
        "en": "No next step given: {rule}",
        "zh": "没有写下一步：{rule}",
    },
    "undated_next_step": {
        "en": 'The next step "{step}" has no specific day or time: {rule}',
        "zh": "下一步“{step}”没有具体的日期或时间：{rule}",
    },
    "vague": {
        "en": 'Vague next-step wording "{cue}": {rule}',
        "zh": "下一步的说法太含糊（“{cue}”）：{rule}",
    },
    "missing_required": {
        "en": "Facts this email needs are missing ({names}); fill the [brackets] before sending.",
        "zh": "缺少这封邮件必需的信息（{names}），发送前请补全方括号处。",
    },
    "left_optional": {
        "en": "Optional fields left for you to fill: {names}.",
        "zh": "以下可选内容留待你补充：{names}。",
    },
    "recording": {
        "en": "Mentions a recording: {rule}",
        "zh": "提到了录像：{rule}",
    },
    "no_trigger_fallback": {
        "en": "No trigger event given: the playbook's fallback is the peer-reference email (kind peer_referral).",
        "zh": "没有提供触发事件：手册的替代做法是改用同行案例邮件（kind 取 peer_referral）。",
    },
}

_LIST_SEP = {"en": ", ", "zh": "、"}
_RECORDING_CUES = ("recording", "录像", "录屏")


_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
"""Titles before a Latin name: "Dr. Ann Bo" is greeted as Ann, "Mr Smith" (no given name) as Mr Smith."""
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "phd", "mba", "esq", "cpa"})  # not md: "Md" also abbreviates Mohammed
"""What may follow a comma without making the name "Last, First": "Dana Lee, PhD" is greeted as Dana."""


def first_name(name: str) -> str:
    """The name to greet: the first word of a Latin name ("Last, First" as written in a CRM gives First; a title
    such as Dr. is skipped unless only a surname follows it); a CJK name (李明, 李总) is used whole."""
    if any(is_cjk(char) for char in name):
        return name.strip()
    last, comma, rest = name.partition(",")
    after = [word.strip(".,").casefold() for word in rest.split()]
    last_first = bool(comma and after and last.split() and not all(word in _SUFFIXES for word in after))
    chosen = rest if last_first else name
    # str.split also cuts at \x1c-\x1f, which the schema does not strip: no word at all keeps the name as given
    words = [word for word in (w.strip(",;") for w in chosen.split()) if word]
    words = [word for word in words if word.strip(".").casefold() not in _SUFFIXES] or words
    given = [word for word in words if word.rstrip(".").casefold() not in _HONORIFICS]
    if len(given) == 1 and len(words) > 1 and not last_first and words[-1] == given[0]:
        return " ".join(words)  # "Mr Smith": a title and a surname
    return (given or words or [name])[0]


def marker(name: str) -> str:
    """How an unfilled template field shows in a draft."""
    return f"[{name}]"


@lru_cache(maxsize=1024)
def _parsed(text: str) -> tuple[tuple[str, str | None], ...]:
    """A template's (literal, field) parts; parsed once per template text (the templates are the playbook's)."""
    return tuple((literal, field) for literal, field, _spec, _conversion in Formatter().parse(text))


def fill(text: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """Fill `{name}` fields from `values`; a missing one becomes `[name]`. Returns (text, names left, in order)."""
    out: list[str] = []
    left: list[str] = []
    for literal, field in _parsed(text):
        out.append(literal)
        if field is None:
            continue
        value = values.get(field)
        if value:
            out.append(value)
        else:
            out.append(marker(field))
            if field not in left:
                left.append(field)
    return "".join(out), left


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def fact_values(facts: EmailFacts, company: str, contact_name: str, locale: Locale) -> dict[str, str]:
    """The template values the caller's facts provide (empty facts are left out)."""
    values: dict[str, str] = {"company": company, "first_name": first_name(contact_name)}
    for name in (
        "trigger",
        "similar_company",
        "problem",
        "result",
        "peer_group",
        "proof_point",
        "solution_line",
        "industry",
        "cost_figure",
        "resource",
        "key_insight",
        "meeting_date",
        "cost_of_inaction",
        "next_step",
        "next_step_date",
        "roi",
        "target_go_live",
        "economic_buyer",
        "sender_name",
        "sender_company",
    ):
        value = getattr(facts, name)
        if value:
            values[name] = value
    if facts.meeting_type:
        values["meeting_type"] = _meeting_label(facts.meeting_type, locale)
    for name in ("discussed", "open_items", "action_items"):
        items = getattr(facts, name)
        if items:
            values[name] = _bullets(items)
    if facts.criteria:
        values["criteria"] = _LIST_SEP[locale].join(facts.criteria)
    return values


_MEETING_LABELS = {
    "discovery": {"en": "discovery call", "zh": "需求沟通会"},
    "demo": {"en": "demo", "zh": "产品演示"},
    "proposal": {"en": "proposal review", "zh": "方案沟通会"},
    "negotiation": {"en": "terms discussion", "zh": "商务谈判"},
}


def _meeting_label(meeting_type: str, locale: Locale) -> str:
    return _MEETING_LABELS[meeting_type][locale]


def choose_template(inp: EmailInput, library: EmailTemplates) -> EmailTemplate:
    """The template for the kind; a follow-up needs its meeting type (discovery, demo, proposal, negotiation)."""
    if inp.kind == "follow_up":
        if inp.meeting_type is None:
            raise PlaybookInputError(
                "meeting_type", "required for kind follow_up; allowed: discovery, demo, proposal, negotiation"
            )
        return library.follow_up(inp.meeting_type)
    return next(t for t in library.templates if t.kind == inp.kind)


def _find_cue(text: str, cues: list[str]) -> str | None:
    lowered = text.lower()
    for cue in cues:
        if cue.lower() in lowered:
            return cue
    return None


def is_specific_date(text: str, guidance: EmailGuidance) -> bool:
    """True when the text names a day or time (a weekday, tomorrow, 26 Nov, 2026-11-26, 10:00, 下午3点…)."""
    if _find_cue(text, guidance.specific_next_step_cues.en + guidance.specific_next_step_cues.zh):
        return True
    return any(re.search(pattern, text, re.IGNORECASE) for pattern in guidance.specific_next_step_patterns)


def check_draft(
    body: str,
    kind: str,
    facts: EmailFacts,
    template: EmailTemplate,
    left: list[str],
    guidance: EmailGuidance,
    locale: Locale,
) -> list[str]:
    """The guidance checks on a draft body; each warning quotes the rule it applies."""
    text = {key: value[locale] for key, value in _TEXT.items()}
    warnings: list[str] = []
    missing_required = [name for name in left if name in template.required]
    optional_left = [name for name in left if name not in template.required]
    if missing_required:
        warnings.append(text["missing_required"].format(names=", ".join(missing_required)))
    if optional_left:
        warnings.append(text["left_optional"].format(names=", ".join(optional_left)))
    if kind == "trigger" and "trigger" in missing_required:
        warnings.append(text["no_trigger_fallback"])
    words = count_words(body)
    if words > guidance.max_words:
        warnings.append(
            text["too_long"].format(n=words, cap=guidance.max_words, note=guidance.max_words_note.get(locale))
        )
    cue = _find_cue(body, guidance.generic_personalisation.en + guidance.generic_personalisation.zh)
    if cue:
        warnings.append(text["generic"].format(cue=cue, rule=guidance.personalisation_rule.get(locale)))
    if kind in MEETING_KINDS:
        rule = guidance.next_step_rule.get(locale)
        if not facts.next_step:
            warnings.append(text["no_next_step"].format(rule=rule))
        elif not is_specific_date(f"{facts.next_step} {facts.next_step_date or ''}", guidance):
            warnings.append(text["undated_next_step"].format(step=facts.next_step, rule=rule))
        vague = _find_cue(body, guidance.vague_next_step_cues.en + guidance.vague_next_step_cues.zh)
        if vague:
            warnings.append(text["vague"].format(cue=vague, rule=rule))
    given = " ".join(str(value) for value in facts.model_dump(exclude={"locale"}).values() if value)
    if template.meeting_type == "demo" and _find_cue(given, list(_RECORDING_CUES)):
        warnings.append(text["recording"].format(rule=guidance.demo_follow_up_rule.get(locale)))
    return warnings


def fence(text: str) -> str:
    """Wrap untrusted text in a code fence it cannot close (longer than any backtick run inside it)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{text}\n{ticks}"


def polish_prompt(subject: str, body: str, facts: dict[str, str], left: list[str], locale: Locale) -> str:
    """The rewrite prompt: instructions from prompts/templates, the facts and the draft fenced as data."""
    template = prompt_templates.load(POLISH_PROMPT)
    zh = locale == "zh"
    draft = f"{'主题：' if zh else 'Subject: '}{subject}\n\n{body}"  # split_subject reads either
    return template.render(
        locale,
        {
            "language": "简体中文" if zh else "English",
            "facts": fence(json.dumps(facts, ensure_ascii=False, indent=2)),
            "draft": fence(draft),
            "keep": ", ".join(marker(name) for name in left) or ("（无）" if locale == "zh" else "(none)"),
        },
    )


def draft_email(inp: EmailInput, locale: Locale) -> EmailDraft:
    """Fill the kind's template with the facts, list what is left, and run the guidance checks."""
    library = knowledge.get("email_templates", EmailTemplates)
    template = choose_template(inp, library)
    values = fact_values(inp, inp.company, inp.contact.name, locale)
    subject, left_subject = fill(template.subject.get(locale), values)
    body, left_body = fill(template.body.get(locale), values)
    left = [name for name in template.placeholders if name in left_subject or name in left_body]
    warnings = check_draft(body, inp.kind, inp, template, left, library.guidance, locale)
    facts = {name: value for name, value in values.items() if name in template.placeholders}
    return EmailDraft(
        locale=locale,
        kind=inp.kind,
        template=template.id,
        subject=subject,
        body=body,
        word_count=count_words(body),
        placeholders_left=left,
        warnings=warnings,
        polished=False,
        prompt=polish_prompt(subject, body, facts, left, locale),
    )


_SUBJECT_LINE = re.compile(r"^\s*(?:subject|主题|标题)\s*[:：]\s*(.+?)\s*$", re.IGNORECASE)


def split_subject(text: str, fallback_subject: str) -> tuple[str, str]:
    """(subject, body) of a model's rewrite: a leading 'Subject:' line, else the old subject and the whole text."""
    lines = text.strip().strip("`").strip().splitlines()
    if lines:
        match = _SUBJECT_LINE.match(lines[0])
        if match:
            return match.group(1), "\n".join(lines[1:]).strip()
    return fallback_subject, text.strip()


def apply_polish(draft: EmailDraft, inp: EmailInput, text: str, source: str, note: str) -> EmailDraft:
    """The draft with a model's rewrite as subject and body; counts, markers and checks are recomputed."""
    library = knowledge.get("email_templates", EmailTemplates)
    template = library.template(draft.template)
    subject, body = split_subject(text, draft.subject)
    if not body:
        raise ValueError("the model returned an empty email")
    left = [name for name in template.placeholders if marker(name) in subject or marker(name) in body]
    warnings = check_draft(body, inp.kind, inp, template, left, library.guidance, draft.locale)
    return draft.model_copy(
        update={
            "subject": subject,
            "body": body,
            "word_count": count_words(body),
            "placeholders_left": left,
            "warnings": warnings,
            "polished": True,
            "polished_by": source,
            "polish_note": note,
        }
    )


def email_markdown(result: EmailDraft) -> str:
    zh = result.locale == "zh"
    rows = [
        f"**{'主题' if zh else 'Subject'}:** {result.subject}",
        "",
        result.body,
        "",
        f"_{result.word_count} {'词' if zh else 'words'}"
        + (f"; {'已润色' if zh else 'polished'} ({result.polished_by})" if result.polished else "")
        + "_",
    ]
    if result.placeholders_left:
        rows.append(("待补充：" if zh else "To fill: ") + ", ".join(marker(n) for n in result.placeholders_left))
    if result.polish_note and not result.polished:
        rows.append(f"- {result.polish_note}")
    rows += [f"- ⚠ {w}" for w in result.warnings]
    return "\n".join(rows)
