import { tagSlot } from "./cluster-slot.js";

/*
 * Where a record lives in Redis. One record is up to three keys that share one hash tag, so
 * Redis Cluster keeps them in one slot and one Lua script can change them atomically:
 *
 *   <prefix>{<ns>/<id>}z   sorted set of the item keys that hold a value (all scores 0, so
 *                          ZRANGEBYLEX walks them as unsigned bytes)
 *   <prefix>{<ns>/<id>}h   hash: item key -> entry (header + value), tombstones included, and
 *                          under the empty field (never an item key) the record's meta:
 *                          record delete time, range tombstones, key-level expiry
 *   <prefix>{<ns>/<id>}m   hash: field "c", the live item count (namespaces with countItems)
 *
 * A namespace never holds "/" (checkNamespace), so "<ns>/" ends the namespace without doubt.
 * An id may hold anything; "}" in it would end the hash tag early (still one slot per record,
 * but ids sharing the part before "}" would pile into one slot), so "}" and the escape
 * character "%" are percent-escaped. The escape is injective, so two ids never share keys.
 */

/** The three keys of one record. */
export interface RecordKeys {
  /** Sorted set of the live item keys. */
  readonly items: string;
  /** Hash of item key -> entry, tombstones included, and the record's meta under "". */
  readonly entries: string;
  /** Hash holding the live item count (counted namespaces only). */
  readonly count: string;
}

const NEEDS_ESCAPE = /[%}]/;
const escapeId = (id: string): string => (NEEDS_ESCAPE.test(id) ? id.replace(/%/g, "%25").replace(/\}/g, "%7D") : id);
const unescapeId = (text: string): string => (text.includes("%") ? text.replace(/%(25|7D)/g, (_, hex: string) => (hex === "25" ? "%" : "}")) : text);
/** Glob characters of SCAN MATCH, escaped in the prefix (namespaces cannot hold them). */
const globEscape = (text: string): string => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** Key names of records under one prefix. */
export class RedisKeyLayout {
  readonly #prefix: string;
  readonly #prefixBytes: number;

  constructor(prefix: string) {
    this.#prefix = prefix;
    this.#prefixBytes = Buffer.byteLength(prefix);
  }

  /** The key every script call declares: the items set. Scripts derive its siblings by suffix. */
  itemsKey(ns: string, id: string): string {
    return `${this.#prefix}{${ns}/${escapeId(id)}}z`;
  }

  /** The Redis Cluster slot of every key of a record. */
  slot(ns: string, id: string): number {
    return tagSlot(`${ns}/${escapeId(id)}`);
  }

  /** The hash of a record's entries. */
  entriesKey(ns: string, id: string): string {
    return `${this.#prefix}{${ns}/${escapeId(id)}}h`;
  }

  /** All three keys of a record. */
  recordKeys(ns: string, id: string): RecordKeys {
    const base = `${this.#prefix}{${ns}/${escapeId(id)}}`;
    return { items: `${base}z`, entries: `${base}h`, count: `${base}m` };
  }

  /** SCAN MATCH pattern of the items sets of a namespace: one key per record with values. */
  scanPattern(ns: string): string {
    return `${globEscape(this.#prefix)}{${ns}/*}z`;
  }

  /** The record id of an items-set key that `scanPattern(ns)` matched. */
  idOfItemsKey(ns: string, key: Buffer): string {
    const start = this.#prefixBytes + 1 + ns.length + 1;
    return unescapeId(key.toString("utf8", start, key.length - 2));
  }
}
