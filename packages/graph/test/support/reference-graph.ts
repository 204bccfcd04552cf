import { mutationKey, type Mutation, type PropertyValue } from "@rdg/model";
import { encodeValue } from "../../src/codec/value-codec.js";

/**
 * The graph's semantics in the plainest form, for model-based tests: every node and edge is a
 * set of registers (an existence marker and one per property) plus the newest delete. A
 * register shows the greatest (time, value bytes) of the puts newer than the newest delete:
 * last write wins, ties as the KV contract resolves them (a delete beats a put of its own
 * time; between puts the greater value wins). Knows nothing of buckets, pages or batches.
 */
interface Register {
  time: number;
  bytes: Buffer;
  value: PropertyValue | null;
}

interface Entity {
  readonly puts: Map<string, Register>;
  deleted: number;
}

export interface RefEdge {
  readonly from: string;
  readonly to: string;
  readonly time: number;
  readonly props: Record<string, PropertyValue>;
}

const MARKER = "\u0000";
const beats = (a: Register, b: Register): boolean => a.time > b.time || (a.time === b.time && Buffer.compare(a.bytes, b.bytes) > 0);

export class ReferenceGraph {
  readonly #nodes = new Map<string, Entity>();
  readonly #edges = new Map<string, Entity & { type: string; from: string; to: string }>();

  apply(mutations: readonly Mutation[]): void {
    for (const m of mutations) this.#apply(m);
  }

  #apply(m: Mutation): void {
    if (m.op === "upsertNode" || m.op === "deleteNode") {
      const key = `${m.type}\u0000${m.id}`;
      let node = this.#nodes.get(key);
      if (node === undefined) this.#nodes.set(key, (node = { puts: new Map(), deleted: -1 }));
      if (m.op === "deleteNode") node.deleted = Math.max(node.deleted, m.time);
      else this.#put(node, m.time, m.props, m.propTimes);
      return;
    }
    const key = mutationKey({ ...m, op: "upsertEdge" } as Mutation);
    let edge = this.#edges.get(key);
    if (edge === undefined) this.#edges.set(key, (edge = { type: m.type, from: m.from, to: m.to, puts: new Map(), deleted: -1 }));
    if (m.op === "deleteEdge") edge.deleted = Math.max(edge.deleted, m.time);
    else this.#put(edge, m.time, m.props, m.propTimes);
  }

  #put(e: Entity, time: number, props: Readonly<Record<string, PropertyValue>> | undefined, propTimes: Readonly<Record<string, number>> | undefined): void {
    const offer = (name: string, reg: Register): void => {
      const current = e.puts.get(name);
      if (current === undefined || beats(reg, current)) e.puts.set(name, reg);
    };
    offer(MARKER, { time, bytes: Buffer.alloc(0), value: null });
    for (const [name, value] of Object.entries(props ?? {})) offer(name, { time: propTimes?.[name] ?? time, bytes: Buffer.from(encodeValue(value)), value });
  }

  /** Registers that survive the newest delete. */
  #visible(e: Entity): Map<string, Register> {
    // A put lost to the newest delete is gone for good: a later, smaller put of the same name
    // cannot show through, because the register keeps the greatest put whatever its time.
    const out = new Map<string, Register>();
    for (const [name, reg] of e.puts) if (reg.time > e.deleted) out.set(name, reg);
    return out;
  }

  node(type: string, id: string): { props: Record<string, PropertyValue>; updatedAt: number } | undefined {
    const e = this.#nodes.get(`${type}\u0000${id}`);
    if (e === undefined) return undefined;
    const visible = this.#visible(e);
    if (visible.size === 0) return undefined;
    const props: Record<string, PropertyValue> = {};
    let updatedAt = 0;
    for (const [name, reg] of visible) {
      updatedAt = Math.max(updatedAt, reg.time);
      if (name !== MARKER) props[name] = reg.value!;
    }
    return { props, updatedAt };
  }

  /** Live edges of a type: newest upsert newer than the newest delete. */
  edges(type: string): RefEdge[] {
    const out: RefEdge[] = [];
    for (const e of this.#edges.values()) {
      if (e.type !== type) continue;
      const visible = this.#visible(e);
      const marker = visible.get(MARKER);
      if (marker === undefined) continue;
      const props: Record<string, PropertyValue> = {};
      for (const [name, reg] of visible) if (name !== MARKER) props[name] = reg.value!;
      out.push({ from: e.from, to: e.to, time: marker.time, props });
    }
    return out;
  }

  /** Neighbours in [since, until), newest first; equal times in descending id byte order. */
  neighbors(type: string, direction: "out" | "in", nodeId: string, since: number, until: number): (RefEdge & { other: string })[] {
    return this.edges(type)
      .filter((e) => (direction === "out" ? e.from : e.to) === nodeId && e.time >= since && e.time < until)
      .map((e) => ({ ...e, other: direction === "out" ? e.to : e.from }))
      .sort((a, b) => b.time - a.time || Buffer.compare(Buffer.from(b.other), Buffer.from(a.other)));
  }
}
