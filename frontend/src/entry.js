// The editor and math rendering for the question page, exposed to practice.js as two globals.
import { basicSetup } from "codemirror";
import { EditorView, keymap } from "@codemirror/view";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { oneDark } from "@codemirror/theme-one-dark";
import renderMathInElement from "katex/contrib/auto-render";

const dark = window.matchMedia("(prefers-color-scheme: dark)");

function create(parent, doc, { onChange, onRun, onSubmit }) {
  const theme = new Compartment();
  const shortcuts = Prec.highest(
    keymap.of([
      { key: "Mod-Enter", run: () => { onRun(); return true; } },
      { key: "Mod-Shift-Enter", run: () => { onSubmit(); return true; } },
    ]),
  );
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        shortcuts,
        basicSetup, // line numbers, bracket matching, history, search, folding
        // Tab indents; as CodeMirror documents, Escape then Tab moves focus out of the editor.
        keymap.of([indentWithTab]),
        python(),
        EditorState.tabSize.of(4),
        theme.of(dark.matches ? oneDark : []),
        EditorView.contentAttributes.of({ "aria-label": "Your code" }),
        EditorView.updateListener.of((update) => { if (update.docChanged) onChange(); }),
      ],
    }),
  });
  dark.addEventListener("change", (event) => {
    view.dispatch({ effects: theme.reconfigure(event.matches ? oneDark : []) });
  });
  return {
    get: () => view.state.doc.toString(),
    set: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    focus: () => view.focus(),
    view,
  };
}

function renderMath(element) {
  renderMathInElement(element, {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
    ],
    throwOnError: false,
  });
}

window.DLIEditor = { create };
window.DLIRenderMath = renderMath;
