/// <reference lib="dom" />
/**
 * The console's availability switch: shows the signed-in agent's status (online: new chats
 * are routed to it; away: they are not) and flips it with `PUT /api/v1/chat/availability`.
 * The shown status changes only once the gateway has stored it; a refusal goes to
 * `onError`. Starts from `GET /api/v1/chat/availability` (never set: away).
 */
import type { ErrorBody } from "@roomcast/protocol";
import { apiCall, el } from "./api";

type Status = "online" | "away";

export function availabilitySwitch(base: string, token: string, me: string, onError: (error: ErrorBody) => void): HTMLButtonElement {
  const button = el("button", "link", "Away", { type: "button", "data-testid": "availability", "data-status": "away" });
  let status: Status = "away";
  const show = (next: Status): void => {
    status = next;
    button.textContent = next === "online" ? "Online (go away)" : "Away (go online)";
    button.dataset.status = next;
  };
  show("away");
  void apiCall<{ agents: Array<{ user: string; status: Status }> }>(base, "/chat/availability", { token }).then((result) => {
    if (!result.ok) return onError(result.error);
    show(result.agents.find((a) => a.user === me)?.status ?? "away");
  });
  button.addEventListener("click", () => {
    const next: Status = status === "online" ? "away" : "online";
    button.disabled = true;
    void apiCall<{ status: Status }>(base, "/chat/availability", { method: "PUT", token, body: { status: next } }).then((result) => {
      button.disabled = false;
      if (!result.ok) return onError(result.error);
      show(result.status);
    });
  });
  return button;
}
