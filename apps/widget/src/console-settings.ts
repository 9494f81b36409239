/// <reference lib="dom" />
/**
 * The admin's routing control in the console header: "Routing: automatic" (new chats go to
 * an available agent) or "manual" (they wait until an agent takes them), set with
 * `PUT /api/v1/chat/settings`. It starts from `GET /api/v1/chat/settings`, shows a change
 * only once the gateway stored it, and follows `settings:updated` events (another admin,
 * another node) through `show`. Only built for admins; agents see the setting nowhere.
 */
import { CHAT_ROUTINGS, type ChatRouting, type ChatSettings, type ErrorBody } from "@roomcast/protocol";
import { apiCall, el } from "./api";

export interface RoutingControl {
  element: HTMLLabelElement;
  show(settings: ChatSettings): void;
}

export function routingControl(base: string, token: string, onError: (error: ErrorBody) => void): RoutingControl {
  const element = el("label", "routing", "Routing ");
  const select = el("select", "", undefined, { "data-testid": "routing", "aria-label": "Routing of new chats" });
  for (const routing of CHAT_ROUTINGS) select.append(el("option", "", routing === "auto" ? "automatic" : "manual", { value: routing }));
  element.append(select);
  let current: ChatRouting = "auto";
  const show = (settings: ChatSettings): void => {
    current = settings.routing;
    select.value = current;
    select.dataset.routing = current;
  };
  select.disabled = true;
  void apiCall<{ settings: ChatSettings }>(base, "/chat/settings", { token }).then((result) => {
    select.disabled = false;
    if (!result.ok) return onError(result.error);
    show(result.settings);
  });
  select.addEventListener("change", () => {
    const routing = CHAT_ROUTINGS.find((r) => r === select.value) ?? current;
    select.disabled = true;
    void apiCall<{ settings: ChatSettings }>(base, "/chat/settings", { method: "PUT", token, body: { routing } }).then((result) => {
      select.disabled = false;
      if (!result.ok) {
        show({ routing: current });
        return onError(result.error);
      }
      show(result.settings);
    });
  });
  return { element, show };
}
