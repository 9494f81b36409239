/**
 * Who owns which partitions: each relay process is a member with a unique id, and the
 * live members, sorted by id, split the outbox's partitions round-robin (member i of n
 * owns the partitions p with p % n = i). Every member computes the same split from the
 * same sorted list, so shares are disjoint once views agree; the partition locks keep a
 * stream with one relay while they do not.
 */
import { RELAY_PARTITIONS } from "@roomcast/db";
import { randomBytes } from "node:crypto";

/** A member id for one relay process: its node id and a random suffix (a restart is a new member). */
export function relayMemberId(nodeId: string): string {
  return `${nodeId}-${randomBytes(4).toString("hex")}`;
}

/** The partitions member `me` owns among `members` (sorted ids): p with p % n = index. */
export function shareOf(members: readonly string[], me: string, partitions = RELAY_PARTITIONS): number[] {
  const index = members.indexOf(me);
  const n = members.length;
  if (index < 0) return [];
  const share: number[] = [];
  for (let p = index; p < partitions; p += n) share.push(p);
  return share;
}
