/// <reference lib="dom" />
/**
 * The admin's canned-reply manager in the console: a fold-out list of the tenant's replies
 * (`/<shortcut>` and text, each with Delete) and a form to add one, over
 * `POST` / `DELETE /api/v1/chat/canned-replies`. What it lists is the store's (kept current
 * by `canned:updated` events), so a change shows once it is committed, here and in every
 * other console; a refusal (a taken shortcut, bad input) goes to `onError`. Only built for
 * admins.
 */
import type { CannedReplyView, ErrorBody } from "@roomcast/protocol";
import { apiCall, el } from "./api";

export interface CannedAdmin {
  element: HTMLDetailsElement;
  render(replies: Iterable<CannedReplyView>): void;
}

export function cannedAdmin(base: string, token: string, onError: (error: ErrorBody) => void, onDone: () => void): CannedAdmin {
  const element = el("details", "canned-admin", undefined, { "data-testid": "canned-admin" });
  const summary = el("summary", "", "Canned replies");
  const list = el("ul", "canned", undefined, { "data-testid": "canned-admin-list" });
  const form = el("form", "transfer", undefined, { "data-testid": "canned-admin-form" });
  const shortcut = el("input", "", undefined, { placeholder: "shortcut", "aria-label": "Shortcut", maxlength: "32", "data-testid": "canned-admin-shortcut" });
  const text = el("input", "", undefined, { placeholder: "Reply text", "aria-label": "Reply text", maxlength: "4000", "data-testid": "canned-admin-text" });
  form.append(shortcut, text, el("button", "", "Add", { type: "submit", "data-testid": "canned-admin-add" }));
  element.append(summary, list, form);
  const settle = (result: { ok: boolean; error?: ErrorBody }): boolean => {
    if (!result.ok && result.error !== undefined) onError(result.error);
    else onDone();
    return result.ok;
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void apiCall<{ reply: CannedReplyView }>(base, "/chat/canned-replies", { token, body: { shortcut: shortcut.value, text: text.value } }).then((result) => {
      if (settle(result)) shortcut.value = text.value = "";
    });
  });
  return {
    element,
    render(replies) {
      const all = [...replies].sort((a, b) => a.shortcut.localeCompare(b.shortcut));
      summary.textContent = `Canned replies (${all.length})`;
      list.replaceChildren(
        ...all.map((r) => {
          const item = el("li", "canned-item", undefined, { "data-testid": "canned-admin-item", "data-shortcut": r.shortcut });
          const remove = el("button", "link danger", "Delete", { type: "button", "data-testid": "canned-admin-delete" });
          remove.addEventListener("click", () => void apiCall<{ id: string }>(base, `/chat/canned-replies/${r.id}`, { method: "DELETE", token }).then(settle));
          item.append(el("strong", "", `/${r.shortcut}`), el("span", "sub", ` ${r.text} `), remove);
          return item;
        }),
      );
    },
  };
}
