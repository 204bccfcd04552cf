import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { decodeValue, encodeValue } from "../src/index.js";

const packr = new Packr({ useRecords: false, moreTypes: false });

describe("property value codec", () => {
  it("decodes what it encodes, small values (decoded without msgpackr) and others alike", () => {
    const values = [0, 1, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, -1, -32, -33, -128, -129, -32_768, -32_769, -(2 ** 31), -(2 ** 31) - 1, 1.5, -0.25,
      Number.MAX_SAFE_INTEGER, true, false, "", "a", "tv", "x".repeat(31), "x".repeat(32), "y".repeat(40), "é", "phone-é", "日本"];
    for (const v of values) expect(decodeValue(encodeValue(v))).toStrictEqual(v);
  });

  it("agrees with msgpackr on every one- to five-byte value of the small formats", () => {
    const bytes: Uint8Array[] = [];
    for (let t = 0; t < 256; t++) {
      bytes.push(Uint8Array.of(t));
      for (const n of [1, 2, 4]) bytes.push(Uint8Array.of(t, ...Array.from({ length: n }, (_, i) => (t * 7 + i * 13) & 0xff)));
    }
    for (let n = 0; n < 32; n++) bytes.push(Uint8Array.of(0xa0 | n, ...Array.from({ length: n }, (_, i) => 0x41 + (i % 26))), Uint8Array.of(0xd9, n, ...Array.from({ length: n }, () => 0x62)));
    for (const b of bytes) {
      let expected: unknown;
      try {
        expected = packr.unpack(b);
      } catch {
        continue; // msgpackr refuses it (truncated): decodeValue may throw too, it only must not disagree on valid values
      }
      expect([b, decodeValue(b)]).toStrictEqual([b, expected]);
    }
  });
});
