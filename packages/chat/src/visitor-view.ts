/** A session row's visitor columns → the wire view staff see (`ChatSessionView.visitor`). */
import type { ChatSession } from "@roomcast/db";
import type { VisitorContextView } from "@roomcast/protocol";

export function visitorContextView(row: ChatSession): VisitorContextView {
  return {
    pageUrl: row.pageUrl,
    referrer: row.referrer,
    locale: row.locale,
    email: row.visitorEmail,
    userId: row.visitorUserId,
    verified: row.identityVerified,
  };
}
