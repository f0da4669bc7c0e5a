// Parley ops page: reads GET /ops/api/lag with the admin API's bearer token and draws it. No build step, no
// network beyond this hub. The token lives in sessionStorage (this tab only), never in the URL; a 401 asks again.
// Every text from the API goes in through textContent or SVG attributes, never through innerHTML.
// ?refresh=0 stops the automatic refresh (the Refresh button still works); ?refresh=N refreshes every N seconds
// instead of every sample interval the API reports.
(() => {
  "use strict";
  const TOKEN_KEY = "parley.ops.token";
  const API = "/ops/api/lag";
  const PROBLEM_STATES = new Set(["WARN", "STALL", "STOP", "ERR"]);
  const BAD_STATES = new Set(["STALL", "STOP", "ERR"]);
  const SVG = "http://www.w3.org/2000/svg";

  const $ = (id) => document.getElementById(id);
  const status = $("status");
  const login = $("login");
  const tokenInput = $("token");
  const dashboard = $("dashboard");
  const refreshButton = $("refresh");
  const signOutButton = $("sign-out");
  const expanded = new Set(); // "group\u0000topic" of the groups whose partitions are shown

  const refreshParam = new URLSearchParams(location.search).get("refresh");
  const fixedRefresh = refreshParam === null || refreshParam === "" ? null : Number(refreshParam);
  let timer = null;
  let inFlight = false;
  let lastReport = null;

  // ---------------------------------------------------------------------------------------------------------
  // Formatting (OpsPageBrowserTest mirrors these: keep them in step)
  // ---------------------------------------------------------------------------------------------------------
  function fixed1(x) {
    const text = Math.abs(x).toFixed(1);
    return (x < 0 && /[1-9]/.test(text) ? "-" : "") + text;
  }
  function count(n) {
    return Number(n).toLocaleString("en-US");
  }
  function rate(x) {
    return fixed1(x);
  }
  function trend(x) {
    const text = fixed1(x);
    return x > 0 && /[1-9]/.test(text) ? "+" + text : text;
  }
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "never";
    const s = Number(seconds);
    if (s < 60) return fixed1(s) + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + Math.floor(s % 60) + " s";
    if (s < 86400) return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
    return Math.floor(s / 86400) + " d " + Math.floor((s % 86400) / 3600) + " h";
  }
  function clock(iso) {
    const date = new Date(iso);
    return isNaN(date) ? String(iso) : date.toLocaleString();
  }

  // ---------------------------------------------------------------------------------------------------------
  // DOM helpers: text only
  // ---------------------------------------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else node.setAttribute(name, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function cell(text, field, value, extraClass) {
    return el("td", { className: ["num", extraClass].filter(Boolean).join(" "), "data-field": field,
      "data-value": value === null || value === undefined ? "null" : String(value) }, text);
  }
  function badge(state) {
    return el("span", { className: "badge", "data-state": state }, state);
  }

  /** An inline SVG line of the values, oldest left; empty when there is nothing to draw. */
  function sparkline(values, label) {
    const width = 140, height = 26, pad = 2;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "spark");
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("role", "img");
    const max = values.length ? Math.max(...values) : 0;
    const min = values.length ? Math.min(...values) : 0;
    const title = document.createElementNS(SVG, "title");
    title.textContent = values.length
      ? `${label}: ${values.length} samples, min ${count(min)}, max ${count(max)}, now ${count(values[values.length - 1])}`
      : `${label}: no samples`;
    svg.appendChild(title);
    const base = document.createElementNS(SVG, "line");
    base.setAttribute("x1", 0); base.setAttribute("x2", width);
    base.setAttribute("y1", height - pad); base.setAttribute("y2", height - pad);
    svg.appendChild(base);
    if (values.length) {
      const top = Math.max(max, 1);
      const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
      const points = values.map((v, i) => {
        const x = values.length > 1 ? pad + i * step : width - pad;
        const y = height - pad - (v / top) * (height - 2 * pad);
        return `${x.toFixed(1)},${y.toFixed(1)}`;
      });
      if (points.length === 1) points.unshift(`${pad},${points[0].split(",")[1]}`);
      const line = document.createElementNS(SVG, "polyline");
      line.setAttribute("points", points.join(" "));
      svg.appendChild(line);
    }
    return svg;
  }

  /** The group's lag in records at each sample time: the sum over its partitions' histories, oldest first. */
  function groupHistory(group) {
    const sums = new Map();
    for (const partition of group.partitions || []) {
      for (const point of partition.history || []) {
        sums.set(point.at, (sums.get(point.at) || 0) + Number(point.lagMessages));
      }
    }
    return [...sums.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Rendering
  // ---------------------------------------------------------------------------------------------------------
  function renderGroups(groups) {
    const body = $("group-rows");
    const rows = [];
    for (const group of groups) {
      const key = group.group + "\u0000" + group.topic;
      const state = String(group.state);
      const growing = Number(group.trendPerSecond) > 0 && Number(group.lagMessages) > 0;
      const classes = ["row"];
      if (PROBLEM_STATES.has(state) || growing) classes.push("warn");
      if (BAD_STATES.has(state)) classes.push("bad");
      const open = expanded.has(key);
      const toggle = el("button", { type: "button", className: "toggle", "aria-expanded": String(open),
        title: open ? "Hide partitions" : "Show partitions" }, open ? "−" : "+");
      toggle.addEventListener("click", () => {
        if (expanded.has(key)) expanded.delete(key); else expanded.add(key);
        if (lastReport) renderGroups(lastReport.groups || []);
      });
      const stateCell = el("td", { "data-field": "state", "data-value": state }, badge(state));
      if (growing) stateCell.appendChild(el("span", { className: "growing", title: "The lag grows: more records "
        + "arrive than the group consumes" }, "growing"));
      const trendClass = Number(group.trendPerSecond) > 0 ? "trend-up" : Number(group.trendPerSecond) < 0 ? "trend-down" : null;
      rows.push(el("tr", { className: classes.join(" "), "data-group": group.group, "data-topic": group.topic,
          "data-state": state, "data-growing": String(growing) },
        stateCell,
        el("td", { className: "name", "data-field": "group" }, toggle, group.group),
        el("td", { "data-field": "topic" }, group.topic),
        cell(count(group.lagMessages), "lagMessages", group.lagMessages),
        cell(duration(group.lagSeconds), "lagSeconds", group.lagSeconds),
        cell(rate(group.producePerSecond), "producePerSecond", group.producePerSecond),
        cell(rate(group.consumePerSecond), "consumePerSecond", group.consumePerSecond),
        cell(trend(group.trendPerSecond), "trendPerSecond", group.trendPerSecond, trendClass),
        cell(duration(group.timeToDrainSeconds), "timeToDrainSeconds", group.timeToDrainSeconds),
        el("td", { className: "spark-cell" }, sparkline(groupHistory(group), "lag in records"))));
      if (open) {
        for (const partition of group.partitions || []) {
          const pState = String(partition.state);
          const pClasses = ["partition"];
          if (PROBLEM_STATES.has(pState)) pClasses.push("warn");
          if (BAD_STATES.has(pState)) pClasses.push("bad");
          const committed = partition.committedOffset === null || partition.committedOffset === undefined
            ? "never committed" : "committed " + count(partition.committedOffset);
          rows.push(el("tr", { className: pClasses.join(" "), "data-group": group.group, "data-topic": group.topic,
              "data-partition": partition.partition, "data-state": pState },
            el("td", { "data-field": "state", "data-value": pState }, badge(pState)),
            el("td", { className: "name" }, "partition " + partition.partition),
            el("td", { className: "offsets" }, "end " + count(partition.logEndOffset) + " · " + committed),
            cell(count(partition.lagMessages), "lagMessages", partition.lagMessages),
            cell(duration(partition.lagSeconds), "lagSeconds", partition.lagSeconds),
            el("td"), el("td"), el("td"), el("td"),
            el("td", { className: "spark-cell" },
              sparkline((partition.history || []).map((p) => Number(p.lagMessages)), "lag in records"))));
        }
      }
    }
    body.replaceChildren(...rows);
    $("no-groups").hidden = groups.length > 0;
  }

  function renderDeadLetters(deadLetters) {
    const rows = deadLetters.map((topic) => {
      const latest = topic.latest || [];
      const reasons = latest.length
        ? el("ol", {}, ...latest.map((letter) => el("li", {},
            el("time", { datetime: letter.at }, clock(letter.at)),
            letter.reason === null || letter.reason === undefined ? "(no reason recorded)" : letter.reason)))
        : el("span", { className: "empty" }, Number(topic.records) > 0 ? "not read yet" : "none");
      return el("tr", { "data-topic": topic.topic },
        el("td", {}, topic.topic),
        cell(count(topic.records), "records", topic.records, Number(topic.records) > 0 ? "has-records" : null),
        el("td", {}, reasons));
    });
    if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: 3, className: "empty" }, "No dead-letter topics watched.")));
    $("dlq-rows").replaceChildren(...rows);
  }

  /** Any JSON value as nested lists and tables, as text: the shape of pool and autoscaling is the API's. */
  function renderValue(value) {
    if (value === null || value === undefined) return el("span", { className: "empty" }, "—");
    if (Array.isArray(value)) {
      if (!value.length) return el("span", { className: "empty" }, "none");
      const objects = value.every((v) => v && typeof v === "object" && !Array.isArray(v));
      if (objects) {
        const columns = [...new Set(value.flatMap((v) => Object.keys(v)))];
        return el("table", {},
          el("thead", {}, el("tr", {}, ...columns.map((c) => el("th", { scope: "col" }, c)))),
          el("tbody", {}, ...value.map((v) => el("tr", {}, ...columns.map((c) => el("td", {}, renderValue(v[c])))))));
      }
      return el("span", {}, value.map((v) => (v && typeof v === "object" ? JSON.stringify(v) : String(v))).join(", "));
    }
    if (typeof value === "object") {
      const entries = Object.entries(value);
      if (!entries.length) return el("span", { className: "empty" }, "—");
      return el("dl", {}, ...entries.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, renderValue(v))]));
    }
    return document.createTextNode(String(value));
  }

  function renderPanel(id, value) {
    const body = document.querySelector(`#${id} .panel-body`);
    body.replaceChildren(value === null || value === undefined
      ? el("p", { className: "empty" }, "not reported") : renderValue(value));
  }

  function render(report) {
    lastReport = report;
    const at = report.at;
    const interval = Number(report.sampleIntervalSeconds);
    const sampled = $("sampled-at");
    sampled.textContent = at ? clock(at) : "not yet";
    if (at) sampled.setAttribute("datetime", at); else sampled.removeAttribute("datetime");
    sampled.dataset.at = at || "";
    $("interval").textContent = isFinite(interval) ? interval + " s" : "—";
    const age = at ? (Date.now() - Date.parse(at)) / 1000 : null;
    $("sample-age").textContent = age === null ? "" : `(${duration(Math.max(0, age))} ago)`;
    renderGroups(report.groups || []);
    renderDeadLetters(report.deadLetters || []);
    renderPanel("pool", report.pool);
    renderPanel("autoscaling", report.autoscaling);
    if (!at) setStatus("empty", "no sample yet");
    else if (age > Math.max(3 * interval, 15)) setStatus("stale", "stale: sampling fails (see the hub's log)");
    else setStatus("ok", "live");
  }

  // ---------------------------------------------------------------------------------------------------------
  // Token, fetching, refresh
  // ---------------------------------------------------------------------------------------------------------
  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function askForToken(note) {
    clearTimeout(timer);
    sessionStorage.removeItem(TOKEN_KEY);
    dashboard.hidden = true;
    refreshButton.hidden = true;
    signOutButton.hidden = true;
    login.hidden = false;
    $("login-note").textContent = note || "";
    setStatus(note ? "unauthorized" : "idle", note ? "token refused" : "not signed in");
    tokenInput.value = "";
    tokenInput.focus();
  }

  function intervalSeconds() {
    if (fixedRefresh !== null && isFinite(fixedRefresh)) return fixedRefresh;
    const reported = lastReport ? Number(lastReport.sampleIntervalSeconds) : NaN;
    return isFinite(reported) && reported > 0 ? reported : 5;
  }

  function schedule() {
    clearTimeout(timer);
    const seconds = intervalSeconds();
    $("refresh-mode").textContent = seconds > 0 ? `refreshes every ${seconds} s` : "automatic refresh off";
    if (seconds > 0) timer = setTimeout(load, Math.max(seconds, 0.5) * 1000);
  }

  async function load() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) return askForToken();
    if (inFlight) return;
    inFlight = true;
    clearTimeout(timer);
    try {
      const response = await fetch(API, { headers: { Authorization: "Bearer " + token, Accept: "application/json" },
        cache: "no-store", credentials: "omit" });
      if (response.status === 401) return askForToken("The hub refused this token. Enter it again.");
      if (response.status === 403) return askForToken("This token may not read the ops API.");
      if (!response.ok) throw new Error("HTTP " + response.status);
      const report = await response.json();
      login.hidden = true;
      dashboard.hidden = false;
      refreshButton.hidden = false;
      signOutButton.hidden = false;
      render(report);
      schedule();
    } catch (e) {
      setStatus("error", "cannot read the lag: " + (e && e.message ? e.message : e));
      schedule();
    } finally {
      inFlight = false;
    }
  }

  login.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    tokenInput.value = "";
    setStatus("loading", "loading…");
    load();
  });
  refreshButton.addEventListener("click", () => load());
  signOutButton.addEventListener("click", () => askForToken());

  load();
})();
