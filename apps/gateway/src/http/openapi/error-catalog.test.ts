import { ERROR_CODES } from "@roomcast/protocol";
import { readFileSync } from "node:fs";
import path from "node:path";
import { statusOf } from "../errors";
import { errorCodeRows, errorCodeTable } from "./error-catalog";

describe("the error catalog as documented", () => {
  it("has one row per code, with the status the gateway answers", () => {
    expect(errorCodeRows().map((row) => [row.code, row.status])).toEqual(ERROR_CODES.map((code) => [code, statusOf(code)]));
  });

  it("is the table docs/api.md shows", () => {
    const doc = readFileSync(path.resolve(__dirname, "../../../../../docs/api.md"), "utf8");
    expect(doc).toContain(errorCodeTable());
  });
});
