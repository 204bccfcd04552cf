import { beforeAll, describe, it } from "vitest";
import { kvConformanceSuite } from "@rdg/kv/conformance";
import { RedisKvStore } from "../src/index.js";
import { BACKENDS } from "./redis-test-servers.js";

// The same suite against the single node and the cluster; the suite's random namespace prefix
// keeps runs apart on the long-lived servers.
for (const [name, backend] of Object.entries(BACKENDS)) {
  describe(`redis ${name}`, () => {
    beforeAll(backend.require);
    kvConformanceSuite({ describe, it }, {
      name: `redis ${name}`,
      create: (namespaces) => new RedisKvStore({ ...backend.options, namespaces }),
      reopen: async (previous, namespaces) => {
        await previous.close();
        return new RedisKvStore({ ...backend.options, namespaces });
      },
    });
  });
}
