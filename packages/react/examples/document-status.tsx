import { useStream } from "@roomcast/react";

interface Progress {
  percent: number;
}

/**
 * A document's progress, live. `persist: "session"` keeps the last offset in
 * sessionStorage: after a reload the list continues with what was missed, nothing twice.
 */
export function DocumentStatus({ documentId }: { documentId: string }) {
  const { events, status, error } = useStream<Progress>("documents", documentId, { persist: "session" });
  if (status === "refused") return <p role="alert">Not available: {error?.code}</p>;
  const latest = events.at(-1);
  return (
    <section aria-label="document status">
      <p>{latest === undefined ? "Waiting for progress…" : `${latest.data.percent}% done`}</p>
      <ol>
        {events.map((event) => (
          <li key={event.offset}>
            #{event.offset}: {event.data.percent}%
          </li>
        ))}
      </ol>
    </section>
  );
}
