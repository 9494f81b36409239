/**
 * The `roomcast` operator CLI's entry (the `bin` of @roomcast/gateway, through
 * apps/gateway/bin/roomcast.js; from a checkout `npm run -s roomcast -- <command>`). The
 * command table is commands/index.ts, the exit codes run-cli.ts.
 */
import { runMain } from "./process-io";

runMain(process.argv.slice(2));
