import { readFileSync } from "node:fs";
import path from "node:path";
import { rewriteAdminIndex } from "./admin-static";
import { REDACTED, redactHandshake, type RedactableHandshake } from "./redact-handshake";

describe("redactHandshake", () => {
  it("removes the auth token and redacts credential headers and query parameters, leaving the request's headers alone", () => {
    const requestHeaders = { authorization: "Bearer abc.def.ghi", cookie: "sid=1", host: "x", "user-agent": "ua" };
    const handshake: RedactableHandshake = {
      headers: requestHeaders,
      query: { EIO: "4", transport: "websocket", token: "abc.def.ghi", access_token: "t", room: "r" },
      url: "/socket.io/?token=abc.def.ghi&EIO=4&transport=websocket",
      auth: { token: "abc.def.ghi", other: 1 },
    };
    redactHandshake(handshake);
    expect(handshake.auth).toEqual({ other: 1 });
    expect(handshake.headers).toEqual({ authorization: REDACTED, cookie: REDACTED, host: "x", "user-agent": "ua" });
    expect(handshake.query).toEqual({ EIO: "4", transport: "websocket", token: REDACTED, access_token: REDACTED, room: "r" });
    expect(handshake.url).toBe("/socket.io/?token=%5Bredacted%5D&EIO=4&transport=websocket");
    expect(requestHeaders.authorization).toBe("Bearer abc.def.ghi");
    expect(JSON.stringify(handshake)).not.toContain("abc.def.ghi");
  });
  it("changes nothing when there is nothing to hide", () => {
    const headers = { host: "x" };
    const handshake: RedactableHandshake = { headers, query: { EIO: "4" }, url: "/socket.io/?EIO=4", auth: {} };
    redactHandshake(handshake);
    expect(handshake.headers).toBe(headers);
  });
});

describe("rewriteAdminIndex", () => {
  it("serves icons locally, drops the font CDN and defaults the server URL to the page's origin", () => {
    const html = readFileSync(path.join(path.dirname(require.resolve("@socket.io/admin-ui/package.json")), "ui/dist/index.html"), "utf8");
    const out = rewriteAdminIndex(html);
    expect(out).not.toMatch(/https?:\/\//);
    expect(out).toContain('href="vendor/mdi/css/materialdesignicons.min.css"');
    expect(out).toContain('localStorage.setItem("server_url",location.origin)');
    expect(out).toContain('<script src="js/app.');
  });
});
