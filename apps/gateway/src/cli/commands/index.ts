/**
 * Every `roomcast` command, in the order `roomcast help` lists them. A new command is one
 * module in this folder and one entry here.
 */
import type { Command } from "../command";
import { checkConfigCommand } from "./check-config";
import { hashPasswordCommand } from "./hash-password";
import { migrateCommand } from "./migrate";
import { outboxCommand } from "./outbox";
import { revokeCommand } from "./revoke";
import { statusCommand } from "./status";
import { tenantCommand } from "./tenant";
import { tokenCommand } from "./token";
import { userCommand } from "./user";
import { widgetKeyCommand } from "./widget-key";

export const COMMANDS: readonly Command[] = [
  tenantCommand,
  widgetKeyCommand,
  userCommand,
  hashPasswordCommand,
  tokenCommand,
  revokeCommand,
  migrateCommand,
  outboxCommand,
  statusCommand,
  checkConfigCommand,
];
