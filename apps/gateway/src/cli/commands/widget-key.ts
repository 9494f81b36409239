/** `roomcast widget-key rotate <tenant>`: a new widget key (the old one is refused at once); prints it. */
import { group, parseOrHelp } from "../command";

const ROTATE = "usage: roomcast widget-key rotate <tenant> [--json]";

export const widgetKeyCommand = group("widget-key", "rotate a tenant's widget key (prints the new key)", {
  rotate: {
    usage: ROTATE,
    async run(ctx, args) {
      const parsed = parseOrHelp(ctx, ROTATE, args, {}, { min: 1, max: 1, names: "<tenant>" });
      if (parsed === undefined) return 0;
      const rotated = await ctx.withManagement((m, actor) => m.rotateWidgetKey(actor, parsed.positionals[0]));
      ctx.print(parsed.json, rotated, () => `${rotated.widgetKey}\n`);
      return 0;
    },
  },
});
