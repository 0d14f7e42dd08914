// The code editor (CodeMirror 6), exposed to the page scripts as window.DLIEditor.
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars } from "@codemirror/view";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { highlightSelectionMatches, search, searchKeymap } from "@codemirror/search";
import { python } from "@codemirror/lang-python";
import { oneDark } from "@codemirror/theme-one-dark";

const dark = window.matchMedia("(prefers-color-scheme: dark)");

function create(parent, doc, { onChange, onRun, onSubmit, label }) {
  const theme = new Compartment();
  const editable = new Compartment();
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
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(), // invisible and bidirectional characters are shown, not hidden
        history(),
        drawSelection(),
        indentOnInput(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        search({ top: true }),
        // Tab indents; Escape then Tab moves focus out of the editor (CodeMirror's rule).
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, indentWithTab]),
        python(),
        EditorState.tabSize.of(4),
        theme.of(dark.matches ? oneDark : []),
        editable.of([]),
        EditorView.contentAttributes.of({ "aria-label": label || "Your code", tabindex: "0" }),
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
    readOnly: () => view.dispatch({
      effects: editable.reconfigure([EditorState.readOnly.of(true), EditorView.editable.of(false)]),
    }),
    view,
  };
}

window.DLIEditor = { create };
