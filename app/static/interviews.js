// Mock interviews: the proctor's live view, the candidate's page, and the report's replay.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  async function call(method, url, body, headers) {
    const options = { method, headers: { Accept: "application/json", ...(headers || {}) } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    if (response.status === 204) return null;
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || response.statusText);
    return data;
  }

  function clock(seconds) {
    if (seconds === null || seconds === undefined) return "";
    const s = Math.max(0, Math.round(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")} left`;
  }

  function verdictLine(sub) {
    const verdict = sub.verdict ? sub.verdict.replace(/_/g, " ") : sub.status;
    const cases = sub.cases_total ? ` · ${sub.cases_passed}/${sub.cases_total}` : "";
    return `${new Date(sub.created_at).toLocaleTimeString()} · ${sub.problem} · ${sub.mode} · ${verdict}${cases}`;
  }

  // --- the proctor's live view ---------------------------------------------------------------
  const proctor = document.querySelector(".proctor");
  if (proctor) {
    const id = proctor.dataset.interview;
    const csrf = document.querySelector('meta[name="csrf-token"]').content;
    const api = (method, path, body) => call(method, `/api/v1/interviews/${id}${path}`, body, { "X-CSRF-Token": csrf });
    let deadline = null;
    let state = $("state").textContent;

    async function refresh() {
      const view = await api("GET", "");
      state = view.state;
      $("state").textContent = view.state;
      deadline = view.remaining_s === null ? null : Date.now() + view.remaining_s * 1000;
      for (const [position, code] of Object.entries(view.code)) {
        const pre = $(`code-${position}`);
        if (pre && pre.textContent !== code) pre.textContent = code;
      }
      $("events").replaceChildren(...view.events.map((e) =>
        el("li", {}, el("time", {}, new Date(e.at).toLocaleTimeString()), " ", e.kind.replace(/_/g, " "),
          e.position === null ? "" : ` (question ${e.position + 1})`)));
      for (const e of view.events.filter((e) => e.kind === "hint_released")) {
        const label = $(`hints-${e.position}`);
        if (label) label.textContent = label.textContent.replace(/^\d+/, String(e.data.hint));
      }
      if (view.submissions.length) {
        $("submissions").replaceChildren(el("ul", { class: "history-list" }, ...view.submissions.slice().reverse().map((s) =>
          el("li", { class: s.verdict === "accepted" ? "ok" : "", "data-verdict": s.verdict || "" },
            el("details", {}, el("summary", {}, verdictLine(s)),
              el("ul", {}, ...s.cases.map((c) => el("li", {}, `${c.passed ? "✓" : "✗"} ${c.name} ${c.diagnostic ? "— " + c.diagnostic.split("\n")[0] : ""}`))),
              el("pre", {}, s.code))))));
      }
    }

    function tick() {
      $("timer").textContent = state === "live" && deadline ? clock((deadline - Date.now()) / 1000) : "";
    }

    proctor.addEventListener("click", async (event) => {
      const button = event.target.closest("button");
      if (!button) return;
      try {
        if (button.dataset.action === "extend") await api("POST", "/extend", { seconds: 300 });
        else if (button.dataset.action) await api("POST", `/${button.dataset.action}`);
        else if (button.dataset.hint !== undefined) await api("POST", "/hints", { position: Number(button.dataset.hint) });
        else return;
        await refresh();
      } catch (err) {
        alert(err.message);
      }
    });

    let notesTimer = null;
    $("notes").addEventListener("input", () => {
      $("notes-state").textContent = "Editing…";
      clearTimeout(notesTimer);
      notesTimer = setTimeout(async () => {
        await api("PUT", "/notes", { notes: $("notes").value });
        $("notes-state").textContent = "Saved";
      }, 600);
    });

    $("scorecard").addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      const ratings = {};
      for (const c of ["correctness", "numerical_care", "code_quality", "communication", "debugging"]) {
        ratings[c] = { score: Number(form.get(c)), note: form.get(`${c}_note`) || "" };
      }
      try {
        await api("PUT", "/scorecard", { ratings, recommendation: form.get("recommendation") });
        $("scorecard-state").textContent = "Saved";
      } catch (err) {
        $("scorecard-state").textContent = err.message;
      }
    });

    refresh().then(tick);
    setInterval(() => refresh().then(tick).catch(() => {}), 1500);
    setInterval(tick, 500);
  }

  // --- the candidate's page ------------------------------------------------------------------
  const candidate = document.querySelector(".candidate");
  if (candidate) {
    const base = `/api/v1/interview-sessions/${candidate.dataset.token}`;
    const editors = {};
    const dirty = new Set();
    let current = 0;
    let deadline = null;
    let state = null;
    let built = false;

    function makeEditor(parent, code, position) {
      const onChange = () => dirty.add(position);
      if (window.DLIEditor) {
        return window.DLIEditor.create(parent, code, { onChange, onRun: () => grade("run"), onSubmit: () => grade("submit") });
      }
      const area = el("textarea", { class: "plain-editor", spellcheck: "false", "aria-label": "Your code" });
      area.value = code;
      area.addEventListener("input", onChange);
      parent.append(area);
      return { get: () => area.value, set: (v) => { area.value = v; }, focus: () => area.focus(), area };
    }

    function build(view) {
      $("tabs").replaceChildren(...view.questions.map((q) =>
        el("button", { type: "button", role: "tab", class: "tab", id: `tab-${q.position}`, onclick: () => show(q.position) }, `${q.position + 1}. ${q.title}`)));
      $("panes").replaceChildren(...view.questions.map((q) => {
        const editorBox = el("div", { class: "editor", id: `editor-${q.position}` });
        const pane = el("section", { class: "pane practice", id: `pane-${q.position}`, hidden: "" },
          el("article", { class: "problem" }, el("div", { class: "statement", id: `statement-${q.position}` }),
            el("section", { class: "hints" }, el("h2", {}, "Hints from your interviewer"), el("ol", { id: `hints-${q.position}` }))),
          el("section", { class: "workbench" }, editorBox,
            el("div", { class: "actions" },
              view.allow_run ? el("button", { type: "button", id: `run-${q.position}`, onclick: () => grade("run") }, "Run") : null,
              el("button", { type: "button", class: "primary", id: `submit-${q.position}`, onclick: () => grade("submit") }, "Submit"),
              el("span", { class: "muted", id: `progress-${q.position}`, "aria-live": "polite" })),
            el("div", { class: "result", id: `result-${q.position}`, "aria-live": "polite" })));
        pane.querySelector(".statement").innerHTML = q.statement_html; // server-rendered, sanitised Markdown
        editors[q.position] = makeEditor(editorBox, q.code === null ? q.starter : q.code, q.position);
        return pane;
      }));
      for (const q of view.questions) if (window.DLIRenderMath) window.DLIRenderMath($(`statement-${q.position}`));
      editorArea().addEventListener("paste", onPaste, true);
      show(0);
      built = true;
    }

    function editorArea() {
      return $("panes");
    }

    function onPaste(event) {
      const text = (event.clipboardData || window.clipboardData).getData("text") || "";
      if (text.length >= 200) event_("large_paste", { chars: text.length });
    }

    function show(position) {
      if (built && position !== current) event_("switched_question", {});
      current = position;
      for (const pane of document.querySelectorAll(".pane")) pane.hidden = pane.id !== `pane-${position}`;
      for (const tab of document.querySelectorAll(".tab")) tab.setAttribute("aria-selected", String(tab.id === `tab-${position}`));
    }

    async function event_(kind, extra) {
      if (state !== "live") return;
      try {
        await call("POST", `${base}/events`, { kind, position: current, ...extra });
      } catch (err) { /* the timeline is best effort */ }
    }

    async function saveDirty() {
      for (const position of [...dirty]) {
        dirty.delete(position);
        try {
          await call("PUT", `${base}/code/${position}`, { code: editors[position].get() });
        } catch (err) {
          if (state === "live") dirty.add(position);
        }
      }
    }

    let busy = false;
    async function grade(mode) {
      if (busy || state !== "live") return;
      busy = true;
      const position = current;
      $(`progress-${position}`).textContent = "Queued…";
      try {
        dirty.delete(position);
        const sub = await call("POST", `${base}/submissions`, { position, code: editors[position].get(), mode });
        let done = null;
        for (let i = 0; i < 120 && !done; i++) {
          await new Promise((r) => setTimeout(r, 500));
          const all = await call("GET", `${base}/submissions`);
          done = all.find((s) => s.id === sub.id && s.status === "done");
        }
        $(`progress-${position}`).textContent = "";
        if (done) {
          $(`result-${position}`).replaceChildren(
            el("p", { class: "verdict " + (done.verdict === "accepted" ? "ok" : "bad"), "data-verdict": done.verdict }, verdictLine(done)),
            el("ul", {}, ...done.cases.map((c) => el("li", {}, `${c.passed ? "✓" : "✗"} ${c.name}${c.diagnostic ? " — " + c.diagnostic.split("\n")[0] : ""}`))));
        }
      } catch (err) {
        $(`progress-${position}`).textContent = err.message;
      } finally {
        busy = false;
      }
    }

    async function poll() {
      let view;
      try {
        view = await call("GET", base);
      } catch (err) {
        $("cand-state").textContent = err.message;
        return;
      }
      state = view.state;
      deadline = view.remaining_s === null ? null : Date.now() + view.remaining_s * 1000;
      $("cand-state").textContent = { scheduled: "Not started", live: "In progress", ended: "Ended" }[state];
      $("lobby").hidden = state !== "scheduled";
      showClaim(view);
      $("over").hidden = state !== "ended";
      if (state !== "scheduled" && !built) build(view);
      for (const q of view.questions) {
        const list = $(`hints-${q.position}`);
        if (list && list.children.length !== q.hints.length) list.replaceChildren(...q.hints.map((h) => el("li", {}, h)));
      }
      if (state === "ended") {
        for (const e of Object.values(editors)) {
          if (e.view) e.view.contentDOM.setAttribute("contenteditable", "false");
          if (e.area) e.area.readOnly = true;
        }
        document.querySelectorAll(".candidate .actions button").forEach((b) => { b.disabled = true; });
      }
    }

    // "This is me": a signed-in candidate may have the interview credited to their account.
    // Only requests carrying that account's own session are credited; the link alone never is.
    function showClaim(view) {
      const box = $("claim");
      if (state === "ended" || !view.signed_in_as) { box.hidden = true; return; }
      box.hidden = false;
      if (view.credited_to_you) {
        box.replaceChildren(`Your work here counts for your account ${view.signed_in_as}.`);
      } else if (view.claimed) {
        box.replaceChildren("Another account took this interview; your work here stays with the interview.");
      } else if (!box.querySelector("button")) {
        const csrf = document.querySelector('meta[name="csrf-token"]').content;
        const button = el("button", { type: "button" }, `This is me: count this interview for ${view.signed_in_as}`);
        button.addEventListener("click", async () => {
          try {
            showClaim(await call("POST", `${base}/claim`, undefined, { "X-CSRF-Token": csrf }));
          } catch (err) {
            box.append(" ", err.message);
          }
        });
        box.replaceChildren(button);
      }
    }

    document.addEventListener("visibilitychange", () => event_(document.hidden ? "focus_lost" : "focus_regained", {}));
    window.addEventListener("pagehide", () => {
      if (state !== "live") return;
      const body = new Blob([JSON.stringify({ kind: "left", position: current })], { type: "application/json" });
      navigator.sendBeacon(`${base}/events`, body);
    });
    window.addEventListener("blur", () => event_("focus_lost", {}));
    window.addEventListener("focus", () => event_("focus_regained", {}));
    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && built) {
        event.preventDefault();
        grade(event.shiftKey ? "submit" : "run");
      }
    });
    function tick() {
      $("cand-timer").textContent = state === "live" && deadline ? clock((deadline - Date.now()) / 1000) : "";
    }
    poll().then(tick);
    setInterval(() => poll().then(tick), 1500);
    setInterval(saveDirty, 1000);
    setInterval(tick, 500);
  }

  // --- the report's replay -------------------------------------------------------------------
  const slider = $("replay-slider");
  if (slider) {
    // The page lists when each snapshot was taken; the code is fetched one snapshot at a time.
    const snaps = JSON.parse($("snapshots").textContent);
    const codes = new Map();
    const showSnap = async () => {
      const index = Number(slider.value);
      const s = snaps[index];
      $("replay-when").textContent = `${new Date(s.at).toLocaleTimeString()} · question ${s.position + 1} · snapshot ${index + 1} of ${snaps.length}`;
      if (!codes.has(s.id)) codes.set(s.id, (await call("GET", slider.dataset.base + s.id)).code);
      if (Number(slider.value) === index) $("replay-code").textContent = codes.get(s.id);
    };
    slider.addEventListener("input", () => showSnap().catch((err) => { $("replay-code").textContent = err.message; }));
    showSnap().catch(() => {});
  }
})();
