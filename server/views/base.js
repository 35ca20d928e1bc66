/* Shared by every view: locale, number formats, a DOM builder, and the data source (see __init__.py). */
(function () {
  "use strict";
  var SP = (window.SP = { locale: "en" });
  var WORDS = {
    en: { waiting: "Waiting for the tool result…", failed: "The tool returned an error.",
      nodata: "This view received no structured result." },
    zh: { waiting: "正在等待工具结果…", failed: "工具返回了错误。", nodata: "此视图没有收到结构化结果。" }
  };

  SP.setLocale = function (locale) {
    SP.locale = String(locale || "en").slice(0, 2) === "zh" ? "zh" : "en";
    document.documentElement.lang = SP.locale === "zh" ? "zh-CN" : "en";
  };
  SP.lang = function () { return SP.locale === "zh" ? "zh-CN" : "en-US"; };
  /* words[locale][key] with {name} placeholders filled from vars */
  SP.t = function (words, key, vars) {
    var text = (words[SP.locale] || words.en)[key];
    if (text === undefined) text = words.en[key] !== undefined ? words.en[key] : key;
    return String(text).replace(/\{(\w+)\}/g, function (_, name) {
      return vars && vars[name] !== undefined ? vars[name] : "";
    });
  };
  SP.num = function (value, digits) {
    if (value === null || value === undefined) return "—";
    return new Intl.NumberFormat(SP.lang(), { maximumFractionDigits: digits === undefined ? 0 : digits }).format(value);
  };
  SP.money = function (value, currency) {
    if (value === null || value === undefined) return "—";
    try {
      return new Intl.NumberFormat(SP.lang(), { style: "currency", currency: currency || "USD",
        maximumFractionDigits: 0 }).format(value);
    } catch (e) {
      return SP.num(value) + " " + currency;
    }
  };
  SP.pct = function (ratio, digits) {
    if (ratio === null || ratio === undefined) return "—";
    return new Intl.NumberFormat(SP.lang(), { style: "percent", maximumFractionDigits: digits || 0 }).format(ratio);
  };
  /* h("td", {class: "num"}, "text", child, ...): data always goes in as text, never as markup */
  SP.h = function (tag, attrs) {
    var node = document.createElement(tag);
    var key;
    for (key in attrs || {}) {
      if (attrs[key] === null || attrs[key] === undefined || attrs[key] === false) continue;
      if (key === "style" && typeof attrs[key] === "object") Object.assign(node.style, attrs[key]);
      else node.setAttribute(key, attrs[key] === true ? "" : attrs[key]);
    }
    for (var i = 2; i < arguments.length; i++) SP.add(node, arguments[i]);
    return node;
  };
  SP.add = function (node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach(function (c) { SP.add(node, c); });
    else node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  };

  SP.mount = function (render) {
    var app = document.getElementById("app");
    var post = function (message) {
      window.parent.postMessage(Object.assign({ jsonrpc: "2.0" }, message), "*");
    };
    var embedded = window.parent !== window;
    function resized() {
      if (embedded) {
        post({ method: "ui/notifications/size-changed",
          params: { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight } });
      }
    }
    function show(result) {
      if (!result) return;
      var data = result.structuredContent;
      if (result.isError || !data) {
        var text = (result.content || []).map(function (c) { return c.text || ""; }).join("\n");
        app.replaceChildren(SP.h("div", { class: "error", role: "alert" },
          SP.t(WORDS, result.isError ? "failed" : "nodata"), text ? "\n" + text : ""));
      } else {
        SP.setLocale(data.locale);
        app.replaceChildren(render(data));
        app.setAttribute("data-rendered", "true");
      }
      resized();
    }
    function theme(context) {
      if (context && context.theme) document.documentElement.setAttribute("data-theme", context.theme);
    }
    SP.setLocale(navigator.language);
    var inline = document.getElementById("sp-data");
    if (inline) {
      show({ structuredContent: JSON.parse(inline.textContent) });
      return;
    }
    app.replaceChildren(SP.h("p", { class: "muted" }, SP.t(WORDS, "waiting")));
    if (!embedded) return;
    var initId = 1;
    window.addEventListener("message", function (event) {
      var m = event.data;
      if (event.source !== window.parent || !m || m.jsonrpc !== "2.0") return;
      if (m.id === initId && !m.method) {
        if (m.result) {
          theme(m.result.hostContext);
          post({ method: "ui/notifications/initialized", params: {} });
        }
      } else if (m.method === "ui/notifications/tool-result") {
        show(m.params);
      } else if (m.method === "ui/notifications/host-context-changed") {
        theme(m.params);
      } else if (m.method && m.id !== undefined) {
        /* ui/resource-teardown and anything else the host asks: acknowledge, nothing to clean up */
        post({ id: m.id, result: {} });
      }
    });
    post({ id: initId, method: "ui/initialize", params: { protocolVersion: "2026-01-26",
      appInfo: { name: "sales-playbook-view", version: "1" }, appCapabilities: { availableDisplayModes: ["inline"] } } });
  };
})();
