/**
 * Who is in which stream, for a screen: a snapshot from `presence()` then the stream's
 * `presence` events. Keyed by user, so a join already in the snapshot (or a join seen
 * twice) changes nothing and a leave removes the user whatever its connections were.
 */
import type { PresenceEvent, PresenceMember } from "@roomcast/protocol";

export class PresenceRoster {
  private readonly streams = new Map<string, Map<string, PresenceMember>>();

  replace(stream: string, members: readonly PresenceMember[]): void {
    this.streams.set(stream, new Map(members.map((m) => [m.user, m])));
  }

  apply(event: PresenceEvent): void {
    let members = this.streams.get(event.stream);
    if (members === undefined) this.streams.set(event.stream, (members = new Map()));
    if (event.type === "join") members.set(event.member.user, event.member);
    else members.delete(event.member.user);
  }

  forget(stream: string): void {
    this.streams.delete(stream);
  }

  members(stream: string | undefined): PresenceMember[] {
    if (stream === undefined) return [];
    return [...(this.streams.get(stream)?.values() ?? [])].sort((a, b) => a.user.localeCompare(b.user));
  }
}

/** A member's label on screen: its name, or its id. */
export function memberLabel(member: Pick<PresenceMember, "user" | "name">): string {
  return member.name ?? member.user;
}
