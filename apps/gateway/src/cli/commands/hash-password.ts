/**
 * `roomcast hash-password`: reads a password on standard input, prints its bcrypt hash
 * (for ROOMCAST_ADMIN_PASSWORD_HASH). Needs no database or config.
 */
import { hashPassword } from "../../manage/passwords";
import type { Command } from "../command";
import { parseOrHelp } from "../command";
import { readPassword } from "../read-password";

const USAGE = 'usage: printf %s "$PASSWORD" | roomcast hash-password [--json]';

export const hashPasswordCommand: Command = {
  name: "hash-password",
  summary: "read a password on stdin, print its bcrypt hash (ROOMCAST_ADMIN_PASSWORD_HASH)",
  usage: USAGE,
  async run(ctx, args) {
    const parsed = parseOrHelp(ctx, USAGE, args, {}, { min: 0, max: 0, names: "" });
    if (parsed === undefined) return 0;
    const hash = await hashPassword(await readPassword(ctx.io));
    ctx.print(parsed.json, { hash }, () => `${hash}\n`);
    return 0;
  },
};
