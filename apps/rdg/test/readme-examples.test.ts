import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..");
// kv-redis and kv-cassandra talk to the real servers the test command starts.
const PACKAGES = ["model", "kv", "kv-lmdb", "graph", "stores", "ingest", "server", "kv-redis", "kv-cassandra"];

/** The first ```js block of a README, with the `// value` comments it promises. */
function example(pkg: string): { code: string; promised: string[] } {
  const text = readFileSync(join(root, "packages", pkg, "README.md"), "utf8");
  const code = /```js\n([\s\S]*?)```/.exec(text)?.[1];
  if (code === undefined) throw new Error(`packages/${pkg}/README.md has no js example`);
  const promised = [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]!);
  return { code, promised };
}

/** Every README of the repository: root, packages/*, apps/*. */
function readmes(): string[] {
  const inside = (folder: string): string[] =>
    readdirSync(join(root, folder)).map((name) => join(folder, name, "README.md")).filter((f) => existsSync(join(root, f)));
  return ["README.md", ...inside("packages"), ...inside("apps")];
}

describe("README examples run on every Node that `engines` allows", () => {
  it("no README shows `await using` (Node 22 cannot parse it); closing is written with try/finally", () => {
    const offenders = readmes().filter((f) => /^\s*await using /m.test(readFileSync(join(root, f), "utf8")));
    expect(offenders).toEqual([]);
  });

  it("every package asks for the same Node as the repository", () => {
    const engines = (f: string): unknown => (JSON.parse(readFileSync(join(root, f), "utf8")) as { engines?: { node?: string } }).engines?.node;
    const want = engines("package.json");
    expect(want).toBe(">=22");
    const manifests = ["packages", "apps"].flatMap((folder) =>
      readdirSync(join(root, folder)).map((name) => join(folder, name, "package.json")).filter((f) => existsSync(join(root, f))));
    expect(manifests.length).toBeGreaterThan(5);
    for (const m of manifests) expect([m, engines(m)]).toEqual([m, want]);
  });
});

describe("README examples run as written", () => {
  for (const pkg of PACKAGES) {
    it(`packages/${pkg}/README.md`, () => {
      const { code, promised } = example(pkg);
      // Inside the package folder, so its own dependencies resolve as a user's would.
      const file = join(root, "packages", pkg, `.readme-example-${process.pid}.mjs`);
      writeFileSync(file, code);
      try {
        const out = execFileSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 }).trim().split("\n");
        expect(out.length).toBeGreaterThanOrEqual(promised.length);
        promised.forEach((want, i) => expect(out[i]!.replace(/\s+/g, " ")).toBe(want.replace(/\s+/g, " ")));
      } finally {
        rmSync(file, { force: true });
      }
    });
  }
});
