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
 * away; new chats are routed only to online agents. Admins also get the tenant's routing
 * control (console-settings.ts: automatic or manual assignment).
 *
 * The session list follows `changes:chat_sessions` (the watched table's row changes, from
 * the list snapshot's `changesOffset`); the tenant `chat` stream brings metrics, transfers
 * (with their notes), settings and canned-reply changes. Unread counts come from the user's
 * read markers (the list snapshot's `read`, then `session:read` on their notifications
 * stream); opening a session, and new messages while it is open, mark it read. The page
 * title shows the unread total of the open sessions that are the agent's or nobody's.
 * Transfer: the detail pane's form (agents online, a note). Canned replies: `/` in the
 * reply box (console-desk-view.ts); admins manage them in a fold-out (console-canned-admin.ts).
 *
 * Sign-in and the signed-in user kept for the tab: console-signin.ts.
 * Connection indicator: console-connection.ts (live, reconnecting, then REST polling).
 * No module-level state: everything lives in `boot`.
 */
import { createClient, type RoomcastClient, type Subscription } from "@roomcast/client";
import {
  ANALYTICS_TICK,
  CHAT_CANNED_UPDATED,
  CHAT_MESSAGE,
  CHAT_METRICS_UPDATED,
  CHAT_SESSION_READ,
  CHAT_SESSION_TRANSFERRED,
  CHAT_SESSION_UPDATED,
  CHAT_SETTINGS_UPDATED,
  NOTIFICATION,
  type AnalyticsTickData,
  type CannedReplyChange,
  type CannedReplyView,
  type ChatReadData,
  type ChatSettings,
  type ChatTransferView,
  type ChatMessageView,
  type ChatMetrics,
  type ChatSessionView,
  type ErrorBody,
  type EventEnvelope,
  type NotificationData,
} from "@roomcast/protocol";
import { apiCall, el, randomKey } from "./api";
import { availabilitySwitch } from "./console-availability";
import { cannedAdmin } from "./console-canned-admin";
import { createConnectionMachine } from "./console-connection";
import { CONSOLE_TITLE, consoleTitle, sessionChange } from "./console-desk";
import { routingControl } from "./console-settings";
import { ConsoleStore } from "./console-store";
import { mountVisitorPanel, type VisitorAnswer } from "./console-visitor";
import { loadSignIn, saveSignIn, showSignIn, type SignedIn } from "./console-signin";
import { consoleLayout, renderAgentsOnline, renderBanner, renderDetail, renderMetrics, renderSessionList, showConnMode } from "./console-view";
import { PresenceRoster } from "./presence-roster";
import { TypingIndicator, TypingSender } from "./typing";

function boot(root: HTMLElement | null): void {
  if (root === null) return;
  const base = location.origin;
  const showLogin = (message?: string): void => showSignIn(root, base, (me) => runConsole(me), message);

  const runConsole = (me: SignedIn): void => {
    const store = new ConsoleStore();
    const layout = consoleLayout(root, `${me.user.name} · ${me.user.tenant}`);
    // Visitor context and history of the open session (console-visitor.ts), kept in the detail across redraws.
    mountVisitorPanel(layout.detail, () => store.open?.session, (id) => apiCall<VisitorAnswer>(base, `/chat/sessions/${id}/visitor`, { token: me.token }), (id) => void openSession(id));
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
      renderDetail(
        layout.detail,
        store,
        me.user.id,
        { members: roster.members(openStream), typing: typingIn.who(openStream), agents: roster.members(listStream), mayTransferAny: me.user.role === "admin" },
        {
        assign: (id) => void act(`/chat/sessions/${id}/assign`, {}),
        transfer: (id, agentId, note) => void act(`/chat/sessions/${id}/transfer`, { agentId, note }),
        end: (id) => void act(`/chat/sessions/${id}/end`, {}),
        reply: (id, text) => {
          typingOut.stop();
          void act(`/chat/sessions/${id}/messages`, { text, key: randomKey() });
        },
        typed: () => typingOut.typed(),
        },
      );
    /** The open session's new messages are read as they arrive: store the marker (one request at a time). */
    let marking: string | undefined;
    const syncRead = (): void => {
      const open = store.open;
      if (open === undefined || marking !== undefined || store.unread(open.session.id) === 0) return;
      const id = open.session.id;
      store.markRead(id, open.session.messageCount);
      marking = id;
      void apiCall<{ read: ChatReadData }>(base, `/chat/sessions/${id}/read`, { token: me.token, body: {} }).then((result) => {
        marking = undefined;
        if (result.ok) store.markRead(result.read.sessionId, result.read.messageCount);
        renderAll();
      });
    };
    const renderAll = (): void => {
      syncRead();
      renderMetrics(layout, store);
      renderSessionList(layout.list, store, (id) => void openSession(id));
      document.title = consoleTitle(store.totalUnread(me.user.id));
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

    const loadOverview = async (): Promise<{ offset: number; changesOffset: number } | undefined> => {
      const [sessions, metrics] = await Promise.all([
        apiCall<{ sessions: ChatSessionView[]; offset: number; changesOffset: number; read: Record<string, number> }>(base, "/chat/sessions", { token: me.token }),
        apiCall<{ metrics: ChatMetrics; offset: number }>(base, "/chat/metrics", { token: me.token }),
      ]);
      if (!sessions.ok) return void handleApiError(sessions.error);
      if (!metrics.ok) return void handleApiError(metrics.error);
      store.replaceSessions(sessions.sessions);
      for (const [id, count] of Object.entries(sessions.read)) store.markRead(id, count);
      store.metrics = metrics.metrics;
      renderAll();
      return { offset: sessions.offset, changesOffset: sessions.changesOffset };
    };
    const loadCanned = async (): Promise<void> => {
      const result = await apiCall<{ replies: CannedReplyView[] }>(base, "/chat/canned-replies", { token: me.token });
      if (!result.ok) return handleApiError(result.error);
      store.replaceCanned(result.replies);
    };
    const loadOpenSession = async (id: string): Promise<number | undefined> => {
      const result = await apiCall<{ session: ChatSessionView; messages: ChatMessageView[]; offset: number; transfers?: ChatTransferView[] }>(base, `/chat/sessions/${id}`, {
        token: me.token,
      });
      if (!result.ok) return void handleApiError(result.error);
      store.openSession(result.session, result.messages);
      store.addTransfers(result.transfers ?? []);
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
    const routing = me.user.role === "admin" ? routingControl(base, me.token, handleApiError) : undefined;
    const cannedManager = me.user.role === "admin" ? cannedAdmin(base, me.token, handleApiError, () => renderBanner(layout.banner, undefined)) : undefined;
    if (cannedManager !== undefined) layout.agentsOnline.after(cannedManager.element);
    /** The admin's canned-reply list: redrawn only when the replies change. */
    const renderCanned = (): void => cannedManager?.render(store.canned.values());
    // The list's sessions come from `changes:chat_sessions` (onSessionRow); this stream's `session:updated` is left to other readers.
    const onListEvent = (event: EventEnvelope): void => {
      if (event.type === CHAT_METRICS_UPDATED) store.metrics = event.data as ChatMetrics;
      else if (event.type === CHAT_SESSION_TRANSFERRED) store.addTransfers([event.data as ChatTransferView]);
      else if (event.type === CHAT_CANNED_UPDATED) {
        store.applyCanned(event.data as CannedReplyChange);
        renderCanned();
      }
      else if (event.type === CHAT_SETTINGS_UPDATED) routing?.show(event.data as ChatSettings);
      else return;
      renderAll();
    };
    const onSessionRow = (event: EventEnvelope): void => {
      store.applySessionChange(sessionChange(event.type, event.data));
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
      document.title = CONSOLE_TITLE;
      saveSignIn(undefined);
      showLogin(message);
    };
    layout.signOut.before(availabilitySwitch(base, me.token, me.user.id, handleApiError));
    if (routing !== undefined) layout.signOut.before(routing.element);
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
    client.subscribe({ channel: "notifications", topic: me.user.id }, (event) => {
      if (event.type === CHAT_SESSION_READ) {
        const read = event.data as ChatReadData;
        store.markRead(read.sessionId, read.messageCount);
        return renderAll();
      }
      if (event.type !== NOTIFICATION || event.priority < 5) return;
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
    void loadCanned().then(() => {
      renderCanned();
      renderAll();
    });
    void loadOverview().then(async (snapshot) => {
      if (snapshot === undefined || stopped) return;
      client.subscribe({ channel: "changes", topic: "chat_sessions", since: snapshot.changesOffset }, onSessionRow, { onReset: () => void loadOverview() });
      const list = client.subscribe({ channel: "chat", since: snapshot.offset, presence: true }, onListEvent, { onReset: () => void loadOverview() });
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
