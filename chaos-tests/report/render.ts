/**
 * The lab's report: one self-contained HTML file (the chart library, its stylesheet, the page's
 * script and the data are all inline; a Content-Security-Policy forbids every fetch), computed from
 * a run's history and results. User data reaches the page only escaped (escape.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { HistoryEvent } from '../checker';
import { escapeHtml as esc, jsonForScript } from './escape';
import type { ChaosResults, CheckerVerdict, ReportAnomaly } from './results';
import { computeSeries, type ReportSeries } from './series';

export interface ReportInput {
  /** The events of history.jsonl, in file order (line N is history[N - 1]). */
  history: readonly HistoryEvent[];
  results: ChaosResults;
}

export interface RenderOptions {
  /** A history of at most this many lines is embedded whole; a longer one as the lines anomalies and faults point at, with context. Default 5000. */
  fullHistoryLines?: number;
  /** Anomalies listed in the page (all of them stay in results.json). Default 1000. */
  maxAnomalies?: number;
}

/** Lines of context shown around each line an anomaly points at, in an excerpt. */
const CONTEXT = 2;
const KIND_COLORS = ['#1565c0', '#2e7d32', '#6a1b9a', '#00838f', '#ad1457', '#5d4037', '#558b2f', '#283593'];
/** Translucent, so overlapping windows stay visible; one per fault name, in order of first appearance. */
const FAULT_COLORS = [
  ['rgba(229,57,53,0.16)', '#b71c1c'],
  ['rgba(30,136,229,0.16)', '#0d47a1'],
  ['rgba(253,216,53,0.30)', '#8d6e00'],
  ['rgba(142,36,170,0.16)', '#4a148c'],
  ['rgba(67,160,71,0.18)', '#1b5e20'],
  ['rgba(255,112,67,0.20)', '#bf360c'],
  ['rgba(0,172,193,0.18)', '#006064'],
  ['rgba(121,85,72,0.18)', '#3e2723'],
];

export function renderReport(input: ReportInput, options: RenderOptions = {}): string {
  const { history, results } = input;
  const series = computeSeries(history, results.faults);
  const faultColor = new Map<string, string[]>();
  for (const f of results.faults) if (!faultColor.has(f.fault)) faultColor.set(f.fault, FAULT_COLORS[faultColor.size % FAULT_COLORS.length]);
  const kindColors = Object.fromEntries(series.kinds.map((k, i) => [k, KIND_COLORS[i % KIND_COLORS.length]]));
  const chartData = {
    seconds: series.seconds,
    durationS: series.durationS,
    kinds: series.kinds,
    kindColors,
    ok: series.ok,
    okByKind: series.okByKind,
    fail: series.fail,
    info: series.info,
    latency: series.latency,
    latencyByKind: series.latencyByKind,
    faults: series.faults.map((f) => ({ fault: f.fault, startS: f.startS, endS: f.endS, color: faultColor.get(f.fault)![0], label: faultColor.get(f.fault)![1] })),
  };

  const lib = chartLibrary();
  const pageScript = readFileSync(new URL('./page-script.js', import.meta.url), 'utf8');
  assertInlineable('page-script.js', pageScript);
  // Only these two scripts may run: an injected handler or script would be refused even if escaping failed.
  // (Made of fixed words and base64 hashes: nothing in it needs escaping.)
  const csp = [
    "default-src 'none'",
    `script-src ${[lib.js, pageScript].map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`).join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
  ].join('; ');

  const failed = results.verdicts.filter((v) => !v.ok && !v.unknown);
  const unknown = results.verdicts.filter((v) => v.unknown);
  const overall = failed.length
    ? ['fail', `${failed.length} checker${failed.length > 1 ? 's' : ''} failed`]
    : unknown.length
      ? ['unknown', 'not proven: a checker ran out of budget']
      : results.verdicts.length
        ? ['ok', 'every checker passed']
        : ['unknown', 'no checker ran'];
  const at = (t: number) => ((t - series.t0) / 1000).toFixed(3);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flotilla chaos report, seed ${esc(results.seed)}</title>
<style>${lib.css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>Flotilla chaos report</h1>
<p class="overall ${overall[0]}">${esc(overall[1])}</p>
<dl class="facts">
<dt>seed</dt><dd>${esc(results.seed)}</dd>
<dt>nemeses</dt><dd>${esc(results.nemeses.join(', ') || 'none')}</dd>
${results.reproduce === undefined ? '' : `<dt>replay</dt><dd><code>${esc(results.reproduce)}</code></dd>`}
<dt>duration</dt><dd>${series.durationS.toFixed(1)} s</dd>
<dt>operations</dt><dd>${series.totals.ok} ok, ${series.totals.fail} failed, ${series.totals.info} unknown, ${series.totals.unfinished} unfinished</dd>
<dt>faults</dt><dd>${results.faults.length}</dd>
</dl>
</header>
<section id="verdicts"><h2>Verdicts</h2>${verdictTable(results.verdicts)}</section>
<section id="charts">
<h2>Throughput</h2>
<p class="note">Operations completed per second, by the second they completed in; fault windows shaded. Click a legend entry to hide or show its line.</p>
<div id="chart-throughput" class="chart"></div>
<h2>Latency</h2>
<p class="note">p50 and p99 of the operations that completed ok in each second, in ms (per kind p50s are hidden at first).</p>
<div id="chart-latency" class="chart"></div>
</section>
<section id="faults"><h2>Faults</h2>${faultTable(series, faultColor, at)}</section>
<section id="recovery"><h2>Recovery time per fault</h2>${recoveryTable(results, at)}</section>
<section id="anomalies"><h2>Anomalies</h2>${anomalyTable(results.verdicts, history, options.maxAnomalies ?? 1000)}</section>
<section id="history"><h2>History</h2>${historySection(history, results.verdicts, options.fullHistoryLines ?? 5000, options.maxAnomalies ?? 1000, at)}</section>
<script type="application/json" id="report-data">${jsonForScript(chartData)}</script>
<script>${lib.js}</script>
<script>${pageScript}</script>
</body>
</html>
`;
}

function verdictTable(verdicts: readonly CheckerVerdict[]): string {
  if (verdicts.length === 0) return '<p class="note">No checker ran.</p>';
  const rows = verdicts.map((v) => {
    const [cls, word] = v.unknown ? ['unknown', 'unknown'] : v.ok ? ['ok', 'ok'] : ['fail', 'FAILED'];
    return `<tr><td>${esc(v.checker)}</td><td class="${cls}">${word}</td><td class="num">${v.anomalies.length}</td><td class="detail">${esc(v.summary ?? '')}</td></tr>`;
  });
  return `<table class="verdicts"><thead><tr><th>checker</th><th>verdict</th><th>anomalies</th><th>summary</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function faultTable(series: ReportSeries, colors: Map<string, string[]>, at: (t: number) => string): string {
  if (series.faults.length === 0) return '<p class="note">No fault was applied.</p>';
  const rows = series.faults.map(
    (f) =>
      `<tr><td><span class="swatch" style="background:${colors.get(f.fault)![0]};border-color:${colors.get(f.fault)![1]}"></span>${esc(f.fault)}</td><td>${esc(f.detail ?? '')}</td><td class="num">${at(f.start)}</td><td class="num">${f.end === null ? 'still active at the end' : at(f.end)}</td><td class="num">${(f.endS - f.startS).toFixed(3)}</td></tr>`,
  );
  return `<table><thead><tr><th>fault</th><th>detail</th><th>start, s</th><th>end, s</th><th>duration, s</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function recoveryTable(results: ChaosResults, at: (t: number) => string): string {
  if (results.recovery.length === 0) return '<p class="note">No fault ended, so no recovery was measured.</p>';
  const rows = results.recovery.map((r) => {
    const ms = r.recoveryMs;
    const cell = typeof ms === 'number' ? `<td class="num">${ms.toFixed(0)}</td>` : '<td class="fail">writes did not succeed again before the run ended</td>';
    return `<tr><td>${esc(r.fault)}</td><td>${esc(r.detail ?? '')}</td><td class="num">${at(r.endedAt)}</td>${cell}</tr>`;
  });
  return `<p class="note">From the end of the fault to the first acknowledged write invoked after it (the slowest partition counts).</p><table><thead><tr><th>fault</th><th>detail</th><th>ended at, s</th><th>recovery, ms</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** For each history line, the other line of its operation (invocation <-> completion), 1-based. */
function partners(history: readonly HistoryEvent[]): Map<number, number> {
  const out = new Map<number, number>();
  const open = new Map<number, number>();
  history.forEach((e, i) => {
    if (e.type === 'nemesis') return;
    if (e.type === 'invoke') open.set(e.process, i + 1);
    else {
      const inv = open.get(e.process);
      open.delete(e.process);
      if (inv !== undefined) {
        out.set(inv, i + 1);
        out.set(i + 1, inv);
      }
    }
  });
  return out;
}

function listedAnomalies(verdicts: readonly CheckerVerdict[], max: number): Array<{ verdict: CheckerVerdict; anomaly: ReportAnomaly }> {
  const out: Array<{ verdict: CheckerVerdict; anomaly: ReportAnomaly }> = [];
  for (const verdict of verdicts) for (const anomaly of verdict.anomalies) if (out.length < max) out.push({ verdict, anomaly });
  return out;
}

function anomalyTable(verdicts: readonly CheckerVerdict[], history: readonly HistoryEvent[], max: number): string {
  const total = verdicts.reduce((n, v) => n + v.anomalies.length, 0);
  if (total === 0) return '<p class="note">None.</p>';
  const pair = partners(history);
  const link = (line: number) => {
    if (!Number.isInteger(line) || line < 1 || line > history.length) return `<span class="fail">line ${esc(line)} (not in the history)</span>`;
    const other = pair.get(line);
    const own = `<a href="#L${line}">${line}</a> ${esc(history[line - 1].type)}`;
    return other === undefined ? own : `${own} (${esc(history[other - 1].type)}: <a href="#L${other}">${other}</a>)`;
  };
  const rows = listedAnomalies(verdicts, max).map(({ verdict, anomaly }, i) => {
    const lines = anomaly.lines.length ? anomaly.lines.map(link).join('<br>') : '<span class="note">none</span>';
    return `<tr id="A${i + 1}"><td>${esc(verdict.checker)}</td><td>${esc(anomaly.checker ?? '')}</td><td class="num">${esc(anomaly.partition ?? '')}</td><td class="detail">${esc(anomaly.message)}</td><td class="lines">${lines}</td></tr>`;
  });
  const more = total > max ? `<p class="note">${total - max} more anomalies are in results.json.</p>` : '';
  return `<table class="anomalies"><thead><tr><th>checker</th><th>class</th><th>partition</th><th>anomaly</th><th>history lines</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}`;
}

function historySection(history: readonly HistoryEvent[], verdicts: readonly CheckerVerdict[], fullLines: number, maxAnomalies: number, at: (t: number) => string): string {
  const pair = partners(history);
  let shown: number[];
  let note: string;
  if (history.length <= fullLines) {
    shown = history.map((_, i) => i + 1);
    note = `All ${history.length} lines of history.jsonl.`;
  } else {
    // Too long to embed whole: the lines anomalies point at, their operations' other lines,
    // a little context, and every fault boundary.
    const want = new Set<number>();
    history.forEach((e, i) => e.type === 'nemesis' && want.add(i + 1));
    for (const { anomaly } of listedAnomalies(verdicts, maxAnomalies)) {
      for (const line of anomaly.lines) {
        if (!Number.isInteger(line) || line < 1 || line > history.length) continue;
        for (let l = Math.max(1, line - CONTEXT); l <= Math.min(history.length, line + CONTEXT); l++) want.add(l);
        const other = pair.get(line);
        if (other !== undefined) want.add(other);
      }
    }
    shown = [...want].sort((a, b) => a - b);
    note = `${shown.length} of the ${history.length} lines of history.jsonl: those the anomalies point at (with ${CONTEXT} lines around each and the other line of their operation) and the fault boundaries.`;
  }
  const rows: string[] = [];
  let prev = 0;
  for (const line of shown) {
    if (line > prev + 1) rows.push(`<tr class="gap"><td colspan="4">${line - prev - 1} lines not shown</td></tr>`);
    const e = history[line - 1];
    const other = pair.get(line);
    rows.push(
      `<tr id="L${line}" class="ev-${esc(e.type)}"${other === undefined ? '' : ` data-pair="${other}"`}><td class="num"><a href="#L${line}">${line}</a></td><td class="num">${Number.isFinite(e.time) ? at(e.time) : ''}</td><td>${esc(e.type)}</td><td><code>${esc(JSON.stringify(e))}</code></td></tr>`,
    );
    prev = line;
  }
  if (prev < history.length) rows.push(`<tr class="gap"><td colspan="4">${history.length - prev} lines not shown</td></tr>`);
  return `<p class="note">${note} Times are seconds since the first event.</p><table class="history"><thead><tr><th>line</th><th>time, s</th><th>event</th><th>JSON</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

let cachedLibrary: { js: string; css: string } | undefined;

/** uPlot's browser build and stylesheet, from the installed package (read once per process). */
function chartLibrary(): { js: string; css: string } {
  if (!cachedLibrary) {
    const require = createRequire(import.meta.url);
    const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
    assertInlineable('uPlot.iife.min.js', js);
    assertInlineable('uPlot.min.css', css);
    cachedLibrary = { js, css };
  }
  return cachedLibrary;
}

/** Code inlined in a script or style element must not contain what ends it early. */
function assertInlineable(name: string, text: string): void {
  if (/<\/(script|style)|<!--/i.test(text)) throw new Error(`${name} contains "</script", "</style" or "<!--" and cannot be inlined in the report as it is`);
}

const PAGE_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; padding: 0 24px 48px; max-width: 1200px; color: #222; }
h1 { margin: 24px 0 4px; } h2 { margin: 28px 0 8px; font-size: 18px; }
.overall { font-size: 18px; font-weight: 600; padding: 6px 12px; border-radius: 4px; display: inline-block; }
.overall.ok { background: #e8f5e9; } .overall.fail { background: #ffebee; } .overall.unknown { background: #fff8e1; }
td.ok { color: #2e7d32; font-weight: 600; } td.fail, span.fail { color: #c62828; font-weight: 600; } td.unknown { color: #ef6c00; font-weight: 600; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
.facts dt { color: #666; } .facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #e0e0e0; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #fafafa; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.detail { white-space: pre-wrap; word-break: break-word; }
.note { color: #666; }
.chart { width: 100%; min-height: 320px; }
.swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid; margin-right: 6px; vertical-align: -1px; }
table.history code { white-space: pre-wrap; word-break: break-all; font-size: 12px; }
tr.ev-nemesis { background: #fff3e0; } tr.ev-fail td:nth-child(3) { color: #c62828; } tr.ev-info td:nth-child(3) { color: #ef6c00; }
tr.gap td { color: #999; font-style: italic; text-align: center; }
/* A jump to a line leaves the lines before it in view. */
table.history tr { scroll-margin-top: 30vh; }
tr:target { background: #fff59d; outline: 2px solid #f9a825; } tr.pair { background: #fffde7; outline: 1px dashed #f9a825; }
`;
