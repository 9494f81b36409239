/** `npm run token -- …`: the same as `roomcast token …` (commands/token.ts). */
import { runMain } from "./process-io";

runMain(["token", ...process.argv.slice(2)]);
