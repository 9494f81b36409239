import { envelopeSchema, MAX_EVENT_DATA_DEPTH, QUARANTINED_TYPE } from "@roomcast/protocol";
import { buildEnvelope, toEnvelope, type OutboxRow } from "./outbox-row";

const row: OutboxRow = {
  id: "0b8a4c1e-0000-4000-8000-000000000001",
  stream: "acme:chat:s_1",
  channel: "chat",
  topic: "s_1",
  type: "message:new",
  data: '{"text": "hi"}',
  priority: 5,
  source: "test",
  stream_offset: BigInt(7),
  attempts: 0,
  ts: "2025-01-02T03:04:05.678Z",
  quarantined: false,
};

const envelopeOf = (r: OutboxRow) => {
  const built = toEnvelope(r);
  if (!built.ok) throw new Error(built.problem);
  return built.envelope;
};

describe("toEnvelope", () => {
  it("maps a row to a valid protocol envelope, parsing its data once", () => {
    const envelope = envelopeOf(row);
    expect(envelope).toEqual({
      id: row.id,
      stream: "acme:chat:s_1",
      offset: 7,
      channel: "chat",
      topic: "s_1",
      type: "message:new",
      data: { text: "hi" },
      priority: 5,
      source: "test",
      ts: "2025-01-02T03:04:05.678Z",
    });
    expect(envelopeSchema.safeParse(envelope).success).toBe(true);
  });

  it("maps a quarantined event to the protocol's placeholder, keeping id and offset", () => {
    expect(envelopeOf({ ...row, quarantined: true })).toMatchObject({ id: row.id, offset: 7, type: QUARANTINED_TYPE, data: null });
  });

  it("keeps a null topic", () => {
    expect(envelopeOf({ ...row, topic: null }).topic).toBeNull();
  });

  it.each([
    ["an unknown channel", { channel: "bogus" }, /unknown channel "bogus"/],
    ["data nested too deep", { data: "[".repeat(MAX_EVENT_DATA_DEPTH + 1) + "]".repeat(MAX_EVENT_DATA_DEPTH + 1) }, /nested deeper/],
    ["data over the stored limit", { data: JSON.stringify("x".repeat(600_000)) }, /over \d+ bytes/],
    ["data that does not parse", { data: "{nope" }, /does not parse/],
  ])("says why a row with %s can never be an event", (_what, change, reason) => {
    const built = toEnvelope({ ...row, ...change });
    expect(built.ok).toBe(false);
    expect(built.ok ? "" : built.problem).toMatch(reason);
    expect(buildEnvelope({ ...row, offset: 7, ...change }).ok).toBe(false);
  });
});
