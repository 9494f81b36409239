/**
 * @jest-environment jsdom
 */
/// <reference lib="dom" />
/**
 * @roomcast/react with React Testing Library in jsdom, against a real gateway (PostgreSQL,
 * Redis, the relay: test/support/stack.ts, run in its own process by spawned-stack.ts, as
 * jsdom cannot load the server's modules). The components are the README's examples
 * (packages/react/examples, included verbatim: packages/react/src/readme.test.ts).
 * What it proves: the provider connects and the badge follows the state; useStream shows
 * each event once, in order, across a re-render, under StrictMode's double mount, and
 * after a "reload" (unmount, new provider, same sessionStorage) resumes after the stored
 * offset; turned off and on again (`enabled`) it resumes after what it showed; usePublish
 * with an idempotency key publishes once on a double click; a refused stream shows its code.
 */
import { createClient, type RoomcastClient } from "@roomcast/client";
import { RoomcastProvider, useStream } from "@roomcast/react";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { randomBytes } from "node:crypto";
import { StrictMode } from "react";
import { App } from "../../packages/react/examples/app";
import { MarkDone } from "../../packages/react/examples/mark-done";
import { spawnStack, type SpawnedStack } from "./spawned-stack";

jest.setTimeout(60_000);
const T = { timeout: 10_000 };

describe("@roomcast/react against a real gateway", () => {
  let stack: SpawnedStack<"member" | "service" | "admin">;
  let url: string;
  let service: RoomcastClient;
  const getToken = async () => stack.tokens.member;
  const newDocument = () => `doc_${randomBytes(4).toString("hex")}`;
  const progress = async (doc: string, percent: number) => {
    const ack = await service.publish({ channel: "documents", topic: doc, type: "progress", data: { percent } });
    if (!ack.ok) throw new Error(`publish refused: ${ack.error.code}`);
    return ack.offset;
  };
  /** The list items the DocumentStatus example shows, in order. */
  const shown = () => within(screen.getByRole("region", { name: "document status" })).queryAllByRole("listitem").map((li) => li.textContent);

  beforeAll(async () => {
    stack = await spawnStack({ member: { sub: "u1", role: "member" }, service: { sub: "billing", role: "service" }, admin: { sub: "boss", role: "admin" } });
    url = stack.url;
    service = createClient({ url, token: stack.tokens.service });
  });
  afterAll(async () => {
    service?.close();
    await stack?.stop();
  });
  beforeEach(() => {
    sessionStorage.clear();
    // Updates come from a real network, at any time, not from test code wrapped in act():
    // the test waits for their effect (waitFor). RTL's own render/fireEvent still use act.
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
  });

  it("the provider connects; the badge goes Live and the stream shows what is published", async () => {
    const doc = newDocument();
    const view = render(<App url={url} getToken={getToken} documentId={doc} />);
    expect(screen.getByRole("status").textContent).toBe("Connecting…");
    await screen.findByText("Live", undefined, T);
    await waitFor(() => expect(screen.getByText("Waiting for progress…")).toBeTruthy(), T);
    await progress(doc, 10);
    await progress(doc, 40);
    await waitFor(() => expect(shown()).toEqual(["#1: 10%", "#2: 40%"]), T);
    expect(screen.getByText("40% done")).toBeTruthy();
    view.unmount();
  });

  it("resumes: nothing repeats after a re-render; after a reload only what was missed, then live", async () => {
    const doc = newDocument();
    const page1 = render(<App url={url} getToken={getToken} documentId={doc} />);
    await screen.findByText("Live", undefined, T);
    await progress(doc, 10);
    await waitFor(() => expect(shown()).toEqual(["#1: 10%"]), T);
    page1.rerender(<App url={url} getToken={getToken} documentId={doc} />);
    await progress(doc, 20);
    await waitFor(() => expect(shown()).toEqual(["#1: 10%", "#2: 20%"]), T);
    expect(sessionStorage.getItem(`roomcast:offset:documents:${doc}`)).toBe("2");
    page1.unmount(); // the tab reloads: the provider closes its client

    await progress(doc, 30);
    await progress(doc, 40);
    const page2 = render(<App url={url} getToken={getToken} documentId={doc} />);
    await waitFor(() => expect(shown()).toEqual(["#3: 30%", "#4: 40%"]), T);
    await progress(doc, 50);
    await waitFor(() => expect(shown()).toEqual(["#3: 30%", "#4: 40%", "#5: 50%"]), T);
    page2.unmount();
  });

  it("under StrictMode (mount, unmount, mount) each event shows once", async () => {
    const doc = newDocument();
    const view = render(
      <StrictMode>
        <App url={url} getToken={getToken} documentId={doc} />
      </StrictMode>,
    );
    await screen.findByText("Live", undefined, T);
    await waitFor(() => expect(screen.getByText("Waiting for progress…")).toBeTruthy(), T);
    for (const percent of [10, 20, 30]) await progress(doc, percent);
    await waitFor(() => expect(shown()).toEqual(["#1: 10%", "#2: 20%", "#3: 30%"]), T);
    view.unmount();
  });

  it("usePublish with an idempotency key: a double click publishes once", async () => {
    const doc = newDocument();
    const reader = render(<App url={url} getToken={getToken} documentId={doc} />);
    await screen.findByText("Live", undefined, T);
    const office = createClient({ url, token: stack.tokens.admin });
    const button = render(
      <RoomcastProvider client={office}>
        <MarkDone documentId={doc} />
      </RoomcastProvider>,
    );
    fireEvent.click(screen.getByRole("button", { name: "Mark done" }));
    fireEvent.click(screen.getByRole("button", { name: "Mark done" }));
    await waitFor(() => expect(button.container.querySelector("output")?.textContent).toBe("saved as #1"), T);
    await progress(doc, 5); // a later event: had the repeat been written, it would show before this one
    await waitFor(() => expect(shown()).toEqual(["#1: 100%", "#2: 5%"]), T);
    button.unmount();
    office.close();
    reader.unmount();
  });

  it("enabled: false leaves the stream; enabled again, it resumes after the last offset it showed", async () => {
    const doc = newDocument();
    function Offsets({ on }: { on: boolean }) {
      const { events, status } = useStream("documents", doc, { enabled: on });
      return <p data-testid="offsets">{`${status}:${events.map((e) => e.offset).join(",")}`}</p>;
    }
    const tree = (on: boolean) => (
      <RoomcastProvider options={{ url, getToken }}>
        <Offsets on={on} />
      </RoomcastProvider>
    );
    const view = render(tree(true));
    const offsets = () => screen.getByTestId("offsets").textContent;
    await waitFor(() => expect(offsets()).toBe("subscribed:"), T);
    await progress(doc, 10);
    await waitFor(() => expect(offsets()).toBe("subscribed:1"), T);
    view.rerender(tree(false));
    expect(offsets()).toBe("idle:1");
    await progress(doc, 20);
    await progress(doc, 30);
    view.rerender(tree(true));
    await waitFor(() => expect(offsets()).toBe("subscribed:1,2,3"), T);
    view.unmount();
  });

  it("a refused stream reports its code", async () => {
    function Dashboard() {
      const { status, error } = useStream("analytics", undefined);
      return <p>{status === "refused" ? `refused: ${error?.code}` : status}</p>;
    }
    const view = render(
      <RoomcastProvider options={{ url, getToken }}>
        <Dashboard />
      </RoomcastProvider>,
    );
    await screen.findByText("refused: forbidden", undefined, T);
    view.unmount();
  });
});
