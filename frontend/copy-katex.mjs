// KaTeX's stylesheet and fonts go next to the bundle; they are served from /static/dist/katex/.
import { cpSync, mkdirSync } from "node:fs";

const source = "node_modules/katex/dist";
const target = "../app/static/dist/katex";
mkdirSync(target, { recursive: true });
cpSync(`${source}/katex.min.css`, `${target}/katex.min.css`);
cpSync(`${source}/fonts`, `${target}/fonts`, { recursive: true });
