import { Admin } from "@platformatic/kafka";
import { DEFAULT_KAFKA_BROKERS } from "../../src/index.js";

/** The broker services/kafka.sh starts. */
export const BROKERS: readonly string[] = DEFAULT_KAFKA_BROKERS;

/** A topic prefix no other run uses. */
export const uniquePrefix = (what: string): string => `rdg-test-${what}-${process.pid}-${Date.now().toString(36)}.`;

/** Fails with how to start it when the broker does not answer. */
export async function requireKafka(): Promise<void> {
  const admin = new Admin({ clientId: "rdg-test", bootstrapBrokers: [...BROKERS], retries: 0, connectTimeout: 3000 });
  try {
    await admin.listTopics();
  } catch (error) {
    throw new Error(`[ingest tests] Kafka at ${BROKERS.join(",")} is not answering (${(error as Error).message}); run services/kafka.sh start (from the repository root)`);
  } finally {
    await admin.close();
  }
}
