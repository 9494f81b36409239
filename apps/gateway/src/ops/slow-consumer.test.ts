import { bufferedBytes, packetBytes } from "./slow-consumer";

describe("slow-consumer accounting", () => {
  it("counts string payloads in UTF-8 bytes and binary payloads by length", () => {
    expect(packetBytes("abc")).toBe(3);
    expect(packetBytes("é")).toBe(2);
    expect(packetBytes(Buffer.alloc(10))).toBe(10);
    expect(packetBytes(new ArrayBuffer(7))).toBe(7);
    expect(packetBytes(undefined)).toBe(0);
  });
  it("adds the WebSocket's own buffer for the websocket transport only", () => {
    expect(bufferedBytes(100, { name: "websocket", socket: { bufferedAmount: 50 } } as { name: string })).toBe(150);
    expect(bufferedBytes(100, { name: "polling", socket: { bufferedAmount: 50 } } as { name: string })).toBe(100);
    expect(bufferedBytes(100, { name: "websocket" })).toBe(100);
  });
});
