/**
 * Per-user notifications: one event on `notifications:<user>` committed through the
 * outbox. The relay emits it to the user's room, which every socket of that user joined on
 * whichever node it is connected to (the Redis adapter carries it there).
 */
import { publish, type Db, type PublishedEvent } from "@roomcast/db";
import { NOTIFICATION, type NotificationData } from "@roomcast/protocol";
import { newId } from "./ids";

export interface NotificationInput {
  tenant: string;
  user: string;
  title: string;
  body: string;
  priority?: number | undefined;
  source: string;
}

export async function sendNotification(db: Db, input: NotificationInput): Promise<{ notification: NotificationData; event: PublishedEvent }> {
  const notification: NotificationData = { id: newId("n"), title: input.title, body: input.body };
  const event = await db.prisma.$transaction((tx) =>
    publish(tx, {
      tenant: input.tenant,
      channel: "notifications",
      topic: input.user,
      type: NOTIFICATION,
      data: notification,
      priority: input.priority,
      source: input.source,
    }),
  );
  return { notification, event };
}
