/**
 * Reads a Prometheus text exposition with a parser nobody here wrote
 * (parse-prometheus-text-format, a port of the Prometheus Python client's parser: it
 * throws on a malformed line), and checks what it cannot: the conventions and the
 * histogram invariants.
 *
 * The library folds a histogram's samples into one bucket map and drops their labels
 * when they have any (every series here has `node` and `role`), so the samples are read
 * in a second pass over the same text with the histogram TYPE lines left out, where each
 * `_bucket`, `_sum` and `_count` is a family of its own, labels kept. It also merges
 * samples with equal labels into one, so duplicates and values are checked on the text.
 */
import parsePrometheusTextFormat from "parse-prometheus-text-format";

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  /** By sample name (`x`, or for a histogram `x_bucket`, `x_sum`, `x_count`). */
  samples: Map<string, Sample[]>;
}

export interface Exposition {
  families: Map<string, Family>;
  /** Problems the line-level checks found (duplicate series, bad values). */
  lineProblems: string[];
}

/** A float as Go's strconv.ParseFloat reads it (Prometheus's parser): `Inf` and `NaN` in any case (prom-client writes `Nan`). */
const VALUE = /^(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|[-+]?inf|nan)$/i;

export function parseExposition(text: string): Exposition {
  const declared = parsePrometheusTextFormat(text);
  const flat = parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram$/gm, ""));
  const samplesByName = new Map(flat.map((f) => [f.name, f.metrics.map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) }))]));
  const families = new Map<string, Family>();
  for (const family of declared) {
    const names = family.type === "HISTOGRAM" ? ["_bucket", "_sum", "_count"].map((s) => family.name + s) : [family.name];
    families.set(family.name, {
      name: family.name,
      help: family.help,
      type: family.type.toLowerCase() as Family["type"],
      samples: new Map(names.map((n) => [n, samplesByName.get(n) ?? []])),
    });
  }
  const lineProblems: string[] = [];
  const seen = new Set<string>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    const series = line.slice(0, at);
    if (seen.has(series)) lineProblems.push(`${series}: duplicate series`);
    seen.add(series);
    if (!VALUE.test(line.slice(at + 1))) lineProblems.push(`${series}: value ${line.slice(at + 1)} is not a number`);
  }
  return { families, lineProblems };
}

/** Everything wrong with the exposition by Prometheus's conventions; empty when it is well-formed. */
export function expositionProblems({ families, lineProblems }: Exposition): string[] {
  const problems: string[] = [...lineProblems];
  for (const family of families.values()) {
    const { name } = family;
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) problems.push(`${name}: not a valid metric name`);
    if (family.type === "untyped") problems.push(`${name}: samples without a TYPE of their own`);
    if (family.help === "") problems.push(`${name}: no HELP`);
    if (family.type === "counter" && !name.endsWith("_total")) problems.push(`${name}: a counter whose name does not end in _total`);
    if (family.type === "histogram") problems.push(...histogramProblems(family));
  }
  return problems;
}

function histogramProblems(family: Family): string[] {
  const problems: string[] = [];
  const seriesKey = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).filter(([k]) => k !== "le").sort());
  const buckets = new Map<string, Array<{ le: number; value: number }>>();
  for (const sample of family.samples.get(`${family.name}_bucket`) ?? []) {
    const le = sample.labels.le === "+Inf" ? Infinity : Number(sample.labels.le);
    const key = seriesKey(sample.labels);
    buckets.set(key, [...(buckets.get(key) ?? []), { le, value: sample.value }]);
  }
  const counts = new Map((family.samples.get(`${family.name}_count`) ?? []).map((s) => [seriesKey(s.labels), s.value]));
  const sums = new Set((family.samples.get(`${family.name}_sum`) ?? []).map((s) => seriesKey(s.labels)));
  for (const [key, list] of buckets) {
    const sorted = [...list].sort((a, b) => a.le - b.le);
    if (sorted.some((b, i) => i > 0 && b.value < sorted[i - 1]!.value)) problems.push(`${family.name}${key}: buckets are not cumulative`);
    const inf = sorted.at(-1);
    if (inf?.le !== Infinity) problems.push(`${family.name}${key}: no +Inf bucket`);
    else if (counts.get(key) !== inf.value) problems.push(`${family.name}${key}: _count is not the +Inf bucket`);
    if (!sums.has(key)) problems.push(`${family.name}${key}: no _sum`);
  }
  return problems;
}

/** The value of the one sample of `name` whose labels include `labels` (undefined if none or several). */
export function sampleValue({ families }: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const family of families.values()) {
    const samples = family.samples.get(name);
    if (samples === undefined) continue;
    const matching = samples.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    return matching.length === 1 ? matching[0]!.value : undefined;
  }
  return undefined;
}
