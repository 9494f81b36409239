/**
 * Who is subscribed to what, for `/api/v1/status`: subscribers per channel and the busiest
 * streams (most subscribers) of each tenant, over the cluster.
 *
 * Each node reads its own adapter's rooms (a stream room's size is its subscribers on this
 * node; a tenant's system room, joined by every socket automatically, and the `#` auth
 * rooms are not subscriptions) and sends its top `2 × cap` streams per tenant with its
 * reply; the answering node sums them and keeps the top `cap` per tenant. A stream's
 * total is exact when every node that has subscribers of it lists it in its own top
 * `2 × cap`; otherwise the figure is a lower bound (a stream spread thinly over many
 * nodes). Channel totals are always exact.
 */
import { parseStream } from "@roomcast/protocol";

/** Busiest streams reported per tenant. */
export const BUSIEST_STREAMS_PER_TENANT = 10;

export interface SubscriptionFigures {
  /** Subscribers (socket × stream) per channel. */
  channels: Record<string, number>;
  /** Per tenant: `[stream, subscribers]`, most subscribers first. */
  streams: Record<string, Array<[string, number]>>;
}

export interface StreamSubscribers {
  stream: string;
  subscribers: number;
}

/** This node's figures, from its adapter's rooms (room → socket ids). */
export function localSubscriptions(rooms: ReadonlyMap<string, ReadonlySet<string>>, perTenant = 2 * BUSIEST_STREAMS_PER_TENANT): SubscriptionFigures {
  const channels: Record<string, number> = {};
  const byTenant = new Map<string, Array<[string, number]>>();
  for (const [room, sids] of rooms) {
    const ref = parseStream(room);
    if (ref === null || ref.channel === "system" || sids.size === 0) continue;
    channels[ref.channel] = (channels[ref.channel] ?? 0) + sids.size;
    let list = byTenant.get(ref.tenant);
    if (list === undefined) byTenant.set(ref.tenant, (list = []));
    list.push([room, sids.size]);
  }
  const streams: Record<string, Array<[string, number]>> = {};
  for (const [tenant, list] of byTenant) streams[tenant] = top(list, perTenant);
  return { channels, streams };
}

/** Another node's figures, if they have the shape (an older node sends none). */
export function asSubscriptionFigures(value: unknown): SubscriptionFigures | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.channels !== "object" || v.channels === null || typeof v.streams !== "object" || v.streams === null) return undefined;
  const channels: Record<string, number> = {};
  for (const [channel, count] of Object.entries(v.channels)) if (isCount(count)) channels[channel] = count;
  const streams: Record<string, Array<[string, number]>> = {};
  for (const [tenant, list] of Object.entries(v.streams)) {
    if (!Array.isArray(list)) continue;
    streams[tenant] = list.filter((e): e is [string, number] => Array.isArray(e) && typeof e[0] === "string" && isCount(e[1]));
  }
  return { channels, streams };
}

/** Sums the nodes' figures: subscribers per channel, and the top `cap` streams per tenant. */
export function mergeSubscriptions(
  figures: readonly SubscriptionFigures[],
  cap = BUSIEST_STREAMS_PER_TENANT,
): { subscribersPerChannel: Record<string, number>; busiestStreams: Record<string, StreamSubscribers[]> } {
  const channels = new Map<string, number>();
  const streams = new Map<string, Map<string, number>>();
  for (const node of figures) {
    for (const [channel, count] of Object.entries(node.channels)) channels.set(channel, (channels.get(channel) ?? 0) + count);
    for (const [tenant, list] of Object.entries(node.streams)) {
      let sums = streams.get(tenant);
      if (sums === undefined) streams.set(tenant, (sums = new Map()));
      for (const [stream, count] of list) sums.set(stream, (sums.get(stream) ?? 0) + count);
    }
  }
  const busiestStreams: Record<string, StreamSubscribers[]> = {};
  for (const tenant of [...streams.keys()].sort()) {
    busiestStreams[tenant] = top([...streams.get(tenant)!], cap).map(([stream, subscribers]) => ({ stream, subscribers }));
  }
  return { subscribersPerChannel: Object.fromEntries([...channels].sort(([a], [b]) => a.localeCompare(b))), busiestStreams };
}

/** The `n` entries with the most subscribers; ties by stream name, so answers are stable. */
function top(list: Array<[string, number]>, n: number): Array<[string, number]> {
  return list.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}
