import { describe, expect, it } from "vitest";
import { KnownInUse } from "../src/app/known-in-use.js";

describe("KnownInUse (the idle checks' memory of accounts using an integration)", () => {
  it("remembers only what was found in use, for its time; everything else is asked again", () => {
    const known = new KnownInUse(1_000);
    expect(known.unknown(["a", "b", "a"], 0)).toEqual(["a", "b"]);
    known.remember(["a"], 0);
    expect(known.has("a", 500)).toBe(true);
    expect(known.has("b", 500)).toBe(false);
    // b was not in use: asked again on the next claim, so an account that just connected is never skipped.
    expect(known.unknown(["a", "b"], 500)).toEqual(["b"]);
    // After its time, a is asked again too (it may have disconnected: deliver would find out anyway).
    expect(known.unknown(["a", "b"], 1_000)).toEqual(["a", "b"]);
    expect(known.has("a", 1_000)).toBe(false);
  });
});
