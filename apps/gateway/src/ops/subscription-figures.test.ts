import { asSubscriptionFigures, BUSIEST_STREAMS_PER_TENANT, localSubscriptions, mergeSubscriptions } from "./subscription-figures";

const rooms = (entries: Record<string, number>) => new Map(Object.entries(entries).map(([room, n]) => [room, new Set(Array.from({ length: n }, (_, i) => `s${i}`))]));

describe("localSubscriptions", () => {
  it("counts stream rooms per channel and per tenant, leaving out socket ids, system and auth rooms", () => {
    const figures = localSubscriptions(
      rooms({ "acme:chat:s1": 3, "acme:chat:s2": 1, "acme:notifications:u1": 2, "globex:documents:d1": 4, "acme:system": 9, "#user:acme:u1": 1, "x3Fj-socketid": 1, "acme:chat:empty": 0 }),
    );
    expect(figures.channels).toEqual({ chat: 4, notifications: 2, documents: 4 });
    expect(figures.streams).toEqual({
      acme: [["acme:chat:s1", 3], ["acme:notifications:u1", 2], ["acme:chat:s2", 1]],
      globex: [["globex:documents:d1", 4]],
    });
  });

  it("keeps at most its cap per tenant, the busiest first, ties by name", () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`acme:chat:t${String(i).padStart(2, "0")}`, i % 3]));
    const { streams } = localSubscriptions(rooms(many), 5);
    expect(streams.acme).toEqual([["acme:chat:t02", 2], ["acme:chat:t05", 2], ["acme:chat:t08", 2], ["acme:chat:t11", 2], ["acme:chat:t14", 2]]);
  });
});

describe("mergeSubscriptions", () => {
  it("sums channels and streams over nodes and keeps the top cap per tenant", () => {
    const a = { channels: { chat: 3 }, streams: { acme: [["acme:chat:s1", 2], ["acme:chat:s2", 1]] as Array<[string, number]> } };
    const b = { channels: { chat: 2, documents: 1 }, streams: { acme: [["acme:chat:s2", 2]] as Array<[string, number]>, globex: [["globex:documents:d", 1]] as Array<[string, number]> } };
    expect(mergeSubscriptions([a, b])).toEqual({
      subscribersPerChannel: { chat: 5, documents: 1 },
      busiestStreams: {
        acme: [{ stream: "acme:chat:s2", subscribers: 3 }, { stream: "acme:chat:s1", subscribers: 2 }],
        globex: [{ stream: "globex:documents:d", subscribers: 1 }],
      },
    });
    const wide = { channels: {}, streams: { acme: Array.from({ length: 25 }, (_, i): [string, number] => [`acme:chat:s${i}`, 1]) } };
    expect(mergeSubscriptions([wide]).busiestStreams.acme).toHaveLength(BUSIEST_STREAMS_PER_TENANT);
  });
});

describe("asSubscriptionFigures", () => {
  it("accepts the shape, drops malformed entries, and refuses anything else", () => {
    expect(asSubscriptionFigures({ channels: { chat: 1, bad: "2" }, streams: { acme: [["acme:chat:s", 1], ["x", -1], "y"], globex: "z" } })).toEqual({
      channels: { chat: 1 },
      streams: { acme: [["acme:chat:s", 1]] },
    });
    expect(asSubscriptionFigures(undefined)).toBeUndefined();
    expect(asSubscriptionFigures({ channels: {} })).toBeUndefined();
  });
});
