import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..");
const dir = mkdtempSync(join(tmpdir(), "rdg-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `./run` in a scratch tree: the real script, with a stand-in for turbo (prints a banner like
 * turbo's, writes the dist files, counts its calls) and for the Node provisioning, so the test
 * checks when `./run` builds and what it prints, without building the repository.
 */
function scratchTree(): { run: (...args: string[]) => ReturnType<typeof spawnSync>; builds: () => number; tree: string } {
  const tree = mkdtempSync(join(dir, "tree-"));
  const file = (path: string, text: string, mode?: number): void => {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
    if (mode !== undefined) chmodSync(join(tree, path), mode);
  };
  copyFileSync(join(root, "run"), join(tree, "run"));
  chmodSync(join(tree, "run"), 0o755);
  file("scripts/node-env.sh", "# node is on PATH already\n");
  file("package-lock.json", "{}\n");
  file("tsconfig.base.json", "{}\n");
  file("turbo.json", "{}\n");
  file("packages/kv/package.json", "{}\n");
  file("packages/kv/src/index.ts", "export {};\n");
  file("apps/rdg/src/cli.ts", "export {};\n");
  file("bin/npx", `#!/usr/bin/env bash
echo "   • turbo 2.11.11"
echo "   • Running build in 9 packages"
echo build >> builds.count
if [ -f fail-build ]; then echo "src/index.ts(1,1): error TS1005: ';' expected."; exit 2; fi
mkdir -p apps/rdg/dist apps/bench/dist
echo 'console.log("the answer")' > apps/rdg/dist/cli.js
echo 'console.log("bench")' > apps/bench/dist/cli.js
`, 0o755);
  // Every input older than any stamp the script writes: only an explicit change is newer.
  const past = new Date(Date.now() - 3_600_000);
  for (const f of ["package-lock.json", "tsconfig.base.json", "turbo.json", "packages/kv/package.json", "packages/kv/src/index.ts", "apps/rdg/src/cli.ts"]) utimesSync(join(tree, f), past, past);
  // What install_deps expects after an install, so it does not run npm ci.
  const node = spawnSync(process.execPath, ["-v"], { encoding: "utf8" }).stdout.trim();
  const lock = spawnSync("sha256sum", [join(tree, "package-lock.json")], { encoding: "utf8" }).stdout.split(" ")[0];
  file("node_modules/.rdg-install-stamp", `${node} ${lock}\n`);
  const env = { ...process.env, PATH: `${join(tree, "bin")}:${dirname(process.execPath)}:${process.env.PATH ?? ""}` };
  return {
    tree,
    run: (...args) => spawnSync(join(tree, "run"), args, { cwd: tree, env, encoding: "utf8" }),
    builds: () => readFileSync(join(tree, "builds.count"), "utf8").split("\n").filter(Boolean).length,
  };
}

describe("./run", () => {
  it("prints only the answer when nothing needs building, and builds quietly when a source changed", () => {
    const { run, builds, tree } = scratchTree();
    const first = run("rdg", "query");
    expect(first.status, String(first.stderr)).toBe(0);
    expect(first.stdout).toBe("the answer\n");
    expect(first.stderr).toBe("[setup] building packages\n"); // a fresh clone builds, one line, no banner
    const second = run("rdg", "query");
    expect(second.stdout).toBe("the answer\n");
    expect(second.stderr).toBe("");
    expect(builds()).toBe(1);
    const future = new Date(Date.now() + 3_600_000);
    utimesSync(join(tree, "packages/kv/src/index.ts"), future, future);
    const third = run("rdg", "query");
    expect(third.stderr).toBe("[setup] building packages\n");
    expect(builds()).toBe(2);
  });

  it("shows the build output when the build fails, and builds again next time", () => {
    const { run, builds, tree } = scratchTree();
    writeFileSync(join(tree, "fail-build"), "");
    const failed = run("rdg", "query");
    expect(failed.status).toBe(1);
    expect(failed.stdout).toBe("");
    expect(failed.stderr).toMatch(/error TS1005/);
    rmSync(join(tree, "fail-build"));
    const fixed = run("rdg", "query");
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toBe("the answer\n");
    expect(builds()).toBe(2);
  });
});
