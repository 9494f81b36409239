import { StreamCursor } from "./stream-cursor";
import { envelope, offsets } from "./testing/envelopes";

const ack = (offset: number, recovered = true) => ({ stream: "acme:chat:s1", offset, recovered, replayed: 0 });

function resumed(since: number, bufferLimit = 100): StreamCursor {
  const cursor = new StreamCursor({ since, gapless: true, bufferLimit });
  cursor.beginSubscribe();
  return cursor;
}

describe("StreamCursor (gapless)", () => {
  it("delivers in order and drops offsets it has already delivered", () => {
    const cursor = resumed(0);
    expect(offsets(cursor.offer(envelope(1)))).toEqual([1]);
    expect(offsets(cursor.offer(envelope(2)))).toEqual([2]);
    expect(cursor.offer(envelope(2))).toEqual([]);
    expect(cursor.offer(envelope(1))).toEqual([]);
    expect(cursor.lastOffset).toBe(2);
    expect(cursor.hasGap).toBe(false);
  });

  it("holds early offsets and releases them in order when the gap fills", () => {
    const cursor = resumed(0);
    expect(cursor.offer(envelope(3))).toEqual([]);
    expect(cursor.offer(envelope(5))).toEqual([]);
    expect(cursor.offer(envelope(3))).toEqual([]); // duplicate of a held one
    expect(cursor.hasGap).toBe(true);
    expect(cursor.buffered).toBe(2);
    expect(offsets(cursor.offer(envelope(1)))).toEqual([1]);
    expect(offsets(cursor.offer(envelope(2)))).toEqual([2, 3]);
    expect(cursor.hasGap).toBe(true);
    expect(offsets(cursor.offer(envelope(4)))).toEqual([4, 5]);
    expect(cursor.hasGap).toBe(false);
    expect(cursor.buffered).toBe(0);
  });

  it("bounds the reorder buffer and flags an overflow until the next subscribe", () => {
    const cursor = resumed(0, 2);
    cursor.offer(envelope(3));
    cursor.offer(envelope(4));
    expect(cursor.overflowed).toBe(false);
    cursor.offer(envelope(5));
    expect(cursor.overflowed).toBe(true);
    expect(cursor.buffered).toBe(2);
    cursor.beginSubscribe();
    expect(cursor.overflowed).toBe(false);
    // The replay after the resync brings 1..5 back; 5 was never held, and arrives again.
    const replay = [1, 2, 3, 4, 5].flatMap((n) => offsets(cursor.offer(envelope(n))));
    expect(replay).toEqual([1, 2, 3, 4, 5]);
    expect(cursor.onAck(ack(5))).toEqual({ reset: false, deliver: [] });
  });

  it("without since, starts live at the ack's offset and keeps what came before the ack", () => {
    const cursor = new StreamCursor({ gapless: true, bufferLimit: 100 });
    cursor.beginSubscribe();
    expect(cursor.lastOffset).toBeUndefined();
    expect(cursor.offer(envelope(7))).toEqual([]); // before the ack: part of the past
    expect(cursor.offer(envelope(9))).toEqual([]); // live, arrived before the ack
    expect(cursor.hasGap).toBe(false); // position unknown yet
    const outcome = cursor.onAck(ack(7));
    expect(outcome.reset).toBe(false);
    expect(outcome.deliver).toEqual([]);
    expect(cursor.lastOffset).toBe(7);
    expect(cursor.hasGap).toBe(true); // 8 is missing
    expect(offsets(cursor.offer(envelope(8)))).toEqual([8, 9]);
  });

  it("reports a gap when a recovered ack says the stream is ahead of what was replayed", () => {
    const cursor = resumed(4);
    cursor.offer(envelope(5));
    expect(cursor.onAck(ack(6)).reset).toBe(false);
    expect(cursor.lastOffset).toBe(5);
    expect(cursor.hasGap).toBe(true);
    expect(offsets(cursor.offer(envelope(6)))).toEqual([6]);
    expect(cursor.hasGap).toBe(false);
  });

  it("on recovered:false reports a reset and continues from the ack's offset", () => {
    const cursor = resumed(10);
    cursor.offer(envelope(11)); // delivered
    cursor.beginSubscribe();
    expect(cursor.offer(envelope(502))).toEqual([]); // live, early
    const outcome = cursor.onAck(ack(500, false));
    expect(outcome.reset).toBe(true);
    expect(outcome.deliver).toEqual([]);
    expect(cursor.lastOffset).toBe(500);
    expect(offsets(cursor.offer(envelope(501)))).toEqual([501, 502]);
    expect(cursor.offer(envelope(400))).toEqual([]);
  });

  it("on recovered:false with a lower offset (stream rebuilt) drops what it held", () => {
    const cursor = resumed(10);
    cursor.offer(envelope(13));
    const outcome = cursor.onAck(ack(2, false));
    expect(outcome.reset).toBe(true);
    expect(cursor.lastOffset).toBe(2);
    expect(cursor.buffered).toBe(0);
    expect(cursor.hasGap).toBe(false);
    expect(offsets(cursor.offer(envelope(3)))).toEqual([3]);
  });
});

describe("StreamCursor (filtered)", () => {
  it("accepts holes, drops duplicates and releases what arrived before the ack in order", () => {
    const cursor = new StreamCursor({ since: 10, gapless: false, bufferLimit: 100 });
    cursor.beginSubscribe();
    // Live 20 overtakes the replay of 12 and 15; nothing is delivered before the ack.
    expect(cursor.offer(envelope(20))).toEqual([]);
    expect(cursor.offer(envelope(12))).toEqual([]);
    expect(cursor.offer(envelope(15))).toEqual([]);
    expect(cursor.offer(envelope(9))).toEqual([]);
    const outcome = cursor.onAck(ack(16));
    expect(offsets(outcome.deliver)).toEqual([12, 15, 20]);
    expect(cursor.hasGap).toBe(false);
    expect(cursor.offer(envelope(15))).toEqual([]);
    expect(offsets(cursor.offer(envelope(25)))).toEqual([25]);
  });

  it("moves to a recovered ack's offset even when nothing matched", () => {
    const cursor = new StreamCursor({ since: 3, gapless: false, bufferLimit: 100 });
    cursor.beginSubscribe();
    expect(cursor.onAck(ack(8)).deliver).toEqual([]);
    expect(cursor.lastOffset).toBe(8);
    expect(cursor.offer(envelope(7))).toEqual([]);
  });
});
