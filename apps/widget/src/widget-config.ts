/**
 * The widget's settings, read once from its script tag's `data-` attributes (docs/widget.md):
 *
 * | attribute | value | default |
 * | --- | --- | --- |
 * | `data-widget-key` | the tenant's widget key | (required by the gateway) |
 * | `data-title` | the panel's heading, 1–60 characters | "Support" |
 * | `data-color` | the theme colour, `#rgb` or `#rrggbb` | #2563eb |
 * | `data-position` | `left` or `right` corner | right |
 * | `data-greeting` | the first line in the panel, 1–200 characters | none |
 * | `data-prechat` | "name email", "name", "email" (widget-visitor.ts) | no form |
 *
 * A bad value never stops the widget: it is ignored (the default applies) and named in a
 * warning that the loader writes to the console. Pure: no DOM, no console; the loader
 * (widget-loader.ts) reports the warnings, the app (widget.ts) reads the result.
 */
import { prechatFields } from "./widget-visitor";
import type { PrechatField } from "./widget-view";

export const WIDGET_POSITIONS = ["left", "right"] as const;
export type WidgetPosition = (typeof WIDGET_POSITIONS)[number];

export const DEFAULT_COLOR = "#2563eb";
export const DEFAULT_TITLE = "Support";
export const MAX_TITLE_LENGTH = 60;
export const MAX_GREETING_LENGTH = 200;
const COLOR_PATTERN = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

export interface WidgetConfig {
  widgetKey: string;
  title: string;
  /** The theme colour (`#rrggbb`) and the text colour that reads on it. */
  color: string;
  onColor: string;
  position: WidgetPosition;
  greeting: string | undefined;
  prechat: PrechatField[];
}

export interface ParsedWidgetConfig {
  config: WidgetConfig;
  /** One line per ignored attribute, e.g. `data-color "red" ignored: …`. */
  warnings: string[];
}

/** `#abc` → `#aabbcc`, lower case. */
function longHex(color: string): string {
  const hex = color.slice(1).toLowerCase();
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex}`;
}

/** Dark text on a light colour, white on a dark one (WCAG relative luminance). */
export function textColorOn(color: string): string {
  const hex = longHex(color);
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with white (1.05 / (L + .05)) against contrast with #111827 (L ≈ .012).
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.062 ? "#ffffff" : "#111827";
}

/** Reads the script tag's dataset; every value is untrusted (it is the host page's markup). */
export function parseWidgetConfig(dataset: Readonly<Record<string, string | undefined>>): ParsedWidgetConfig {
  const warnings: string[] = [];
  const ignored = (attribute: string, value: string, expected: string): void => {
    warnings.push(`data-${attribute} ${JSON.stringify(value)} ignored: expected ${expected}`);
  };
  const text = (attribute: string, value: string | undefined, max: number): string | undefined => {
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    if (trimmed.length >= 1 && trimmed.length <= max) return trimmed;
    ignored(attribute, value, `1 to ${max} characters`);
    return undefined;
  };

  let color = DEFAULT_COLOR;
  if (dataset.color !== undefined) {
    if (COLOR_PATTERN.test(dataset.color.trim())) color = longHex(dataset.color.trim());
    else ignored("color", dataset.color, "#rgb or #rrggbb");
  }
  let position: WidgetPosition = "right";
  if (dataset.position !== undefined) {
    const value = dataset.position.trim().toLowerCase();
    if ((WIDGET_POSITIONS as readonly string[]).includes(value)) position = value as WidgetPosition;
    else ignored("position", dataset.position, WIDGET_POSITIONS.join(" or "));
  }
  const config: WidgetConfig = {
    widgetKey: dataset.widgetKey ?? "",
    title: text("title", dataset.title, MAX_TITLE_LENGTH) ?? DEFAULT_TITLE,
    color,
    onColor: textColorOn(color),
    position,
    greeting: text("greeting", dataset.greeting, MAX_GREETING_LENGTH),
    prechat: prechatFields(dataset.prechat),
  };
  if (config.widgetKey.length === 0) warnings.push("data-widget-key is missing: the chat cannot start");
  return { config, warnings };
}
