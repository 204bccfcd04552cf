import { Admin } from "@platformatic/kafka";
import { afterAll, beforeAll } from "vitest";
import { DEFAULT_KAFKA_BROKERS, KafkaTopics } from "../../src/index.js";

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

/**
 * For a test file: requires the broker, opens one topic admin, and deletes every topic the
 * file registered with `made` when it ends.
 */
export function topicAdminForFile(): { readonly admin: () => KafkaTopics; readonly made: (...topics: string[]) => void } {
  const made: string[] = [];
  let admin: KafkaTopics | undefined;
  beforeAll(async () => {
    await requireKafka();
    admin = new KafkaTopics({ brokers: BROKERS });
  });
  afterAll(async () => {
    if (admin === undefined) return;
    try {
      await admin.delete(made);
    } finally {
      await admin.close();
    }
  });
  return { admin: () => admin!, made: (...topics) => void made.push(...topics) };
}
