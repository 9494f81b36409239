/// <reference lib="dom" />
/**
 * The widget's loader, `/widget.js`, the one script customers embed:
 * `<script src="https://<roomcast>/widget.js" data-widget-key="…"></script>`.
 *
 * It stays small (budget 5 KB gzipped, docs/widget.md): it reads the `data-` attributes
 * (widget-config.ts; a bad value is ignored with a console warning), shows the bubble
 * (widget-shell.ts) and injects the app — `/assets/widget-app.<hash>.js`, the name baked in
 * at bundle time (web-bundle.ts), cached for good — on the bubble's first click, on the
 * first `Roomcast.identify` call, or once the page has loaded and the browser is idle
 * (`requestIdleCallback`), whichever comes first. A click before the app is there opens
 * the panel as soon as it runs; identify calls made meanwhile are queued and answered by
 * the app. The loader keeps the bubble's click and `window.Roomcast` and hands both to the
 * app (`WidgetHandoff.app`). A second copy of the tag on one page does nothing; `Roomcast.identify`
 * is added to a `window.Roomcast` that is already there (the SDK's `<script>` build).
 */
import { parseWidgetConfig } from "./widget-config";
import { createWidgetShell, type HandoffScript, type WidgetHandoff } from "./widget-shell";
import type { IdentifyResult } from "./widget-visitor";

/** The app bundle's route, defined by the bundler (web-bundle.ts). */
declare const ROOMCAST_WIDGET_APP: string;

/** Without requestIdleCallback (Safari), load this long after the page's `load`. */
const IDLE_FALLBACK_MS = 1500;
const IDLE_TIMEOUT_MS = 5000;

function load(script: HTMLOrSVGScriptElement | null): void {
  if (!(script instanceof HTMLScriptElement)) return;
  if (document.querySelector("[data-roomcast-widget]") !== null) return;
  const page = window as unknown as { Roomcast?: object };
  const { config, warnings } = parseWidgetConfig(script.dataset);
  // eslint-disable-next-line no-console -- the host page's developer is told what was ignored
  for (const warning of warnings) console.warn(`Roomcast widget: ${warning}`);
  const base = new URL(script.src, location.href).origin;
  const handoff: WidgetHandoff = { config, base, shell: createWidgetShell(config), openRequested: false, identifyCalls: [], app: undefined };

  let injected = false;
  const inject = (): void => {
    if (injected) return;
    injected = true;
    const app: HandoffScript = document.createElement("script");
    app.src = `${base}${ROOMCAST_WIDGET_APP}`;
    app.async = true;
    app.roomcastHandoff = handoff;
    app.addEventListener("error", () => {
      handoff.shell.bubble.title = "The chat could not be loaded; try again later.";
      injected = false;
      app.remove();
    });
    document.head.append(app);
  };

  handoff.shell.bubble.addEventListener("click", () => {
    if (handoff.app !== undefined) return handoff.app.toggle();
    handoff.openRequested = true;
    handoff.shell.bubble.setAttribute("aria-busy", "true");
    inject();
  });
  // Beside whatever else is there (the SDK's `<script>` build defines `Roomcast` too).
  page.Roomcast = Object.assign(page.Roomcast ?? {}, {
    identify: (payload: unknown): Promise<IdentifyResult> => {
      if (handoff.app !== undefined) return handoff.app.identify(payload);
      inject();
      return new Promise((resolve) => handoff.identifyCalls.push({ payload, resolve }));
    },
  });

  const whenIdle = (): void => {
    if (typeof window.requestIdleCallback === "function") window.requestIdleCallback(inject, { timeout: IDLE_TIMEOUT_MS });
    else setTimeout(inject, IDLE_FALLBACK_MS);
  };
  if (document.readyState === "complete") whenIdle();
  else window.addEventListener("load", whenIdle, { once: true });
}

load(document.currentScript);
