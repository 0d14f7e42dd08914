// The question table: filters apply as they change, search narrows the rows as you type, and the
// difficulty and acceptance columns sort (click again to reverse; a third click restores).
(function () {
  "use strict";
  const form = document.getElementById("filters");
  if (!form) return;
  for (const select of form.querySelectorAll("select")) select.addEventListener("change", () => form.submit());

  const search = document.getElementById("search");
  const rows = () => [...document.querySelectorAll(".qtable tbody tr")];
  function applySearch() {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const row of rows()) {
      const match = words.every((w) => row.dataset.text.includes(w));
      row.hidden = !match;
      shown += match;
    }
    document.getElementById("match-count").textContent = words.length ? `${shown} question${shown === 1 ? "" : "s"} match` : "";
    document.getElementById("no-match").hidden = !words.length || shown > 0;
  }
  search.addEventListener("input", applySearch);
  form.addEventListener("submit", () => { if (!search.value) search.disabled = true; }); // no empty q= in the URL
  applySearch();

  for (const button of document.querySelectorAll("button.sort")) {
    button.addEventListener("click", () => {
      const header = button.closest("th");
      const table = header.closest("table");
      const next = { none: "ascending", ascending: "descending", descending: "none" }[header.getAttribute("aria-sort")];
      for (const th of table.querySelectorAll("th[aria-sort]")) th.setAttribute("aria-sort", "none");
      header.setAttribute("aria-sort", next);
      const key = button.dataset.sort;
      const body = table.querySelector("tbody");
      const sorted = [...body.rows].sort((a, b) => {
        if (next === "none") return a.dataset.order - b.dataset.order;
        const diff = Number(a.dataset[key]) - Number(b.dataset[key]);
        return (next === "ascending" ? diff : -diff) || a.dataset.order - b.dataset.order;
      });
      body.append(...sorted);
    });
  }
})();
