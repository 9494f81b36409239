/// <reference lib="dom" />
/**
 * The widget's panel, added to the shadow root the loader made (widget-shell.ts). Pure view:
 * builds elements and exposes them; all behaviour is in widget.ts. Elements carry
 * `data-testid` for the browser tests.
 *
 * Accessibility: the panel is a `dialog` named by its title; the transcript is a `log`
 * (polite live region: a screen reader reads new messages), errors are `alert`s, every
 * control has a label. The theme colour comes from the shell's `--rc-color` /
 * `--rc-on-color`. Below NARROW_PX the panel fills the screen.
 */
import { el } from "./api";
import { NARROW_PX, type WidgetShell } from "./widget-shell";

const STYLES = `
.panel { position: fixed; bottom: 76px; width: 320px; height: 440px; max-height: calc(100vh - 96px); display: none; flex-direction: column; background: #fff; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; z-index: 2147483000; }
.right .panel { right: 20px; }
.left .panel { left: 20px; }
.open .panel { display: flex; }
.head { display: flex; gap: 8px; align-items: center; padding: 10px 12px; background: var(--rc-color); color: var(--rc-on-color); }
.head h2 { flex: 1; margin: 0; font-size: 15px; }
.state { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: rgba(127,127,127,.25); }
.state.live { background: #16a34a; color: #fff; }
.close { border: 0; background: transparent; color: inherit; font: 20px/1 system-ui, sans-serif; width: 32px; height: 32px; border-radius: 16px; cursor: pointer; }
.close:hover { background: rgba(127,127,127,.25); }
.status { font-size: 12px; color: #52606d; padding: 4px 12px; border-bottom: 1px solid #e4e7eb; }
.presence { font-size: 12px; color: #15803d; padding: 2px 12px; }
.typing { font-size: 12px; font-style: italic; color: #52606d; padding: 2px 12px; min-height: 16px; }
.error { display: none; margin: 8px 12px; padding: 8px; border-radius: 6px; background: #fde8e8; color: #9b1c1c; }
.error.shown { display: block; }
.messages { flex: 1; overflow-y: auto; list-style: none; margin: 0; padding: 8px 12px; }
.msg { margin: 6px 0; padding: 6px 10px; border-radius: 10px; max-width: 85%; word-wrap: break-word; }
.msg.visitor { margin-left: auto; background: #dbeafe; }
.msg.agent, .msg.system { background: #f1f5f9; }
.msg .meta { display: block; font-size: 11px; color: #616e7c; }
.form { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #e4e7eb; }
.input { flex: 1; min-width: 0; padding: 8px; border: 1px solid #cbd2d9; border-radius: 6px; font: inherit; }
.input:disabled { background: #f1f5f9; }
.send, .restart { padding: 8px 12px; border: 0; border-radius: 6px; background: var(--rc-color); color: var(--rc-on-color); font: inherit; cursor: pointer; }
.send:disabled { opacity: .5; cursor: default; }
button:focus-visible, .input:focus-visible { outline: 3px solid #1f2933; outline-offset: 1px; }
.ended { display: none; padding: 8px 12px; text-align: center; color: #52606d; }
.ended.shown { display: block; }
.prechat { display: none; flex-direction: column; gap: 8px; padding: 12px; }
.prechat.shown { display: flex; }
@media (max-width: ${NARROW_PX}px) { .panel, .right .panel, .left .panel { inset: 0; width: auto; height: auto; max-height: none; border-radius: 0; } }
`;

/** Fields the pre-chat form may ask for (the script tag's `data-prechat`). */
export type PrechatField = "name" | "email";

export interface WidgetView {
  bubble: HTMLButtonElement;
  panel: HTMLDivElement;
  close: HTMLButtonElement;
  state: HTMLSpanElement;
  status: HTMLDivElement;
  /** "Ana is here": the agents present in this chat. */
  presence: HTMLDivElement;
  /** "Ana is typing…". */
  typing: HTMLDivElement;
  error: HTMLDivElement;
  messages: HTMLUListElement;
  form: HTMLFormElement;
  input: HTMLInputElement;
  send: HTMLButtonElement;
  ended: HTMLDivElement;
  restart: HTMLButtonElement;
  /** The optional pre-chat form (shown before a new chat when `data-prechat` asks for fields). */
  prechat: HTMLFormElement;
  prechatName: HTMLInputElement | undefined;
  prechatEmail: HTMLInputElement | undefined;
}

export function createWidgetView(shell: WidgetShell, title: string, prechatFields: readonly PrechatField[] = []): WidgetView {
  const style = el("style", "", STYLES);
  const panel = el("div", "panel", undefined, { id: "rc-panel", role: "dialog", "aria-labelledby": "rc-title", "data-testid": "rc-panel" });
  const head = el("div", "head");
  const state = el("span", "state", "Not connected", { "data-testid": "rc-state" });
  const close = el("button", "close", "×", { type: "button", "aria-label": "Close chat", "data-testid": "rc-close" });
  head.append(el("h2", "", title, { id: "rc-title" }), state, close);
  const status = el("div", "status", "", { "data-testid": "rc-status", role: "status" });
  const presence = el("div", "presence", "", { "data-testid": "rc-presence" });
  const typing = el("div", "typing", "", { "data-testid": "rc-typing", "aria-live": "polite" });
  const error = el("div", "error", "", { "data-testid": "rc-error", role: "alert" });
  const messages = el("ul", "messages", undefined, { "data-testid": "rc-messages", role: "log", "aria-live": "polite", "aria-label": "Messages" });
  const form = el("form", "form", undefined, { "aria-label": "Send a message" });
  const input = el("input", "input", undefined, { placeholder: "Type a message…", maxlength: "4000", "data-testid": "rc-input", "aria-label": "Message" });
  const send = el("button", "send", "Send", { type: "submit", "data-testid": "rc-send" });
  form.append(input, send);
  const ended = el("div", "ended", "This chat has ended. ", { "data-testid": "rc-ended" });
  const restart = el("button", "restart", "Start a new chat", { type: "button", "data-testid": "rc-restart" });
  ended.append(restart);
  const prechat = el("form", "prechat", undefined, { "data-testid": "rc-prechat", "aria-label": "Before the chat" });
  const prechatName = prechatFields.includes("name")
    ? el("input", "input", undefined, { name: "name", maxlength: "80", placeholder: "Your name (optional)", "aria-label": "Your name", "data-testid": "rc-prechat-name" })
    : undefined;
  const prechatEmail = prechatFields.includes("email")
    ? el("input", "input", undefined, { name: "email", type: "email", maxlength: "254", placeholder: "Your e-mail (optional)", "aria-label": "Your e-mail", "data-testid": "rc-prechat-email" })
    : undefined;
  prechat.append(...[prechatName, prechatEmail].filter((i) => i !== undefined), el("button", "send", "Start chat", { type: "submit", "data-testid": "rc-prechat-start" }));
  panel.append(head, status, presence, error, prechat, messages, typing, ended, form);
  shell.root.append(style);
  shell.frame.append(panel);
  return { bubble: shell.bubble, panel, close, state, status, presence, typing, error, messages, form, input, send, ended, restart, prechat, prechatName, prechatEmail };
}
