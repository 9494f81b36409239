/** `npm run revoke -- …`: the same as `roomcast revoke …` (commands/revoke.ts). */
import { runMain } from "./process-io";

runMain(["revoke", ...process.argv.slice(2)]);
