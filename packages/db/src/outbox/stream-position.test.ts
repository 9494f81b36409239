import { canReplayFrom } from "./stream-position";

describe("canReplayFrom", () => {
  const position = { lastOffset: 10, publishedOffset: 9, oldestRetainedOffset: 4 };

  it("is true when every event after `since` is retained", () => {
    expect(canReplayFrom(position, 3)).toBe(true);
    expect(canReplayFrom(position, 7)).toBe(true);
    expect(canReplayFrom(position, 10)).toBe(true);
  });

  it("is false past retention or ahead of the stream", () => {
    expect(canReplayFrom(position, 2)).toBe(false);
    expect(canReplayFrom(position, 11)).toBe(false);
  });

  it("handles an empty stream and a fully expired one", () => {
    expect(canReplayFrom({ lastOffset: 0, publishedOffset: 0, oldestRetainedOffset: 1 }, 0)).toBe(true);
    const expired = { lastOffset: 5, publishedOffset: 5, oldestRetainedOffset: 6 };
    expect(canReplayFrom(expired, 5)).toBe(true);
    expect(canReplayFrom(expired, 4)).toBe(false);
  });
});
