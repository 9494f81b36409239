import { Writable } from "node:stream";
import { createLogger } from "./create-logger";

describe("log redaction", () => {
  it("never writes a token, wherever it sits in a logged object", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger("info", "node-1", sink);
    const token = "eyJhbGciOiJIUzI1NiJ9.secret.signature";
    logger.info({ token, req: { headers: { authorization: `Bearer ${token}` } }, handshake: { auth: { token } }, auth: { token } }, "connect");
    logger.info({ headers: { authorization: `Bearer ${token}` } }, "request");
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain("secret.signature");
      expect(line).toContain("[redacted]");
    }
  });
});
