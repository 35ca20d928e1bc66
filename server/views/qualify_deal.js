(function () {
  "use strict";
  var h = SP.h;
  var W = {
    en: { score: "Score", band: "Band", forecast: "Forecast category", prob: "Stage probability",
      element: "Element", status: "Status", evidence: "Evidence or the question to ask", confirmed: "Confirmed",
      partial: "Partial", unknown: "Weak", given: "given by the rep", inferred: "inferred from notes",
      missing: "no evidence", ask: "Ask:", flags: "Red flags", high: "High", medium: "Medium", next: "Next moves",
      noflags: "No red flags.", commit: "Commit", best_case: "Best case", pipeline: "Pipeline", omitted: "Omitted",
      of: "{total} of {max}" },
    zh: { score: "得分", band: "等级", forecast: "预测类别", prob: "阶段概率", element: "要素", status: "状态",
      evidence: "证据或需要提出的问题", confirmed: "已确认", partial: "部分", unknown: "薄弱", given: "销售提供",
      inferred: "从备注推断", missing: "没有证据", ask: "提问：", flags: "风险信号", high: "高", medium: "中",
      next: "下一步行动", noflags: "没有风险信号。", commit: "承诺", best_case: "最佳情况", pipeline: "管道",
      omitted: "未计入", of: "{total} / {max}" }
  };
  var STATUS = { confirmed: ["good", "✓"], partial: ["warn", "◆"], unknown: ["bad", "▲"] };
  var BAND = { strong: ["good", "✓"], gaps: ["warn", "◆"], at_risk: ["bad", "▲"], unqualified: ["bad", "✕"] };
  function t(key, vars) { return SP.t(W, key, vars); }
  function pips(score) {
    var out = [];
    for (var i = 1; i <= 3; i++) out.push(h("i", { class: i <= score ? "pip on" : "pip" }));
    return h("span", { class: "pips", role: "img", "aria-label": score + "/3" }, out, h("b", {}, " " + score + "/3"));
  }

  SP.mount(function (r) {
    var band = BAND[r.band] || ["", "?"];
    var rows = r.elements.map(function (e) {
      var st = STATUS[e.status] || ["", "?"];
      return h("tr", { "data-key": e.key, "data-status": e.status, class: e.status === "unknown" ? "weak" : null },
        h("td", {}, h("b", {}, e.label)),
        h("td", {}, pips(e.score)),
        h("td", {}, h("span", { class: "tag " + st[0] }, st[1] + " " + t(e.status)),
          h("div", { class: "muted small" }, t(e.source))),
        h("td", { class: "ev" }, e.evidence ? h("q", {}, e.evidence) : null,
          e.gap_question ? h("div", { class: "ask" }, h("b", {}, t("ask") + " "), e.gap_question) : null));
    });
    return h("div", {},
      h("h1", {}, r.company),
      h("p", { class: "sub" }, r.framework.toUpperCase()),
      h("div", { class: "kpis" },
        h("div", { class: "kpi" }, h("span", {}, t("score")), h("b", { class: "total" },
          t("of", { total: SP.num(r.total), max: SP.num(r.max) })),
        h("div", { class: "meter", role: "img", "aria-label": SP.pct(r.ratio) },
          h("div", { class: "hatch", style: { width: 100 * r.ratio + "%" } })), h("span", {}, SP.pct(r.ratio))),
        h("div", { class: "kpi" }, h("span", {}, t("band")), h("b", { class: band[0], "data-band": r.band },
          band[1] + " " + r.band_label)),
        h("div", { class: "kpi" }, h("span", {}, t("forecast")), h("b", {}, t(r.forecast_category))),
        h("div", { class: "kpi" }, h("span", {}, t("prob")), h("b", {}, SP.pct(r.stage_probability)))),
      h("p", { class: "advice" }, r.band_advice),
      h("table", { class: "card" }, h("thead", {}, h("tr", {}, h("th", {}, t("element")), h("th", {}, t("score")),
        h("th", {}, t("status")), h("th", {}, t("evidence")))), h("tbody", {}, rows)),
      h("h2", {}, t("flags")),
      r.red_flags.length ? h("ul", { class: "plain flags" }, r.red_flags.map(function (f) {
        return h("li", { "data-code": f.code }, h("span", { class: "tag " + (f.severity === "high" ? "bad" : "warn") },
          (f.severity === "high" ? "▲ " : "◆ ") + t(f.severity)), " " + f.message);
      })) : h("p", { class: "muted" }, t("noflags")),
      r.next_actions.length ? [h("h2", {}, t("next")), h("ol", { class: "next" }, r.next_actions.map(function (a) {
        return h("li", {}, a.action, a.ask ? h("div", { class: "muted" }, t("ask") + " " + a.ask) : null);
      }))] : null);
  });
})();
