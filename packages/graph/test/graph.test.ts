import { afterAll, beforeAll, describe } from "vitest";
import { graphBehaviourSuite } from "./graph-behaviour-suite.js";
import { graphModelSuite } from "./graph-model-suite.js";
import { graphPromiseSuite } from "./graph-promise-suite.js";
import { graphTestStores, requireStore } from "./support/graph-stores.js";

// One body of tests over every store (RDG_GRAPH_STORES picks some): memory and LMDB embedded,
// and the real Redis (single node and cluster) and Cassandra started by services/.
for (const store of graphTestStores()) {
  describe(store.name, () => {
    beforeAll(() => requireStore(store));
    afterAll(() => store.shutdown());
    graphBehaviourSuite(store);
    graphPromiseSuite(store);
    graphModelSuite(store, [1, 2], 700);
  });
}
