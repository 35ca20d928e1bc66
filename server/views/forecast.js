(function () {
  "use strict";
  var h = SP.h;
  var W = {
    en: { title: "Forecast", period: "{as_of} · period {start} – {end}", quota: "Quota", noquota: "no quota given",
      forecast: "Forecast (commit + best case)", closed: "Closed won", commit: "Commit", best_case: "Best case",
      pipeline: "Pipeline", omitted: "Omitted", gap: "Gap to quota", above: "Above quota by",
      attain: "Closed + forecast = {v} ({p} of quota)", bars: "Against quota", deals: "Forecast deals",
      company: "Deal", category: "Category", value: "Value", close: "Close date", why: "Why",
      nodeals: "No deal closes in this period.", more: "and {n} more deals", warnings: "Warnings",
      quotaline: "quota" },
    zh: { title: "销售预测", period: "{as_of} · 周期 {start} – {end}", quota: "配额", noquota: "未提供配额",
      forecast: "预测（承诺 + 最佳情况）", closed: "已成交", commit: "承诺", best_case: "最佳情况",
      pipeline: "管道", omitted: "未计入", gap: "距配额缺口", above: "超出配额",
      attain: "已成交 + 预测 = {v}（配额的 {p}）", bars: "对比配额", deals: "预测商机",
      company: "商机", category: "类别", value: "金额", close: "成交日期", why: "原因",
      nodeals: "本周期没有预计成交的商机。", more: "另有 {n} 笔商机", warnings: "提示",
      quotaline: "配额" }
  };
  /* pattern + glyph per category, so the bars read without colour */
  var KINDS = [["closed", "solid closed", "■"], ["commit", "solid", "●"], ["best_case", "hatch", "◆"],
    ["pipeline", "dots", "○"]];
  var ICON = { commit: "●", best_case: "◆", pipeline: "○", omitted: "–" };
  var ORDER = { commit: 0, best_case: 1, pipeline: 2, omitted: 3 };
  var LIMIT = 15;
  function t(key, vars) { return SP.t(W, key, vars); }

  SP.mount(function (r) {
    var tot = r.totals;
    var currency = (r.deals[0] || {}).currency || "USD";
    var money = function (v) { return SP.money(v, currency); };
    var stacked = tot.closed + tot.commit + tot.best_case + tot.pipeline;
    var scale = Math.max(r.quota || 0, stacked, 1);
    var pc = function (v) { return (100 * v) / scale + "%"; };
    var quotaMark = r.quota ? h("div", { class: r.quota / scale > 0.7 ? "qline qright" : "qline",
      style: { left: pc(r.quota) } },
      h("span", {}, t("quotaline") + " " + money(r.quota))) : null;
    var stack = h("div", { class: "stack" }, KINDS.map(function (k) {
      return tot[k[0]] > 0 ? h("div", { class: "bar seg " + k[1], "data-kind": k[0], style: { width: pc(tot[k[0]]) },
        title: t(k[0]) + " " + money(tot[k[0]]) }) : null;
    }), quotaMark);
    var rows = KINDS.map(function (k) {
      return h("div", { class: "crow", "data-kind": k[0] },
        h("span", { class: "clabel" }, h("i", { class: "sw " + k[1] }), k[2] + " " + t(k[0])),
        h("div", { class: "ctrack" }, h("div", { class: "bar " + k[1], style: { width: pc(tot[k[0]]) } })),
        h("b", { class: "cval" }, money(tot[k[0]])));
    });
    var gap = null;
    if (r.gap_to_quota !== null) {
      var above = r.gap_to_quota < 0;
      gap = h("div", { class: "kpi gapbox" }, h("span", {}, above ? t("above") : t("gap")),
        h("b", { class: above ? "good" : "bad", "data-gap": r.gap_to_quota },
          (above ? "✓ " : "▲ ") + money(Math.abs(r.gap_to_quota))),
        r.quota > 0 ? h("span", {}, t("attain", { v: money(tot.closed + r.forecast),
          p: SP.pct((tot.closed + r.forecast) / r.quota) })) : null);
    }
    var deals = r.deals.filter(function (d) { return d.category !== "omitted"; });
    deals.sort(function (a, b) { return ORDER[a.category] - ORDER[b.category] || b.value - a.value; });
    var shown = deals.slice(0, LIMIT);
    return h("div", {},
      h("h1", {}, t("title")),
      h("p", { class: "sub" }, t("period", { as_of: r.as_of, start: r.period_start, end: r.period_end })),
      h("div", { class: "kpis" },
        h("div", { class: "kpi" }, h("span", {}, t("quota")), h("b", { class: "quota" },
          r.quota === null ? t("noquota") : money(r.quota))),
        h("div", { class: "kpi" }, h("span", {}, t("forecast")), h("b", { class: "fc" }, money(r.forecast))),
        h("div", { class: "kpi" }, h("span", {}, t("closed")), h("b", {}, money(tot.closed))), gap),
      h("h2", {}, t("bars")), stack, h("div", { class: "cats" }, rows),
      r.warnings.length ? [h("h2", {}, t("warnings")), h("ul", { class: "plain warnings" },
        r.warnings.map(function (w) { return h("li", {}, "⚠ " + w); }))] : null,
      h("h2", {}, t("deals")),
      shown.length ? h("table", { class: "deals" }, h("thead", {}, h("tr", {}, h("th", {}, t("company")),
        h("th", {}, t("category")), h("th", { class: "num" }, t("value")), h("th", {}, t("close")),
        h("th", {}, t("why")))), h("tbody", {}, shown.map(function (d) {
        return h("tr", { "data-category": d.category }, h("td", {}, d.company),
          h("td", {}, h("span", { class: "tag" }, ICON[d.category] + " " + t(d.category))),
          h("td", { class: "num" }, money(d.value)), h("td", {}, d.close_date || "—"),
          h("td", { class: "why" }, d.reasons.join(" ")));
      }))) : h("div", { class: "empty" }, t("nodeals")),
      deals.length > LIMIT ? h("p", { class: "muted" }, t("more", { n: SP.num(deals.length - LIMIT) })) : null);
  });
})();
