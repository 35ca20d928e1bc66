"""The transcript reader: turns what reps paste (WebVTT, SRT, `Name: text` lines, `[hh:mm:ss] Name: text`,
Zoom / Teams / Otter / Gong-style exports, Chinese `销售：…` lines) into speaker turns with times when the
format has them, normalises speaker names, and decides who is the rep.

Formats, tried in this order (the first that yields speaker turns wins):

- **WebVTT** (starts with `WEBVTT`): cues `[id]` / `start --> end` / text. The speaker is the `<v Name>` voice tag
  (Teams, Otter, Gong VTT), else a `Name: text` prefix inside the cue (Zoom VTT), else the previous cue's speaker.
- **SRT**: numbered cues with `00:00:01,000 --> 00:00:02,500`; speaker from a `Name: text` or `[Name]` prefix.
- **Header blocks** (Otter, Teams and Gong text exports): a line holding only a speaker and a time
  (`Jane Doe  0:03`, `Jane Doe 00:01:23`, `0:03 | Jane Doe`, `[00:01:23] Jane Doe`), then the text lines.
- **Speaker lines**: `Name: text`, `[hh:mm:ss] Name: text`, `hh:mm:ss Name: text`, `Name (hh:mm:ss): text`,
  `**Name**: text`, full-width colons (`客户：…`). A line without a speaker continues the previous turn.

The cue parser is hand-written rather than webvtt-py: webvtt-py 0.6 needs about 90 ms for the 1,500 cues of a
90-minute call on this project's machines, more than the whole coaching budget (the tests check this reader
against webvtt-py on the WebVTT and SRT fixtures).

Speaker names are normalised by collapsing whitespace and stripping markdown and brackets; names that differ only
in case are one speaker (shown as first written). Without `rep_names`, the side is inferred and the method is
reported: speaker labels that name a side (`Sales`, `销售`, `Customer`, `客户` …, from knowledge/call_targets; a
Chinese hint may appear anywhere in the label, e.g. `王总（客户）`),
else the speaker who asks the most questions is the rep (ties: the first to speak).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Literal

from .. import knowledge as kb
from ..schemas.knowledge.base import Terms
from ..schemas.knowledge.coaching import CallCoaching
from .errors import PlaybookInputError

Side = Literal["rep", "prospect"]
TranscriptFormat = Literal["webvtt", "srt", "header_blocks", "speaker_lines"]
SideInference = Literal["rep_names", "speaker_labels", "most_questions"]

MAX_SPEAKER_NAME = 60
MAX_SPEAKERS = 30


@dataclass(slots=True)
class Turn:
    """One stretch of speech by one speaker (a cue, a line, or a block), with times in seconds when known."""

    speaker: str
    text: str
    start: float | None = None
    end: float | None = None


@dataclass
class Transcript:
    format: TranscriptFormat
    turns: list[Turn]
    has_end_times: bool
    """True when every turn has a cue end time (WebVTT, SRT); start-only formats get ends from the next turn."""
    has_start_times: bool
    speakers: list[str] = field(default_factory=list)
    """Speaker display names in order of first appearance."""
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------- times

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TIME_RE = re.compile(rf"^{_TIME}$")


def parse_time(value: str) -> float:
    """'01:02:03.500' / '1:02:03' / '02:03' / '00:00:01,000' -> seconds."""
    value = value.strip().replace(",", ".")
    main, _, fraction = value.partition(".")
    parts = [int(p) for p in main.split(":")]
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


# ------------------------------------------------------------------------------------------ speakers

_WS = re.compile(r"\s+")
_PAIRS = {"[": "]", "(": ")", "【": "】", "（": "）", "<": ">", '"': '"', "“": "”", "'": "'"}


@lru_cache(maxsize=4096)
def normalise_speaker(raw: str) -> str:
    """Display form of a speaker label: NFKC, whitespace collapsed, markdown emphasis and wrapping brackets off."""
    name = _WS.sub(" ", unicodedata.normalize("NFKC", raw)).strip().strip("*_ ").strip()
    while len(name) >= 2 and _PAIRS.get(name[0]) == name[-1]:
        name = name[1:-1].strip()
    return name.lstrip("-–—•· ").strip()


def speaker_key(name: str) -> str:
    return normalise_speaker(name).casefold()


# A plausible speaker label: short, no sentence punctuation, at most 5 words (Latin) or 12 characters (CJK).
_LABEL_BAD = re.compile(r"[.!?。！？,，;；\"“”]|https?|www\.")


@lru_cache(maxsize=4096)
def _plausible_label(label: str) -> bool:
    name = normalise_speaker(label)
    if not name or len(name) > MAX_SPEAKER_NAME or _LABEL_BAD.search(name):
        return False
    if _TIME_RE.match(name) or name.isdigit():
        return False
    return len(name.split()) <= 5


# --------------------------------------------------------------------------------------------- WebVTT / SRT

_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[^>]*>")
_INLINE_SPEAKER = re.compile(r"^\s*(?:\[([^\]\n]{1,60})\]|([^:：\n]{1,60}?))\s*[:：]\s*(.*)$", re.S)


def _clock_split(line: str, text_start: int) -> bool:
    """True when the colon that would end the speaker label sits between two digits ('… at 4:00'): a clock
    time inside a sentence, not a speaker."""
    colon = max(line.rfind(":", 0, text_start), line.rfind("：", 0, text_start))
    return 0 < colon < len(line) - 1 and line[colon - 1].isdigit() and line[colon + 1].isdigit()


def _split_speaker_prefix(text: str) -> tuple[str | None, str]:
    match = _INLINE_SPEAKER.match(text)
    if match:
        label = match.group(1) or match.group(2)
        if label and _plausible_label(label) and not _clock_split(text, match.start(3)):
            return normalise_speaker(label), match.group(3)
    bracket = re.match(r"^\s*\[([^\]\n]{1,60})\]\s*(.*)$", text, re.S)
    if bracket and _plausible_label(bracket.group(1)):
        return normalise_speaker(bracket.group(1)), bracket.group(2)
    return None, text


# A cue: a timing line, then its text lines up to a blank line or the next timing line (one regex over the text).
_CUE = re.compile(
    rf"^[ \t]*({_TIME})[ \t]*-->[ \t]*({_TIME})[^\n]*(?:\n|$)((?:(?![^\n]*-->)[^\n]*\S[^\n]*(?:\n|$))*)",
    re.M,
)


def _cue_blocks(text: str) -> list[tuple[float, float, list[str]]]:
    """(start, end, text lines) for every cue: a timing line followed by text up to a blank line."""
    cues: list[tuple[float, float, list[str]]] = []
    for match in _CUE.finditer(text):
        body = match.group(3).splitlines()
        # an SRT index or VTT cue id right before the next timing line belongs to the next cue
        if body and body[-1].strip().isdigit() and _CUE.match(text, match.end()):
            body.pop()
        cues.append((parse_time(match.group(1)), parse_time(match.group(2)), body))
    return cues


def _read_cues(text: str, fmt: TranscriptFormat) -> Transcript | None:
    turns: list[Turn] = []
    current: str | None = None
    unlabelled = 0
    for start, end, body in _cue_blocks(text):
        raw = "\n".join(body)
        if not raw.strip() or raw.strip().startswith("NOTE"):
            continue
        voices = list(_VOICE.finditer(raw)) if fmt == "webvtt" else []
        if voices:
            # one cue may hold several voice spans: each is a turn of its speaker
            for index, voice in enumerate(voices):
                stop = voices[index + 1].start() if index + 1 < len(voices) else len(raw)
                text = _TAG.sub("", raw[voice.end() : stop])
                current = normalise_speaker(voice.group(1))
                turns.append(Turn(current, _WS.sub(" ", text).strip(), start, end))
            continue
        text = _WS.sub(" ", _TAG.sub("", raw)).strip()
        speaker, text = _split_speaker_prefix(text)
        if speaker is None:
            if current is None:
                unlabelled += 1
                continue
            speaker = current
        current = speaker
        turns.append(Turn(speaker, text.strip(), start, end))
    if not turns:
        return None
    notes = []
    if unlabelled:
        notes.append(f"{unlabelled} cue(s) before the first speaker label were skipped")
    return Transcript(fmt, turns, has_end_times=True, has_start_times=True, notes=notes)


# ------------------------------------------------------------------------------------ header-block exports

# The patterns are written for one line at a time and also run over the whole text (re.M, lines joined by "\n"):
# `[^\S\n]` is `\s` that never crosses a line, and every negated class leaves out "\n".
_SP = r"[^\S\n]"
_HEADER_PATTERNS = tuple(
    re.compile(pattern, re.M)
    for pattern in (
        # Otter / Teams text: "Jane Doe  0:03" or "Jane Doe 00:01:23"
        rf"^{_SP}*(?P<name>[^\d\s:：|\[][^:：|\[\]\n]{{0,58}}?){_SP}+(?P<time>{_TIME}){_SP}*$",
        # Gong-style: "0:03 | Jane Doe" (also "00:01:23 - Jane Doe")
        rf"^{_SP}*(?P<time>{_TIME}){_SP}*[|｜\-–]{_SP}*(?P<name>[^:：|\n]{{1,60}}?){_SP}*$",
        # "Jane Doe | 0:03"
        rf"^{_SP}*(?P<name>[^:：|\d\n][^:：|\n]{{0,58}}?){_SP}*[|｜]{_SP}*(?P<time>{_TIME}){_SP}*$",
        # "[00:01:23] Jane Doe" alone on its line
        rf"^{_SP}*\[(?P<time>{_TIME})\]{_SP}*(?P<name>[^:：\[\]\n]{{1,60}}?){_SP}*$",
    )
)
_ANY_HEADER = re.compile(
    "|".join(p.pattern.replace("(?P<name>", "(?:").replace("(?P<time>", "(?:") for p in _HEADER_PATTERNS), re.M
)
"""A line any header pattern matches (speaker plausibility not yet checked), found in one pass over the text."""
_CLOCK = re.compile(r":\d\d")
"""Part of every `_TIME`: a text without it has no header line."""


def _header(line: str) -> tuple[str, float] | None:
    for pattern in _HEADER_PATTERNS:
        match = pattern.match(line)
        if match and _plausible_label(match.group("name")):
            return normalise_speaker(match.group("name")), parse_time(match.group("time"))
    return None


def _read_header_blocks(lines: list[str], flat: str) -> Transcript | None:
    # most transcripts have no header line at all (no clock time even): one pass over the text tells
    if not _CLOCK.search(flat) or sum(1 for m in _ANY_HEADER.finditer(flat) if _header(m.group()) is not None) < 2:
        return None
    turns: list[Turn] = []
    headers = 0
    for line in lines:
        header = _header(line)
        if header is not None:
            headers += 1
            turns.append(Turn(header[0], "", header[1], None))
            continue
        text = line.strip()
        if text and turns:
            turns[-1].text = f"{turns[-1].text} {text}".strip() if turns[-1].text else text
    # a header format needs headers followed by text, and more headers than 'Name: text' lines (a text line
    # that happens to end in a time must not turn a speaker-lines transcript into header blocks)
    if headers < 2 or sum(1 for turn in turns if turn.text) < headers / 2:
        return None
    speaker_lines = sum(1 for line in lines if _LINE.match(line) and _header(line) is None)
    if speaker_lines >= headers:
        return None
    return Transcript("header_blocks", [t for t in turns if t.text], has_end_times=False, has_start_times=True)


# --------------------------------------------------------------------------------------------- speaker lines

_LINE = re.compile(
    rf"""^{_SP}*
    (?:[\[(](?P<t1>{_TIME})[\])]{_SP}*|(?P<t2>{_TIME}){_SP}+(?:[-–|]{_SP}*)?)?    # optional leading time
    (?P<name>\*\*[^*\n]{{1,60}}\*\*|[^:：\n]{{1,60}}?)                             # speaker
    (?:{_SP}*[\[(](?P<t3>{_TIME})[\])])?                                         # optional trailing time
    (?P<before>{_SP}*)[:：](?P<after>{_SP}*)(?P<text>.*)$""",
    re.X | re.M,
)
_PLAIN_LINE = rf"{_SP}*([^\s:：\[(*\d](?:[^:：\n\[(*]{{0,58}}[^\s:：\[(*])?)({_SP}*)[:：]({_SP}*)(.*)"
"""`_LINE` where the label holds no time, bracket or bold (most lines): the same name, spaces and text, found
without `_LINE`'s shortest-label search. Groups: name, before, after, text."""
_LINES = re.compile(rf"^(?P<line>{_PLAIN_LINE}|{_LINE.pattern}|[^\n]*\S[^\n]*)$", re.X | re.M)
"""Every non-blank line of the text, with the `_PLAIN_LINE` or else the `_LINE` groups filled when it has the
shape of a speaker line."""


@lru_cache(maxsize=4096)
def _line_speaker(name: str) -> str | None:
    """The speaker a `Name: text` line's label names, or None when the label is no plausible speaker."""
    if not _plausible_label(name) or _TIME_RE.match(name.strip()):
        return None
    return normalise_speaker(name)


def _read_speaker_lines(flat: str) -> Transcript | None:
    turns: list[Turn] = []
    labelled = stamped = orphan = 0
    rows = _LINES.findall(flat)
    for line, name, before, after, text, t1, t2, full_name, t3, full_before, full_after, full_text in rows:
        if not name:  # not a plain line: `_LINE`'s groups
            name, before, after, text = full_name, full_before, full_after, full_text
        speaker = _line_speaker(name) if name else None
        # '… at 4:00' is a clock time inside a sentence, not a speaker label ending at the colon
        clock = not before and not after and name[-1:].isdigit() and text[:1].isdigit() and not t3
        if speaker is not None and not clock:
            labelled += 1
            stamp = t1 or t2 or t3
            start = parse_time(stamp) if stamp else None
            stamped += start is not None
            turns.append(Turn(speaker, text.strip(), start, None))
        elif turns:
            turns[-1].text = f"{turns[-1].text} {line.strip()}".strip()
        else:
            orphan += 1
    if labelled == 0:
        return None
    notes = [f"{orphan} line(s) before the first speaker label were skipped"] if orphan else []
    has_starts = stamped == labelled
    if 0 < stamped < labelled:
        notes.append(f"only {stamped} of {labelled} lines have a time stamp, so times are not used")
        for turn in turns:
            turn.start = None
    return Transcript("speaker_lines", turns, has_end_times=False, has_start_times=has_starts, notes=notes)


# ------------------------------------------------------------------------------------------------ reading

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
"""`_CONTROL` for ASCII text, which bytes.translate counts without a regex scan."""


def _looks_binary(text: str) -> int:
    sample = text[:20_000]
    if sample.isascii():
        bad = len(sample) - len(sample.encode("ascii").translate(None, _CONTROL_BYTES))
    else:
        bad = len(_CONTROL.findall(sample))
    return bad if bad > max(3, len(sample) // 200) else 0


def read_transcript(text: str) -> Transcript:
    """Parse raw transcript text; raises PlaybookInputError('transcript', …) when no speaker turns can be read."""
    if not text.strip():
        raise PlaybookInputError("transcript", "is empty; paste the call transcript text (WebVTT, SRT or 'Name: text')")
    bad = _looks_binary(text)
    if bad:
        raise PlaybookInputError(
            "transcript", f"looks like binary data ({bad} control characters), not transcript text"
        )
    body = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = body.splitlines()
    flat = "\n".join(lines)  # every line break as "\n": the line regexes run over the whole text at once
    first = next((line.strip() for line in lines if line.strip()), "")
    candidates: list[Transcript | None] = []
    if first.startswith("WEBVTT"):
        candidates.append(_read_cues(body, "webvtt"))
    elif "-->" in body[:5000]:
        candidates.append(_read_cues(body, "srt"))
    if not any(candidates):
        candidates.append(_read_header_blocks(lines, flat))
    if not any(candidates):
        candidates.append(_read_speaker_lines(flat))
    transcript = next((c for c in candidates if c is not None), None)
    if transcript is None or not transcript.turns:
        raise PlaybookInputError(
            "transcript",
            "no speaker turns found; expected WebVTT, SRT, 'Name: text' lines (optionally with [hh:mm:ss]), "
            "Zoom/Teams/Otter/Gong exports, or Chinese '销售：…' lines",
        )
    _unify_speakers(transcript)
    _fill_end_times(transcript)
    return transcript


def _unify_speakers(transcript: Transcript) -> None:
    """One display name per speaker key (first written form), in order of first appearance."""
    labels = dict.fromkeys(turn.speaker for turn in transcript.turns)  # each label once, in order
    display: dict[str, str] = {}
    for label in labels:
        display.setdefault(speaker_key(label), label)
    written = {label: display[speaker_key(label)] for label in labels}
    if any(name != label for label, name in written.items()):
        for turn in transcript.turns:
            turn.speaker = written[turn.speaker]
    transcript.speakers = list(display.values())
    if len(transcript.speakers) > MAX_SPEAKERS:
        raise PlaybookInputError(
            "transcript",
            f"{len(transcript.speakers)} different speaker labels found (at most {MAX_SPEAKERS}); "
            "the text does not look like a call transcript",
        )


def _fill_end_times(transcript: Transcript) -> None:
    """Start-only formats: a turn ends when the next turn starts (the last turn's end stays unknown)."""
    if transcript.has_end_times or not transcript.has_start_times:
        return
    turns = transcript.turns
    for turn, following in itertools.pairwise(turns):
        if turn.start is not None and following.start is not None and following.start >= turn.start:
            turn.end = following.start


# ---------------------------------------------------------------------------------------------------- sides


@dataclass(frozen=True)
class SideAssignment:
    sides: dict[str, Side]
    method: SideInference
    explanation: str


@dataclass(frozen=True)
class _SideHints:
    side: Side
    words: frozenset[str]
    """One-word English hints (case-folded): a word of the label."""
    phrases: tuple[str, ...]
    """Longer English hints (case-folded): a part of the label."""
    zh: tuple[str, ...]
    """Chinese hints: the whole label, or a part of it when at least two characters long."""


@cache
def _side_hints() -> tuple[_SideHints, ...]:
    coaching = kb.get("call_targets", CallCoaching)
    sides: tuple[tuple[Side, Terms], ...] = (
        ("rep", coaching.rep_name_hints),
        ("prospect", coaching.prospect_name_hints),
    )
    return tuple(
        _SideHints(
            side,
            frozenset(hint.casefold().split()[0] for hint in hints.en if len(hint.casefold().split()) == 1),
            tuple(hint.casefold() for hint in hints.en if len(hint.casefold().split()) > 1),
            tuple(hints.zh),
        )
        for side, hints in sides
    )


_LABEL_WORD = re.compile(r"[a-z]+")


def _label_side(name: str) -> Side | None:
    """The side a speaker label names, the rep's hints checked first."""
    folded = name.casefold()
    words = set(_LABEL_WORD.findall(folded))
    for hints in _side_hints():
        if not words.isdisjoint(hints.words) or any(phrase in folded for phrase in hints.phrases):
            return hints.side
        if any(folded == hint or (len(hint) >= 2 and hint in folded) for hint in hints.zh):
            return hints.side
    return None


def assign_sides(
    transcript: Transcript, rep_names: list[str], question_counts: dict[str, int], locale: str
) -> SideAssignment:
    """Who is the rep: the given `rep_names`, else speaker labels, else the speaker asking the most questions."""
    speakers = transcript.speakers
    zh = locale == "zh"
    if rep_names:
        by_key = {speaker_key(s): s for s in speakers}
        reps: set[str] = set()
        for wanted in rep_names:
            key = speaker_key(wanted)
            found = by_key.get(key) or next(
                (s for k, s in by_key.items() if k.split(" ")[0] == key or k.startswith(key + " ")), None
            )
            if found is None:
                raise PlaybookInputError(
                    "rep_names", f"no speaker called {wanted!r} in the transcript; speakers are: {', '.join(speakers)}"
                )
            reps.add(found)
        sides: dict[str, Side] = {s: ("rep" if s in reps else "prospect") for s in speakers}
        text = (
            f"按 rep_names 指定：{'、'.join(sorted(reps))} 为销售方"
            if zh
            else f"from rep_names: {', '.join(sorted(reps))} on the rep side"
        )
        return SideAssignment(sides, "rep_names", text)

    labelled = {s: _label_side(s) for s in speakers}
    if any(side == "rep" for side in labelled.values()) or any(side == "prospect" for side in labelled.values()):
        has_rep = any(side == "rep" for side in labelled.values())
        sides = {}
        for s in speakers:
            side = labelled[s]
            sides[s] = side if side is not None else ("prospect" if has_rep else "rep")
        text = (
            "根据说话人标签推断（如“销售”“客户”）；未标注的说话人归为另一方"
            if zh
            else "inferred from the speaker labels (such as 'Sales', 'Customer'); unlabelled speakers are put on "
            "the other side"
        )
        return SideAssignment(sides, "speaker_labels", text)

    rep = max(speakers, key=lambda s: (question_counts.get(s, 0), -speakers.index(s)))
    sides = {s: ("rep" if s == rep else "prospect") for s in speakers}
    asked = question_counts.get(rep, 0)
    text = (
        f"未提供 rep_names：{rep} 提问最多（{asked} 个），被视为销售方；如有误请传入 rep_names"
        if zh
        else f"no rep_names given: {rep} asked the most questions ({asked}) and is taken as the rep; "
        "pass rep_names if that is wrong"
    )
    return SideAssignment(sides, "most_questions", text)
