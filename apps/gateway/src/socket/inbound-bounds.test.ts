import { MAX_DEPTH, MAX_ELEMENTS } from "@roomcast/protocol";
import { Encoder, PacketType, type Packet } from "socket.io-parser";
import { boundedParser, refuseOversizedEvents, REFUSED_EVENT, type Refusal } from "./inbound-bounds";
import type { GatewaySocket } from "./socket-types";

const deepText = (depth: number): string => "[".repeat(depth) + "]".repeat(depth);
const nested = (depth: number): unknown => JSON.parse(deepText(depth));

/** Feeds encoded frames to a fresh bounded decoder; returns what it emitted or threw. */
function decode(...frames: Array<string | Buffer>): { packets: Packet[]; error?: string } {
  const { Decoder } = boundedParser();
  const decoder = new Decoder();
  const packets: Packet[] = [];
  decoder.on("decoded", (packet: Packet) => packets.push(packet));
  try {
    for (const frame of frames) decoder.add(frame);
  } catch (error) {
    return { packets, error: (error as Error).message };
  }
  return { packets };
}

const encode = (packet: Packet) => new Encoder().encode(packet) as Array<string | Buffer>;

describe("boundedParser's decoder", () => {
  it("passes packets within the bounds unchanged", () => {
    const packet = { type: PacketType.EVENT, nsp: "/", id: 7, data: ["subscribe", { channel: "chat", topic: "s1" }] };
    expect(decode(...encode(packet)).packets).toEqual([packet]);
  });

  it("turns an event nested too deep into the refused stand-in, keeping its ack id", () => {
    const { packets } = decode(`27["publish",${deepText(5000)}]`);
    expect(packets).toHaveLength(1);
    expect(packets[0]).toMatchObject({ type: PacketType.EVENT, nsp: "/", id: 7 });
    expect(packets[0]!.data).toMatchObject([REFUSED_EVENT, { event: "publish", code: "payload_too_large", message: `payload nested deeper than ${MAX_DEPTH} levels`, exceeded: "depth" }]);
    // The stand-in is what the Admin UI would re-encode: small and safe.
    expect(() => new Encoder().encode(packets[0]!)).not.toThrow();
  });

  it("refuses an event with too many elements, in any namespace, without an ack", () => {
    const { packets } = decode(`2/admin,["emit",${JSON.stringify(new Array(MAX_ELEMENTS + 1).fill(1))}]`);
    expect(packets[0]).toMatchObject({ nsp: "/admin", data: [REFUSED_EVENT, { event: "emit", exceeded: "elements" }] });
    expect(packets[0]!.id).toBeUndefined();
  });

  it("bounds binary events after their attachments arrive", () => {
    const deep = nested(MAX_DEPTH + 5) as unknown[];
    let inner = deep;
    while (Array.isArray(inner[0])) inner = inner[0] as unknown[];
    inner.push(Buffer.from([1, 2, 3]));
    const frames = encode({ type: PacketType.EVENT, nsp: "/", id: 3, data: ["publish", deep] });
    expect(typeof frames[0]).toBe("string");
    expect(frames.length).toBe(2);
    expect(decode(...frames).packets[0]).toMatchObject({ id: 3, data: [REFUSED_EVENT, { event: "publish", exceeded: "depth" }] });
  });

  it("keeps the parser's own refusals: too many attachments, non-array payloads, unknown types", () => {
    expect(decode('511-["publish",{}]').error).toBe("too many attachments");
    expect(decode('2{"not":"an array"}').error).toBe("invalid payload");
    expect(decode("9").error).toBe("unknown packet type 9");
  });

  it("throws (the connection closes) for an over-limit CONNECT or ACK", () => {
    expect(decode(`0{"token":"x","deep":${deepText(200)}}`).error).toMatch(/^CONNECT payload nested deeper than/);
    expect(decode(`31[${deepText(200)}]`).error).toMatch(/^ACK payload nested deeper than/);
  });

  it("cuts a long event name in the refusal", () => {
    const { packets } = decode(`2["${"e".repeat(1000)}",${deepText(100)}]`);
    expect((packets[0]!.data as [string, Refusal])[1].event).toBe("e".repeat(64));
  });
});

describe("refuseOversizedEvents", () => {
  type Middleware = (packet: unknown[], next: (error?: Error) => void) => void;
  const setup = () => {
    const middlewares: Middleware[] = [];
    const socket = { use: (fn: Middleware) => middlewares.push(fn) } as unknown as GatewaySocket;
    const refusals: Array<[Refusal, number]> = [];
    refuseOversizedEvents(socket, (refusal, count) => refusals.push([refusal, count]));
    return { run: (packet: unknown[]) => {
      let passed = false;
      middlewares[0]!(packet, () => (passed = true));
      return passed;
    }, refusals };
  };

  it("answers the stand-in's ack with payload_too_large and stops it", () => {
    const { run, refusals } = setup();
    const standIn = decode(`21["subscribe",${deepText(100)}]`).packets[0]!.data as unknown[];
    const ack = jest.fn();
    expect(run([...standIn, ack])).toBe(false);
    expect(ack).toHaveBeenCalledWith({ ok: false, error: { code: "payload_too_large", message: `subscribe: payload nested deeper than ${MAX_DEPTH} levels` } });
    expect(run([...standIn])).toBe(false);
    expect(refusals.map(([r, n]) => [r.event, n])).toEqual([["subscribe", 1], ["subscribe", 2]]);
  });

  it("lets every other packet through, including a client's own event named like the stand-in", () => {
    const { run, refusals } = setup();
    expect(run(["subscribe", { channel: "chat" }, jest.fn()])).toBe(true);
    expect(run([REFUSED_EVENT, { event: "x", code: "payload_too_large", message: "forged", exceeded: "depth" }, jest.fn()])).toBe(true);
    expect(refusals).toEqual([]);
  });
});
