/**
 * `roomcast outbox quarantined [--tenant …] [--limit N]` lists quarantined events (newest
 * first, with whether and as what each was re-driven); `roomcast outbox redrive <id…>` or
 * `--all [--tenant …]` publishes them again as new events at their streams' heads
 * (manage/outbox.ts, @roomcast/db outbox/redrive.ts). The placeholder keeps the old offset.
 */
import { UsageError } from "../cli-io";
import { stringOf } from "../cli-args";
import { group, parseOrHelp } from "../command";

const LIST = "usage: roomcast outbox quarantined [--tenant <id>] [--limit <n>] [--json]";
const REDRIVE = "usage: roomcast outbox redrive (<event id> … | --all [--tenant <id>]) [--json]";

export const outboxCommand = group("outbox", "list quarantined events and re-drive them", {
  quarantined: {
    usage: LIST,
    async run(ctx, args) {
      const parsed = parseOrHelp(ctx, LIST, args, { tenant: { type: "string" }, limit: { type: "string" } }, { min: 0, max: 0, names: "" });
      if (parsed === undefined) return 0;
      const tenant = stringOf(parsed.values, "tenant");
      const limit = stringOf(parsed.values, "limit");
      const events = await ctx.withManagement((m, actor) => m.listQuarantined(actor, { ...(tenant === undefined ? {} : { tenant }), ...(limit === undefined ? {} : { limit }) }));
      ctx.print(parsed.json, { events }, () =>
        events.length === 0
          ? "no quarantined events\n"
          : events
              .map((e) => `${e.id}\t${e.stream}#${e.offset}\t${e.type}\t${e.redrivenAs === null ? "quarantined" : `re-driven as ${e.redrivenAs}`}\n  ${e.reason}\n`)
              .join(""),
      );
      return 0;
    },
  },
  redrive: {
    usage: REDRIVE,
    async run(ctx, args) {
      const parsed = parseOrHelp(ctx, REDRIVE, args, { all: { type: "boolean" }, tenant: { type: "string" } }, { min: 0, max: 1000, names: "<event id> or --all" });
      if (parsed === undefined) return 0;
      const all = parsed.values.all === true;
      const tenant = stringOf(parsed.values, "tenant");
      if (all === (parsed.positionals.length > 0)) throw new UsageError(`give event ids or --all, not both and not neither\n${REDRIVE}`);
      if (!all && tenant !== undefined) throw new UsageError(`--tenant goes with --all\n${REDRIVE}`);
      const input = all ? { all: true, ...(tenant === undefined ? {} : { tenant }) } : { ids: parsed.positionals };
      const result = await ctx.withManagement((m, actor) => m.redrive(actor, input));
      ctx.print(parsed.json, result, () =>
        [
          ...result.redriven.map((r) => `re-drove ${r.id} (${r.stream}#${r.offset}) as ${r.redrivenAs} at offset ${r.newOffset}\n`),
          ...result.skipped.map((s) => `skipped ${s.id}: ${s.reason}: ${s.message}\n`),
          ...(result.redriven.length === 0 && result.skipped.length === 0 ? ["nothing to re-drive\n"] : []),
          ...(result.more ? ["more quarantined events remain: run it again\n"] : []),
        ].join(""),
      );
      return 0;
    },
  },
});
