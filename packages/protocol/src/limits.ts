/**
 * Structural bounds on every value a client sends, checked once, right after a frame is
 * decoded and before anything else (the Admin UI's packet mirror, the rate limiter, zod)
 * walks or re-encodes it. Socket.IO's encoders and most validators recurse, so a value
 * nested a few thousand deep ends a Node process with `RangeError: Maximum call stack size
 * exceeded`; a value with hundreds of thousands of members costs every later walk.
 *
 * - MAX_DEPTH: nesting of arrays and objects in one socket event's argument list (the list
 *   itself is level 1; a `publish` payload level 2, its `data` level 3). Generous on
 *   purpose: `data` at the event-data depth limit still fits, and the stack is never at risk.
 * - MAX_ELEMENTS: array items plus object members, all levels together.
 *
 * `measure(value)` walks iteratively (an explicit stack, never recursion) and stops as soon
 * as either bound is passed, so its cost is O(min(size, MAX_ELEMENTS)) whatever it is given.
 * Binary values (Buffer, ArrayBuffer, typed arrays) are leaves.
 */
export const MAX_DEPTH = 64;
export const MAX_ELEMENTS = 10_000;

export interface Bounds {
  maxDepth: number;
  maxElements: number;
}

export const DEFAULT_BOUNDS: Readonly<Bounds> = Object.freeze({ maxDepth: MAX_DEPTH, maxElements: MAX_ELEMENTS });

export type Measured =
  | { ok: true; depth: number; elements: number }
  | { ok: false; exceeded: "depth" | "elements"; message: string };

const hasOwn = Object.prototype.hasOwnProperty;

function isContainer(value: unknown): value is object {
  return typeof value === "object" && value !== null && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer);
}

/** Depth (0 for a scalar) and element count of `value`, or which bound it passes. */
export function measure(value: unknown, bounds: Readonly<Bounds> = DEFAULT_BOUNDS): Measured {
  if (!isContainer(value)) return { ok: true, depth: 0, elements: 0 };
  const tooDeep = (): Measured => ({ ok: false, exceeded: "depth", message: `nested deeper than ${bounds.maxDepth} levels` });
  const tooMany = (): Measured => ({ ok: false, exceeded: "elements", message: `more than ${bounds.maxElements} elements` });
  if (bounds.maxDepth < 1) return tooDeep();

  // Containers still to open, each with its depth. Every push is one counted element, so
  // the stack never holds more than maxElements + 1 entries.
  const pending: object[] = [value];
  const depths: number[] = [1];
  let deepest = 1;
  let elements = 0;
  while (pending.length > 0) {
    const container = pending.pop() as object;
    const depth = depths.pop() as number;
    const visit = (child: unknown): boolean => {
      elements++;
      if (elements > bounds.maxElements) return false;
      if (!isContainer(child)) return true;
      if (depth + 1 > bounds.maxDepth) return false;
      if (depth + 1 > deepest) deepest = depth + 1;
      pending.push(child);
      depths.push(depth + 1);
      return true;
    };
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) if (!visit(container[i])) return elements > bounds.maxElements ? tooMany() : tooDeep();
    } else {
      for (const key in container) {
        if (!hasOwn.call(container, key)) continue;
        if (!visit((container as Record<string, unknown>)[key])) return elements > bounds.maxElements ? tooMany() : tooDeep();
      }
    }
  }
  return { ok: true, depth: deepest, elements };
}
