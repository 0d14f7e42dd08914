// The result panel, shared by the question page and the interview page: the verdict in words,
// the grader's status while it works, failing cases grouped by diagnostic, expected and got side
// by side in NumPy style with the first mismatching entry marked, and the output in a console.
(function () {
  "use strict";

  const VERDICTS = {
    accepted: "Accepted",
    wrong_answer: "Wrong answer",
    runtime_error: "Runtime error",
    time_limit_exceeded: "Time limit exceeded",
    memory_limit_exceeded: "Memory limit exceeded",
    output_limit_exceeded: "Output limit exceeded",
    compile_error: "Compile error",
    internal_error: "Internal error (not your fault; try again)",
  };
  const verdictWord = (v) => VERDICTS[v] || (v ? v.replace(/_/g, " ") : "");

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
    }
    for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
    return node;
  }

  // --- one time format everywhere: 2026-12-03 14:05:09 in the reader's time zone -------------
  const pad = (n) => String(n).padStart(2, "0");
  function formatTime(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }
  function localizeTimes(root) {
    for (const node of (root || document).querySelectorAll("time[datetime]")) node.textContent = formatTime(node.getAttribute("datetime"));
  }

  // --- NumPy-style values --------------------------------------------------------------------
  function num(x, digits) {
    if (typeof x === "string") return x; // "nan", "inf", "-inf", long integers
    if (typeof x === "boolean") return x ? "True" : "False";
    if (typeof x !== "number") return String(x);
    if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
    const text = x.toPrecision(digits);
    return text.includes("e") ? text : text.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, ".");
  }

  const MAX_ROWS = 8;
  const MAX_COLS = 8;

  // A <pre> showing an array preview ({array, shape, dtype} or {head, shape, dtype}), with the
  // entry at `mark` (an index list) highlighted and shown with all its digits.
  function arrayBlock(preview, mark) {
    const pre = el("pre", { class: "value", tabindex: "0" });
    const same = (path) => mark && path.length === mark.length && path.every((v, i) => v === mark[i]);
    const cell = (x, path) => (same(path) ? el("mark", {}, num(x, 12)) : num(x, 4));
    function line(values, path, indent) {
      const parts = [];
      const shown = values.length > MAX_COLS ? [...values.slice(0, MAX_COLS / 2), null, ...values.slice(-MAX_COLS / 2)] : values;
      shown.forEach((x, i) => {
        if (i) parts.push(", ");
        const index = values.length > MAX_COLS && i > MAX_COLS / 2 ? values.length - (shown.length - i) : i;
        parts.push(x === null ? "…" : cell(x, [...path, index]));
      });
      return [indent, "[", ...parts, "]"];
    }
    function walk(value, path, depth) {
      if (!Array.isArray(value)) return [cell(value, path)];
      if (!value.length || !Array.isArray(value[0])) return line(value, path, "");
      const out = ["["];
      const rows = value.length > MAX_ROWS ? [...value.keys()].filter((i) => i < MAX_ROWS / 2 || i >= value.length - MAX_ROWS / 2) : [...value.keys()];
      rows.forEach((i, k) => {
        if (k) out.push(",\n" + " ".repeat(depth + 1));
        if (k && rows[k - 1] !== i - 1) out.push("…,\n" + " ".repeat(depth + 1));
        out.push(...walk(value[i], [...path, i], depth + 1));
      });
      out.push("]");
      return out;
    }
    if ("array" in preview) pre.append(...walk(preview.array, [], 0));
    else pre.append("[", (preview.head || []).map((x) => num(x, 4)).join(", "), ", …]");
    pre.append(el("span", { class: "muted" }, `\n${preview.dtype || ""}, shape (${(preview.shape || []).join(", ")}${(preview.shape || []).length === 1 ? "," : ""})`));
    return pre;
  }

  function valueBlock(value, mark) {
    if (value && typeof value === "object" && !Array.isArray(value) && "shape" in value && "dtype" in value) return arrayBlock(value, mark);
    if (Array.isArray(value)) return arrayBlock({ array: value, shape: [value.length], dtype: "list" }, mark);
    if (value && typeof value === "object") {
      return el("div", { class: "nested" }, ...Object.entries(value).map(([k, v]) => el("div", {}, el("code", {}, k), valueBlock(v, null))));
    }
    return el("pre", { class: "value", tabindex: "0" }, mark && !mark.length ? el("mark", {}, num(value, 12)) : num(value, 6));
  }

  // Expected and got side by side, output by output.
  function comparison(details) {
    const mismatch = details.mismatch || {};
    const names = [...new Set([...Object.keys(details.expected || {}), ...Object.keys(details.got || {})])]
      .sort((a, b) => (b === mismatch.output) - (a === mismatch.output)); // the wrong output first
    const grid = el("div", { class: "compare" },
      el("div", { class: "compare-head" }, "Output"), el("div", { class: "compare-head" }, "Expected"), el("div", { class: "compare-head" }, "Got"));
    for (const name of names) {
      const mark = mismatch.output === name ? mismatch.index || [] : null; // [] marks a whole number
      const got = details.got && name in details.got ? valueBlock(details.got[name], mark) : el("p", { class: "bad" }, "missing");
      const wrong = mismatch.output === name;
      grid.append(el("div", { class: "compare-name" + (wrong ? " wrong" : "") }, el("code", {}, name), wrong ? el("span", { class: "visually-hidden" }, " differs") : null),
        el("div", { class: "compare-cell" }, valueBlock(details.expected[name], mark)), el("div", { class: "compare-cell" }, got));
    }
    const inputs = el("details", { class: "inputs" }, el("summary", {}, "Inputs"),
      ...Object.entries(details.inputs || {}).map(([k, v]) => el("div", { class: "input" }, el("code", {}, k), valueBlock(v, null))));
    return el("div", { class: "case-details" }, grid, inputs);
  }

  function console_(title, text) {
    return el("details", { class: "console", open: "" }, el("summary", {}, title), el("pre", { class: "console", tabindex: "0" }, text));
  }

  // The whole panel for a finished submission.
  function render(sub, options) {
    const opts = options || {};
    const ok = sub.verdict === "accepted";
    const parts = [];
    const summary = [];
    summary.push(sub.mode === "run" ? "Run: sample cases" : "Submit: all cases");
    if (sub.cases_total) summary.push(`${sub.cases_passed} of ${sub.cases_total} cases passed`);
    if (sub.time_s !== null && sub.time_s !== undefined) summary.push(`${sub.time_s.toFixed(1)} s`);
    parts.push(el("p", { class: "verdict " + (ok ? "ok" : "bad"), id: opts.verdictId || null, "data-verdict": sub.verdict },
      verdictWord(sub.verdict), el("span", { class: "muted" }, " · " + summary.join(" · "))));
    if (sub.detail) parts.push(el("pre", { class: "console detail", tabindex: "0" }, sub.detail));

    const failing = sub.cases.filter((c) => !c.passed);
    // Identical diagnostics are shown once, with the cases they belong to.
    const groups = new Map();
    for (const c of failing) {
      const key = c.diagnostic || "(no diagnostic)";
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(c);
    }
    if (groups.size) {
      parts.push(el("h3", { class: "result-h" }, "What went wrong"));
      for (const [diagnostic, cases] of groups) {
        const sample = cases.find((c) => c.details);
        parts.push(el("div", { class: "failure" },
          el("p", { class: "failure-cases" }, `✗ ${cases.map((c) => c.name + (c.hidden ? " (hidden)" : "")).join(", ")}`),
          el("pre", { class: "console diagnostic", tabindex: "0" }, diagnostic),
          sample ? comparison(sample.details) : null));
      }
    }
    if (sub.cases.length) {
      parts.push(el("details", { class: "all-cases" }, el("summary", {}, `All cases (${sub.cases.length})`),
        el("ul", { class: "case-list" }, ...sub.cases.map((c) =>
          el("li", { class: c.passed ? "pass" : "fail", "data-case": c.name },
            el("span", { class: "mark", "aria-hidden": "true" }, c.passed ? "✓" : "✗"),
            el("span", { class: "visually-hidden" }, c.passed ? "passed" : "failed"),
            ` ${c.name} `, el("span", { class: "muted" }, `${c.hidden ? "hidden" : "sample"}${c.time_s === null ? "" : ` · ${(c.time_s * 1000).toFixed(0)} ms`}`))))));
    }
    if (sub.output_withheld) parts.push(el("p", { class: "muted" }, "What a Submit prints is shown to your interviewer only."));
    if (sub.stdout) parts.push(console_("Output (stdout)", sub.stdout));
    if (sub.stderr) parts.push(console_("stderr", sub.stderr));
    return parts;
  }

  // While grading: queued, or running for N s of the limit.
  function statusLine(sub, limitSeconds) {
    if (sub.status === "queued") return "Queued: waiting for a grader…";
    if (sub.status === "running") {
      const since = sub.started_at ? (Date.now() - new Date(sub.started_at).getTime()) / 1000 : 0;
      return `Running: ${Math.max(0, since).toFixed(0)} s${limitSeconds ? ` (limit: ${limitSeconds} s of CPU time)` : ""}…`;
    }
    return "";
  }

  window.DLIResults = { render, statusLine, verdictWord, el, formatTime, localizeTimes };
  document.addEventListener("DOMContentLoaded", () => localizeTimes(document));
})();
