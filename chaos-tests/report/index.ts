/**
 * The chaos lab's report: a self-contained HTML page (throughput and latency over time with the
 * fault windows shaded, a verdict per checker, the anomalies linked into the history, recovery
 * time per fault), and the types of results.json that it is built from beside history.jsonl.
 */
export { parseResults, REPORT_FILE, reportFromDir, writeReport } from './files';
export { renderReport, type RenderOptions, type ReportInput } from './render';
export type { ChaosResults, CheckerVerdict, FaultWindow, RecoveryTime, ReportAnomaly } from './results';
export { computeSeries, faultWindows, percentile, type LatencySeries, type PlacedFault, type ReportSeries } from './series';
