"""coach_call's counting rules, the transcript reader, side inference, next-step dates, and garbage input."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import webvtt
from pydantic import ValidationError
from sales_playbook.schemas.coaching import MAX_TRANSCRIPT_CHARS, CoachCallInput
from sales_playbook.tools.coaching import classify_question, coach_call, coach_call_markdown, is_backchannel
from sales_playbook.tools.errors import PlaybookInputError
from sales_playbook.tools.text_match import count_questions, count_words
from sales_playbook.tools.transcript import normalise_speaker, read_transcript


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Hello there", 2),
        ("It's a month-end close", 5),  # month-end is two runs of letters
        ("we'll pay 2,000 USD", 5),  # 2,000 is two runs of digits
        ("你好", 2),
        ("我们用ERP系统", 7),  # 5 CJK characters + ERP... 我 们 用 ERP 系 统 = 6? see below
        ("", 0),
        ("—— …", 0),
        ("Café crème", 2),
    ],
)
def test_word_counting(text: str, words: int) -> None:
    if text == "我们用ERP系统":
        words = 6  # 我 们 用 + ERP + 系 统
    assert count_words(text) == words


@pytest.mark.parametrize(
    ("text", "questions"),
    [
        ("Really? Are you sure?", 2),
        ("What?? No.", 1),
        ("这样可以吗？好的。", 1),
        ("No question here.", 0),
        ("对吗?", 1),
    ],
)
def test_question_counting(text: str, questions: int) -> None:
    assert count_questions(text) == questions


@pytest.mark.parametrize(
    ("text", "backchannel"),
    [
        ("Mm-hmm.", True),
        ("Yeah, right.", True),
        ("Got it.", True),
        ("[cough]", True),
        ("嗯。", True),
        ("对对对", True),
        ("好的", True),
        ("Yeah that makes sense to me", False),  # more than three words
        ("Tuesday works", False),
        ("好的好的", False),  # four words
        ("", False),
    ],
)
def test_backchannel_rule(text: str, backchannel: bool) -> None:
    assert is_backchannel(text) is backchannel


def test_backchannel_does_not_break_a_monologue_but_its_words_count() -> None:
    text = (
        "Rep: one two three four five\nBuyer: mm-hmm\nRep: six seven eight nine ten?\nBuyer: Sure thing my friend ok."
    )
    result = coach_call(CoachCallInput(transcript=text, rep_names=["Rep"]), "en")
    rep = next(s for s in result.speakers if s.name == "Rep")
    buyer = next(s for s in result.speakers if s.name == "Buyer")
    assert rep.longest_monologue_words == 10
    assert buyer.words == 2 + 5
    assert result.metrics.rep_talk_ratio == round(10 / 17, 4)


def test_a_real_reply_breaks_the_monologue() -> None:
    text = "Rep: one two three four five\nBuyer: that is not what I asked\nRep: six seven eight nine ten"
    result = coach_call(CoachCallInput(transcript=text, rep_names=["Rep"]), "en")
    assert result.metrics.longest_rep_monologue_words == 5


@pytest.mark.parametrize(
    ("text", "rep"),
    [
        ("Dana: one two three four five six\nAlex: mm-hmm\nDana: more words here now", "Alex"),
        ("客户：我们现在的系统太慢了\n销售：嗯\n客户：而且数据经常出错", "销售"),
    ],
)
def test_a_rep_who_only_backchannels_has_no_monologue(text: str, rep: str) -> None:
    """The rep's only words sit inside the buyer's monologue: 0 words, no empty quote, no crash."""
    result = coach_call(CoachCallInput(transcript=text, rep_names=[rep]), "en")
    assert result.metrics.longest_rep_monologue_words == 0
    assert next(s for s in result.speakers if s.name == rep).longest_monologue_words == 0
    assert all("“”" not in line.evidence for line in [*result.strengths, *result.improvements])


def test_webvtt_reader_agrees_with_webvtt_py() -> None:
    path = "tests/coaching/data/transcripts/01_teams_voice.vtt"
    text = Path(path).read_text(encoding="utf-8")
    ours = read_transcript(text)
    reference = webvtt.from_buffer(io.StringIO(text))
    assert [t.speaker for t in ours.turns] == [c.voice for c in reference.captions]
    assert [t.start for t in ours.turns] == [c.start_time.in_milliseconds() / 1000 for c in reference.captions]
    assert [t.end for t in ours.turns] == [c.end_time.in_milliseconds() / 1000 for c in reference.captions]
    assert [t.text for t in ours.turns] == [c.text for c in reference.captions]


def test_srt_reader_agrees_with_webvtt_py() -> None:
    path = "tests/coaching/data/transcripts/03_basic.srt"
    text = Path(path).read_text(encoding="utf-8")
    ours = read_transcript(text)
    reference = webvtt.from_buffer(io.StringIO(text), format="srt")
    assert [t.start for t in ours.turns] == [c.start_time.in_milliseconds() / 1000 for c in reference.captions]
    assert [f"{t.speaker}: {t.text}" for t in ours.turns] == [c.text.replace("\n", " ") for c in reference.captions]


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("  Jane   Doe ", "Jane Doe"),
        ("**Bob**", "Bob"),
        ("[Ann Lee]", "Ann Lee"),
        ("Anna (Sales)", "Anna (Sales)"),
        ("（客户）", "客户"),
    ],
)
def test_speaker_normalisation(raw: str, name: str) -> None:
    assert normalise_speaker(raw) == name


def test_speakers_differing_in_case_and_spacing_are_one() -> None:
    text = "JANE DOE: How are you?\nBob: Fine.\njane  doe: Good to hear?\nBob: Yes indeed."
    result = coach_call(CoachCallInput(transcript=text), "en")
    assert [s.name for s in result.speakers] == ["JANE DOE", "Bob"]


@pytest.mark.parametrize(
    ("line", "has_date"),
    [
        ("Rep: Let's schedule the follow-up for next Tuesday at 2.", True),
        ("Rep: I'll send the invite for March 3.", True),
        ("Rep: Let's book a call on 2026-12-01.", True),
        ("Rep: Let's schedule a follow-up call with your CFO.", False),
        ("销售：那我们下周二下午三点约个时间？", True),
        ("销售：我会发会议邀请给您。", False),
        ("销售：那我们下周二下午三点约财务总监一起过一下数字，可以吗？", True),  # 'could we meet … next Tuesday'
        ("销售：周四找个时间见个面？", True),
        ("销售：回头我们通个电话吧。", False),
    ],
)
def test_next_step_date_phrases(line: str, has_date: bool) -> None:
    text = f"Buyer: We should talk again.\n{line}\nBuyer: Fine with me, thanks a lot."
    rep = "Rep" if line.startswith("Rep") else "销售"
    result = coach_call(CoachCallInput(transcript=text, rep_names=[rep]), "en")
    assert result.next_step.found
    assert result.next_step.has_date is has_date


def test_vague_next_step_is_not_a_next_step() -> None:
    text = "Rep: Great chat, let's keep in touch.\nBuyer: Sure, talk soon, bye now."
    result = coach_call(CoachCallInput(transcript=text, rep_names=["Rep"]), "en")
    assert not result.next_step.found
    assert any(line.rule == "next_step" and line.points == 0 for line in result.breakdown)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many agents work on support today?", "situation"),
        ("What's the biggest challenge with that?", "problem"),
        ("What happens if nothing changes?", "implication"),
        ("If you could fix it, what would it mean for you?", "need_payoff"),
        ("Who else is involved in the decision?", "process"),
        ("Shall we?", "unclassified"),
        ("如果不解决会有什么影响？", "implication"),
    ],
)
def test_question_classification(question: str, kind: str) -> None:
    assert classify_question(question) == kind


def test_side_inference_is_explained() -> None:
    text = "Ann: How do you do this today?\nBo: By hand.\nAnn: What does that cost you?\nBo: A lot of hours."
    result = coach_call(CoachCallInput(transcript=text), "en")
    assert result.side_inference.method == "most_questions"
    assert "Ann" in result.side_inference.explanation
    assert {s.name: s.side for s in result.speakers} == {"Ann": "rep", "Bo": "prospect"}


def test_unknown_rep_name_is_an_error_naming_the_speakers() -> None:
    text = "Ann: How do you do this today?\nBo: By hand."
    with pytest.raises(PlaybookInputError, match=r"rep_names: no speaker called 'Zed'.*Ann, Bo"):
        coach_call(CoachCallInput(transcript=text, rep_names=["Zed"]), "en")


@pytest.mark.parametrize(
    ("text", "rep_names", "message"),
    [
        ("Ann: How do you do this today?\nBo: By hand.", ["Ann", "Bo"], "rep_names: names every speaker"),
        # no rep_names: both labels name the rep's side (客户经理 is an account manager), so say that
        ("销售：你们现在怎么做？\n客户经理：我来补充一下。", [], r"rep_names: not given, .*销售, 客户经理"),
    ],
)
def test_every_speaker_a_rep_is_an_error(text: str, rep_names: list[str], message: str) -> None:
    with pytest.raises(PlaybookInputError, match=message):
        coach_call(CoachCallInput(transcript=text, rep_names=rep_names), "en")


# ------------------------------------------------------------------------------------------ garbage in


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("   \n\n  ", "is empty"),
        (bytes(range(256)).decode("latin-1") * 20, "binary"),
        ("\x00\x01\x02PK\x03\x04" * 500, "binary"),
        ("Just a paragraph of prose with no speakers at all. It goes on and on.", "no speaker turns"),
        ("WEBVTT\n\nnothing else here", "no speaker turns"),
        ("Ann: I am talking to myself here.\nAnn: Still me, nobody else.", "only one speaker"),
    ],
)
def test_garbage_gets_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(PlaybookInputError, match=message):
        coach_call(CoachCallInput(transcript=text), "en")


def test_five_megabytes_is_refused_by_the_schema_with_the_limit() -> None:
    with pytest.raises(ValidationError, match=f"at most {MAX_TRANSCRIPT_CHARS}"):
        CoachCallInput(transcript="Ann: hello there\n" * 300_000)


def test_many_speaker_labels_is_refused() -> None:
    text = "\n".join(f"Person{i}: hello there friend" for i in range(50))
    with pytest.raises(PlaybookInputError, match="speaker labels"):
        coach_call(CoachCallInput(transcript=text), "en")


def test_no_times_means_honest_nulls() -> None:
    text = "Ann: How do you do this today?\nBo: By hand, mostly."
    result = coach_call(CoachCallInput(transcript=text), "en")
    assert result.metrics.talk_time_ratio is None
    assert result.metrics.interactivity is None
    assert result.metrics.longest_rep_monologue_seconds is None
    assert {item.metric for item in result.not_computed} == {
        "talk_time_ratio",
        "interactivity",
        "longest_rep_monologue_seconds",
    }


def test_large_valid_transcript_near_the_limit_is_coached() -> None:
    line = "Ann: How do you handle onboarding today?\nBo: We use spreadsheets and it takes weeks.\n"
    text = line * (MAX_TRANSCRIPT_CHARS // len(line) - 1)
    result = coach_call(CoachCallInput(transcript=text), "en")
    assert result.metrics.rep_talk_ratio > 0
    assert result.score >= 0


def test_clock_times_in_text_are_not_speaker_labels() -> None:
    text = "Rep: Could we meet at 3:00\nWe could also do 4:00\nBuyer: Sure, or at 5:00\nSpeaker 2: 10 people\nRep: ok"
    transcript = read_transcript(text)
    assert transcript.format == "speaker_lines"
    assert [t.speaker for t in transcript.turns] == ["Rep", "Buyer", "Speaker 2", "Rep"]
    assert transcript.turns[0].text == "Could we meet at 3:00 We could also do 4:00"


def test_name_with_trailing_time_stamp() -> None:
    transcript = read_transcript("Alex (00:00:01): Hello there?\nBo (00:00:04): Hi.\nAlex (00:00:06): Great.")
    assert [(t.speaker, t.start, t.end) for t in transcript.turns] == [
        ("Alex", 1.0, 4.0),
        ("Bo", 4.0, 6.0),
        ("Alex", 6.0, None),
    ]


@pytest.mark.parametrize(
    ("rep", "buyer"),
    [
        ("销售", "客户"),
        ("销售小王", "王总（客户）"),
        ("客户经理李", "张总"),
        ("Sales - Anna", "Tom"),
        ("Dana", "Customer"),
    ],
)
def test_side_from_speaker_labels(rep: str, buyer: str) -> None:
    text = f"{buyer}: 你们的价格是多少？ How much?\n{rep}: 每年五万。\n{buyer}: 好的 ok then."
    result = coach_call(CoachCallInput(transcript=text), "en")
    assert result.side_inference.method == "speaker_labels"
    sides = {s.name: s.side for s in result.speakers}
    assert sides[normalise_speaker(rep)] == "rep"
    assert sides[normalise_speaker(buyer)] == "prospect"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings(newline: str) -> None:
    path = Path("tests/coaching/data/transcripts/01_teams_voice.vtt")
    text = path.read_text(encoding="utf-8")
    expected = read_transcript(text)
    converted = read_transcript("\ufeff" + text.replace("\n", newline))
    assert [(t.speaker, t.text, t.start, t.end) for t in converted.turns] == [
        (t.speaker, t.text, t.start, t.end) for t in expected.turns
    ]


@pytest.mark.parametrize(
    ("locale", "title", "objections"),
    [
        (
            "en",
            "### Call coaching — demo: Score 92/100",
            "**Objections**: authority: “这个价格有点高，我得先问问老板。”",
        ),
        ("zh", "### 通话辅导 — 产品演示: 得分 92/100", "**异议**: 决策权限: “这个价格有点高，我得先问问老板。”"),
    ],
)
def test_text_names_call_type_and_objection_category_in_the_locale(locale: str, title: str, objections: str) -> None:
    """The zh text shows the call type's label (call_targets.yaml) and each objection's category label (objection
    library), not the codes 'demo' / 'authority'; the structured result keeps the codes."""
    text = (Path(__file__).parent / "data" / "transcripts" / "09_zh_labels.txt").read_text(encoding="utf-8")
    result = coach_call(CoachCallInput(transcript=text, call_type="demo"), locale)  # type: ignore[arg-type]
    lines = coach_call_markdown(result).splitlines()
    assert lines[0] == title and objections in lines
    assert result.call_type == "demo" and [o.category for o in result.objections] == ["authority"]
