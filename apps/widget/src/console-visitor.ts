/// <reference lib="dom" />
/**
 * The console's visitor panel (docs/chat.md "Visitor context"): for the open session, where
 * the chat started (page, referrer, locale), who the visitor says it is (name, e-mail, user
 * id) and whether that identity was verified, and the visitor's previous sessions.
 *
 * The context comes with the session view (`session.visitor`, kept live by
 * `session:updated`); the history is read from `GET /chat/sessions/:id/visitor` when a
 * session is opened and again when its identity changes (an `identify` during the chat).
 * The panel owns one element; `mountVisitorPanel` watches the detail (a MutationObserver on
 * its children) and puts the element back after the head each time the detail is redrawn,
 * so the detail's renderer needs no change. Text only: nothing from the
 * visitor is parsed as HTML, and the page links are http(s) (the gateway's schema).
 */
import type { ChatSessionView, VisitorContextView, VisitorHistoryItem } from "@roomcast/protocol";
import { el, type ApiResult } from "./api";

export interface VisitorAnswer {
  context: VisitorContextView;
  history: VisitorHistoryItem[];
}

export type LoadVisitor = (sessionId: string) => Promise<ApiResult<VisitorAnswer>>;

export interface VisitorPanel {
  /** Draws the panel for this session into the detail (after its head), loading history when needed. */
  attach(detail: HTMLElement, session: ChatSessionView | undefined): void;
}

/** What the history depends on: a new identity may match other sessions. */
function historyKey(session: ChatSessionView): string {
  const v = session.visitor;
  return `${session.id}|${v?.userId ?? ""}|${v?.email ?? ""}|${String(v?.verified ?? false)}`;
}

export function createVisitorPanel(load: LoadVisitor, open?: (sessionId: string) => void): VisitorPanel {
  const box = el("section", "visitor", undefined, { "data-testid": "visitor" });
  let shown: ChatSessionView | undefined;
  let loadedKey: string | undefined;
  type History = VisitorHistoryItem[] | "loading" | "failed";
  let history: History = "loading";

  let drawn: { session: ChatSessionView; history: History } | undefined;
  const draw = (): void => {
    const session = shown;
    if (session !== undefined && drawn?.session === session && drawn.history === history) return;
    drawn = session === undefined ? undefined : { session, history };
    if (session === undefined) return box.replaceChildren();
    box.dataset.sessionId = session.id;
    box.replaceChildren(el("strong", "", "Visitor"), contextList(session), historyList(history, open));
  };

  const fetchHistory = (session: ChatSessionView): void => {
    const key = historyKey(session);
    loadedKey = key;
    history = "loading";
    void load(session.id).then((answer) => {
      if (loadedKey !== key) return;
      history = answer.ok ? answer.history : "failed";
      draw();
    });
  };

  return {
    attach(detail, session) {
      shown = session;
      if (session === undefined) {
        box.remove();
        return;
      }
      if (historyKey(session) !== loadedKey) fetchHistory(session);
      draw();
      const head = detail.querySelector(".detail-head");
      if (head !== null && box.previousElementSibling !== head) head.after(box);
      else if (head === null && box.parentElement !== detail) detail.prepend(box);
    },
  };
}

/** The panel kept in the detail across its redraws; `stop` disconnects the observer. */
export function mountVisitorPanel(detail: HTMLElement, current: () => ChatSessionView | undefined, load: LoadVisitor, open?: (sessionId: string) => void): { stop(): void } {
  const panel = createVisitorPanel(load, open);
  const sync = (): void => panel.attach(detail, current());
  // Called after each change of the detail's children, before the browser paints.
  const observer = new MutationObserver(sync);
  observer.observe(detail, { childList: true });
  sync();
  return { stop: () => observer.disconnect() };
}

function row(label: string, value: Node | string, testId: string): HTMLElement {
  const item = el("div", "sub", undefined, { "data-testid": testId });
  item.append(el("span", "meta", `${label}: `), typeof value === "string" ? el("span", "", value) : value);
  return item;
}

function link(url: string | null): Node | string {
  if (url === null) return "—";
  return el("a", "", url, { href: url, target: "_blank", rel: "noopener noreferrer" });
}

function contextList(session: ChatSessionView): HTMLElement {
  const v = session.visitor;
  const list = el("div", "visitor-context");
  const identity =
    v === undefined || (v.userId === null && !v.verified)
      ? "not identified"
      : v.verified
        ? `verified${v.userId === null ? "" : ` (user ${v.userId})`}`
        : `not verified (user ${v.userId ?? "?"})`;
  const verified = row("Identity", identity, "visitor-verified");
  verified.dataset.verified = String(v?.verified ?? false);
  list.append(
    row("Name", session.visitorName, "visitor-name"),
    row("E-mail", v?.email ?? "—", "visitor-email"),
    verified,
    row("Page", link(v?.pageUrl ?? null), "visitor-page"),
    row("Referrer", link(v?.referrer ?? null), "visitor-referrer"),
    row("Locale", v?.locale ?? "—", "visitor-locale"),
  );
  return list;
}

function historyList(history: VisitorHistoryItem[] | "loading" | "failed", open: ((sessionId: string) => void) | undefined): HTMLElement {
  const box = el("div", "visitor-history", undefined, { "data-testid": "visitor-history" });
  if (history === "loading" || history === "failed") {
    box.dataset.state = history;
    box.append(el("span", "sub", history === "loading" ? "Previous sessions: loading…" : "Previous sessions: unavailable"));
    return box;
  }
  box.dataset.state = "loaded";
  box.dataset.count = String(history.length);
  if (history.length === 0) {
    box.append(el("span", "sub", "Previous sessions: none"));
    return box;
  }
  const list = el("ul", "visitor-sessions");
  for (const h of history) {
    const how = h.match === "user" ? "same verified user" : `same e-mail${h.verified ? "" : ", not verified"}`;
    const item = el("li", "visitor-session", `${new Date(h.createdAt).toLocaleString()} · ${h.visitorName} · ${h.status} · ${h.messageCount} messages (${how})`, {
      "data-testid": "visitor-history-item",
      "data-session-id": h.id,
      "data-match": h.match,
    });
    if (open !== undefined) item.addEventListener("click", () => open(h.id));
    list.append(item);
  }
  box.append(el("span", "sub", "Previous sessions:"), list);
  return box;
}
