/// <reference lib="dom" />
/**
 * The agent console (served at /console): sign-in, then the tenant's sessions, metrics and
 * analytics kept live, and the open session's transcript with reply, assign and end.
 *
 * Data flow: every view starts from a REST snapshot that carries its stream offset, then
 * subscribes with `since: offset` (the tenant `chat` stream for the list and metrics,
 * `chat:<id>` for the open session), so nothing between snapshot and subscription is lost.
 * Writes go through the REST API and are shown when their events arrive.
 *
 * Connection indicator: "Live" while the socket is connected; "Reconnecting…" while it is
 * not; after FALLBACK_AFTER_MS without a connection the console polls the REST snapshots
 * every POLL_MS and says "Polling (live updates unavailable)", and it stops polling as soon
 * as the socket is live again (the SDK then resumes each stream from its last offset).
 * No module-level state: everything lives in `boot`.
 */
import { createClient, type ConnectionState, type RoomcastClient, type Subscription } from "@roomcast/client";
import {
  ANALYTICS_TICK,
  CHAT_MESSAGE,
  CHAT_METRICS_UPDATED,
  CHAT_SESSION_UPDATED,
  NOTIFICATION,
  type AnalyticsTickData,
  type ChatMessageView,
  type ChatMetrics,
  type ChatSessionView,
  type ErrorBody,
  type EventEnvelope,
  type NotificationData,
} from "@roomcast/protocol";
import { apiCall, el, randomKey, stateLabel } from "./api";
import { ConsoleStore } from "./console-store";

const FALLBACK_AFTER_MS = 3000;
const POLL_MS = 2000;
const SESSION_KEY = "roomcast:console";

interface SignedIn {
  token: string;
  user: { id: string; name: string; role: string; tenant: string };
}

function boot(root: HTMLElement | null): void {
  if (root === null) return;
  const base = location.origin;
  const loadSignIn = (): SignedIn | undefined => {
    try {
      const raw = sessionStorage.getItem(SESSION_KEY);
      return raw === null ? undefined : (JSON.parse(raw) as SignedIn);
    } catch {
      return undefined;
    }
  };
  const saveSignIn = (value: SignedIn | undefined): void => {
    try {
      if (value === undefined) sessionStorage.removeItem(SESSION_KEY);
      else sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
    } catch {
      // Without storage the sign-in lasts as long as the page.
    }
  };

  const showLogin = (message?: string): void => {
    const form = el("form", "login", undefined, { "data-testid": "login" });
    const tenant = el("input", "", undefined, { name: "tenant", value: "demo", "aria-label": "Tenant", "data-testid": "login-tenant" });
    const email = el("input", "", undefined, { name: "email", type: "email", placeholder: "ana@demo.test", "aria-label": "Email", "data-testid": "login-email" });
    const password = el("input", "", undefined, { name: "password", type: "password", placeholder: "password", "aria-label": "Password", "data-testid": "login-password" });
    const error = el("p", "error", message ?? "", { "data-testid": "login-error", role: "alert" });
    form.append(el("h1", "", "Roomcast console"), tenant, email, password, el("button", "", "Sign in", { type: "submit", "data-testid": "login-submit" }), error);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      error.textContent = "Signing in…";
      void apiCall<SignedIn>(base, "/auth/login", { body: { tenant: tenant.value, email: email.value, password: password.value } }).then((result) => {
        if (!result.ok) {
          error.textContent = `${result.error.message} (${result.error.code})`;
          return;
        }
        const signedIn = { token: result.token, user: result.user };
        saveSignIn(signedIn);
        runConsole(signedIn);
      });
    });
    root.replaceChildren(form);
  };

  const runConsole = (me: SignedIn): void => {
    const store = new ConsoleStore();
    const conn = el("span", "conn", "Connecting…", { "data-testid": "conn", "data-mode": "connecting" });
    const who = el("span", "who", `${me.user.name} · ${me.user.tenant}`);
    const signOut = el("button", "link", "Sign out", { type: "button" });
    const banner = el("div", "banner", "", { "data-testid": "banner", role: "alert" });
    const metricsBox = el("div", "metrics", undefined, { "data-testid": "metrics" });
    const analyticsBox = el("div", "analytics", "", { "data-testid": "analytics" });
    const list = el("ul", "sessions", undefined, { "data-testid": "sessions" });
    const detail = el("section", "detail", undefined, { "data-testid": "detail" });
    const toasts = el("div", "toasts", undefined, { "data-testid": "toasts" });
    const header = el("header", "");
    header.append(el("strong", "", "Roomcast console"), conn, who, signOut);
    const main = el("main", "");
    main.append(list, detail);
    root.replaceChildren(header, banner, metricsBox, analyticsBox, main, toasts);

    const showBanner = (error: ErrorBody | undefined): void => {
      banner.textContent = error === undefined ? "" : `${error.message} (${error.code})`;
      banner.classList.toggle("shown", error !== undefined);
    };

    const client: RoomcastClient = createClient({ url: base, token: me.token, socketOptions: { reconnectionDelay: 500, reconnectionDelayMax: 2000 } });
    let sessionSub: Subscription | undefined;
    let pollTimer: ReturnType<typeof setInterval> | undefined;
    let fallbackTimer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const renderMetrics = (): void => {
      const m: ChatMetrics | undefined = store.metrics;
      const cell = (id: string, label: string, value: string): HTMLElement => {
        const box = el("div", "metric");
        box.append(el("span", "value", value, { "data-testid": `metric-${id}` }), el("span", "label", label));
        return box;
      };
      const avg = m?.avgFirstResponseMs ?? null;
      metricsBox.replaceChildren(
        cell("active", "active", String(m?.activeSessions ?? "–")),
        cell("waiting", "waiting", String(m?.waitingSessions ?? "–")),
        cell("ended-today", "ended today", String(m?.endedToday ?? "–")),
        cell("messages-hour", "messages, last hour", String(m?.messagesLastHour ?? "–")),
        cell("first-response", "avg first response", avg === null ? "–" : `${(avg / 1000).toFixed(1)} s`),
      );
      metricsBox.dataset.metrics = m === undefined ? "" : JSON.stringify(m);
      const a: AnalyticsTickData | undefined = store.analytics;
      analyticsBox.textContent = a === undefined ? "Analytics: waiting for the first tick" : `Analytics: ${a.activeUsers} users online · ${a.eventsPerMinute} events/min`;
    };

    const renderList = (): void => {
      list.replaceChildren(
        ...store.sortedSessions().map((s) => {
          const item = el("li", `session ${s.status}${store.open?.session.id === s.id ? " selected" : ""}`, undefined, {
            "data-testid": "session-item",
            "data-session-id": s.id,
            "data-status": s.status,
          });
          item.append(
            el("span", "name", s.visitorName),
            el("span", "badge", s.status, { "data-testid": "session-status" }),
            el("span", "sub", `${s.messageCount} messages${s.agentId === null ? "" : ` · ${s.agentId}`}`),
          );
          item.addEventListener("click", () => void openSession(s.id));
          return item;
        }),
      );
    };

    const renderDetail = (): void => {
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
      assign.disabled = s.status === "ended" || s.agentId === me.user.id;
      end.disabled = s.status === "ended";
      assign.addEventListener("click", () => void act(`/chat/sessions/${s.id}/assign`, {}));
      end.addEventListener("click", () => void act(`/chat/sessions/${s.id}/end`, {}));
      head.append(assign, end);
      const transcript = el("ul", "transcript", undefined, { "data-testid": "transcript" });
      transcript.replaceChildren(
        ...store.transcript().map((m: ChatMessageView) => {
          const item = el("li", `msg ${m.senderRole}`, undefined, { "data-testid": "message", "data-message-id": m.id });
          item.append(el("span", "meta", `${m.senderRole === "visitor" ? s.visitorName : m.senderId} · ${new Date(m.createdAt).toLocaleTimeString()}`), el("span", "text", m.text));
          return item;
        }),
      );
      const form = el("form", "reply");
      const input = el("input", "", undefined, { placeholder: "Reply…", "data-testid": "reply-input", "aria-label": "Reply", maxlength: "4000" });
      const sendButton = el("button", "", "Send", { type: "submit", "data-testid": "reply-send" });
      input.disabled = sendButton.disabled = s.status === "ended";
      form.append(input, sendButton);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (text.length === 0) return;
        input.value = "";
        void act(`/chat/sessions/${s.id}/messages`, { text, key: randomKey() });
      });
      const hadFocus = detail.querySelector("[data-testid=reply-input]") === document.activeElement;
      detail.replaceChildren(head, transcript, form);
      transcript.scrollTop = transcript.scrollHeight;
      if (hadFocus) input.focus();
    };

    const renderAll = (): void => {
      renderMetrics();
      renderList();
      renderDetail();
    };

    const setMode = (mode: "connecting" | "live" | "reconnecting" | "polling" | "offline"): void => {
      conn.dataset.mode = mode;
      conn.textContent = mode === "polling" ? "Polling (live updates unavailable)" : stateLabel(mode);
      conn.className = `conn ${mode}`;
    };

    const handleApiError = (error: ErrorBody): void => {
      if (error.code === "unauthorized") return signOutNow("Your sign-in expired; sign in again.");
      showBanner(error);
    };

    const act = async (path: string, body: object): Promise<void> => {
      const result = await apiCall<object>(base, path, { token: me.token, body });
      if (!result.ok) handleApiError(result.error);
      else showBanner(undefined);
    };

    const loadOverview = async (): Promise<number | undefined> => {
      const [sessions, metrics] = await Promise.all([
        apiCall<{ sessions: ChatSessionView[]; offset: number }>(base, "/chat/sessions", { token: me.token }),
        apiCall<{ metrics: ChatMetrics; offset: number }>(base, "/chat/metrics", { token: me.token }),
      ]);
      if (!sessions.ok) return void handleApiError(sessions.error);
      if (!metrics.ok) return void handleApiError(metrics.error);
      store.replaceSessions(sessions.sessions);
      store.metrics = metrics.metrics;
      renderAll();
      return sessions.offset;
    };

    const loadOpenSession = async (id: string): Promise<number | undefined> => {
      const result = await apiCall<{ session: ChatSessionView; messages: ChatMessageView[]; offset: number }>(base, `/chat/sessions/${id}`, { token: me.token });
      if (!result.ok) return void handleApiError(result.error);
      store.openSession(result.session, result.messages);
      renderAll();
      return result.offset;
    };

    const onSessionEvent = (event: EventEnvelope): void => {
      if (event.type === CHAT_MESSAGE) store.addMessage(event.data as ChatMessageView);
      else if (event.type === CHAT_SESSION_UPDATED) store.upsertSession(event.data as ChatSessionView);
      renderAll();
    };

    const openSession = async (id: string): Promise<void> => {
      void sessionSub?.unsubscribe();
      sessionSub = undefined;
      const offset = await loadOpenSession(id);
      if (offset === undefined || stopped || store.open?.session.id !== id) return;
      sessionSub = client.subscribe({ channel: "chat", topic: id, since: offset }, onSessionEvent, { onReset: () => void loadOpenSession(id) });
    };

    const onListEvent = (event: EventEnvelope): void => {
      if (event.type === CHAT_SESSION_UPDATED) store.upsertSession(event.data as ChatSessionView);
      else if (event.type === CHAT_METRICS_UPDATED) store.metrics = event.data as ChatMetrics;
      renderAll();
    };

    const startPolling = (): void => {
      if (pollTimer !== undefined || stopped) return;
      setMode("polling");
      const poll = (): void => {
        void loadOverview();
        const open = store.open;
        if (open !== undefined) void loadOpenSession(open.session.id);
      };
      poll();
      pollTimer = setInterval(poll, POLL_MS);
    };
    const stopPolling = (): void => {
      if (pollTimer !== undefined) clearInterval(pollTimer);
      pollTimer = undefined;
    };

    const onState = (state: ConnectionState): void => {
      if (state === "live") {
        if (fallbackTimer !== undefined) clearTimeout(fallbackTimer);
        fallbackTimer = undefined;
        stopPolling();
        setMode("live");
        return;
      }
      if (pollTimer !== undefined) return;
      setMode(state);
      if (fallbackTimer === undefined) {
        fallbackTimer = setTimeout(() => {
          fallbackTimer = undefined;
          if (client.state !== "live") startPolling();
        }, FALLBACK_AFTER_MS);
      }
    };

    const signOutNow = (message?: string): void => {
      stopped = true;
      stopPolling();
      if (fallbackTimer !== undefined) clearTimeout(fallbackTimer);
      client.close();
      saveSignIn(undefined);
      showLogin(message);
    };
    // Sign-out revokes the token on the server (every socket using it is disconnected, and
    // it is refused from now on), then forgets it here whatever the answer.
    signOut.addEventListener("click", () => {
      void apiCall<object>(base, "/auth/logout", { token: me.token, body: {} });
      signOutNow();
    });

    client.onStateChange(onState);
    onState(client.state);
    client.onError((error) => {
      if (error.code === "unauthorized") signOutNow("Your sign-in expired; sign in again.");
    });
    client.subscribe({ channel: "notifications", topic: me.user.id, minPriority: 5 }, (event) => {
      if (event.type !== NOTIFICATION) return;
      const data = event.data as NotificationData;
      const toast = el("div", "toast", `${data.title}: ${data.body}`, { "data-testid": "toast" });
      toasts.append(toast);
      setTimeout(() => toast.remove(), 8000);
    });
    client.subscribe({ channel: "analytics", types: [ANALYTICS_TICK] }, (event) => {
      store.analytics = event.data as AnalyticsTickData;
      renderMetrics();
    });
    renderAll();
    void loadOverview().then((offset) => {
      if (offset === undefined || stopped) return;
      client.subscribe({ channel: "chat", since: offset }, onListEvent, { onReset: () => void loadOverview() });
    });
  };

  const saved = loadSignIn();
  if (saved === undefined) showLogin();
  else runConsole(saved);
}

boot(document.getElementById("app"));
