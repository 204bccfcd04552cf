import { DEFAULT_KAFKA_BROKERS, KafkaTopics } from "@rdg/ingest";

/** Fails with how to start it when the broker of services/kafka.sh does not answer. */
export async function requireKafka(probeTopic: string): Promise<void> {
  const admin = new KafkaTopics({ retries: 0, connectTimeoutMs: 3000 });
  try {
    await admin.partitions([probeTopic]);
  } catch (error) {
    throw new Error(`[rdg tests] Kafka at ${DEFAULT_KAFKA_BROKERS.join(",")} is not answering (${(error as Error).message}); run services/kafka.sh start (from the repository root)`);
  } finally {
    await admin.close();
  }
}

/** Deletes the topics a test file made. */
export async function deleteTopics(topics: readonly string[]): Promise<void> {
  const admin = new KafkaTopics();
  try {
    await admin.delete(topics);
  } finally {
    await admin.close();
  }
}
