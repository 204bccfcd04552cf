export { kvConformanceSuite } from "./kv-conformance-suite.js";
export type { ConformanceFlags, ConformanceOptions, SuiteApi, SuiteNamespaces } from "./suite-types.js";
