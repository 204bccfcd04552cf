export type { DeadLetterSink, EventMapper, EventSource, EventTime, SourceBatch } from "./runtime/ingest-types.js";
export { IngestJob, type IngestJobOptions } from "./runtime/ingest-job.js";
export type { JobMetrics } from "./metrics/job-metrics.js";
export { Coalescer } from "./coalesce/coalescer.js";
export { MemoryDeadLetterSink, type DeadLetter } from "./sinks/memory-dead-letter-sink.js";
export { FileDeadLetterSink } from "./sinks/file-dead-letter-sink.js";
export { ArraySource } from "./sources/array-source.js";
export { FileSource, type FileCheckpointStore, type FileSourceOptions, type UnparsableLine } from "./sources/file-source.js";
export { fileFingerprint, type FilePosition } from "./sources/file-position.js";
export { FileChangedError } from "./sources/file-changed-error.js";
export { GENERATOR_VALIDATION, GeneratorSource, type GeneratorSourceOptions } from "./sources/generator-source.js";
export type { MemberEvent, MemberTopic } from "./domain/member-events.js";
export { MemberJourneyGenerator, type MemberJourneyOptions } from "./domain/member-journey-generator.js";
export {
  DEVICE_KINDS, MEMBER_EVENT_BYTES, MEMBER_EVENT_TYPES, decodeMemberEvents, memberEventViews, memberEventsToJsonLines, readMemberEvent,
  writeMemberEvent, type MemberEventViews,
} from "./domain/member-event-codec.js";
export { memberJourneyPartition, partitionSeed, partitionShare } from "./generate/member-journey-partition.js";
export { generateParallel, type GenerateParallelOptions, type GeneratedBatch } from "./generate/parallel-generator.js";
export type { GeneratedFormat } from "./generate/generator-messages.js";
export { mapMemberEvent, memberEventTime } from "./domain/member-journey-mapper.js";
export { IngestError, INGEST_ERROR_CODES, type IngestErrorCode } from "./errors/ingest-error.js";
export { BadEventError } from "./errors/bad-event-error.js";
export { IngestOptionsError } from "./errors/ingest-options-error.js";
export { seededRandom, zipfSampler } from "./domain/random.js";
export { KafkaError, type KafkaErrorCode } from "./errors/kafka-error.js";
export { DEFAULT_KAFKA_BROKERS, type KafkaClientOptions } from "./kafka/kafka-client-options.js";
export { KafkaTopics, type EnsureTopicsOptions, type EnsuredTopic, type EnsuredTopics, type KafkaTopicsOptions } from "./kafka/kafka-topics.js";
export { KafkaEventProducer, type KafkaEventProducerOptions, type KafkaProducerStats } from "./kafka/kafka-event-producer.js";
export {
  MEMBER_EVENT_TOPICS, MEMBER_JOURNEY_TOPICS, memberEventKey, memberEventTopic, memberJourneyRouting, memberJourneyTopicNames,
} from "./kafka/member-journey-topics.js";
export {
  KafkaSource, isUndecodable, kafkaRecordOrigin, refuseUndecodable, type KafkaRecordOrigin, type KafkaSourceOptions, type UndecodableRecord,
} from "./kafka/kafka-source.js";
export { DEAD_LETTER_HEADERS, KafkaDeadLetterSink, type KafkaDeadLetterSinkOptions } from "./kafka/kafka-dead-letter-sink.js";
export type { BatchWritten, PartitionLag } from "./runtime/ingest-types.js";
export {
  IngestPrometheusMetrics, LATENCY_BUCKETS_SECONDS, type IngestPrometheusMetricsOptions, type LagReporter, type PrometheusJobMetrics,
} from "./metrics/prometheus-metrics.js";
export { MetricsServer, type MetricsServerOptions, type MetricsSource } from "./metrics/metrics-server.js";
export { avroCodec, type AvroCodec } from "./codec/avro-codec.js";
export { loadJobsConfig, parseJobsConfig, type LoadJobsConfigOptions } from "./config/load-jobs-config.js";
export type { JobConfig, JobFormat, JobProcessor, JobsConfig, JobsKafkaConfig, StoreConfigParser } from "./config/jobs-config.js";
export { JobsConfigError, type JobsConfigProblem } from "./config/jobs-config-error.js";
export { BUILT_IN_PROCESSORS, schemaFingerprint } from "./config/job-processors.js";
export { JobsRunner, type ClosableDeadLetterSink, type JobObserver, type JobsRunResult, type JobsRunnerOptions, type OpenedJobStore, type RunnerJob } from "./runner/jobs-runner.js";
export { IngestJobError } from "./errors/ingest-job-error.js";
export { ParallelIngestJob, defaultWorkers, type ParallelIngestJobOptions } from "./parallel/parallel-ingest-job.js";
export type { CreateIngestWorker, IngestWorkerContext, IngestWorkerSetup } from "./parallel/ingest-worker-setup.js";
export { memberJourneyWorker, type MemberJourneyWorkerOptions } from "./parallel/member-journey-worker.js";
