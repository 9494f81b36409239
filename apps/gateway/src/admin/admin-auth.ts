/**
 * Sign-in to the Admin UI's `/admin` namespace, in place of @socket.io/admin-ui's own basic
 * auth (instrument() runs with `auth: false` and this is the namespace's middleware). It
 * keeps the library's wire contract — `auth: { username, password }` or `{ sessionId }`,
 * a `session` event with a new id on success, "invalid credentials" on failure (the UI
 * shows that message as such) — and adds what the library lacks:
 * - a throttle per client address (rate-limiter-flexible, counted in Redis in a cluster,
 *   like the console sign-in): ADMIN_LOGIN_ATTEMPTS per ADMIN_LOGIN_WINDOW_SECONDS, taken
 *   before bcrypt runs, cleared by a success. A valid session id is not counted, so an
 *   admin already signed in is never locked out by someone guessing from the same address;
 * - every failure logged with the address and whether the user name was the configured one
 *   (never the password, nor a user name that may be a mistyped password);
 * - non-string credentials refused: the library passes them to bcrypt.compare, whose
 *   rejection inside its async middleware is unhandled and ends the process;
 * - a handshake with no user name and no password (the UI connects so when the page opens,
 *   with a stored session id or none: socket.io-admin-ui src/App.vue `created()`) is refused
 *   with code `unauthorized` and an EMPTY message, and is neither throttled nor logged as a
 *   failure. The UI then opens its sign-in form and shows any non-empty message as an error
 *   (src/components/ConnectionModal.vue `v-if="error"`): "invalid credentials" before
 *   anything was typed is what newcomers saw. A wrong password still gets that message.
 */
import { compare } from "bcryptjs";
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Logger } from "pino";
import type { RateLimiterAbstract } from "rate-limiter-flexible";

export const ADMIN_LOGIN_ATTEMPTS = 10;
export const ADMIN_LOGIN_WINDOW_SECONDS = 15 * 60;
/** Longer "passwords" are refused without hashing (bcrypt reads only the first 72 bytes anyway). */
const MAX_PASSWORD_CHARS = 1024;
const MAX_SESSION_ID_CHARS = 64;

export interface SessionStore {
  doesSessionExist(sessionId: string): Promise<boolean>;
  saveSession(sessionId: string): void;
}

export interface AdminAuthOptions {
  user: string;
  /** bcrypt hash of the password. */
  passwordHash: string;
  store: SessionStore;
  limiter: RateLimiterAbstract;
  addressOf(req: IncomingMessage): string;
  logger: Logger;
}

/** The slice of a Socket.IO socket the middleware uses. */
export interface AdminHandshake {
  handshake: { auth: Record<string, unknown> };
  request: IncomingMessage;
  emit(event: "session", sessionId: string): unknown;
}

/** The refusal message of a handshake that tried no credentials: empty, so the UI shows its form without an error. */
export const SIGN_IN_REQUIRED = "";

type RefusalError = Error & { data?: { code: string; retryAfterSeconds?: number } };

function refusal(message: string, code: string, retryAfterSeconds?: number): RefusalError {
  const error: RefusalError = new Error(message);
  error.data = retryAfterSeconds === undefined ? { code } : { code, retryAfterSeconds };
  return error;
}

export function adminAuthMiddleware(options: AdminAuthOptions): (socket: AdminHandshake, next: (error?: Error) => void) => void {
  const log = options.logger.child({ component: "admin-auth" });

  async function signIn(socket: AdminHandshake): Promise<Error | undefined> {
    const auth = socket.handshake.auth;
    const address = options.addressOf(socket.request);
    const sessionId = typeof auth.sessionId === "string" && auth.sessionId.length <= MAX_SESSION_ID_CHARS ? auth.sessionId : undefined;
    if (sessionId !== undefined && (await options.store.doesSessionExist(sessionId))) return undefined;
    if (auth.username === undefined && auth.password === undefined) {
      log.debug({ address, withSession: sessionId !== undefined }, "admin sign-in required");
      return refusal(SIGN_IN_REQUIRED, "unauthorized");
    }

    try {
      await options.limiter.consume(address);
    } catch (rejection) {
      if (rejection instanceof Error) {
        log.error({ err: rejection, address }, "admin sign-in throttle failed; refusing");
        return refusal("sign-in is unavailable, retry later", "unavailable");
      }
      const retryAfter = Math.ceil(((rejection as { msBeforeNext?: number }).msBeforeNext ?? 1000) / 1000);
      log.warn({ address, retryAfterSeconds: retryAfter }, "admin sign-in throttled");
      return refusal("too many sign-in attempts, retry later", "rate_limited", retryAfter);
    }

    const knownUser = auth.username === options.user;
    const password = typeof auth.password === "string" && auth.password.length <= MAX_PASSWORD_CHARS ? auth.password : undefined;
    // bcrypt runs whatever the user name, so timing does not tell whether it was right.
    const passwordOk = password !== undefined && (await compare(password, options.passwordHash));
    if (knownUser && passwordOk) {
      const newSession = randomBytes(16).toString("hex");
      options.store.saveSession(newSession);
      socket.emit("session", newSession);
      options.limiter.delete(address).catch(() => undefined);
      log.info({ address }, "admin signed in");
      return undefined;
    }
    log.warn({ address, knownUser, withSession: sessionId !== undefined, withPassword: password !== undefined }, "admin sign-in failed");
    return refusal("invalid credentials", "unauthorized");
  }

  return (socket, next) => {
    signIn(socket).then(
      (error) => next(error),
      (error: unknown) => {
        log.error({ err: error }, "admin sign-in failed unexpectedly");
        next(refusal("sign-in is unavailable, retry later", "unavailable"));
      },
    );
  };
}
