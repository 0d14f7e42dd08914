// The question page: editor, autosave, Run/Submit with the result panel, history, hints.
// Works with the CodeMirror bundle when it is present (window.DLIEditor), else with the textarea.
(function () {
  "use strict";
  const root = document.querySelector(".practice");
  if (!root) return;
  const { el, render, statusLine, verdictWord, formatTime } = window.DLIResults;
  const slug = root.dataset.slug;
  const signedIn = root.dataset.signedIn === "yes";
  const gradingOn = root.dataset.grading === "on";
  const limit = Number(root.dataset.limit);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const starter = JSON.parse(document.getElementById("starter").textContent);
  const textarea = document.getElementById("code");
  const $ = (id) => document.getElementById(id);
  const localKey = `dli:code:${slug}`; // a visitor's code, kept in this browser until they sign in

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

  // Shortcut labels in the reader's own terms.
  const mac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
  for (const kbd of document.querySelectorAll("kbd.shortcut")) {
    kbd.textContent = (mac ? "⌘" : "Ctrl+") + kbd.dataset.keys.replace("Shift+", mac ? "⇧" : "Shift+");
  }

  // --- editor ------------------------------------------------------------------------------
  let initial = textarea.value;
  const kept = localStorage.getItem(localKey);
  if (kept !== null && (!signedIn || (root.dataset.hasDraft === "no" && kept !== starter))) initial = kept;
  let editor;
  if (window.DLIEditor) {
    textarea.value = initial;
    textarea.hidden = true;
    textarea.disabled = true; // one editor only: the plain one is out of sight and out of tab order
    editor = window.DLIEditor.create($("editor"), initial, {
      onChange: scheduleSave,
      onRun: () => grade("run"),
      onSubmit: () => grade("submit"),
      label: "Your code",
    });
  } else {
    textarea.value = initial;
    editor = { get: () => textarea.value, set: (v) => { textarea.value = v; }, focus: () => textarea.focus() };
    textarea.addEventListener("input", scheduleSave);
  }
  if (signedIn && kept !== null) {
    // Code typed before signing in becomes the draft, then leaves this browser's storage.
    if (initial === kept) api("PUT", `/problems/${slug}/draft`, { code: kept }).catch(() => {});
    localStorage.removeItem(localKey);
  }

  // --- autosave ----------------------------------------------------------------------------
  let saveTimer = null;
  function scheduleSave() {
    if (!signedIn) {
      localStorage.setItem(localKey, editor.get());
      return;
    }
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
    if (!signedIn) {
      $("progress").textContent = "Sign in or register to run your code: your code here is kept meanwhile.";
      return;
    }
    if (!gradingOn) {
      $("progress").textContent = "Grading is unavailable right now; try again later.";
      return;
    }
    if (busy) return; // one grading at a time: a double click does not submit twice
    busy = true;
    buttons().forEach((b) => { b.disabled = true; });
    $("result").replaceChildren();
    $("progress").textContent = "Sending…";
    let sub = null;
    const ticker = setInterval(() => { if (sub) $("progress").textContent = statusLine(sub, limit); }, 500);
    try {
      clearTimeout(saveTimer);
      saveDraft();
      sub = await api("POST", "/submissions", { problem: slug, code: editor.get(), mode });
      $("progress").textContent = statusLine(sub, limit);
      while (sub.status !== "done") {
        sub = await api("GET", `/submissions/${sub.id}?wait=2`);
        $("progress").textContent = statusLine(sub, limit);
      }
      $("progress").textContent = "";
      $("result").replaceChildren(...render(sub, { verdictId: "verdict" }));
      if (sub.mode === "submit" && sub.verdict === "accepted") markSolved();
      loadHistory();
    } catch (err) {
      $("progress").textContent = "";
      $("result").replaceChildren(el("p", { class: "error", role: "alert" }, err.message));
    } finally {
      clearInterval(ticker);
      busy = false;
      buttons().forEach((b) => { b.disabled = false; });
    }
  }

  async function markSolved() {
    if (!$("solved-mark")) {
      document.querySelector(".problem h1").append(" ",
        el("span", { class: "st solved", id: "solved-mark", title: "Solved" }, "✓", el("span", { class: "visually-hidden" }, "solved")));
    }
    try {
      const followUps = await api("GET", `/problems/${slug}/follow-ups`);
      const box = $("follow-ups");
      box.replaceChildren(...followUps.map((f) => {
        const answer = el("div", {});
        answer.innerHTML = f.answer_html; // rendered by the server from our own Markdown
        return el("details", {}, el("summary", {}, f.question), answer);
      }));
      if (window.DLIRenderMath) window.DLIRenderMath(box);
    } catch (err) { /* stays locked */ }
  }

  // --- history: each submission opens to its own result panel ------------------------------
  async function loadHistory() {
    if (!signedIn) return;
    const page = await api("GET", `/submissions?problem=${slug}&limit=20`);
    if (!page.items.length) return;
    $("history").replaceChildren(el("ul", { class: "history-list" }, ...page.items.map((s) => {
      const verdict = s.verdict ? verdictWord(s.verdict) : s.status;
      const body = el("div", { class: "history-body" });
      const details = el("details", {},
        el("summary", {}, el("span", { class: "verdict-word " + (s.verdict === "accepted" ? "ok" : "bad") }, verdict),
          ` · ${s.mode} · ${formatTime(s.created_at)}` + (s.cases_total ? ` · ${s.cases_passed}/${s.cases_total}` : "")),
        body);
      details.addEventListener("toggle", async () => {
        if (!details.open || body.childElementCount) return;
        const full = await api("GET", `/submissions/${s.id}`);
        body.append(...render(full), el("pre", { class: "code", tabindex: "0" }, full.code),
          el("button", { type: "button", class: "secondary", onclick: () => { editor.set(full.code); scheduleSave(); } }, "Load into editor"));
      });
      return el("li", { class: s.verdict === "accepted" ? "ok" : "bad" }, details);
    })));
  }

  // --- hints: revealed ones stay revealed (the server remembers) ----------------------------
  const hintButton = $("hint-button");
  if (hintButton) {
    const total = Number(root.dataset.hints);
    let shown = Number(root.dataset.revealed);
    hintButton.addEventListener("click", async () => {
      const hint = await api("GET", `/problems/${slug}/hints/${shown + 1}`);
      shown = hint.number;
      const item = el("li", {});
      item.innerHTML = hint.hint_html;
      $("hint-list").append(item);
      if (window.DLIRenderMath) window.DLIRenderMath(item);
      hintButton.textContent = `Show a hint (${shown} of ${total} shown)`;
      if (shown >= total) hintButton.remove();
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
