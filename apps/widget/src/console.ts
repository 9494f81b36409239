/// <reference lib="dom" />
/**
 * The agent console (served at /console): sign-in, then the tenant's sessions, metrics and
 * analytics kept live, and the open session's transcript with reply, assign and end. This
 * entry wires the SDK, the REST API, the store (console-store.ts), the view
 * (console-view.ts) and the connection-state machine (console-connection.ts).
 *
 * Data flow: every view starts from a REST snapshot that carries its stream offset, then
 * subscribes with `since: offset` (the tenant `chat` stream for the list and metrics,
 * `chat:<id>` for the open session), so nothing between snapshot and subscription is lost.
 * Writes go through the REST API and are shown when their events arrive.
 *
 * Presence: the list stream is subscribed with `presence: true` (every signed-in console is
 * in it: "Agents online"), and so is the open session (who is in this chat; the visitor's
 * widget shows the agent as here). Typing goes both ways and expires by itself (typing.ts).
 *
 * Availability: the header's switch (console-availability.ts) sets the agent online or
 * away; new chats are routed only to online agents.
 *
 * Connection indicator: console-connection.ts (live, reconnecting, then REST polling).
 * No module-level state: everything lives in `boot`.
 */
import { createClient, type RoomcastClient, type Subscription } from "@roomcast/client";
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
import { apiCall, el, randomKey } from "./api";
import { availabilitySwitch } from "./console-availability";
import { createConnectionMachine } from "./console-connection";
import { ConsoleStore } from "./console-store";
import { consoleLayout, loginForm, renderAgentsOnline, renderBanner, renderDetail, renderMetrics, renderSessionList, showConnMode } from "./console-view";
import { PresenceRoster } from "./presence-roster";
import { TypingIndicator, TypingSender } from "./typing";

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
    root.replaceChildren(
      loginForm(message, (values, showError) => {
        void apiCall<SignedIn>(base, "/auth/login", { body: values }).then((result) => {
          if (!result.ok) return showError(`${result.error.message} (${result.error.code})`);
          const signedIn = { token: result.token, user: result.user };
          saveSignIn(signedIn);
          runConsole(signedIn);
        });
      }),
    );
  };

  const runConsole = (me: SignedIn): void => {
    const store = new ConsoleStore();
    const layout = consoleLayout(root, `${me.user.name} · ${me.user.tenant}`);
    const roster = new PresenceRoster();
    const client: RoomcastClient = createClient({ url: base, token: me.token, socketOptions: { reconnectionDelay: 500, reconnectionDelayMax: 2000 } });
    let sessionSub: Subscription | undefined;
    let listStream: string | undefined;
    let openStream: string | undefined;
    let stopped = false;

    const renderLive = (): void => {
      renderAgentsOnline(layout.agentsOnline, roster.members(listStream));
      renderOpen();
    };
    const typingIn = new TypingIndicator(() => renderOpen());
    const typingOut = new TypingSender((typing) => {
      const open = store.open;
      if (open !== undefined) void client.typing({ channel: "chat", topic: open.session.id, typing });
    });
    const renderOpen = (): void =>
      renderDetail(layout.detail, store, me.user.id, { members: roster.members(openStream), typing: typingIn.who(openStream) }, {
        assign: (id) => void act(`/chat/sessions/${id}/assign`, {}),
        end: (id) => void act(`/chat/sessions/${id}/end`, {}),
        reply: (id, text) => {
          typingOut.stop();
          void act(`/chat/sessions/${id}/messages`, { text, key: randomKey() });
        },
        typed: () => typingOut.typed(),
      });
    const renderAll = (): void => {
      renderMetrics(layout, store);
      renderSessionList(layout.list, store, (id) => void openSession(id));
      renderLive();
    };

    const handleApiError = (error: ErrorBody): void => {
      if (error.code === "unauthorized") return signOutNow("Your sign-in expired; sign in again.");
      renderBanner(layout.banner, error);
    };
    const act = async (path: string, body: object): Promise<void> => {
      const result = await apiCall<object>(base, path, { token: me.token, body });
      if (!result.ok) handleApiError(result.error);
      else renderBanner(layout.banner, undefined);
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
    /** After a subscribe with presence: the snapshot of who is there (events then keep it current). */
    const loadPresence = async (topic: string | undefined): Promise<void> => {
      const present = await client.presence({ channel: "chat", ...(topic === undefined ? {} : { topic }) });
      if (present.ok) roster.replace(present.stream, present.members);
      renderLive();
    };

    const onSessionEvent = (event: EventEnvelope): void => {
      if (event.type === CHAT_MESSAGE) store.addMessage(event.data as ChatMessageView);
      else if (event.type === CHAT_SESSION_UPDATED) store.upsertSession(event.data as ChatSessionView);
      renderAll();
    };
    const openSession = async (id: string): Promise<void> => {
      void sessionSub?.unsubscribe();
      sessionSub = undefined;
      if (openStream !== undefined) roster.forget(openStream);
      openStream = undefined;
      const offset = await loadOpenSession(id);
      if (offset === undefined || stopped || store.open?.session.id !== id) return;
      const subscription = client.subscribe({ channel: "chat", topic: id, since: offset, presence: true }, onSessionEvent, { onReset: () => void loadOpenSession(id) });
      sessionSub = subscription;
      const ack = await subscription.ready;
      if (!ack.ok || sessionSub !== subscription) return;
      openStream = ack.stream;
      await loadPresence(id);
    };
    const onListEvent = (event: EventEnvelope): void => {
      if (event.type === CHAT_SESSION_UPDATED) store.upsertSession(event.data as ChatSessionView);
      else if (event.type === CHAT_METRICS_UPDATED) store.metrics = event.data as ChatMetrics;
      renderAll();
    };

    const connection = createConnectionMachine({
      current: () => client.state,
      onMode: (mode) => {
        showConnMode(layout.conn, mode);
        // Live again: presence may have changed while away; take a fresh snapshot.
        if (mode === "live" && listStream !== undefined) {
          void loadPresence(undefined);
          if (openStream !== undefined && store.open !== undefined) void loadPresence(store.open.session.id);
        }
      },
      poll: () => {
        void loadOverview();
        const open = store.open;
        if (open !== undefined) void loadOpenSession(open.session.id);
      },
    });

    const signOutNow = (message?: string): void => {
      stopped = true;
      connection.stop();
      typingIn.close();
      client.close();
      saveSignIn(undefined);
      showLogin(message);
    };
    layout.signOut.before(availabilitySwitch(base, me.token, me.user.id, handleApiError));
    // Sign-out revokes the token on the server (every socket using it is disconnected, and
    // it is refused from now on), then forgets it here whatever the answer.
    layout.signOut.addEventListener("click", () => {
      void apiCall<object>(base, "/auth/logout", { token: me.token, body: {} });
      signOutNow();
    });

    client.onStateChange((state) => connection.onState(state));
    connection.onState(client.state);
    client.onError((error) => {
      if (error.code === "unauthorized") signOutNow("Your sign-in expired; sign in again.");
    });
    client.onPresence((event) => {
      roster.apply(event);
      renderLive();
    });
    client.onTyping((event) => typingIn.apply(event));
    client.subscribe({ channel: "notifications", topic: me.user.id, minPriority: 5 }, (event) => {
      if (event.type !== NOTIFICATION) return;
      const data = event.data as NotificationData;
      const toast = el("div", "toast", `${data.title}: ${data.body}`, { "data-testid": "toast" });
      layout.toasts.append(toast);
      setTimeout(() => toast.remove(), 8000);
    });
    client.subscribe({ channel: "analytics", types: [ANALYTICS_TICK] }, (event) => {
      store.analytics = event.data as AnalyticsTickData;
      renderMetrics(layout, store);
    });
    renderAll();
    void loadOverview().then(async (offset) => {
      if (offset === undefined || stopped) return;
      const list = client.subscribe({ channel: "chat", since: offset, presence: true }, onListEvent, { onReset: () => void loadOverview() });
      const ack = await list.ready;
      if (!ack.ok || stopped) return;
      listStream = ack.stream;
      await loadPresence(undefined);
    });
  };

  const saved = loadSignIn();
  if (saved === undefined) showLogin();
  else runConsole(saved);
}

boot(document.getElementById("app"));
