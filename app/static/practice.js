// The question page: editor, autosave, Run/Submit with live results, history, hints.
// Works with the CodeMirror bundle when it is present (window.DLIEditor), else with the textarea.
(function () {
  "use strict";
  const root = document.querySelector(".practice");
  if (!root) return;
  const slug = root.dataset.slug;
  const signedIn = root.dataset.signedIn === "yes";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const starter = JSON.parse(document.getElementById("starter").textContent);
  const textarea = document.getElementById("code");
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  async function api(method, path, body) {
    const options = { method, headers: { "X-CSRF-Token": csrf, Accept: "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch("/api/v1" + path, options);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || response.statusText);
    return data;
  }

  // --- editor ------------------------------------------------------------------------------
  let editor;
  if (window.DLIEditor) {
    editor = window.DLIEditor.create($("editor"), textarea.value, {
      onChange: scheduleSave,
      onRun: () => grade("run"),
      onSubmit: () => grade("submit"),
    });
    textarea.hidden = true;
  } else {
    editor = { get: () => textarea.value, set: (v) => { textarea.value = v; }, focus: () => textarea.focus() };
    textarea.addEventListener("input", scheduleSave);
  }
  if (window.DLIRenderMath) window.DLIRenderMath($("statement"));

  // --- autosave ----------------------------------------------------------------------------
  let saveTimer = null;
  function scheduleSave() {
    if (!signedIn) return;
    $("save-state").textContent = "Editing…";
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveDraft, 800);
  }
  async function saveDraft() {
    try {
      await api("PUT", `/problems/${slug}/draft`, { code: editor.get() });
      $("save-state").textContent = "Draft saved";
    } catch (err) {
      $("save-state").textContent = "Draft not saved: " + err.message;
    }
  }
  $("reset-button").addEventListener("click", () => {
    if (editor.get() !== starter && !confirm("Replace your code with the starter code?")) return;
    editor.set(starter);
    scheduleSave();
    editor.focus();
  });

  // --- grading -----------------------------------------------------------------------------
  let busy = false;
  const buttons = () => [$("run-button"), $("submit-button")].filter(Boolean);

  async function grade(mode) {
    if (!signedIn || busy) return; // one grading at a time: a double click does not submit twice
    busy = true;
    buttons().forEach((b) => { b.disabled = true; });
    $("progress").textContent = "Queued…";
    $("result").replaceChildren();
    try {
      clearTimeout(saveTimer);
      saveDraft();
      let sub = await api("POST", "/submissions", { problem: slug, code: editor.get(), mode });
      while (sub.status !== "done") {
        sub = await api("GET", `/submissions/${sub.id}?wait=20`);
        $("progress").textContent = sub.status === "running" ? "Running…" : "Queued…";
      }
      $("progress").textContent = "";
      showResult(sub);
      if (sub.mode === "submit" && sub.verdict === "accepted") markSolved();
      loadHistory();
    } catch (err) {
      $("progress").textContent = "";
      $("result").replaceChildren(el("p", { class: "error", role: "alert" }, err.message));
    } finally {
      busy = false;
      buttons().forEach((b) => { b.disabled = false; });
    }
  }

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

  function pretty(value) {
    return JSON.stringify(value, null, 1).replace(/\n\s*/g, " ");
  }

  function showResult(sub) {
    const ok = sub.verdict === "accepted";
    const parts = [
      el("p", { class: "verdict " + (ok ? "ok" : "bad"), id: "verdict", "data-verdict": sub.verdict },
        VERDICTS[sub.verdict] || sub.verdict,
        el("span", { class: "muted" }, ` · ${sub.mode === "run" ? "Run (sample cases)" : "Submit (all cases)"}` +
          (sub.cases_total ? ` · ${sub.cases_passed}/${sub.cases_total} passed` : ""))),
    ];
    if (sub.detail) parts.push(el("pre", { class: "detail" }, sub.detail));
    if (sub.cases.length) {
      const rows = sub.cases.map((c) => {
        const diag = el("td", { class: "diag" });
        if (c.diagnostic) diag.append(el("pre", {}, c.diagnostic));
        if (c.details) {
          diag.append(el("details", {}, el("summary", {}, "Inputs, expected, got"),
            el("dl", { class: "io" },
              el("dt", {}, "Inputs"), el("dd", {}, el("code", {}, pretty(c.details.inputs))),
              el("dt", {}, "Expected"), el("dd", {}, el("code", {}, pretty(c.details.expected))),
              el("dt", {}, "Got"), el("dd", {}, el("code", {}, pretty(c.details.got))))));
        }
        return el("tr", { class: c.passed ? "pass" : "fail", "data-case": c.name },
          el("td", {}, c.passed ? "✓ pass" : "✗ fail"),
          el("td", {}, c.name, el("div", { class: "muted" }, c.hidden ? "hidden" : "sample")),
          diag,
          el("td", { class: "num" }, c.time_s === null ? "—" : `${(c.time_s * 1000).toFixed(1)} ms`));
      });
      parts.push(el("div", { class: "scroll" }, el("table", { class: "cases" },
        el("thead", {}, el("tr", {}, el("th", {}, "Result"), el("th", {}, "Case"), el("th", {}, "Diagnostic"),
          el("th", { class: "num" }, "Time"))),
        el("tbody", {}, ...rows))));
    }
    if (sub.stdout) parts.push(el("details", {}, el("summary", {}, "Your output (stdout)"), el("pre", {}, sub.stdout)));
    if (sub.stderr) parts.push(el("details", {}, el("summary", {}, "stderr"), el("pre", {}, sub.stderr)));
    $("result").replaceChildren(...parts);
  }

  async function markSolved() {
    $("solved-mark").hidden = false;
    try {
      const followUps = await api("GET", `/problems/${slug}/follow-ups`);
      $("follow-ups").replaceChildren(...followUps.map((f) =>
        el("details", {}, el("summary", {}, f.question), el("p", {}, f.answer))));
    } catch (err) { /* stays locked */ }
  }

  // --- history -----------------------------------------------------------------------------
  async function loadHistory() {
    if (!signedIn) return;
    const page = await api("GET", `/submissions?problem=${slug}&limit=20`);
    if (!page.items.length) return;
    $("history").replaceChildren(el("ul", { class: "history-list" }, ...page.items.map((s) => {
      const when = new Date(s.created_at).toLocaleString();
      const verdict = s.verdict ? (VERDICTS[s.verdict] || s.verdict) : s.status;
      return el("li", { class: s.verdict === "accepted" ? "ok" : "" },
        el("details", {},
          el("summary", {}, `${when} · ${s.mode} · ${verdict}` +
            (s.cases_total ? ` · ${s.cases_passed}/${s.cases_total}` : "")),
          el("pre", {}, s.code),
          el("button", { type: "button", class: "secondary", onclick: () => { editor.set(s.code); scheduleSave(); } },
            "Load into editor")));
    })));
  }

  // --- hints -------------------------------------------------------------------------------
  const hintButton = $("hint-button");
  let shown = 0;
  if (hintButton) {
    const total = Number(root.dataset.hints);
    hintButton.addEventListener("click", async () => {
      const hint = await api("GET", `/problems/${slug}/hints/${shown + 1}`);
      shown += 1;
      $("hint-list").append(el("li", {}, hint.hint));
      hintButton.textContent = `Show a hint (${shown} of ${total})`;
      if (shown >= total) hintButton.hidden = true;
    });
  }

  // --- keyboard ----------------------------------------------------------------------------
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      grade(event.shiftKey ? "submit" : "run");
    }
  });
  for (const [id, mode] of [["run-button", "run"], ["submit-button", "submit"]]) {
    if ($(id)) $(id).addEventListener("click", () => grade(mode));
  }
  loadHistory();
})();
