/**
 * Headless Chromium for the browser tests, one recipe: the machine's /usr/bin/chromium
 * (Debian's, installed by .ci/run) through playwright-core, with no sandbox (CI runs as
 * root), no GPU, no QUIC and none of its background traffic, so a test's only network use
 * is the loopback pages it opens.
 */
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}
