import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import { kvConformanceSuite } from "@rdg/kv/conformance";
import { LmdbKvStore } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "rdg-kv-lmdb-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const paths = new WeakMap<object, string>();

kvConformanceSuite({ describe, it }, {
  name: "lmdb",
  create: (namespaces) => {
    const path = join(dir, `db${n++}`);
    const store = new LmdbKvStore({ path, namespaces });
    paths.set(store, path);
    return store;
  },
  reopen: async (previous, namespaces) => {
    await previous.close();
    return new LmdbKvStore({ path: paths.get(previous)!, namespaces });
  },
});
