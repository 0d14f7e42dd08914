// Math rendering (KaTeX), exposed as window.DLIRenderMath. The server's Markdown step leaves TeX
// untouched inside <span class="math inline"> and <div class="math block">; this typesets it.
import katex from "katex";

function renderMath(root) {
  for (const node of root.querySelectorAll(".math.inline, .math.block")) {
    if (node.dataset.rendered) continue;
    const display = node.classList.contains("block");
    katex.render(node.textContent.trim(), node, { displayMode: display, throwOnError: false });
    node.dataset.rendered = "1";
  }
}

window.DLIRenderMath = renderMath;
renderMath(document);
