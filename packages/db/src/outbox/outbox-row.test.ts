import { QUARANTINED_TYPE, envelopeSchema } from "@roomcast/protocol";
import { toEnvelope, type OutboxRow } from "./outbox-row";

const row: OutboxRow = {
  id: "0b8a4c1e-0000-4000-8000-000000000001",
  stream: "acme:chat:s_1",
  channel: "chat",
  topic: "s_1",
  type: "message:new",
  data: { text: "hi" },
  priority: 5,
  source: "test",
  stream_offset: BigInt(7),
  attempts: 0,
  created_at: new Date("2025-01-02T03:04:05.678Z"),
  quarantined: false,
};

describe("toEnvelope", () => {
  it("maps a row to a valid protocol envelope", () => {
    const envelope = toEnvelope(row);
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
    expect(toEnvelope({ ...row, quarantined: true })).toMatchObject({ id: row.id, offset: 7, type: QUARANTINED_TYPE, data: null });
  });

  it("keeps a null topic and refuses an unknown channel", () => {
    expect(toEnvelope({ ...row, topic: null }).topic).toBeNull();
    expect(() => toEnvelope({ ...row, channel: "bogus" })).toThrow(/unknown channel/);
  });
});
