(function () {
  "use strict";
  var h = SP.h;
  var W = {
    en: { title: "Pipeline review", period: "{as_of} · period {start} – {end} · {n} deals",
      open: "Open pipeline", weighted: "Weighted", coverage: "Coverage", target: "target {min}–{max}x",
      winrate: "Win rate", won: "Won in period", lost: "Lost in period", funnel: "Funnel by stage",
      deals: "{n} deals", deal1: "1 deal", value: "Value", weightedv: "Weighted ({p})", nodeals: "No open deals in the pipeline.",
      top: "Deals to review", company: "Deal", stage: "Stage", days: "Days in stage", risk: "Risk",
      why: "Why", none: "No open deals to review.", actions: "Actions", red: "High", yellow: "Medium",
      green: "Low", ok: "OK", low: "below target", noquota: "no quota", more: "+{n} more",
      legend_open: "open value", legend_weighted: "weighted value (value × stage probability)" },
    zh: { title: "管道周回顾", period: "{as_of} · 周期 {start} – {end} · 共 {n}",
      open: "进行中管道", weighted: "加权金额", coverage: "覆盖率", target: "目标 {min}–{max} 倍",
      winrate: "赢单率", won: "本期赢单", lost: "本期丢单", funnel: "各阶段漏斗",
      deals: "{n} 笔", deal1: "1 笔", value: "金额", weightedv: "加权（{p}）", nodeals: "管道中没有进行中的商机。",
      top: "需要回顾的商机", company: "商机", stage: "阶段", days: "阶段天数", risk: "风险",
      why: "原因", none: "没有需要回顾的进行中商机。", actions: "行动", red: "高", yellow: "中",
      green: "低", ok: "达标", low: "低于目标", noquota: "未提供配额", more: "另有 {n} 条",
      legend_open: "进行中金额", legend_weighted: "加权金额（金额 × 阶段概率）" }
  };
  var STAGES = {
    en: { prospecting: "Prospecting", discovery: "Discovery", evaluation: "Evaluation", proposal: "Proposal",
      negotiation: "Negotiation", closed_won: "Closed won", closed_lost: "Closed lost" },
    zh: { prospecting: "潜在客户开发", discovery: "深入挖掘", evaluation: "评估", proposal: "提案",
      negotiation: "谈判", closed_won: "成交", closed_lost: "失败" }
  };
  var RISK = { red: ["bad", "▲"], yellow: ["warn", "◆"], green: ["good", "✓"] };
  function t(key, vars) { return SP.t(W, key, vars); }
  function deals(n) { return t(n === 1 ? "deal1" : "deals", { n: SP.num(n) }); }
  function stage(code) { return STAGES[SP.locale][code] || code; }
  function kpi(label, value, note, cls) {
    return h("div", { class: "kpi" }, h("span", {}, label), h("b", { class: cls || null }, value),
      note ? h("span", {}, note) : null);
  }

  SP.mount(function (r) {
    var s = r.summary, hl = r.pipeline_health;
    var currency = (r.deals_to_review[0] || {}).currency || "USD";
    var money = function (v) { return SP.money(v, currency); };
    var cov = hl.coverage_ratio === null ? t("noquota")
      : SP.num(hl.coverage_ratio, 2) + "x";
    var covNote = t("target", { min: SP.num(hl.coverage_target[0], 1), max: SP.num(hl.coverage_target[1], 1) });
    if (hl.coverage_ok !== null) covNote = (hl.coverage_ok ? "✓ " + t("ok") : "▲ " + t("low")) + " · " + covNote;
    var funnel = (r.funnel || []).filter(function (row) { return row.count > 0; });
    var max = Math.max.apply(null, funnel.map(function (row) { return row.value; }).concat([1]));
    var rows = funnel.map(function (row) {
      var w = Math.max(2, (100 * row.value) / max);
      return h("div", { class: "frow", "data-stage": row.stage },
        h("div", { class: "flabel" }, h("b", {}, stage(row.stage)), h("span", { class: "muted" },
          deals(row.count))),
        h("div", { class: "ftrack" },
          h("div", { class: "bar fopen", style: { width: w + "%" }, title: t("value") },
            h("div", { class: "bar hatch fw", style: { width: (100 * row.weighted) / (row.value || 1) + "%" } }))),
        h("div", { class: "fnum" }, h("span", { class: "fval" }, money(row.value)),
          h("span", { class: "muted fwv" }, t("weightedv", { p: SP.pct(row.probability) }) + " " +
            money(row.weighted))));
    });
    var top = r.deals_to_review.map(function (d) {
      var risk = RISK[d.risk] || ["", "?"];
      return h("tr", { "data-id": d.id || "" },
        h("td", {}, d.company, d.next_step ? h("div", { class: "muted" }, "→ " + d.next_step) : null),
        h("td", {}, stage(d.stage)),
        h("td", { class: "num" }, money(d.value)),
        h("td", { class: "num", "data-l": t("days") }, d.age_in_stage_days === null ? "—" : SP.num(d.age_in_stage_days)),
        h("td", {}, h("span", { class: "tag " + risk[0], "data-risk": d.risk }, risk[1] + " " + t(d.risk))),
        h("td", { class: "why" }, d.risk_reasons.slice(0, 2).join(" "),
          d.risk_reasons.length > 2 ? h("span", { class: "muted", title: d.risk_reasons.slice(2).join("\n") },
            " " + t("more", { n: d.risk_reasons.length - 2 })) : null));
    });
    return h("div", {},
      h("h1", {}, t("title")),
      h("p", { class: "sub" }, t("period", { as_of: r.as_of, start: r.period_start, end: r.period_end,
        n: deals(r.deal_count) })),
      h("div", { class: "kpis" },
        kpi(t("open"), money(s.total_pipeline)),
        kpi(t("weighted"), money(s.weighted_pipeline)),
        kpi(t("coverage"), cov, covNote, hl.coverage_ok === false ? "bad" : null),
        kpi(t("winrate"), SP.pct(hl.win_rate)),
        kpi(t("won"), money(s.closed_won.value), deals(s.closed_won.count)),
        kpi(t("lost"), money(s.closed_lost.value), deals(s.closed_lost.count))),
      h("h2", {}, t("funnel")),
      rows.length ? [h("div", { class: "legend" }, h("span", {}, h("i", { class: "solid" }), t("legend_open")),
        h("span", {}, h("i", { class: "hatch" }), t("legend_weighted"))), h("div", { class: "funnel" }, rows)]
        : h("div", { class: "empty" }, t("nodeals")),
      h("h2", {}, t("top")),
      top.length ? h("table", { class: "top" }, h("thead", {}, h("tr", {}, h("th", {}, t("company")),
        h("th", {}, t("stage")), h("th", { class: "num" }, t("value")), h("th", { class: "num" }, t("days")),
        h("th", {}, t("risk")), h("th", {}, t("why")))), h("tbody", {}, top))
        : h("div", { class: "empty" }, t("none")),
      r.actions.length ? [h("h2", {}, t("actions")), h("ul", { class: "plain actions" },
        r.actions.map(function (a) { return h("li", {}, a); }))] : null);
  });
})();
