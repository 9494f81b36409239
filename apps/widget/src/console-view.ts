/// <reference lib="dom" />
/**
 * The console's DOM: the sign-in form, the layout, and renderers that draw the store
 * (console-store.ts) and the presence and typing state into it. Pure view: no requests,
 * no timers; what a click does is a callback the entry (console.ts) passes in. Elements
 * carry `data-testid` for the browser tests.
 */
import type { ChatMessageView, PresenceMember } from "@roomcast/protocol";
import { el, stateLabel } from "./api";
import type { ConsoleMode } from "./console-connection";
import { countLabel } from "./console-desk";
import { cannedPicker, transferForm, transferNotes } from "./console-desk-view";
import type { ConsoleStore } from "./console-store";
import { memberLabel } from "./presence-roster";
import { typingLabel } from "./typing";

export interface LoginValues {
  tenant: string;
  email: string;
  password: string;
}

/** A visible label for its input (which names the field for screen readers too), and an optional hint it is described by. */
function labelled(text: string, input: HTMLInputElement, hint?: string): HTMLDivElement {
  const id = `login-${input.name}`;
  input.id = id;
  const field = el("div", "field");
  field.append(el("label", "field-name", text, { for: id }), input);
  if (hint !== undefined) {
    field.append(el("span", "field-hint", hint, { id: `${id}-hint` }));
    input.setAttribute("aria-describedby", `${id}-hint`);
  }
  return field;
}

/**
 * The sign-in form; `submit` gets the values and returns the error text to show, or nothing.
 * Every field has a visible label and nothing is pre-filled: the tenant is the workspace id
 * the operator gave (`demo` for the demo seed), remembered by the browser's autofill.
 */
export function loginForm(message: string | undefined, submit: (values: LoginValues, showError: (text: string) => void) => void): HTMLFormElement {
  const form = el("form", "login", undefined, { "data-testid": "login", "aria-label": "Sign in" });
  const tenant = el("input", "", undefined, { name: "tenant", required: "", autocomplete: "organization", autocapitalize: "none", spellcheck: "false", "data-testid": "login-tenant" });
  const email = el("input", "", undefined, { name: "email", type: "email", required: "", autocomplete: "username", "data-testid": "login-email" });
  const password = el("input", "", undefined, { name: "password", type: "password", required: "", autocomplete: "current-password", "data-testid": "login-password" });
  const error = el("p", "error", message ?? "", { "data-testid": "login-error", role: "alert" });
  form.append(
    el("h1", "", "Roomcast console"),
    labelled("Tenant", tenant, "Your workspace id, for example demo"),
    labelled("Email", email),
    labelled("Password", password),
    el("button", "", "Sign in", { type: "submit", "data-testid": "login-submit" }),
    error,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    error.textContent = "Signing in…";
    submit({ tenant: tenant.value.trim(), email: email.value.trim(), password: password.value }, (text) => (error.textContent = text));
  });
  return form;
}

export interface ConsoleLayout {
  conn: HTMLSpanElement;
  signOut: HTMLButtonElement;
  banner: HTMLDivElement;
  metricsBox: HTMLDivElement;
  analyticsBox: HTMLDivElement;
  /** "Agents online: Ana, Bob". */
  agentsOnline: HTMLDivElement;
  list: HTMLUListElement;
  detail: HTMLElement;
  toasts: HTMLDivElement;
}

export function consoleLayout(root: HTMLElement, who: string): ConsoleLayout {
  const conn = el("span", "conn", "Connecting…", { "data-testid": "conn", "data-mode": "connecting" });
  const signOut = el("button", "link", "Sign out", { type: "button" });
  const banner = el("div", "banner", "", { "data-testid": "banner", role: "alert" });
  const metricsBox = el("div", "metrics", undefined, { "data-testid": "metrics" });
  const analyticsBox = el("div", "analytics", "", { "data-testid": "analytics" });
  const agentsOnline = el("div", "analytics", "", { "data-testid": "agents-online" });
  const list = el("ul", "sessions", undefined, { "data-testid": "sessions" });
  const detail = el("section", "detail", undefined, { "data-testid": "detail" });
  const toasts = el("div", "toasts", undefined, { "data-testid": "toasts" });
  const header = el("header", "");
  header.append(el("strong", "", "Roomcast console"), conn, el("span", "who", who), signOut);
  const main = el("main", "");
  main.append(list, detail);
  root.replaceChildren(header, banner, metricsBox, analyticsBox, agentsOnline, main, toasts);
  return { conn, signOut, banner, metricsBox, analyticsBox, agentsOnline, list, detail, toasts };
}

export function showConnMode(conn: HTMLElement, mode: ConsoleMode): void {
  conn.dataset.mode = mode;
  conn.textContent = mode === "polling" ? "Polling (live updates unavailable)" : stateLabel(mode);
  conn.className = `conn ${mode}`;
}

export function renderBanner(banner: HTMLElement, error: { code: string; message: string } | undefined): void {
  banner.textContent = error === undefined ? "" : `${error.message} (${error.code})`;
  banner.classList.toggle("shown", error !== undefined);
}

export function renderMetrics(layout: ConsoleLayout, store: ConsoleStore): void {
  const m = store.metrics;
  const cell = (id: string, label: string, value: string): HTMLElement => {
    const box = el("div", "metric");
    box.append(el("span", "value", value, { "data-testid": `metric-${id}` }), el("span", "label", label));
    return box;
  };
  const avg = m?.avgFirstResponseMs ?? null;
  layout.metricsBox.replaceChildren(
    cell("active", "active", String(m?.activeSessions ?? "–")),
    cell("waiting", "waiting", String(m?.waitingSessions ?? "–")),
    cell("ended-today", "ended today", String(m?.endedToday ?? "–")),
    cell("messages-hour", "messages, last hour", String(m?.messagesLastHour ?? "–")),
    cell("first-response", "avg first response", avg === null ? "–" : `${(avg / 1000).toFixed(1)} s`),
  );
  layout.metricsBox.dataset.metrics = m === undefined ? "" : JSON.stringify(m);
  const a = store.analytics;
  layout.analyticsBox.textContent = a === undefined ? "Analytics: waiting for the first tick" : `Analytics: ${a.activeUsers} users online · ${a.eventsPerMinute} events/min`;
}

export function renderAgentsOnline(box: HTMLElement, members: readonly PresenceMember[]): void {
  const agents = members.filter((m) => m.role !== "visitor").map(memberLabel);
  box.textContent = `Agents online: ${agents.length === 0 ? "none" : agents.join(", ")}`;
  box.dataset.count = String(agents.length);
}

export function renderSessionList(list: HTMLElement, store: ConsoleStore, open: (id: string) => void): void {
  list.replaceChildren(
    ...store.sortedSessions().map((s) => {
      const unread = s.status === "ended" ? 0 : store.unread(s.id);
      const item = el("li", `session ${s.status}${store.open?.session.id === s.id ? " selected" : ""}`, undefined, {
        "data-testid": "session-item",
        "data-session-id": s.id,
        "data-status": s.status,
        "data-unread": String(unread),
        "data-agent": s.agentId ?? "",
      });
      const name = el("span", "name", s.visitorName, { "data-testid": "session-name" });
      if (unread > 0) name.append(el("span", "unread", String(unread), { "data-testid": "session-unread", "aria-label": `${countLabel(unread, "unread message")}` }));
      item.append(
        name,
        el("span", "badge", s.status, { "data-testid": "session-status" }),
        el("span", "sub", `${countLabel(s.messageCount, "message")}${s.agentId === null ? "" : ` · ${s.agentId}`}`, { "data-testid": "session-sub" }),
      );
      item.addEventListener("click", () => open(s.id));
      return item;
    }),
  );
}

export interface DetailHandlers {
  assign(sessionId: string): void;
  transfer(sessionId: string, agentId: string, note: string): void;
  end(sessionId: string): void;
  reply(sessionId: string, text: string): void;
  typed(sessionId: string): void;
}

export interface DetailLive {
  /** Who is in the open chat (presence). */
  members: readonly PresenceMember[];
  /** Who is typing in it. */
  typing: readonly string[];
  /** Who it may be transferred to: agents online in the tenant (presence). */
  agents: readonly PresenceMember[];
  /** Whether the user may transfer another agent's session (admins). */
  mayTransferAny: boolean;
}

export function renderDetail(detail: HTMLElement, store: ConsoleStore, meId: string, live: DetailLive, on: DetailHandlers): void {
  const open = store.open;
  if (open === undefined) {
    detail.replaceChildren(el("p", "hint", "Select a session"));
    return;
  }
  const s = open.session;
  const head = el("div", "detail-head");
  head.append(el("strong", "", s.visitorName), el("span", "badge", s.status, { "data-testid": "detail-status" }), el("span", "sub", s.agentId === null ? "unassigned" : `assigned to ${s.agentId}`, { "data-testid": "detail-agent" }));
  const assign = el("button", "", "Assign to me", { type: "button", "data-testid": "assign" });
  const end = el("button", "danger", "End session", { type: "button", "data-testid": "end" });
  assign.disabled = s.status === "ended" || s.agentId === meId;
  end.disabled = s.status === "ended";
  assign.addEventListener("click", () => on.assign(s.id));
  end.addEventListener("click", () => on.end(s.id));
  head.append(assign, end);
  const transfer = transferForm(
    detail.querySelector("[data-testid=transfer-form]"),
    s.id,
    live.agents.filter((a) => a.role !== "visitor" && a.user !== s.agentId),
    s.status === "ended" || (s.agentId !== null && s.agentId !== meId && !live.mayTransferAny),
    (agentId, note) => on.transfer(s.id, agentId, note),
  );
  const notes = transferNotes(store.transfersOf(s.id));
  const present = el("div", "sub", `In this chat: ${live.members.length === 0 ? "nobody" : live.members.map((m) => `${memberLabel(m)}${m.role === "visitor" ? " (visitor)" : ""}`).join(", ")}`, { "data-testid": "detail-presence" });
  const transcript = el("ul", "transcript", undefined, { "data-testid": "transcript" });
  transcript.replaceChildren(
    ...store.transcript().map((m: ChatMessageView) => {
      const item = el("li", `msg ${m.senderRole}`, undefined, { "data-testid": "message", "data-message-id": m.id });
      item.append(el("span", "meta", `${m.senderRole === "visitor" ? s.visitorName : (m.senderName ?? m.senderId)} · ${new Date(m.createdAt).toLocaleTimeString()}`), el("span", "text", m.text));
      return item;
    }),
  );
  const typing = el("div", "sub", typingLabel(live.typing), { "data-testid": "detail-typing", "aria-live": "polite" });
  const form = el("form", "reply");
  const input = el("input", "", undefined, { placeholder: "Reply…", "data-testid": "reply-input", "aria-label": "Reply", maxlength: "4000" });
  const sendButton = el("button", "", "Send", { type: "submit", "data-testid": "reply-send" });
  input.disabled = sendButton.disabled = s.status === "ended";
  form.append(input, sendButton);
  input.addEventListener("input", () => on.typed(s.id));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text.length === 0) return;
    input.value = "";
    on.reply(s.id, text);
  });
  const previous = detail.querySelector<HTMLInputElement>("[data-testid=reply-input]");
  const hadFocus = previous !== null && previous === document.activeElement;
  // Redrawn while the agent types (presence, typing, events): keep what is in the box.
  if (previous !== null && previous.dataset.session === s.id) input.value = previous.value;
  input.dataset.session = s.id;
  const picker = cannedPicker(input, () => store.canned.values());
  detail.replaceChildren(head, transfer, notes, present, transcript, typing, picker, form);
  transcript.scrollTop = transcript.scrollHeight;
  if (hadFocus) input.focus();
}
