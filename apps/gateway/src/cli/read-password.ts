/** A password from standard input: everything up to EOF, without one trailing line break. */
import type { CliIo } from "./cli-io";
import { UsageError } from "./cli-io";

export async function readPassword(io: CliIo): Promise<string> {
  const text = (await io.readStdin()).replace(/\r?\n$/, "");
  if (text.length === 0) throw new UsageError("no password on standard input (pipe it in, e.g. `printf %s \"$PW\" | roomcast …`)");
  return text;
}
