(function () {
  "use strict";
  var h = SP.h;
  var W = {
    en: { title: "Call coaching", score: "Score", talk: "Rep talk share", time: "Rep talk time",
      questions: "Rep questions", mono: "Longest rep monologue", next: "Next step", target: "target {v}",
      dated: "dated", undated: "no date", none: "none found", timeline: "Talk-time timeline",
      axis_time: "minutes:seconds", axis_words: "words into the call (no cue times in the transcript)",
      rep: "rep", prospect: "buyer", monologue: "Monologue", objection: "Objection", objections: "Objections",
      noobj: "No objections found.", words: "{n} words", seconds: "{n} s", breakdown: "Score breakdown",
      rule: "Rule", points: "Points", reason: "Why", improve: "To improve",
      legend_rep: "rep turn",
      legend_buyer: "buyer turn", legend_mono: "monologue over the limit", price: "price", timing: "timing",
      authority: "authority", status_quo: "status quo", brush_off: "brush-off", other: "other",
      merged: "Long call: each bar merges {n} consecutive turns.", discovery: "discovery call", demo: "demo",
      cold_call: "cold call", negotiation: "negotiation call", follow_up: "follow-up call" },
    zh: { title: "通话辅导", score: "得分", talk: "销售发言占比", time: "销售发言时长占比", questions: "销售提问数",
      mono: "销售最长独白", next: "下一步", target: "目标 {v}", dated: "有日期", undated: "无日期", none: "未找到",
      timeline: "发言时间线", axis_time: "分:秒", axis_words: "按字数排列（记录中没有时间戳）", rep: "销售",
      prospect: "客户", monologue: "独白", objection: "异议", objections: "异议", noobj: "未发现异议。",
      words: "{n} 字", seconds: "{n} 秒", breakdown: "得分明细", rule: "规则", points: "分数", reason: "原因",
      improve: "改进建议",
      legend_rep: "销售发言", legend_buyer: "客户发言", legend_mono: "超过上限的独白", price: "价格",
      timing: "时机", authority: "决策权", status_quo: "维持现状", brush_off: "推脱", other: "其他",
      merged: "通话较长：每一段合并了 {n} 个连续轮次。", discovery: "需求挖掘", demo: "产品演示", cold_call: "陌生电话",
      negotiation: "谈判", follow_up: "跟进" }
  };
  function t(key, vars) { return SP.t(W, key, vars); }
  function clock(s) {
    s = Math.round(s);
    var m = Math.floor(s / 60), r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }
  function kpi(label, value, note, ok) {
    return h("div", { class: "kpi" }, h("span", {}, label),
      h("b", { class: ok === false ? "bad" : null }, (ok === false ? "▲ " : ok ? "✓ " : "") + value),
      note ? h("span", {}, note) : null);
  }

  SP.mount(function (r) {
    var m = r.metrics, tg = r.targets, tl = r.timeline || [];
    /* start-only formats leave the last turn without an end: it is drawn at its start */
    var timed = tl.length > 0 && tl.every(function (s) { return s.start !== null; });
    var pos = [], total = 0;
    tl.forEach(function (s) {
      var a = timed ? s.start : total, b = timed ? Math.max(s.end === null ? s.start : s.end, s.start) : total + s.words;
      pos.push([a, b]);
      total = timed ? Math.max(total, b) : b;
    });
    var origin = timed && tl.length ? tl[0].start : 0;
    var span = Math.max(total - origin, 1);
    var x = function (v) { return (100 * (v - origin)) / span; };
    var lanes = r.speakers.map(function (sp, i) {
      return h("div", { class: "lane", "data-speaker": i },
        h("div", { class: "who" }, h("b", {}, sp.name), h("span", { class: "muted" }, " " + t(sp.side))),
        h("div", { class: "track" }, tl.map(function (s, j) {
          if (s.speaker !== i) return null;
          return h("div", { class: "turn " + (sp.side === "rep" ? "solid" : "hatch"), "data-segment": j,
            style: { left: x(pos[j][0]) + "%", width: Math.max(0.25, x(pos[j][1]) - x(pos[j][0])) + "%" } });
        })));
    });
    var marks = (r.long_monologues || []).map(function (mo) {
      var a = pos[mo.first], b = pos[mo.last];
      if (!a || !b) return null;
      return h("div", { class: "mono", style: { left: x(a[0]) + "%", width: Math.max(0.5, x(b[1]) - x(a[0])) + "%" } },
        h("span", {}, "⟷ " + t("monologue") + " " + (mo.seconds !== null ? t("seconds", { n: SP.num(mo.seconds) })
          : t("words", { n: SP.num(mo.words) }))));
    });
    var pins = r.objections.map(function (o, k) {
      var p = o.segment === null || o.segment === undefined ? null : pos[o.segment];
      return p ? h("div", { class: "pin", style: { left: x((p[0] + p[1]) / 2) + "%" }, title: o.quote },
        "!" + (k + 1)) : null;
    });
    var ticks = [0, 0.25, 0.5, 0.75, 1].map(function (f) {
      var v = origin + f * span;
      return h("span", { class: "tick", style: { left: 100 * f + "%" } }, timed ? clock(v) : SP.num(v - origin));
    });
    var turns = r.speakers.reduce(function (n, s) { return n + s.turns; }, 0);
    var merged = tl.length > 0 && turns > tl.length;
    var ns = r.next_step;
    return h("div", {},
      h("h1", {}, t("title"), " · ", h("span", { class: "score" }, t("score") + " " + r.score + "/100")),
      h("p", { class: "sub" }, t(r.call_type) + " · " + r.format),
      h("div", { class: "kpis" },
        kpi(t("talk"), SP.pct(m.rep_talk_ratio), t("target", { v: "≤ " + SP.pct(tg.max_rep_talk_ratio) }),
          m.rep_talk_ratio <= tg.max_rep_talk_ratio),
        m.talk_time_ratio !== null ? kpi(t("time"), SP.pct(m.talk_time_ratio)) : null,
        kpi(t("questions"), SP.num(m.rep_questions), t("target", { v: tg.rep_questions_min + "–" + tg.rep_questions_max }),
          m.rep_questions >= tg.rep_questions_min && m.rep_questions <= tg.rep_questions_max),
        kpi(t("mono"), m.longest_rep_monologue_seconds !== null
          ? t("seconds", { n: SP.num(m.longest_rep_monologue_seconds) }) : t("words", { n: SP.num(m.longest_rep_monologue_words) }),
        t("target", { v: "≤ " + (m.longest_rep_monologue_seconds !== null ? t("seconds", { n: tg.max_monologue_seconds })
          : t("words", { n: tg.max_monologue_words })) }), !(r.long_monologues || []).length),
        kpi(t("next"), ns.found ? (ns.has_date ? t("dated") : t("undated")) : t("none"), ns.date_phrase,
          ns.found && (ns.has_date || !tg.dated_next_step))),
      h("h2", {}, t("timeline")),
      h("div", { class: "legend" }, h("span", {}, h("i", { class: "solid" }), t("legend_rep")),
        h("span", {}, h("i", { class: "hatch" }), t("legend_buyer")),
        h("span", {}, h("i", { class: "monokey" }), t("legend_mono")),
        h("span", {}, h("b", { class: "pinkey" }, "!1"), " " + t("objection"))),
      h("div", { class: tl.length > 150 ? "chart dense" : "chart" }, h("div", { class: "over" }, marks, pins), lanes,
        h("div", { class: "axis" }, ticks)),
      h("p", { class: "muted small" }, timed ? t("axis_time") : t("axis_words")),
      merged ? h("p", { class: "muted small" }, t("merged", { n: SP.num(Math.ceil(turns / tl.length)) })) : null,
      h("h2", {}, t("objections")),
      r.objections.length ? h("ol", { class: "objs" }, r.objections.map(function (o) {
        return h("li", {}, h("span", { class: "tag warn" }, t(o.category)), " ", h("q", {}, o.quote),
          h("span", { class: "muted" }, " — " + o.speaker), h("div", { class: "muted small" }, "→ " + o.suggested_response));
      })) : h("p", { class: "muted" }, t("noobj")),
      h("h2", {}, t("breakdown")),
      h("table", { class: "breakdown" }, h("thead", {}, h("tr", {}, h("th", {}, t("rule")),
        h("th", { class: "num" }, t("points")), h("th", {}, t("reason")))), h("tbody", {}, r.breakdown.map(function (b) {
        var full = b.points >= b.max_points, weak = b.points < b.max_points / 2;
        return h("tr", { "data-rule": b.rule }, h("td", {}, (full ? "✓ " : weak ? "▲ " : "◆ ") + b.label),
          h("td", { class: "num" + (weak ? " bad" : "") }, SP.num(b.points, 1) + " / " + b.max_points),
          h("td", { class: "muted" }, b.reason));
      }))),
      r.improvements.length ? [h("h2", {}, t("improve")), h("ul", { class: "plain" }, r.improvements.map(function (c) {
        return h("li", {}, c.text, h("div", { class: "muted small" }, c.evidence));
      }))] : null);
  });
})();
