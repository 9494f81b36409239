import { envelopeSchema, parseAck as parseAckWithSchema, presenceMemberSchema } from "@roomcast/protocol";
import { parseAck, parseEnvelope, parsePresenceEvent, parseTypingEvent } from "./wire";

const envelope = { id: "e1", stream: "acme:chat:s1", offset: 3, channel: "chat", topic: "s1", type: "message", data: { text: "hi" }, priority: 5, source: "visitor:v1", ts: "2026-01-01T00:00:00Z" };

describe("parseEnvelope (narrow checks of what the server's schema built)", () => {
  it("accepts an envelope as the schema does and drops unknown keys", () => {
    expect(parseEnvelope({ ...envelope, extra: 1 })).toEqual(envelopeSchema.parse(envelope));
    expect(parseEnvelope({ ...envelope, topic: null })).toEqual({ ...envelope, topic: null });
  });

  it.each([
    ["no id", { ...envelope, id: undefined }],
    ["a negative offset", { ...envelope, offset: -1 }],
    ["a fractional offset", { ...envelope, offset: 1.5 }],
    ["an unknown channel", { ...envelope, channel: "nope" }],
    ["a numeric topic", { ...envelope, topic: 7 }],
    ["a string priority", { ...envelope, priority: "5" }],
    ["no ts", { ...envelope, ts: undefined }],
    ["an array", [envelope]],
    ["null", null],
  ])("refuses %s, as the schema does", (_, raw) => {
    expect(parseEnvelope(raw)).toBeNull();
    expect(envelopeSchema.safeParse(raw).success).toBe(false);
  });
});

describe("parseAck agrees with the protocol's schema-based parseAck", () => {
  const member = { user: "ana", role: "agent", name: "Ana", connections: 2 };
  it.each([
    ["subscribe", { ok: true, stream: "s", offset: 0, recovered: true, replayed: 0, extra: "x" }],
    ["subscribe", { ok: true, stream: "s", offset: 0, recovered: "yes", replayed: 0 }],
    ["unsubscribe", { ok: true, stream: "s" }],
    ["publish", { ok: true, id: "a", stream: "s", offset: 1 }],
    ["publish", { ok: true, id: "a", stream: "s" }],
    ["auth:refresh", { ok: true, exp: 1_900_000_000 }],
    ["presence", { ok: true, stream: "s", count: 1, members: [member] }],
    ["presence", { ok: true, stream: "s", count: 1, members: [{ ...member, role: "boss" }] }],
    ["typing", { ok: true, stream: "s" }],
    ["publish", { ok: false, error: { code: "forbidden", message: "no" } }],
    ["publish", { ok: false, error: { code: "not_a_code", message: "no" } }],
    ["publish", { ok: false }],
    ["typing", "nonsense"],
    ["typing", undefined],
  ] as const)("%s %j", (event, raw) => {
    expect(parseAck(event, raw)).toEqual(parseAckWithSchema(event, raw));
  });
});

describe("presence and typing events", () => {
  const member = { user: "ana", role: "agent", connections: 1 };
  it("keeps valid ones (as the member schema reads them) and drops malformed ones", () => {
    expect(parsePresenceEvent({ stream: "s", type: "join", member })).toEqual({ stream: "s", type: "join", member: presenceMemberSchema.parse(member) });
    expect(parsePresenceEvent({ stream: "s", type: "wave", member })).toBeNull();
    expect(parsePresenceEvent({ stream: "s", type: "leave", member: { ...member, connections: -1 } })).toBeNull();
    expect(parseTypingEvent({ stream: "s", user: "v1", role: "visitor", typing: false })).toEqual({ stream: "s", user: "v1", role: "visitor", typing: false });
    expect(parseTypingEvent({ stream: "s", user: "v1", role: "visitor", name: 3, typing: true })).toBeNull();
    expect(parseTypingEvent({ stream: "s", user: "v1", role: "visitor" })).toBeNull();
  });
});
