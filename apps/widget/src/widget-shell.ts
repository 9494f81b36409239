/// <reference lib="dom" />
/**
 * What the loader (widget-loader.ts) puts on the page at once: an open shadow root (the host
 * page's CSS cannot reach in, ours does not leak out) holding the theme, the chat bubble and
 * its unread badge. The app (widget.ts, injected later) adds the panel to the same root and
 * takes the bubble over; both parts meet through `WidgetHandoff`.
 *
 * Layout: the bubble sits in the configured corner and never wider than the screen; below
 * NARROW_PX the panel is full-screen (widget-view.ts) and the bubble hides while it is open
 * (the panel's close button is then the way back).
 */
import type { IdentifyResult } from "./widget-visitor";
import type { WidgetConfig } from "./widget-config";

/** Screens at most this wide (CSS px) get the full-screen panel. */
export const NARROW_PX = 480;
export const BUBBLE_LABEL = "Chat with us";

const SHELL_STYLES = `
:host { all: initial; font: 14px/1.4 system-ui, sans-serif; color: #1f2933; }
.bubble { position: fixed; bottom: 20px; max-width: calc(100vw - 40px); border: 0; border-radius: 24px; padding: 12px 18px; background: var(--rc-color); color: var(--rc-on-color); font: inherit; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.2); z-index: 2147483000; }
.bubble:focus-visible { outline: 3px solid #1f2933; outline-offset: 2px; }
.right .bubble { right: 20px; }
.left .bubble { left: 20px; }
.badge { display: none; position: absolute; top: -6px; right: -6px; min-width: 20px; height: 20px; padding: 0 5px; box-sizing: border-box; border-radius: 10px; background: #dc2626; color: #fff; font-size: 12px; line-height: 20px; text-align: center; font-weight: 600; }
.badge.shown { display: block; }
@media (max-width: ${NARROW_PX}px) { .bubble { bottom: 16px; } .right .bubble { right: 16px; } .left .bubble { left: 16px; } .open .bubble { display: none; } }
`;

export interface WidgetShell {
  root: ShadowRoot;
  /** Carries the position class and `open` while the panel is shown. */
  frame: HTMLDivElement;
  bubble: HTMLButtonElement;
  badge: HTMLSpanElement;
}

/** The app's side of the hand-off: set once it has loaded. */
export interface WidgetApp {
  toggle(): void;
  identify(payload: unknown): Promise<IdentifyResult>;
}

/** What the loader hands the app it injects (as the injected script element's `roomcastHandoff`). */
export interface WidgetHandoff {
  config: WidgetConfig;
  /** The gateway's origin (where widget.js came from). */
  base: string;
  shell: WidgetShell;
  /** The visitor clicked the bubble before the app was there: open the panel at once. */
  openRequested: boolean;
  /** `Roomcast.identify` calls made before the app was there, in order. */
  identifyCalls: { payload: unknown; resolve(result: IdentifyResult): void }[];
  app: WidgetApp | undefined;
}

export type HandoffScript = HTMLScriptElement & { roomcastHandoff?: WidgetHandoff };

export function createWidgetShell(config: WidgetConfig): WidgetShell {
  const host = document.createElement("div");
  host.setAttribute("data-roomcast-widget", "");
  host.style.setProperty("--rc-color", config.color);
  host.style.setProperty("--rc-on-color", config.onColor);
  const root = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = SHELL_STYLES;
  const frame = document.createElement("div");
  frame.className = config.position;
  const bubble = document.createElement("button");
  bubble.type = "button";
  bubble.className = "bubble";
  bubble.textContent = BUBBLE_LABEL;
  bubble.setAttribute("aria-expanded", "false");
  bubble.setAttribute("aria-controls", "rc-panel");
  bubble.dataset.testid = "rc-bubble";
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.setAttribute("aria-hidden", "true");
  badge.dataset.testid = "rc-unread";
  bubble.append(badge);
  frame.append(bubble);
  root.append(style, frame);
  document.body.append(host);
  return { root, frame, bubble, badge };
}

/** Shows `count` unread messages on the bubble (none: hidden), for eyes and screen readers alike. */
export function showUnread(shell: WidgetShell, count: number): void {
  shell.badge.textContent = count > 99 ? "99+" : String(count);
  shell.badge.classList.toggle("shown", count > 0);
  shell.bubble.setAttribute("aria-label", count > 0 ? `${BUBBLE_LABEL} (${count} unread ${count === 1 ? "message" : "messages"})` : BUBBLE_LABEL);
}
