/**
 * Second step of `npm run build`, after tsup: for every Node entry built as CommonJS only (`dist/<name>.cjs`
 * without `dist/<name>.js`), writes the ES wrapper `dist/<name>.js`, which re-exports the CommonJS module's
 * exports by name (one instance for ES and CommonJS consumers), and `dist/<name>.d.ts`, the same
 * declarations as `dist/<name>.d.cts` for ES consumers. Then checks that every file package.json's
 * `exports`, `bin` and `types` name exists.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const dist = path.resolve("dist");
const require = createRequire(import.meta.url);

for (const file of readdirSync(dist)) {
  if (!file.endsWith(".cjs")) continue;
  const name = file.slice(0, -".cjs".length);
  if (existsSync(path.join(dist, `${name}.js`))) continue;
  const names = Object.keys(require(path.join(dist, file))).filter((n) => n !== "default" && n !== "__esModule");
  const invalid = names.filter((n) => !/^[A-Za-z_$][\w$]*$/.test(n));
  if (invalid.length) throw new Error(`dist/${file} exports names an ES module cannot re-export: ${invalid.join(", ")}`);
  writeFileSync(
    path.join(dist, `${name}.js`),
    `// ES entry of near-callback-guards/${name}: the CommonJS implementation's exports, one instance for both module systems.\n` +
      `import cjs from "./${name}.cjs";\n\nexport const {\n${names.map((n) => `  ${n},`).join("\n")}\n} = cjs;\n`,
  );
  const dcts = path.join(dist, `${name}.d.cts`);
  if (existsSync(dcts)) copyFileSync(dcts, path.join(dist, `${name}.d.ts`));
}

const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const named = new Set();
const collect = (v) => {
  if (typeof v === "string") {
    if (!v.includes("*")) named.add(v);
  } else if (v && typeof v === "object") Object.values(v).forEach(collect);
};
collect(pkg.exports);
collect(pkg.bin);
collect(pkg.types);
collect(pkg.main);
const missing = [...named].filter((f) => !existsSync(path.resolve(f)));
if (missing.length) {
  console.error(`package.json names files the build did not produce: ${missing.join(", ")}`);
  process.exit(1);
}
