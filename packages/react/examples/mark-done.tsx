import { RoomcastClientError } from "@roomcast/client";
import { usePublish } from "@roomcast/react";
import { useState } from "react";

/**
 * A back-office button (its user's role may publish document status). The idempotency key
 * names this one report, so a double click or a retry after a lost connection publishes once.
 */
export function MarkDone({ documentId }: { documentId: string }) {
  const publish = usePublish();
  const [outcome, setOutcome] = useState("");
  const markDone = async () => {
    try {
      const ack = await publish({ channel: "documents", topic: documentId, type: "progress", data: { percent: 100 }, key: `done-${documentId}` });
      setOutcome(ack.ok ? `saved as #${ack.offset}` : `refused: ${ack.error.code}`);
    } catch (error) {
      // queue_full, closed: the SDK could not take it
      setOutcome(error instanceof RoomcastClientError ? `not sent: ${error.code}` : "not sent");
    }
  };
  return (
    <>
      <button type="button" onClick={() => void markDone()}>
        Mark done
      </button>
      <output>{outcome}</output>
    </>
  );
}
