import { describe, it } from "vitest";
import { MemoryKvStore } from "../src/index.js";
import { kvConformanceSuite } from "../src/conformance/index.js";

kvConformanceSuite({ describe, it }, { name: "memory", create: (namespaces) => new MemoryKvStore({ namespaces }) });
