"""Time `coach_call` on a generated 90-minute call (about 15,000 words) in three transcript formats.

Run: .venv/bin/python bench/coaching_speed.py [--repeat N]
Target: well under 100 ms per call (the later benchmark target is 50 ms). Prints, per format and after one
warm-up call (knowledge files are loaded and cached once per process), the wall-clock median, best and worst
run, and the median CPU time of the process (steadier than wall time when other jobs share the machine).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from sales_playbook.schemas.coaching import CoachCallInput
from sales_playbook.tools.coaching import coach_call
from sales_playbook.tools.text_match import count_words

# Sentence templates with slots, so the generated call has mostly distinct sentences (as real calls do) and
# objections, buying signals and next steps at a realistic rate rather than in every turn.
REP_TEMPLATES = [
    "Thanks for making the time today, I know the {period} is busy for your {team}.",
    "How do you handle {process} today, step by step?",
    "What happens if nothing changes with {process} by {period}?",
    "How many people work on {process} every week?",
    "If you could cut the time spent on {process} in half, what would it mean for your {team}?",
    "We connect to your {system}, import the {thing} and train the assistant with your {team}, which usually "
    "takes about {n} weeks from kickoff to go-live.",
    "Um, basically, most teams like yours spend, you know, {n} days a month on {process}.",
    "Who else would be involved in choosing a new {system}?",
    "What does the delay in {process} cost you each month?",
    "So the way we usually run it is a short workshop with your {team} and then a {n} week rollout.",
    "That makes sense, and the {thing} you mentioned is exactly where customers see the first gains.",
    "Can you tell me more about how the {team} reports on {process} to leadership?",
    "Our customers in {industry} typically report around {n} percent fewer escalations after the first quarter.",
    "Let me share my screen and show you how the {thing} view looks for a {team} like yours.",
]
BUYER_TEMPLATES = [
    "Honestly {process} is a mess, we do it all in spreadsheets and it takes {n} days.",
    "Every new hire on the {team} takes about {n} weeks to get productive.",
    "We have about {n} people on the {team} and they mostly work from the {system}.",
    "The {system} was set up by a contractor {n} years ago and nobody really owns it now.",
    "Last {period} we missed two deadlines because of {process}.",
    "I think the {team} would like the {thing} part, they complain about it every week.",
    "We looked at something similar in {industry} a while ago but it never went anywhere.",
    "Our leadership wants a plan for {process} before the end of the {period}.",
    "It depends a lot on the season, in peak months it is closer to {n} a day.",
    "Yeah.",
    "Mm-hmm.",
    "Right, that's interesting.",
]
BUYER_RARE = [  # objections, buying signals, evidence: a few percent of the buyer's sentences
    "That's a bit steep for us right now.",
    "I need to check with my boss before we go any further.",
    "How long does onboarding take with your tool?",
    "We are also looking at a cheaper option from another vendor.",
    "Our CFO owns the budget and the security review goes through IT.",
    "Can we try it before we commit?",
]
REP_CLOSE = "Could we meet next Tuesday at 2pm to map the rollout with your CFO?"
SLOTS = {
    "period": ["quarter end", "month end", "holiday season", "budget cycle", "next quarter"],
    "team": ["support team", "finance team", "sales team", "ops crew", "onboarding group", "IT team"],
    "process": ["onboarding", "invoice matching", "ticket triage", "month-end close", "lead routing", "QA reviews"],
    "system": ["helpdesk", "ERP", "CRM", "shared drive", "ticketing tool", "data warehouse"],
    "thing": ["knowledge base", "approval flow", "dashboard", "routing rules", "audit trail", "macro library"],
    "industry": ["logistics", "insurance", "retail", "healthcare", "software", "manufacturing"],
}
MINUTES = 90
TARGET_WORDS = 15_000


def _fill(template: str, rng: random.Random) -> str:
    values = {key: rng.choice(options) for key, options in SLOTS.items()}
    values["n"] = str(rng.randint(2, 400))
    return template.format(**values)


def _clock(seconds: float, vtt: bool) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:06.3f}" if vtt else f"{int(h):02d}:{int(m):02d}:{int(s):02d}"


def generate(fmt: str, seed: int = 7) -> str:
    """A 90-minute two-person call of about 15,000 words in the given format."""
    rng = random.Random(seed)
    turns: list[tuple[str, str]] = []
    words = 0
    while words < TARGET_WORDS:
        if len(turns) % 2 == 0:
            speaker = "Dana Lee"
            text = " ".join(_fill(rng.choice(REP_TEMPLATES), rng) for _ in range(rng.randint(1, 3)))
        else:
            speaker = "Sam Park"
            parts = [
                rng.choice(BUYER_RARE) if rng.random() < 0.05 else _fill(rng.choice(BUYER_TEMPLATES), rng)
                for _ in range(rng.randint(1, 3))
            ]
            text = " ".join(parts)
        turns.append((speaker, text))
        words += count_words(text)
    turns.append(("Dana Lee", REP_CLOSE))
    step = MINUTES * 60 / len(turns)
    out: list[str] = ["WEBVTT", ""] if fmt == "webvtt" else []
    for i, (speaker, text) in enumerate(turns):
        start, end = i * step, (i + 1) * step
        if fmt == "webvtt":
            out += [f"{_clock(start, True)} --> {_clock(end, True)}", f"<v {speaker}>{text}</v>", ""]
        elif fmt == "bracket":
            out.append(f"[{_clock(start, False)}] {speaker}: {text}")
        else:
            out.append(f"{speaker}: {text}")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(f"coach_call on a generated {MINUTES}-minute call; target < 100 ms (later target 50 ms)")
    for fmt in ("webvtt", "bracket", "plain"):
        text = generate(fmt)
        inp = CoachCallInput(transcript=text, call_type="discovery")
        coach_call(inp, "en")  # warm-up: knowledge loaded and cached
        times, cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = coach_call(inp, "en")
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        total_words = sum(s.words for s in result.speakers)
        print(
            f"{fmt:8s} {total_words:6d} words {len(text):7d} chars: wall median {statistics.median(times):6.1f} ms "
            f"(best {min(times):5.1f}, worst {max(times):6.1f}); CPU median {statistics.median(cpu):6.1f} ms"
        )


if __name__ == "__main__":
    main()
