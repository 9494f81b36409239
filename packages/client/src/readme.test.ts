/**
 * The README's examples are the files of examples/, verbatim: each file appears once, in a
 * ```ts block right after its `<!-- example: examples/<file> -->` marker, and every marker
 * names a file that exists. (test/sdk/client-readme.int.test.ts runs them against a real
 * gateway; the root typecheck and test/sdk/sdk-packages.int.test.ts type-check them.)
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
const files = readdirSync(path.join(ROOT, "examples")).filter((f) => f.endsWith(".ts"));

describe("packages/client/README.md", () => {
  it("has examples to include", () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)("includes examples/%s verbatim, once", (file) => {
    const block = `<!-- example: examples/${file} -->\n\`\`\`ts\n${readFileSync(path.join(ROOT, "examples", file), "utf8")}\`\`\`\n`;
    expect(readme.split(block).length - 1).toBe(1);
  });

  it("names only example files that exist", () => {
    const named = [...readme.matchAll(/<!-- example: examples\/([\w.-]+) -->/g)].map((m) => m[1]);
    expect(named.sort()).toEqual([...files].sort());
  });
});
