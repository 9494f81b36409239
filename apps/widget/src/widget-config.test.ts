import { DEFAULT_COLOR, DEFAULT_TITLE, parseWidgetConfig, textColorOn } from "./widget-config";

describe("parseWidgetConfig", () => {
  it("has defaults for everything but the key", () => {
    expect(parseWidgetConfig({ widgetKey: "k1" })).toEqual({
      config: { widgetKey: "k1", title: DEFAULT_TITLE, color: DEFAULT_COLOR, onColor: "#ffffff", position: "right", greeting: undefined, prechat: [] },
      warnings: [],
    });
  });

  it("reads colour, position, greeting, title and pre-chat fields", () => {
    const { config, warnings } = parseWidgetConfig({ widgetKey: "k1", color: "#FC0", position: " Left ", greeting: "  Hi! How can we help?  ", title: "Acme help", prechat: "name email" });
    expect(warnings).toEqual([]);
    expect(config).toEqual({ widgetKey: "k1", title: "Acme help", color: "#ffcc00", onColor: "#111827", position: "left", greeting: "Hi! How can we help?", prechat: ["name", "email"] });
  });

  it.each([
    [{ color: "red" }, 'data-color "red" ignored: expected #rgb or #rrggbb'],
    [{ color: "#12345" }, 'data-color "#12345" ignored: expected #rgb or #rrggbb'],
    [{ color: "#fff; background: url(x)" }, 'data-color "#fff; background: url(x)" ignored: expected #rgb or #rrggbb'],
    [{ position: "top" }, 'data-position "top" ignored: expected left or right'],
    [{ greeting: "   " }, 'data-greeting "   " ignored: expected 1 to 200 characters'],
    [{ greeting: "x".repeat(201) }, `data-greeting ${JSON.stringify("x".repeat(201))} ignored: expected 1 to 200 characters`],
    [{ title: "" }, 'data-title "" ignored: expected 1 to 60 characters'],
  ])("ignores %j with a warning, keeping the default", (attributes, warning) => {
    const { config, warnings } = parseWidgetConfig({ widgetKey: "k1", ...attributes });
    expect(warnings).toEqual([warning]);
    expect(config).toMatchObject({ color: DEFAULT_COLOR, position: "right", greeting: undefined, title: DEFAULT_TITLE });
  });

  it("warns about a missing widget key", () => {
    expect(parseWidgetConfig({}).warnings).toEqual(["data-widget-key is missing: the chat cannot start"]);
  });
});

describe("textColorOn", () => {
  it.each([
    ["#2563eb", "#ffffff"],
    ["#000000", "#ffffff"],
    ["#ffffff", "#111827"],
    ["#ffcc00", "#111827"],
    ["#7c3aed", "#ffffff"],
  ])("%s → %s", (color, text) => {
    expect(textColorOn(color)).toBe(text);
  });
});
