"""The four views rendered in headless Chromium from golden tool results (the real tools run on fixed inputs):
the right numbers in the right places, labels in both languages, no console error, exception or network
request, and screenshots kept in tests/artifacts/views/ for a person to look at.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sales_playbook.schemas.coaching import CoachCallInput
from sales_playbook.schemas.forecast import ForecastInput
from sales_playbook.schemas.pipeline import ReviewPipelineInput
from sales_playbook.schemas.qualify import QualifyInput
from sales_playbook.server import views
from sales_playbook.tools.coaching import coach_call
from sales_playbook.tools.forecast import forecast
from sales_playbook.tools.pipeline_review import review_pipeline
from sales_playbook.tools.qualify import qualify_deal

AS_OF = date(2026, 11, 23)
TRANSCRIPTS = Path(__file__).resolve().parents[1] / "coaching" / "data" / "transcripts"

DEALS: list[dict[str, Any]] = [
    {
        "id": "A1",
        "company": "Acme",
        "value": 120_000,
        "stage": "proposal",
        "stage_entered": "2026-10-01",
        "close_date": "2026-12-15",
        "last_activity": "2026-11-20",
        "next_step": "Pricing review",
        "next_step_date": "2026-11-27",
        "contacts": [
            {"name": "Jo", "role": "champion", "engaged": True},
            {"name": "Li", "role": "economic_buyer", "engaged": True},
        ],
    },
    {
        "id": "B2",
        "company": "Beta GmbH",
        "value": 80_000,
        "stage": "negotiation",
        "stage_entered": "2026-11-10",
        "close_date": "2026-12-05",
        "last_activity": "2026-11-22",
        "verbal_agreement": True,
    },
    {
        "id": "C3",
        "company": "Cobalt",
        "value": 45_500,
        "stage": "discovery",
        "stage_entered": "2026-11-01",
        "close_date": "2026-12-20",
        "last_activity": "2026-10-01",
    },
    {"id": "D4", "company": "Delta", "value": 30_000, "stage": "prospecting", "close_date": "2027-02-01"},
    {"id": "E5", "company": "Echo", "value": 60_000, "stage": "closed_won", "close_date": "2026-10-20"},
    {
        "id": "F6",
        "company": "Foxtrot",
        "value": 25_000,
        "stage": "closed_lost",
        "close_date": "2026-11-02",
        "loss_reason": "price",
    },
]


def many_deals(count: int, seed: int = 3) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    stages = ["prospecting", "discovery", "evaluation", "proposal", "negotiation", "closed_won", "closed_lost"]
    return [
        {
            "id": f"D{i}",
            "company": f"Company {i}",
            "value": rng.randrange(5_000, 250_000),
            "stage": rng.choice(stages),
            "stage_entered": (AS_OF - timedelta(days=rng.randrange(1, 120))).isoformat(),
            "close_date": (date(2026, 10, 1) + timedelta(days=rng.randrange(0, 120))).isoformat(),
            "last_activity": (AS_OF - timedelta(days=rng.randrange(0, 30))).isoformat(),
        }
        for i in range(count)
    ]


def review(deals: list[dict[str, Any]], locale: str = "en", quota: float | None = 1_000_000) -> dict[str, Any]:
    inp = ReviewPipelineInput.model_validate({"deals": deals, "quota": quota, "as_of": AS_OF})
    return review_pipeline(inp, inp.deals or [], AS_OF, locale).model_dump(mode="json")  # type: ignore[arg-type]


def forecast_of(deals: list[dict[str, Any]], locale: str = "en", quota: float | None = 400_000) -> dict[str, Any]:
    inp = ForecastInput.model_validate({"deals": deals, "quota": quota, "as_of": AS_OF})
    return forecast(inp, inp.deals or [], AS_OF, locale).model_dump(mode="json")  # type: ignore[arg-type]


def qualified(locale: str = "en") -> dict[str, Any]:
    deal = {
        **DEALS[0],
        "notes": "Pain: onboarding takes six weeks. 还没有确定竞争对手。",
        "meddpicc": {"metrics": {"score": 3, "evidence": "cut onboarding from 6 to 2 weeks"}},
    }
    inp = QualifyInput.model_validate({"deal": deal, "as_of": AS_OF})
    return qualify_deal(inp, AS_OF, locale).model_dump(mode="json")  # type: ignore[arg-type]


def coached(text: str, locale: str, **fields: Any) -> dict[str, Any]:
    return coach_call(CoachCallInput(transcript=text, **fields), locale).model_dump(mode="json")  # type: ignore[arg-type]


def money_en(value: float) -> str:
    return f"${value:,.0f}"


def show(page: Any, tmp_path: Path, tool: str, result: dict[str, Any], name: str) -> None:
    path = tmp_path / f"{name}.html"
    path.write_text(views.report_html(tool, result), encoding="utf-8")
    page.load(path)
    page.screenshot(name)
    assert page.problems == [], page.problems
    assert page.evaluate("document.getElementById('app').dataset.rendered") == "true"


def texts(page: Any, selector: str) -> list[str]:
    return page.evaluate(f"[...document.querySelectorAll({json.dumps(selector)})].map(e => e.textContent.trim())")


# ------------------------------------------------------------------------------------------- pipeline


def test_pipeline_funnel_and_deals(page: Any, tmp_path: Path) -> None:
    result = review(DEALS)
    show(page, tmp_path, "review_pipeline", result, "pipeline_en")
    funnel = [row for row in result["funnel"] if row["count"]]
    assert page.evaluate("[...document.querySelectorAll('.frow')].map(r => r.dataset.stage)") == [
        row["stage"] for row in funnel
    ]
    assert texts(page, ".frow .fval") == [money_en(row["value"]) for row in funnel]
    assert texts(page, ".frow .fwv") == [
        f"Weighted ({round(row['probability'] * 100)}%) {money_en(row['weighted'])}" for row in funnel
    ]
    assert texts(page, ".frow .flabel b") == [row["stage"].capitalize() for row in funnel]
    kpis = texts(page, ".kpi b")
    assert kpis[0] == money_en(result["summary"]["total_pipeline"])
    assert kpis[1] == money_en(result["summary"]["weighted_pipeline"])
    assert kpis[2] == f"{result['pipeline_health']['coverage_ratio']}x"
    rows = page.evaluate("[...document.querySelectorAll('table.top tbody tr')].map(r => r.dataset.id)")
    assert rows == [d["id"] for d in result["deals_to_review"]]
    risks = page.evaluate(
        "[...document.querySelectorAll('table.top [data-risk]')].map(e => [e.dataset.risk, e.textContent])"
    )
    icons = {"red": "▲ High", "yellow": "◆ Medium", "green": "✓ Low"}
    assert risks == [[d["risk"], icons[d["risk"]]] for d in result["deals_to_review"]]  # a label, not only colour


def test_pipeline_empty_single_and_500_deals(page: Any, tmp_path: Path) -> None:
    show(page, tmp_path, "review_pipeline", review([], "zh"), "pipeline_empty_zh")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert texts(page, "h1") == ["管道周回顾"]
    assert texts(page, ".empty") == ["管道中没有进行中的商机。", "没有需要回顾的进行中商机。"]

    show(page, tmp_path, "review_pipeline", review([DEALS[1]], quota=None), "pipeline_single")
    assert texts(page, ".frow .fval") == [money_en(80_000)]
    assert texts(page, ".frow .flabel span") == ["1 deal"]
    assert texts(page, ".kpi b")[2] == "no quota"

    big = review(many_deals(500))
    show(page, tmp_path, "review_pipeline", big, "pipeline_500")
    counts = page.evaluate("[...document.querySelectorAll('.frow .flabel span')].map(e => e.textContent)")
    assert counts == [f"{row['count']} deals" for row in big["funnel"] if row["count"]]
    assert sum(row["count"] for row in big["funnel"]) == sum(
        1 for d in many_deals(500) if d["stage"] not in ("closed_won", "closed_lost")
    )
    assert len(texts(page, "table.top tbody tr")) == 10
    assert page.evaluate("document.documentElement.scrollWidth") <= 900  # nothing runs off the side


# ------------------------------------------------------------------------------------------- forecast


def test_forecast_against_quota(page: Any, tmp_path: Path) -> None:
    result = forecast_of(DEALS)
    show(page, tmp_path, "forecast", result, "forecast_en")
    totals = result["totals"]
    assert texts(page, ".kpi b.quota") == [money_en(400_000)]
    assert texts(page, ".kpi b.fc") == [money_en(result["forecast"])]
    values = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('.crow')].map(r => "
        "[r.dataset.kind, r.querySelector('.cval').textContent]))"
    )
    assert values == {kind: money_en(totals[kind]) for kind in ("closed", "commit", "best_case", "pipeline")}
    gap = result["gap_to_quota"]
    assert float(page.evaluate("document.querySelector('[data-gap]').dataset.gap")) == gap
    assert texts(page, "[data-gap]") == [("✓ " if gap < 0 else "▲ ") + money_en(abs(gap))]
    shown = page.evaluate("[...document.querySelectorAll('table.deals tbody tr')].map(r => r.dataset.category)")
    assert shown == sorted(shown, key=["commit", "best_case", "pipeline"].index)
    assert "omitted" not in shown
    # the stacked bar: widths in proportion to the amounts
    widths = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('.stack .seg')].map(s => "
        "[s.dataset.kind, s.getBoundingClientRect().width]))"
    )
    nonzero = {k: totals[k] for k in ("closed", "commit", "best_case", "pipeline") if totals[k] > 0}
    assert set(widths) == set(nonzero)
    first, *others = nonzero
    for kind in others:
        assert widths[kind] / widths[first] == pytest.approx(nonzero[kind] / nonzero[first], rel=0.05)

    show(page, tmp_path, "forecast", forecast_of([], "zh", quota=None), "forecast_empty_zh")
    assert texts(page, ".empty") == ["本周期没有预计成交的商机。"]
    assert texts(page, ".kpi b.quota") == ["未提供配额"]


# ------------------------------------------------------------------------------------------- deal


def test_scorecard_marks_weak_elements(page: Any, tmp_path: Path) -> None:
    result = qualified()
    show(page, tmp_path, "qualify_deal", result, "deal_en")
    rows = page.evaluate(
        "[...document.querySelectorAll('table.card tbody tr')].map(r => [r.dataset.key, r.dataset.status, "
        "r.classList.contains('weak'), r.querySelector('.tag').textContent, r.querySelector('.pips b').textContent])"
    )
    labels = {"confirmed": "✓ Confirmed", "partial": "◆ Partial", "unknown": "▲ Weak"}
    assert rows == [
        [e["key"], e["status"], e["status"] == "unknown", labels[e["status"]], f" {e['score']}/3"]
        for e in result["elements"]
    ]
    assert texts(page, ".kpi b.total") == [f"{result['total']} of {result['max']}"]
    assert result["band_label"] in texts(page, "[data-band]")[0]
    assert len(texts(page, ".flags li")) == len(result["red_flags"])

    zh = qualified("zh")
    show(page, tmp_path, "qualify_deal", zh, "deal_zh")
    assert texts(page, ".kpi b.total") == [f"{zh['total']} / {zh['max']}"]
    assert "▲ 薄弱" in texts(page, "table.card .tag")


# ------------------------------------------------------------------------------------------- call


def test_call_timeline(page: Any, tmp_path: Path) -> None:
    result = coached((TRANSCRIPTS / "01_teams_voice.vtt").read_text(encoding="utf-8"), "en")
    show(page, tmp_path, "coach_call", result, "call_en")
    assert len(texts(page, ".lane")) == len(result["speakers"])
    segments = page.evaluate("[...document.querySelectorAll('.turn')].map(t => +t.dataset.segment)")
    assert sorted(segments) == list(range(len(result["timeline"])))
    # each turn sits in its speaker's lane, at its time
    lanes = page.evaluate("[...document.querySelectorAll('.turn')].map(t => +t.closest('.lane').dataset.speaker)")
    assert lanes == [result["timeline"][i]["speaker"] for i in segments]
    left = page.evaluate("[...document.querySelectorAll('.turn')].map(t => parseFloat(t.style.left))")
    start, end = result["timeline"][0]["start"], max(s["end"] for s in result["timeline"])
    for i, x in zip(segments, left, strict=True):
        assert x == pytest.approx(100 * (result["timeline"][i]["start"] - start) / (end - start), abs=0.01)
    assert len(texts(page, ".pin")) == sum(1 for o in result["objections"] if o["segment"] is not None) >= 1
    assert texts(page, ".tick")[-1] == "0:44"
    assert texts(page, ".score") == [f"Score {result['score']}/100"]


def test_chinese_call_and_long_monologue(page: Any, tmp_path: Path) -> None:
    result = coached((TRANSCRIPTS / "10_zh_voice.vtt").read_text(encoding="utf-8"), "zh")
    show(page, tmp_path, "coach_call", result, "call_zh")
    assert texts(page, "h1")[0].startswith("通话辅导")
    assert len(texts(page, ".turn")) == len(result["timeline"])
    assert texts(page, ".lane .who span") == ["销售" if s["side"] == "rep" else "客户" for s in result["speakers"]]

    untimed = coached((TRANSCRIPTS / "09_zh_labels.txt").read_text(encoding="utf-8"), "zh")
    show(page, tmp_path, "coach_call", untimed, "call_zh_untimed")
    assert "按字数排列（记录中没有时间戳）" in texts(page, "p.small")
    assert texts(page, ".tick")[-1] == str(sum(s["words"] for s in untimed["timeline"]))

    talk = "Rep: " + "we integrate with everything you use " * 30 + "\nBuyer: mm-hmm\nRep: " + "and more " * 40
    long = coached(talk + "\nBuyer: Honestly it is too expensive for us right now.\n", "en", rep_names=["Rep"])
    assert long["long_monologues"]
    show(page, tmp_path, "coach_call", long, "call_monologue")
    assert texts(page, ".mono") == [f"⟷ Monologue {m['words']} words" for m in long["long_monologues"]]
    assert page.evaluate("document.querySelector('.kpi b.bad') !== null")  # the monologue KPI is marked


# ------------------------------------------------------------------------------------------- host protocol

HOST = """<!doctype html><meta charset="utf-8"><body>
<iframe id="view" style="width:880px;height:600px;border:0"></iframe><script>
const frame = document.getElementById("view"), result = %s, seen = [];
window.addEventListener("message", (event) => {
  const m = event.data; seen.push(m.method || "response");
  const send = (msg) => frame.contentWindow.postMessage({jsonrpc: "2.0", ...msg}, "*");
  if (m.method === "ui/initialize") send({id: m.id, result: {protocolVersion: m.params.protocolVersion,
    hostInfo: {name: "test-host", version: "1"}, hostCapabilities: {}, hostContext: {theme: "dark"}}});
  if (m.method === "ui/notifications/initialized") send({method: "ui/notifications/tool-result", params: result});
});
window.seen = seen;
frame.srcdoc = %s;
</script>"""


def host_page(call_result: dict[str, Any], tool: str) -> str:
    """A stand-in MCP Apps host: the served view in an iframe, answering the handshake with `call_result`.
    (Real hosts sandbox the frame; this one leaves it same-origin so the test can read the view's DOM.)"""
    data, page = (json.dumps(x).replace("</", "<\\/") for x in (call_result, views.html(tool)))
    return HOST % (data, page)


def wait_inner(page: Any, selector: str) -> None:
    """Wait until the view inside the host's iframe shows `selector`."""
    page.evaluate(
        "new Promise(r => { const v = document.getElementById('view'); const f = () => v.contentDocument && "
        f"v.contentDocument.querySelector({json.dumps(selector)}) ? r() : setTimeout(f, 10); f(); }})",
        await_=True,
    )


def test_view_renders_the_tool_result_the_host_sends(page: Any, tmp_path: Path) -> None:
    result = forecast_of(DEALS)
    call_result = {"content": [{"type": "text", "text": "fallback"}], "structuredContent": result}
    host = tmp_path / "host.html"
    host.write_text(host_page(call_result, "forecast"), encoding="utf-8")
    page.load(host)
    wait_inner(page, "#app[data-rendered]")
    page.screenshot("forecast_in_host_dark")
    assert page.problems == [], page.problems
    inner = "document.getElementById('view').contentDocument"
    assert page.evaluate(f"{inner}.querySelector('.kpi b.fc').textContent") == money_en(result["forecast"])
    assert page.evaluate(f"{inner}.documentElement.dataset.theme") == "dark"
    seen = page.evaluate("window.seen")
    assert seen[:2] == ["ui/initialize", "ui/notifications/initialized"]
    assert "ui/notifications/size-changed" in seen

    error = {"isError": True, "content": [{"type": "text", "text": "deals: no deal store"}]}
    host.write_text(host_page(error, "forecast"), encoding="utf-8")
    page.load(host)
    wait_inner(page, ".error")
    assert "deals: no deal store" in page.evaluate(f"{inner}.querySelector('.error').textContent")


def test_views_are_small_and_self_contained() -> None:
    for tool in views.VIEWS:
        page = views.html(tool)
        assert len(page.encode("utf-8")) <= 17_000, tool
        for needle in ("http://", "https://", "<link", "src=", "fetch(", "XMLHttpRequest", "@import", "url("):
            assert needle not in page, (tool, needle)


def test_a_90_minute_call_stays_legible(page: Any, tmp_path: Path) -> None:
    lines = []
    for i in range(540):  # a turn every 10 s: 90 minutes
        who, text = ("Rep", "How does your team handle that today?") if i % 2 == 0 else ("Buyer", "We do it by hand.")
        lines.append(f"[{i * 10 // 3600:02d}:{i * 10 // 60 % 60:02d}:{i * 10 % 60:02d}] {who}: {text}")
    result = coached("\n".join(lines), "en", rep_names=["Rep"])
    show(page, tmp_path, "coach_call", result, "call_90_minutes")
    assert len(texts(page, ".turn")) == len(result["timeline"]) == 540
    assert page.evaluate("document.querySelector('.chart').classList.contains('dense')")
    assert texts(page, ".tick")[-1] == "89:50"  # the last turn starts at 89:50; start-only stamps leave it out
    assert texts(page, ".kpi b")[2] == "▲ 270"  # 270 questions: over the 11-14 range, marked, not ticked


# ------------------------------------------------------------------------------------------- edge cases

HUGE = {
    "company": "Huge " + "X" * 60,
    "value": 1e13,
    "stage": "negotiation",
    "stage_entered": "2025-01-01",
    "close_date": "2026-12-20",
    "last_activity": "2025-06-01",
    "verbal_agreement": True,
}


@pytest.mark.parametrize(
    ("tool", "make"),
    [
        ("review_pipeline", lambda: review([*DEALS, HUGE], quota=1)),  # a 6-column table, a 60-letter name
        ("review_pipeline", lambda: review([*DEALS, HUGE], "zh")),
        ("forecast", lambda: forecast_of([*DEALS, HUGE], quota=1)),  # $10,000,000,000,000 beside its bar
        ("qualify_deal", qualified),
        ("coach_call", lambda: coached((TRANSCRIPTS / "04_name_colon.txt").read_text(encoding="utf-8"), "en")),
    ],
)
@pytest.mark.parametrize("width", [360, 1280])
def test_nothing_runs_off_a_narrow_or_wide_frame(page: Any, tmp_path: Path, tool: str, make: Any, width: int) -> None:
    path = tmp_path / "page.html"
    path.write_text(views.report_html(tool, make()), encoding="utf-8")
    page.load(path, width=width)
    assert page.problems == [], page.problems
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if tool == "review_pipeline" and width == 360:  # table rows become cards; a bare number keeps its label
        assert page.evaluate("getComputedStyle(document.querySelector('table.top thead')).display") == "none"
        assert page.evaluate("document.querySelector('table.top td[data-l]').dataset.l") in (
            "Days in stage",
            "阶段天数",
        )


@pytest.mark.parametrize(
    ("tool", "result", "absent", "present"),
    [
        # a zero quota: the gap is shown, but no "∞% of quota"
        ("forecast", lambda: forecast_of(DEALS, quota=0), "∞", "Above quota by"),
        ("forecast", lambda: forecast_of(DEALS, "zh", quota=0), "∞", "超出配额"),
        # every call type has an English label
        (
            "coach_call",
            lambda: coached("Rep: What matters most?\nBuyer: Price.\n", "en", call_type="negotiation"),
            "negotiation ·",
            "negotiation call ·",
        ),
    ],
)
def test_edge_results_draw_no_garbage(
    page: Any, tmp_path: Path, tool: str, result: Any, absent: str, present: str
) -> None:
    show(page, tmp_path, tool, result(), f"edge_{tool}")
    text = page.evaluate("document.body.innerText")
    assert absent not in text and present in text
    for garbage in ("NaN", "undefined", "null", "Infinity"):
        assert garbage not in text
