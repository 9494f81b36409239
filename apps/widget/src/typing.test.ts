import type { TypingEvent } from "@roomcast/protocol";
import { TypingIndicator, TypingSender, typingLabel } from "./typing";

const typing = (user: string, on = true, name?: string): TypingEvent => ({ stream: "acme:chat:s1", user, role: "agent", typing: on, ...(name === undefined ? {} : { name }) });

describe("typing on screen", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("sends at most once per interval while typing, and a stop only after a start", () => {
    let t = 0;
    const sent: boolean[] = [];
    const sender = new TypingSender((on) => sent.push(on), 2000, () => t);
    sender.stop();
    sender.typed();
    t = 1999;
    sender.typed();
    t = 2000;
    sender.typed();
    sender.stop();
    sender.stop();
    expect(sent).toEqual([true, true, false]);
  });

  it("shows a typist until ttl after its last event, then drops it by itself", () => {
    const changes = jest.fn();
    const indicator = new TypingIndicator(changes, 4000);
    indicator.apply(typing("ana", true, "Ana"));
    jest.advanceTimersByTime(3000);
    indicator.apply(typing("ana", true, "Ana"));
    jest.advanceTimersByTime(3999);
    expect(indicator.who("acme:chat:s1")).toEqual(["Ana"]);
    jest.advanceTimersByTime(1);
    expect(indicator.who("acme:chat:s1")).toEqual([]);
    expect(changes).toHaveBeenCalledTimes(3);
  });

  it("drops a typist at once on typing: false and keeps streams apart", () => {
    const indicator = new TypingIndicator(() => undefined, 4000);
    indicator.apply(typing("ana"));
    indicator.apply({ ...typing("bob"), stream: "acme:chat:s2" });
    indicator.apply(typing("ana", false));
    expect(indicator.who("acme:chat:s1")).toEqual([]);
    expect(indicator.who("acme:chat:s2")).toEqual(["bob"]);
    indicator.close();
    expect(jest.getTimerCount()).toBe(0);
  });

  it("labels one, two or more typists", () => {
    expect(typingLabel([])).toBe("");
    expect(typingLabel(["Ana"])).toBe("Ana is typing…");
    expect(typingLabel(["Ana", "Bob", "Cy"])).toBe("Ana, Bob and Cy are typing…");
  });
});
