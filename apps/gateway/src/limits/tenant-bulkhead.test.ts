import type { PublishOk } from "@roomcast/protocol";
import type { NewEvent, StreamStore } from "../stream-store";
import { TenantBusyError, withTenantBulkhead } from "./tenant-bulkhead";

/** A store whose publishes stay pending until the test releases them. */
function heldStore() {
  const held: Array<{ tenant: string; release: () => void }> = [];
  const store: StreamStore = {
    catchUp: () => Promise.resolve({ events: [], position: 0, recovered: true }),
    ping: () => Promise.resolve(),
    isWatched: () => Promise.resolve(true),
    publish: (events: readonly NewEvent[]) =>
      new Promise<PublishOk[]>((resolve) => held.push({ tenant: events[0]!.tenant, release: () => resolve([{ id: "x", stream: "s", offset: 1 }]) })),
  };
  return { store, held };
}
const event = (tenant: string): NewEvent => ({ tenant, channel: "system", type: "x", data: 1, priority: 5, source: "t" });
const flush = () => new Promise((r) => setImmediate(r));

describe("tenant bulkhead", () => {
  it("runs at most `concurrency` calls of one tenant at once, in order, and never holds up another tenant", async () => {
    const { store, held } = heldStore();
    const guarded = withTenantBulkhead(store, { concurrency: 2, queueLimit: 10 });
    const noisy = [1, 2, 3, 4].map(() => guarded.publish([event("noisy")]));
    await flush();
    expect(held.map((h) => h.tenant)).toEqual(["noisy", "noisy"]);
    const calm = guarded.publish([event("calm")]);
    await flush();
    expect(held.map((h) => h.tenant)).toEqual(["noisy", "noisy", "calm"]);
    held[2]!.release();
    await expect(calm).resolves.toHaveLength(1);
    held[0]!.release();
    await flush();
    // The finished call handed its slot to the next waiting one: still two in flight.
    expect(held.filter((h) => h.tenant === "noisy")).toHaveLength(3);
    for (const h of held) h.release();
    await flush();
    for (const h of held) h.release();
    await expect(Promise.all(noisy)).resolves.toHaveLength(4);
  });

  it("refuses at once past its queue limit", async () => {
    const { store, held } = heldStore();
    const guarded = withTenantBulkhead(store, { concurrency: 1, queueLimit: 1 });
    const first = guarded.publish([event("noisy")]);
    const queued = guarded.publish([event("noisy")]);
    await expect(guarded.publish([event("noisy")])).rejects.toBeInstanceOf(TenantBusyError);
    held[0]!.release();
    await first;
    await flush();
    held[1]!.release();
    await expect(queued).resolves.toHaveLength(1);
  });
});
