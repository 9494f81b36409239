/// <reference lib="dom" />
/**
 * The console's sign-in: the form (console-view.ts `loginForm`) posting to `/auth/login`,
 * and the signed-in user kept in sessionStorage for this tab (so a reload stays signed in;
 * a new tab signs in again). Without storage the sign-in lasts as long as the page.
 */
import { apiCall } from "./api";
import { loginForm } from "./console-view";

export interface SignedIn {
  token: string;
  user: { id: string; name: string; role: string; tenant: string };
}

const SESSION_KEY = "roomcast:console";

export function loadSignIn(): SignedIn | undefined {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw === null ? undefined : (JSON.parse(raw) as SignedIn);
  } catch {
    return undefined;
  }
}

export function saveSignIn(value: SignedIn | undefined): void {
  try {
    if (value === undefined) sessionStorage.removeItem(SESSION_KEY);
    else sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
  } catch {
    // Without storage the sign-in lasts as long as the page.
  }
}

/** Shows the sign-in form in `root` (with `message`, e.g. why the last sign-in ended); `signedIn` runs on success, after it is saved. */
export function showSignIn(root: HTMLElement, base: string, signedIn: (me: SignedIn) => void, message?: string): void {
  root.replaceChildren(
    loginForm(message, (values, showError) => {
      void apiCall<SignedIn>(base, "/auth/login", { body: values }).then((result) => {
        if (!result.ok) return showError(`${result.error.message} (${result.error.code})`);
        const me = { token: result.token, user: result.user };
        saveSignIn(me);
        signedIn(me);
      });
    }),
  );
}
