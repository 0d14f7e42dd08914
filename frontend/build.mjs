// Builds app/static/dist: the editor and math bundles, KaTeX's stylesheet and fonts, Swagger UI
// and ReDoc, every file under a content-hashed name (served with immutable caching) and gzipped
// beside itself. manifest.json maps each logical name to its file.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { gzipSync } from "node:zlib";

const out = "../app/static/dist";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const manifest = {};
const hash = (data) => createHash("sha256").update(data).digest("hex").slice(0, 12);

const result = await build({
  entryPoints: { editor: "src/editor.js", math: "src/math.js" },
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  outdir: out,
  entryNames: "[name]-[hash]",
  metafile: true,
  legalComments: "none",
});
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (meta.entryPoint) manifest[`${meta.entryPoint.replace(/^src\//, "")}`] = basename(file);
}

function copyHashed(source, logical) {
  const data = readFileSync(source);
  const ext = extname(logical);
  const name = `${basename(logical, ext)}-${hash(data)}${ext}`;
  writeFileSync(join(out, name), data);
  manifest[logical] = name;
}

// KaTeX's stylesheet loads its fonts by relative path: both go in a folder named by a hash.
const katexCss = readFileSync("node_modules/katex/dist/katex.min.css");
const katexDir = `katex-${hash(katexCss)}`;
mkdirSync(join(out, katexDir), { recursive: true });
writeFileSync(join(out, katexDir, "katex.min.css"), katexCss);
cpSync("node_modules/katex/dist/fonts", join(out, katexDir, "fonts"), {
  recursive: true,
  filter: (path) => statSync(path).isDirectory() || path.endsWith(".woff2"),
});
manifest["katex.css"] = `${katexDir}/katex.min.css`;

copyHashed("node_modules/swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui.js");
copyHashed("node_modules/swagger-ui-dist/swagger-ui.css", "swagger-ui.css");
copyHashed("node_modules/redoc/bundles/redoc.standalone.js", "redoc.js");

function gzipAll(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) gzipAll(path);
    else if (/\.(js|css)$/.test(entry)) writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
  }
}
gzipAll(out);
writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`built ${Object.keys(manifest).length} assets into ${out}`);
