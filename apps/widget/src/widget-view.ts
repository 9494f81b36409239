/// <reference lib="dom" />
/**
 * The widget's DOM, inside an open shadow root so the host page's CSS cannot reach it (and
 * ours does not leak out). Pure view: builds elements and exposes them; all behaviour is
 * in widget.ts. Elements carry `data-testid` for the browser tests.
 */
import { el } from "./api";

const STYLES = `
:host { all: initial; font: 14px/1.4 system-ui, sans-serif; color: #1f2933; }
.bubble { position: fixed; right: 20px; bottom: 20px; border: 0; border-radius: 24px; padding: 12px 18px; background: #2563eb; color: #fff; font: inherit; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.2); z-index: 2147483000; }
.panel { position: fixed; right: 20px; bottom: 76px; width: 320px; height: 420px; display: none; flex-direction: column; background: #fff; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; z-index: 2147483000; }
.panel.open { display: flex; }
.head { display: flex; justify-content: space-between; align-items: center; padding: 10px 12px; background: #2563eb; color: #fff; }
.state { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: rgba(255,255,255,.2); }
.state.live { background: #16a34a; }
.status { font-size: 12px; color: #52606d; padding: 4px 12px; border-bottom: 1px solid #e4e7eb; }
.presence { font-size: 12px; color: #16a34a; padding: 2px 12px; }
.typing { font-size: 12px; font-style: italic; color: #52606d; padding: 2px 12px; min-height: 16px; }
.error { display: none; margin: 8px 12px; padding: 8px; border-radius: 6px; background: #fde8e8; color: #9b1c1c; }
.error.shown { display: block; }
.messages { flex: 1; overflow-y: auto; list-style: none; margin: 0; padding: 8px 12px; }
.msg { margin: 6px 0; padding: 6px 10px; border-radius: 10px; max-width: 85%; word-wrap: break-word; }
.msg.visitor { margin-left: auto; background: #dbeafe; }
.msg.agent, .msg.system { background: #f1f5f9; }
.msg .meta { display: block; font-size: 11px; color: #7b8794; }
.form { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #e4e7eb; }
.input { flex: 1; padding: 8px; border: 1px solid #cbd2d9; border-radius: 6px; font: inherit; }
.send, .restart { padding: 8px 12px; border: 0; border-radius: 6px; background: #2563eb; color: #fff; font: inherit; cursor: pointer; }
.ended { display: none; padding: 8px 12px; text-align: center; color: #52606d; }
.ended.shown { display: block; }
.prechat { display: none; flex-direction: column; gap: 8px; padding: 12px; }
.prechat.shown { display: flex; }
`;

/** Fields the pre-chat form may ask for (the script tag's `data-prechat`). */
export type PrechatField = "name" | "email";

export interface WidgetView {
  bubble: HTMLButtonElement;
  panel: HTMLDivElement;
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

export function createWidgetView(title: string, prechatFields: readonly PrechatField[] = []): WidgetView {
  const host = el("div", "", undefined, { "data-roomcast-widget": "" });
  const root = host.attachShadow({ mode: "open" });
  const style = el("style", "", STYLES);
  const bubble = el("button", "bubble", "Chat with us", { type: "button", "data-testid": "rc-bubble" });
  const panel = el("div", "panel", undefined, { "data-testid": "rc-panel" });
  const head = el("div", "head");
  head.append(el("strong", "", title));
  const state = el("span", "state", "Not connected", { "data-testid": "rc-state" });
  head.append(state);
  const status = el("div", "status", "", { "data-testid": "rc-status" });
  const presence = el("div", "presence", "", { "data-testid": "rc-presence" });
  const typing = el("div", "typing", "", { "data-testid": "rc-typing", "aria-live": "polite" });
  const error = el("div", "error", "", { "data-testid": "rc-error", role: "alert" });
  const messages = el("ul", "messages", undefined, { "data-testid": "rc-messages" });
  const form = el("form", "form");
  const input = el("input", "input", undefined, { placeholder: "Type a message…", maxlength: "4000", "data-testid": "rc-input", "aria-label": "Message" });
  const send = el("button", "send", "Send", { type: "submit", "data-testid": "rc-send" });
  form.append(input, send);
  const ended = el("div", "ended", "This chat has ended. ", { "data-testid": "rc-ended" });
  const restart = el("button", "restart", "Start a new chat", { type: "button" });
  ended.append(restart);
  const prechat = el("form", "prechat", undefined, { "data-testid": "rc-prechat" });
  const prechatName = prechatFields.includes("name")
    ? el("input", "input", undefined, { name: "name", maxlength: "80", placeholder: "Your name (optional)", "aria-label": "Your name", "data-testid": "rc-prechat-name" })
    : undefined;
  const prechatEmail = prechatFields.includes("email")
    ? el("input", "input", undefined, { name: "email", type: "email", maxlength: "254", placeholder: "Your e-mail (optional)", "aria-label": "Your e-mail", "data-testid": "rc-prechat-email" })
    : undefined;
  prechat.append(...[prechatName, prechatEmail].filter((i) => i !== undefined), el("button", "send", "Start chat", { type: "submit", "data-testid": "rc-prechat-start" }));
  panel.append(head, status, presence, error, prechat, messages, typing, ended, form);
  root.append(style, bubble, panel);
  document.body.append(host);
  return { bubble, panel, state, status, presence, typing, error, messages, form, input, send, ended, restart, prechat, prechatName, prechatEmail };
}
