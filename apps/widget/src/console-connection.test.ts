import type { ConnectionState } from "@roomcast/client";
import { createConnectionMachine, type ConsoleMode } from "./console-connection";

describe("the console's connection state machine", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function machine(initial: ConnectionState = "connecting") {
    let state = initial;
    const modes: ConsoleMode[] = [];
    const poll = jest.fn();
    const m = createConnectionMachine({ current: () => state, onMode: (mode) => modes.push(mode), poll, fallbackAfterMs: 3000, pollMs: 2000 });
    const feed = (next: ConnectionState) => {
      state = next;
      m.onState(next);
    };
    return { m, modes, poll, feed };
  }

  it("shows live at once and never polls while the socket is connected", () => {
    const { m, modes, poll, feed } = machine();
    feed("live");
    jest.advanceTimersByTime(10_000);
    expect(m.mode).toBe("live");
    expect(modes).toEqual(["live"]);
    expect(poll).not.toHaveBeenCalled();
  });

  it("shows reconnecting, then polls after the fallback delay, at once and every interval", () => {
    const { m, modes, poll, feed } = machine();
    feed("live");
    feed("reconnecting");
    expect(m.mode).toBe("reconnecting");
    jest.advanceTimersByTime(2999);
    expect(poll).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(m.mode).toBe("polling");
    expect(poll).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(4000);
    expect(poll).toHaveBeenCalledTimes(3);
    expect(modes).toEqual(["live", "reconnecting", "polling"]);
  });

  it("does not poll when the socket is live again before the fallback delay", () => {
    const { m, poll, feed } = machine();
    feed("reconnecting");
    jest.advanceTimersByTime(1000);
    feed("live");
    jest.advanceTimersByTime(10_000);
    expect(m.mode).toBe("live");
    expect(poll).not.toHaveBeenCalled();
  });

  it("keeps polling through further non-live states and stops polling once live", () => {
    const { m, poll, feed } = machine();
    feed("reconnecting");
    jest.advanceTimersByTime(3000);
    feed("connecting");
    expect(m.mode).toBe("polling");
    feed("live");
    const polls = poll.mock.calls.length;
    jest.advanceTimersByTime(10_000);
    expect(m.mode).toBe("live");
    expect(poll).toHaveBeenCalledTimes(polls);
  });

  it("starts one fallback timer however many non-live states arrive", () => {
    const { poll, feed } = machine();
    feed("connecting");
    jest.advanceTimersByTime(2000);
    feed("reconnecting");
    jest.advanceTimersByTime(1000);
    expect(poll).toHaveBeenCalledTimes(1);
  });

  it("runs nothing after stop()", () => {
    const { m, poll, modes, feed } = machine();
    feed("reconnecting");
    m.stop();
    jest.advanceTimersByTime(10_000);
    feed("live");
    expect(poll).not.toHaveBeenCalled();
    expect(modes).toEqual(["reconnecting"]);
  });
});
