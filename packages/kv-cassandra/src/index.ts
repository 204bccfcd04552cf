export { CassandraKvStore } from "./cassandra-kv-store.js";
export {
  CASSANDRA_KV_DEFAULTS,
  type CassandraConsistency,
  type CassandraKvStoreOptions,
  type CassandraNamespaceConfig,
  type CassandraReplication,
} from "./cassandra-kv-store-options.js";
export { tableNameFor } from "./cassandra-schema.js";
export { isConnectionFailure, toKvError } from "./cassandra-errors.js";
