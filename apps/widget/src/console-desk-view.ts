/// <reference lib="dom" />
/**
 * The desk's pieces of the console's detail pane: the transfer form (an online agent and a
 * note), the session's transfer notes, and the canned-reply picker under the reply box
 * (type `/` and a shortcut; click a reply, or press Tab or Enter, to put its text in the
 * box). Pure view like console-view.ts: what a click does is a callback. Redrawn with the
 * pane; the form keeps what the agent chose and typed across redraws.
 */
import type { CannedReplyView, ChatTransferView, PresenceMember } from "@roomcast/protocol";
import { el } from "./api";
import { matchCanned } from "./console-desk";
import { memberLabel } from "./presence-roster";

/** The transfer form: agents to choose from (online, not the assignee), a note, a button. */
export function transferForm(
  previous: Element | null,
  sessionId: string,
  agents: readonly PresenceMember[],
  disabled: boolean,
  transfer: (agentId: string, note: string) => void,
): HTMLFormElement {
  const form = el("form", "transfer", undefined, { "data-testid": "transfer-form", "data-session": sessionId });
  const select = el("select", "", undefined, { "data-testid": "transfer-agent", "aria-label": "Transfer to" });
  select.append(el("option", "", agents.length === 0 ? "No other agent online" : "Transfer to…", { value: "" }));
  for (const a of agents) select.append(el("option", "", memberLabel(a), { value: a.user }));
  const note = el("input", "", undefined, { placeholder: "Note for the next agent", "data-testid": "transfer-note", "aria-label": "Transfer note", maxlength: "1000" });
  const button = el("button", "", "Transfer", { type: "submit", "data-testid": "transfer" });
  if (previous instanceof HTMLFormElement && previous.dataset.session === sessionId) {
    const before = previous.querySelector<HTMLSelectElement>("select");
    if (before !== null && agents.some((a) => a.user === before.value)) select.value = before.value;
    note.value = previous.querySelector<HTMLInputElement>("input")?.value ?? "";
  }
  select.disabled = note.disabled = button.disabled = disabled;
  form.append(select, note, button);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (select.value === "") return;
    transfer(select.value, note.value);
    note.value = "";
  });
  return form;
}

export function transferNotes(transfers: readonly ChatTransferView[]): HTMLUListElement {
  const list = el("ul", "transfers", undefined, { "data-testid": "transfers" });
  list.replaceChildren(
    ...transfers.map((t) =>
      el("li", "sub", `Transferred ${t.fromAgentId === null ? "" : `from ${t.fromAgentId} `}to ${t.toAgentId} by ${t.byUserId}${t.note === null ? "" : `: ${t.note}`}`, {
        "data-testid": "transfer-item",
      }),
    ),
  );
  return list;
}

/** Suggestions under the reply box while it holds `/<shortcut…>`; returns the list element. */
export function cannedPicker(input: HTMLInputElement, replies: () => Iterable<CannedReplyView>): HTMLUListElement {
  const list = el("ul", "canned", undefined, { "data-testid": "canned-suggestions" });
  let shown: CannedReplyView[] = [];
  const choose = (reply: CannedReplyView): void => {
    input.value = reply.text;
    refresh();
    input.focus();
  };
  const refresh = (): void => {
    shown = matchCanned(replies(), input.value);
    list.replaceChildren(
      ...shown.map((r) => {
        const item = el("li", "canned-item", undefined, { "data-testid": "canned-item", "data-shortcut": r.shortcut });
        item.append(el("strong", "", `/${r.shortcut}`), el("span", "sub", ` ${r.text}`));
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          choose(r);
        });
        return item;
      }),
    );
    list.hidden = shown.length === 0;
  };
  input.addEventListener("input", refresh);
  input.addEventListener("keydown", (event) => {
    const first = shown[0];
    if (first === undefined || (event.key !== "Tab" && event.key !== "Enter")) return;
    event.preventDefault();
    choose(first);
  });
  refresh();
  return list;
}
