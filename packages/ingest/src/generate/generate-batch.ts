import { MEMBER_EVENT_BYTES, memberEventsToJsonLines, memberEventViews, type MemberEventViews } from "../domain/member-event-codec.js";
import type { MemberJourneyGenerator } from "../domain/member-journey-generator.js";
import type { GeneratedFormat } from "./generator-messages.js";

// Per thread (a module instance each): JSON batches go through these, grown as needed.
let binaryScratch: MemberEventViews | undefined;
let jsonScratch: Uint8Array | undefined;

/**
 * The next `count` events of `generator` in `format`, in a buffer of their own (so it can be
 * transferred): `length` bytes of it are the batch.
 */
export function generateBatch(generator: MemberJourneyGenerator, count: number, format: GeneratedFormat): { buffer: ArrayBuffer; length: number } {
  if (format === "binary") {
    const binary = new ArrayBuffer(count * MEMBER_EVENT_BYTES);
    generator.nextEncoded(count, memberEventViews(binary));
    return { buffer: binary, length: binary.byteLength };
  }
  if (binaryScratch === undefined || binaryScratch.u8.length < count * MEMBER_EVENT_BYTES) binaryScratch = memberEventViews(new ArrayBuffer(count * MEMBER_EVENT_BYTES));
  generator.nextEncoded(count, binaryScratch);
  const lines = memberEventsToJsonLines(binaryScratch, count, jsonScratch);
  jsonScratch = lines.scratch;
  return { buffer: lines.bytes.buffer as ArrayBuffer, length: lines.bytes.byteLength };
}
