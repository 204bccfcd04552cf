// Packs every publishable package (dry run) and checks what a user would get: only dist,
// types and README (plus package.json and a licence), every export target present, nothing
// from src/ or test/, no build caches.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
let failures = 0;
const fail = (pkg, msg) => {
  failures++;
  console.error(`pack-check: ${pkg}: ${msg}`);
};

for (const dir of readdirSync(join(root, "packages"))) {
  const path = join(root, "packages", dir);
  const pkg = JSON.parse(readFileSync(join(path, "package.json"), "utf8"));
  if (pkg.private) continue;
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: path, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const files = JSON.parse(out)[0].files.map((f) => f.path);
  const allowed = (f) => f === "package.json" || f === "README.md" || /^LICEN[SC]E/.test(f) || f === "CHANGELOG.md" || /^dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map)$/.test(f);
  for (const f of files) if (!allowed(f)) fail(pkg.name, `unexpected file in the tarball: ${f}`);
  if (!files.includes("README.md")) fail(pkg.name, "no README.md in the tarball");
  for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target === "string") continue;
    const keys = Object.keys(target);
    if (keys[0] !== "types") fail(pkg.name, `exports["${sub}"] must list "types" first`);
    for (const file of Object.values(target)) if (!files.includes(file.replace(/^\.\//, ""))) fail(pkg.name, `exports["${sub}"] points at ${file}, which is not in the tarball (built?)`);
  }
  if (failures === 0) console.log(`pack-check: ${pkg.name}@${pkg.version}: ${files.length} files, all dist/types/README`);
}
if (failures > 0) {
  console.error(`pack-check: ${failures} problem(s)`);
  process.exit(1);
}
