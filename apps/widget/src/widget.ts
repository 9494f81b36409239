/// <reference lib="dom" />
/**
 * The embeddable chat widget's app: `<script src="https://<roomcast>/widget.js"
 * data-widget-key="…"></script>` on any page loads the loader (widget-loader.ts), which
 * shows the bubble and injects this script on the first click or when the browser is idle,
 * handing it the parsed `data-` attributes and the bubble (`WidgetHandoff`, widget-shell.ts).
 *
 * Lifecycle: the panel's first opening asks `POST /api/v1/widget/sessions` for a visitor
 * token (or reuses the one kept in localStorage and reloads its transcript with
 * `GET /api/v1/widget/session`), then opens one SDK client subscribed to `chat:<session>`
 * from the snapshot's offset. A refusal (wrong widget key, this page's origin not allowed)
 * is shown in the panel with its code; nothing is retried then.
 *
 * Invariants: every message is shown once — confirmed messages are keyed by message id;
 * a message being sent is shown as pending until the event its ack names arrives, then
 * replaced by it. Sending goes through the SDK's offline queue with idempotency keys:
 * typed while offline it waits (at most OFFLINE_LIMIT; one more is refused in the UI),
 * and it is committed exactly once even when an ack is lost to a dropped connection. The
 * connection state is always visible. Presence: the chat is subscribed with `presence:
 * true`, so the agents in it show as "Ana is here"; typing goes both ways (typing.ts) and
 * disappears by itself. When no agent is online (`agentsAvailable: false` from the start
 * or the reload), a waiting chat offers "leave a message": what the visitor sends is stored
 * in the session like any message and the session stays waiting for an agent. No
 * module-level state: everything lives in `boot`.
 *
 * Visitor context (widget-visitor.ts): a new chat sends the page URL, referrer and locale;
 * `data-prechat="name email"` shows an optional pre-chat form first (skipped when the host
 * page already identified the visitor with a name or e-mail); the host page may call
 * `window.Roomcast.identify({ userId?, name?, email?, userHash? })` before or during the
 * chat. The verdict is on the panel's `data-identity` (verified, unverified or the refusal
 * code) and in a `roomcast:identity` window event.
 *
 * The panel (widget-view.ts): opened and closed by the bubble, closed by its close button and
 * by Escape, focus moving to the input when it opens and back to the bubble when it closes;
 * full-screen (narrow screens) it is modal (`aria-modal`, Tab cycles inside it).
 * Agent and system messages that arrive while it is closed count on the bubble's unread
 * badge until it opens; a returning visitor's chat (kept in localStorage) is reconnected
 * as soon as the app loads, so replies count while the panel is still closed. An agent's message shows the name stored with it (the name claim
 * of the agent's token when it wrote), else the name the chat's presence told, "Agent" when
 * neither did. An ended chat
 * disables the input and Send and offers "Start a new chat". `data-greeting` is the
 * panel's first line (not a message: nothing is stored or sent).
 */
import { createClient, RoomcastClientError, type RoomcastClient, type Subscription } from "@roomcast/client";
import {
  CHAT_MESSAGE,
  CHAT_SESSION_UPDATED,
  type ChatMessageView,
  type ChatSessionView,
  type ErrorBody,
  type EventEnvelope,
} from "@roomcast/protocol";
import { apiCall, el, stateLabel } from "./api";
import { memberLabel, PresenceRoster } from "./presence-roster";
import { TypingIndicator, TypingSender, typingLabel } from "./typing";
import { IdentityQueue, pageContext, type IdentifyResult } from "./widget-visitor";
import { NARROW_PX, showUnread, type HandoffScript, type WidgetHandoff } from "./widget-shell";
import { createWidgetView, type WidgetView } from "./widget-view";

const OFFLINE_LIMIT = 20;

interface Visit {
  token: string;
  sessionId: string;
}

interface Snapshot {
  session: ChatSessionView;
  messages: ChatMessageView[];
  offset: number;
  /** Whether any agent was online when the snapshot was taken. */
  agentsAvailable?: boolean;
}

interface Pending {
  localId: number;
  text: string;
  state: "queued" | "sending" | "sent" | "failed";
  eventId?: string;
  error?: string;
}

function boot(handoff: WidgetHandoff): void {
  const { config, base, shell } = handoff;
  const widgetKey = config.widgetKey;
  const storageKey = `roomcast:visit:${widgetKey}`;
  const fields = config.prechat;
  const view: WidgetView = createWidgetView(shell, config.title, fields);

  let opened = false;
  let open = false;
  /** The full-screen (and modal) layout of widget-view.ts. */
  const narrow = window.matchMedia(`(max-width: ${NARROW_PX}px)`);
  let unread = 0;
  /** Staff names as presence told them, by user id (kept after they leave: their messages stay). */
  const staffNames = new Map<string, string>();
  let client: RoomcastClient | undefined;
  let subscription: Subscription | undefined;
  let visit: Visit | undefined;
  let session: ChatSessionView | undefined;
  let agentsAvailable = true;
  const confirmed = new Map<string, ChatMessageView>();
  const seenEvents = new Set<string>();
  let pending: Pending[] = [];
  let nextLocalId = 1;
  const roster = new PresenceRoster();
  let stream: string | undefined;
  const renderLive = (): void => {
    const agents = roster.members(stream).filter((m) => m.role !== "visitor").map(memberLabel);
    view.presence.textContent = agents.length === 0 ? "" : `${agents.join(", ")} ${agents.length === 1 ? "is" : "are"} here`;
    view.typing.textContent = typingLabel(typingIn.who(stream));
  };
  const typingIn = new TypingIndicator(renderLive);
  const typingOut = new TypingSender((typing) => {
    if (client !== undefined && visit !== undefined) void client.typing({ channel: "chat", topic: visit.sessionId, typing });
  });
  const identities = new IdentityQueue(
    async (identity) => {
      const current = visit;
      if (current === undefined) return { ok: false, error: { code: "invalid", message: "no chat to identify" } };
      const result = await apiCall<{ session: ChatSessionView; verified: boolean }>(base, "/widget/identify", { token: current.token, body: identity });
      if (!result.ok) return result;
      session = result.session;
      render();
      return { ok: true, verified: result.verified };
    },
    (result: IdentifyResult) => {
      view.panel.dataset.identity = !result.ok ? result.error.code : "queued" in result ? "queued" : result.verified ? "verified" : "unverified";
      window.dispatchEvent(new CustomEvent("roomcast:identity", { detail: result }));
    },
  );

  const showError = (error: ErrorBody | undefined): void => {
    view.error.textContent = error === undefined ? "" : `${error.message} (${error.code})`;
    view.error.classList.toggle("shown", error !== undefined);
  };

  const render = (): void => {
    const list = [...confirmed.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    const items: HTMLElement[] = list.map((m) => {
      const item = el("li", `msg ${m.senderRole}`, undefined, { "data-testid": "rc-message", "data-message-id": m.id });
      item.append(el("span", "meta", senderLabel(m)), el("span", "text", m.text));
      return item;
    });
    if (config.greeting !== undefined) items.unshift(el("li", "msg agent", config.greeting, { "data-testid": "rc-greeting" }));
    for (const p of pending) {
      const item = el("li", "msg visitor", undefined, { "data-testid": "rc-pending", "data-state": p.state });
      const label = p.state === "queued" ? "Waiting for connection…" : p.state === "failed" ? `Not sent: ${p.error ?? "error"}` : "Sending…";
      item.append(el("span", "meta", label), el("span", "text", p.text));
      items.push(item);
    }
    view.messages.replaceChildren(...items);
    view.messages.scrollTop = view.messages.scrollHeight;
    const ended = session?.status === "ended";
    const leaveMessage = session?.status === "waiting" && !agentsAvailable;
    view.status.textContent =
      session === undefined
        ? ""
        : ended
          ? "Chat ended"
          : session.status === "active"
            ? "An agent is with you"
            : leaveMessage
              ? "No agent is online right now. Leave a message and we will answer here."
              : "Waiting for an agent…";
    view.status.dataset.leaveMessage = String(leaveMessage);
    view.input.placeholder = leaveMessage ? "Leave a message…" : "Type a message…";
    view.ended.classList.toggle("shown", ended);
    const focusWasInForm = view.form.contains(shell.root.activeElement);
    view.input.disabled = ended || session === undefined;
    view.send.disabled = ended || session === undefined;
    // The input just went away under the visitor's fingers: offer the next step instead.
    if (ended && focusWasInForm) view.restart.focus();
  };

  const senderLabel = (message: ChatMessageView): string => {
    if (message.senderRole === "visitor") return "You";
    if (message.senderRole === "system") return "System";
    return message.senderName ?? staffNames.get(message.senderId) ?? "Agent";
  };
  const learnNames = (members: readonly { user: string; role: string; name?: string | undefined }[]): void => {
    for (const m of members) if (m.role !== "visitor" && m.name !== undefined) staffNames.set(m.user, m.name);
  };

  const applySnapshot = (snapshot: Snapshot): void => {
    session = snapshot.session;
    agentsAvailable = snapshot.agentsAvailable ?? true;
    confirmed.clear();
    for (const m of snapshot.messages) confirmed.set(m.id, m);
    // Committed sends are in the snapshot now; only unacknowledged ones stay pending.
    pending = pending.filter((p) => p.state !== "sent");
    render();
  };

  const onEvent = (event: EventEnvelope): void => {
    if (event.type === CHAT_MESSAGE) {
      const message = event.data as ChatMessageView;
      if (!open && message.senderRole !== "visitor" && !confirmed.has(message.id)) showUnread(shell, ++unread);
      confirmed.set(message.id, message);
      seenEvents.add(event.id);
      pending = pending.filter((p) => p.eventId !== event.id);
    } else if (event.type === CHAT_SESSION_UPDATED) {
      session = event.data as ChatSessionView;
    }
    render();
  };

  const loadVisit = (): Visit | undefined => {
    try {
      const raw = localStorage.getItem(storageKey);
      const parsed: unknown = raw === null ? null : JSON.parse(raw);
      if (typeof parsed === "object" && parsed !== null && typeof (parsed as Visit).token === "string" && typeof (parsed as Visit).sessionId === "string") {
        return parsed as Visit;
      }
    } catch {
      // Storage unavailable (privacy mode, sandboxed frame): the visit lasts as long as the page.
    }
    return undefined;
  };
  const saveVisit = (value: Visit | undefined): void => {
    try {
      if (value === undefined) localStorage.removeItem(storageKey);
      else localStorage.setItem(storageKey, JSON.stringify(value));
    } catch {
      // See loadVisit.
    }
  };

  const connect = (current: Visit, snapshot: Snapshot): void => {
    applySnapshot(snapshot);
    client = createClient({
      url: base,
      getToken: () => current.token,
      idempotencyKeys: true,
      offlineQueueLimit: OFFLINE_LIMIT,
      socketOptions: { reconnectionDelay: 500, reconnectionDelayMax: 3000 },
    });
    const setState = (state: Parameters<typeof stateLabel>[0]): void => {
      view.state.textContent = stateLabel(state);
      view.state.dataset.state = state;
      view.state.classList.toggle("live", state === "live");
      for (const p of pending) if (p.state === "queued" || p.state === "sending") p.state = state === "live" ? "sending" : "queued";
      render();
    };
    setState(client.state);
    client.onStateChange(setState);
    client.onError((error) => {
      if (error.code === "forbidden" || error.code === "unauthorized") showError({ code: "unauthorized", message: "this chat is no longer available; start a new one" });
    });
    const live = client;
    live.onPresence((event) => {
      roster.apply(event);
      learnNames([event.member]);
      renderLive();
      render();
    });
    live.onTyping((event) => typingIn.apply(event));
    subscription = client.subscribe({ channel: "chat", topic: current.sessionId, since: snapshot.offset, presence: true }, onEvent, {
      onReset: () => {
        void apiCall<Snapshot>(base, "/widget/session", { token: current.token }).then((result) => {
          if (result.ok) applySnapshot(result);
        });
      },
    });
    const loadPresence = async (): Promise<void> => {
      const present = await live.presence({ channel: "chat", topic: current.sessionId });
      if (present.ok) {
        roster.replace(present.stream, present.members);
        learnNames(present.members);
      }
      renderLive();
      render();
    };
    void subscription.ready.then((ack) => {
      if (!ack.ok) return;
      stream = ack.stream;
      void loadPresence();
    });
    // Back after a drop: who is here may have changed meanwhile.
    live.onStateChange((state) => {
      if (state === "live" && stream !== undefined) void loadPresence();
    });
  };

  /** The pre-chat form, when it asks for something the host page's identity did not give. */
  const needsPrechat = (): boolean => fields.length > 0 && identities.current?.name === undefined && identities.current?.email === undefined;

  /** Reconnects the chat this browser had (kept in localStorage); false when there is none, or it is over. */
  const resume = async (): Promise<boolean> => {
    const stored = loadVisit();
    if (stored === undefined) return false;
    const result = await apiCall<Snapshot>(base, "/widget/session", { token: stored.token });
    if (!result.ok) {
      saveVisit(undefined);
      return false;
    }
    visit = stored;
    connect(stored, result);
    await identities.started(undefined, undefined);
    return true;
  };

  const start = async (prechat?: { name?: string; email?: string }): Promise<void> => {
    showError(undefined);
    view.status.textContent = "Connecting…";
    if (await resume()) return;
    if (prechat === undefined && needsPrechat()) {
      view.status.textContent = "Tell us who you are (optional), then start the chat.";
      view.prechat.classList.add("shown");
      return;
    }
    const identity = identities.current;
    const context = pageContext({ href: location.href, referrer: document.referrer, language: navigator.language });
    const created = await apiCall<Snapshot & { token: string; identity?: IdentifyResult }>(base, "/widget/sessions", {
      body: { widgetKey, ...prechat, context, ...(identity === undefined ? {} : { identity }) },
    });
    if (!created.ok) {
      view.status.textContent = "";
      view.state.textContent = "Not connected";
      // The form again, so the visitor can correct what was refused (e.g. `invalid` e-mail).
      if (prechat !== undefined) view.prechat.classList.add("shown");
      return showError(created.error);
    }
    visit = { token: created.token, sessionId: created.session.id };
    saveVisit(visit);
    connect(visit, created);
    await identities.started(identity, created.identity);
  };

  const send = (text: string): void => {
    const current = client;
    if (current === undefined || visit === undefined) return;
    const entry: Pending = { localId: nextLocalId++, text, state: current.state === "live" ? "sending" : "queued" };
    pending.push(entry);
    render();
    current
      .publish({ channel: "chat", topic: visit.sessionId, type: CHAT_MESSAGE, data: { text } })
      .then((result) => {
        if (!result.ok) {
          entry.state = "failed";
          entry.error = result.error.message;
        } else if (seenEvents.has(result.id)) {
          pending = pending.filter((p) => p !== entry);
        } else {
          entry.state = "sent";
          entry.eventId = result.id;
        }
        render();
      })
      .catch((error: unknown) => {
        entry.state = "failed";
        entry.error = error instanceof RoomcastClientError && error.code === "queue_full" ? "too many unsent messages; wait for the connection" : "the message could not be sent";
        render();
      });
  };

  /** Where focus goes when the panel opens: the first thing the visitor can act on. */
  const focusPanel = (): void => {
    const target = view.prechat.classList.contains("shown")
      ? (view.prechatName ?? view.prechatEmail)
      : session?.status === "ended"
        ? view.restart
        : view.input.disabled
          ? view.close
          : view.input;
    (target ?? view.close).focus();
  };
  const setOpen = (next: boolean): void => {
    open = next;
    shell.frame.classList.toggle("open", open);
    view.panel.setAttribute("aria-modal", String(open && narrow.matches));
    view.bubble.setAttribute("aria-expanded", String(open));
    if (!open) {
      view.bubble.focus();
      return;
    }
    unread = 0;
    showUnread(shell, 0);
    startOnce();
    focusPanel();
  };
  /** The first opening starts (or resumes) the chat. */
  const startOnce = (): void => {
    if (opened) return;
    opened = true;
    void start().then(() => {
      if (open) focusPanel();
    });
  };
  view.prechat.addEventListener("submit", (event) => {
    event.preventDefault();
    view.prechat.classList.remove("shown");
    const name = view.prechatName?.value.trim() ?? "";
    const email = view.prechatEmail?.value.trim() ?? "";
    void start({ ...(name.length > 0 ? { name } : {}), ...(email.length > 0 ? { email } : {}) });
  });
  view.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = view.input.value.trim();
    if (text.length === 0) return;
    view.input.value = "";
    typingOut.stop();
    send(text);
  });
  view.input.addEventListener("input", () => typingOut.typed());
  view.close.addEventListener("click", () => setOpen(false));
  shell.frame.addEventListener("keydown", (event) => {
    if (!open) return;
    if (event.key === "Escape") {
      event.preventDefault();
      setOpen(false);
    } else if (event.key === "Tab" && narrow.matches) {
      // Full screen, the panel is modal: Tab cycles through its controls, never to the page behind.
      const controls = Array.from(view.panel.querySelectorAll<HTMLElement>("button:not([disabled]), input:not([disabled])")).filter((c) => c.getClientRects().length > 0);
      const edge = event.shiftKey ? controls[0] : controls.at(-1);
      const other = event.shiftKey ? controls.at(-1) : controls[0];
      if (edge !== undefined && other !== undefined && shell.root.activeElement === edge) {
        event.preventDefault();
        other.focus();
      }
    }
  });
  view.restart.addEventListener("click", () => {
    void subscription?.unsubscribe();
    client?.close();
    client = undefined;
    visit = undefined;
    stream = undefined;
    typingIn.close();
    renderLive();
    session = undefined;
    confirmed.clear();
    pending = [];
    saveVisit(undefined);
    render();
    void start();
  });
  render();

  handoff.app = {
    toggle: () => setOpen(!open),
    identify: (identity: unknown) => identities.identify(identity, visit !== undefined),
  };
  view.bubble.removeAttribute("aria-busy");
  for (const call of handoff.identifyCalls.splice(0)) void handoff.app.identify(call.payload).then(call.resolve);
  if (handoff.openRequested) setOpen(true);
  else if (loadVisit() !== undefined) {
    // A returning visitor (another page of the site, a reload): reconnect while closed, so
    // the agent's replies count on the badge. A chat that is over starts nothing.
    opened = true;
    void resume().then((resumed) => {
      if (resumed) return;
      opened = false;
      if (open) startOnce();
    });
  }
}

const handoff = (document.currentScript as HandoffScript | null)?.roomcastHandoff;
if (handoff !== undefined && handoff.app === undefined) boot(handoff);
