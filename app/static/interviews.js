// Mock interviews: the proctor's live view, the candidate's page, and the report's replay.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const { el, render, statusLine, verdictWord, formatTime } = window.DLIResults;

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
    const s = Math.max(0, Math.round(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")} left`;
  }

  function timerText(node, state, deadline) {
    const left = state === "live" && deadline ? (deadline - Date.now()) / 1000 : null;
    node.textContent = left === null ? "" : clock(left);
    node.classList.toggle("low", left !== null && left <= 300);
    node.classList.toggle("critical", left !== null && left <= 60);
  }

  function submissionLine(sub) {
    const verdict = sub.verdict ? verdictWord(sub.verdict) : sub.status;
    const cases = sub.cases_total ? ` · ${sub.cases_passed}/${sub.cases_total}` : "";
    return `${formatTime(sub.created_at)} · ${sub.problem} · ${sub.mode} · ${verdict}${cases}`;
  }

  // --- the proctor's live view ---------------------------------------------------------------
  const proctor = document.querySelector(".proctor");
  if (proctor) {
    const id = proctor.dataset.interview;
    const csrf = document.querySelector('meta[name="csrf-token"]').content;
    const api = (method, path, body) => call(method, `/api/v1/interviews/${id}${path}`, body, { "X-CSRF-Token": csrf });
    let deadline = null;
    let state = proctor.dataset.state;
    let revoked = proctor.dataset.revoked === "yes";
    let shown = 0;

    function reflectState() {
      const can = { start: state === "scheduled", extend: state === "live", end: state !== "ended", revoke: !revoked, share: true, rotate: true };
      for (const button of proctor.querySelectorAll("button[data-action]")) button.disabled = !can[button.dataset.action];
      for (const button of proctor.querySelectorAll("button[data-hint]")) button.disabled = state !== "live";
      $("state").textContent = state;
      $("state").className = `state ${state}`;
    }

    async function refresh() {
      const view = await api("GET", "");
      state = view.state;
      revoked = view.link_revoked;
      deadline = view.remaining_s === null ? null : Date.now() + view.remaining_s * 1000;
      reflectState();
      for (const [position, code] of Object.entries(view.code)) {
        const pre = $(`code-${position}`);
        if (pre && pre.textContent !== code) pre.textContent = code;
      }
      $("events").replaceChildren(...view.events.map((e) =>
        el("li", {}, el("time", { datetime: e.at }, formatTime(e.at)), " ", e.kind.replace(/_/g, " "),
          e.position === null ? "" : ` (question ${e.position + 1})`)));
      for (const e of view.events.filter((e) => e.kind === "hint_released")) {
        const label = $(`hints-${e.position}`);
        if (label) label.textContent = label.textContent.replace(/^\d+/, String(e.data.hint));
      }
      if (view.submissions.length !== shown) {
        shown = view.submissions.length;
        $("submissions").replaceChildren(el("ul", { class: "history-list" }, ...view.submissions.slice().reverse().map((s) =>
          el("li", { class: s.verdict === "accepted" ? "ok" : "bad", "data-verdict": s.verdict || "" },
            el("details", {}, el("summary", {}, submissionLine(s)), ...(s.status === "done" ? render(s) : []),
              el("pre", { class: "code", tabindex: "0" }, s.code))))));
        if (view.submissions.some((s) => s.status !== "done")) shown = -1; // redraw when they finish
      }
    }

    function tick() {
      timerText($("timer"), state, deadline);
    }

    const confirmations = {
      end: "End the interview now? The candidate's editor becomes read-only.",
      revoke: "Revoke the candidate link? It will open nothing any more (you can make a new one).",
      rotate: "Make a new candidate link? The current one stops working at once.",
    };
    proctor.addEventListener("click", async (event) => {
      const button = event.target.closest("button");
      if (!button || button.id === "copy-link") return;
      const action = button.dataset.action;
      if (action && confirmations[action] && !confirm(confirmations[action])) return;
      $("action-state").textContent = "";
      try {
        if (action === "extend") await api("POST", "/extend", { seconds: Number(button.dataset.seconds) });
        else if (action === "rotate") {
          const fresh = await api("POST", "/link/rotate");
          window.location.reload(); // the page shows the new link
          return void fresh;
        } else if (action) await api("POST", `/${action}`);
        else if (button.dataset.hint !== undefined) await api("POST", "/hints", { position: Number(button.dataset.hint) });
        else return;
        if (action === "share") $("action-state").textContent = "The candidate's report now includes the scorecard.";
        if (action === "revoke") $("link-state").textContent = "Revoked: the link opens nothing.";
        await refresh();
      } catch (err) {
        $("action-state").textContent = err.message;
      }
    });

    const copy = $("copy-link");
    if (copy) {
      copy.addEventListener("click", async () => {
        const field = $("candidate-link");
        try {
          await navigator.clipboard.writeText(field.value);
        } catch (err) {
          field.select();
          document.execCommand("copy");
        }
        copy.textContent = "Copied";
        setTimeout(() => { copy.textContent = "Copy"; }, 2000);
      });
    }

    let notesTimer = null;
    $("notes").addEventListener("input", () => {
      $("notes-state").textContent = "Editing…";
      clearTimeout(notesTimer);
      notesTimer = setTimeout(async () => {
        try {
          await api("PUT", "/notes", { notes: $("notes").value });
          $("notes-state").textContent = "Saved";
        } catch (err) {
          $("notes-state").textContent = `Not saved: ${err.message}. Keep this page open; it will retry when you type.`;
        }
      }, 600);
    });

    $("scorecard").addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      const ratings = {};
      const missing = [];
      for (const select of event.target.querySelectorAll("select")) {
        if (!select.value) missing.push(select.labels[0].textContent.trim());
      }
      if (missing.length) {
        $("scorecard-state").textContent = `Rate every line first: ${missing.join(", ")}.`;
        return;
      }
      for (const select of event.target.querySelectorAll("select:not([name=recommendation])")) {
        ratings[select.name] = { score: Number(select.value), note: form.get(`${select.name}_note`) || "" };
      }
      try {
        await api("PUT", "/scorecard", { ratings, recommendation: form.get("recommendation") });
        $("scorecard-state").textContent = "Saved";
      } catch (err) {
        $("scorecard-state").textContent = `Not saved: ${err.message}`;
      }
    });

    reflectState();
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
    const busy = new Set();
    let current = 0;
    let deadline = null;
    let state = null;
    let built = false;
    let view = null;

    function makeEditor(parent, code, position, title) {
      const onChange = () => dirty.add(position);
      const label = `Your code for question ${position + 1}, ${title}`;
      if (window.DLIEditor) {
        return window.DLIEditor.create(parent, code, { onChange, onRun: () => grade(position, "run"), onSubmit: () => grade(position, "submit"), label });
      }
      const area = el("textarea", { class: "plain-editor", spellcheck: "false", "aria-label": label });
      area.value = code;
      area.addEventListener("input", onChange);
      parent.append(area);
      return { get: () => area.value, set: (v) => { area.value = v; }, focus: () => area.focus(), readOnly: () => { area.readOnly = true; } };
    }

    function build() {
      const tabs = view.questions.map((q) =>
        el("button", { type: "button", role: "tab", class: "tab", id: `tab-${q.position}`, "aria-controls": `pane-${q.position}`,
          "aria-selected": "false", tabindex: "-1", onclick: () => show(q.position) }, `${q.position + 1}. ${q.title}`));
      $("tabs").replaceChildren(...tabs);
      $("tabs").addEventListener("keydown", (event) => {
        const order = view.questions.map((q) => q.position);
        const at = order.indexOf(current);
        const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: order.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        const target = order[(next + order.length) % order.length];
        show(target);
        $(`tab-${target}`).focus();
      });
      $("panes").replaceChildren(...view.questions.map((q) => {
        const p = q.position;
        const editorBox = el("div", { class: "editor", id: `editor-${p}` });
        const pane = el("section", { class: "pane practice", id: `pane-${p}`, role: "tabpanel", "aria-labelledby": `tab-${p}`, hidden: "" },
          el("article", { class: "problem" }, el("h2", {}, `${p + 1}. ${q.title}`), el("div", { class: "statement", id: `statement-${p}` }),
            el("section", { class: "hints" }, el("h3", {}, "Hints from your interviewer"), el("ol", { id: `hints-${p}`, class: "statement" }))),
          el("section", { class: "workbench", "aria-label": `Your solution to question ${p + 1}` }, editorBox,
            el("p", { class: "muted keyboard-help" }, "Tab indents. To leave the editor with the keyboard, press Escape, then Tab."),
            el("div", { class: "actions" },
              view.allow_run ? el("button", { type: "button", id: `run-${p}`, onclick: () => grade(p, "run") }, "Run") : null,
              el("button", { type: "button", class: "primary", id: `submit-${p}`, onclick: () => grade(p, "submit") }, "Submit"),
              el("span", { class: "muted", id: `progress-${p}`, role: "status", "aria-live": "polite" })),
            el("div", { class: "result", id: `result-${p}` })));
        pane.querySelector(".statement").innerHTML = q.statement_html; // server-rendered, sanitised Markdown
        editors[p] = makeEditor(editorBox, q.code === null ? q.starter : q.code, p, q.title);
        return pane;
      }));
      if (window.DLIRenderMath) window.DLIRenderMath($("panes"));
      $("panes").addEventListener("paste", onPaste, true);
      show(view.questions[0].position, true);
      built = true;
      showLatestResults().catch(() => {});
    }

    // After a reload, each question shows the result of its latest finished Run or Submit.
    async function showLatestResults() {
      const all = await call("GET", `${base}/submissions`);
      for (const q of view.questions) {
        const latest = all.filter((s) => s.problem === q.slug && s.status === "done").pop();
        const box = $(`result-${q.position}`);
        if (latest && !box.childElementCount) box.replaceChildren(...render(latest));
      }
    }

    function onPaste(event) {
      const text = (event.clipboardData || window.clipboardData).getData("text") || "";
      if (text.length >= 200) event_("large_paste", { chars: text.length });
    }

    function show(position, initial) {
      if (!initial && position !== current) event_("switched_question", {});
      current = position;
      for (const pane of document.querySelectorAll(".pane")) pane.hidden = pane.id !== `pane-${position}`;
      for (const tab of document.querySelectorAll(".tab")) {
        const selected = tab.id === `tab-${position}`;
        tab.setAttribute("aria-selected", String(selected));
        tab.tabIndex = selected ? 0 : -1;
      }
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

    // Each pane's buttons grade that pane's question with that pane's code.
    async function grade(position, mode) {
      if (busy.has(position) || state !== "live") return;
      if (view && view.grading_unavailable) {
        $(`progress-${position}`).textContent = `Grading is unavailable right now: ${view.grading_unavailable}`;
        return;
      }
      busy.add(position);
      const buttons = [$(`run-${position}`), $(`submit-${position}`)].filter(Boolean);
      buttons.forEach((b) => { b.disabled = true; });
      $(`result-${position}`).replaceChildren();
      const progress = $(`progress-${position}`);
      let sub = null;
      const limit = view.questions.find((q) => q.position === position).cpu_seconds;
      const ticker = setInterval(() => { if (sub) progress.textContent = statusLine(sub, limit); }, 500);
      try {
        dirty.delete(position);
        progress.textContent = "Sending…";
        sub = await call("POST", `${base}/submissions`, { position, code: editors[position].get(), mode });
        for (let i = 0; i < 600 && sub.status !== "done"; i++) {
          await new Promise((r) => setTimeout(r, 700));
          const all = await call("GET", `${base}/submissions`);
          sub = all.find((s) => s.id === sub.id) || sub;
          progress.textContent = statusLine(sub, limit);
        }
        progress.textContent = "";
        if (sub.status === "done") $(`result-${position}`).replaceChildren(...render(sub));
      } catch (err) {
        progress.textContent = err.message;
      } finally {
        clearInterval(ticker);
        busy.delete(position);
        if (state === "live") buttons.forEach((b) => { b.disabled = false; });
      }
    }

    // "This is me": a signed-in candidate may have the interview credited to their account.
    // Only requests carrying that account's own session are credited; the link alone never is.
    function showClaim() {
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
            view = await call("POST", `${base}/claim`, undefined, { "X-CSRF-Token": csrf });
            showClaim();
          } catch (err) {
            box.append(" ", err.message);
          }
        });
        box.replaceChildren(button);
      }
    }

    async function poll() {
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
      $("over").hidden = state !== "ended";
      showClaim();
      if (state !== "scheduled" && !built && view.questions.length) build();
      for (const q of view.questions) {
        const list = $(`hints-${q.position}`);
        if (list && list.dataset.count !== String(q.hints_html.length)) {
          list.dataset.count = String(q.hints_html.length);
          list.replaceChildren(...q.hints_html.map((h) => { const item = el("li", {}); item.innerHTML = h; return item; }));
          list.previousElementSibling.textContent = q.hints_html.length ? "Hints from your interviewer" : "Hints from your interviewer: none yet";
          if (window.DLIRenderMath) window.DLIRenderMath(list);
        }
      }
      if (state === "ended") {
        for (const e of Object.values(editors)) if (e.readOnly) e.readOnly();
        document.querySelectorAll(".candidate .actions button").forEach((b) => { b.disabled = true; });
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
        grade(current, event.shiftKey ? "submit" : "run");
      }
    });
    const tick = () => timerText($("cand-timer"), state, deadline);
    poll().then(tick);
    setInterval(() => poll().then(tick), 1500);
    setInterval(saveDirty, 1000);
    setInterval(tick, 500);
  }

  // --- the report's replay: play, step, and the changes from one snapshot to the next ------------
  const slider = $("replay-slider");
  if (slider) {
    // The page lists when each snapshot was taken; the code is fetched one snapshot at a time.
    const snaps = JSON.parse($("snapshots").textContent);
    const codes = new Map();
    let timer = null;

    async function codeOf(index) {
      const s = snaps[index];
      if (!codes.has(s.id)) codes.set(s.id, (await call("GET", slider.dataset.base + s.id)).code);
      return codes.get(s.id);
    }

    // A line diff (longest common subsequence): fine for interview-sized code.
    function diffLines(before, after) {
      const a = before.split("\n");
      const b = after.split("\n");
      const n = a.length;
      const m = b.length;
      const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
      for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) {
        table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
      }
      const out = [];
      let i = 0;
      let j = 0;
      while (i < n || j < m) {
        if (i < n && j < m && a[i] === b[j]) { out.push([" ", a[i]]); i++; j++; }
        else if (j < m && (i === n || table[i][j + 1] >= table[i + 1][j])) { out.push(["+", b[j]]); j++; }
        else { out.push(["-", a[i]]); i++; }
      }
      return out;
    }

    async function showSnap() {
      const index = Number(slider.value);
      const s = snaps[index];
      $("replay-when").textContent = `${formatTime(s.at)} · question ${s.position + 1} · snapshot ${index + 1} of ${snaps.length}`;
      const code = await codeOf(index);
      if (Number(slider.value) !== index) return;
      const previous = snaps.slice(0, index).reverse().findIndex((p) => p.position === s.position);
      if (!$("replay-diff").checked || previous < 0) {
        $("replay-code").textContent = code;
        return;
      }
      const before = await codeOf(index - 1 - previous);
      $("replay-code").replaceChildren(...diffLines(before, code).map(([kind, line]) =>
        el("span", { class: kind === "+" ? "added" : kind === "-" ? "removed" : "same" }, `${kind} ${line}\n`)));
    }

    const go = (index) => {
      slider.value = String(Math.max(0, Math.min(snaps.length - 1, index)));
      showSnap().catch((err) => { $("replay-code").textContent = err.message; });
    };
    slider.addEventListener("input", () => go(Number(slider.value)));
    $("replay-diff").addEventListener("change", () => go(Number(slider.value)));
    $("replay-prev").addEventListener("click", () => go(Number(slider.value) - 1));
    $("replay-next").addEventListener("click", () => go(Number(slider.value) + 1));
    $("replay-play").addEventListener("click", () => {
      if (timer) {
        clearInterval(timer);
        timer = null;
        $("replay-play").textContent = "Play";
        return;
      }
      if (Number(slider.value) >= snaps.length - 1) go(0);
      $("replay-play").textContent = "Pause";
      timer = setInterval(() => {
        if (Number(slider.value) >= snaps.length - 1) {
          clearInterval(timer);
          timer = null;
          $("replay-play").textContent = "Play";
          return;
        }
        go(Number(slider.value) + 1);
      }, 800);
    });
    go(Number(slider.value));
  }
})();
