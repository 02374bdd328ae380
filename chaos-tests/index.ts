/**
 * The chaos lab's public face: the fault proxy, a TypeScript server of Toxiproxy 2.x's HTTP API
 * (the real Toxiproxy is a Go binary that cannot be installed here); the way the lab finds the
 * Toxiproxy to use (the one `TOXIPROXY_URL` names, or one started in this process); and the lab
 * itself (`flotilla chaos`: `runChaosCommand`, `runLab`, the schedule and the check phase), and
 * its HTML report (`renderReport`, `writeReport`, `reportFromDir`).
 */
export { TOXIPROXY_VERSION, ToxiproxyServer, type ToxiproxyServerOptions } from './toxiproxy/server';
export type { ProxyJson } from './toxiproxy/proxy';
export type { ToxicJson } from './toxiproxy/toxic';
export type { ToxicType } from './toxiproxy/toxics';
export { computeSeries, faultWindows, parseResults, renderReport, reportFromDir, writeReport, type ChaosResults, type CheckerVerdict, type FaultWindow, type RecoveryTime, type RenderOptions, type ReportAnomaly, type ReportInput, type ReportSeries } from './report';

export { openToxiproxy, type ToxiproxyHandle } from './lab/toxiproxy-handle';
export { runChaosCommand, runLab, checkRun, buildSchedule, parseNemeses, FAULTS, type LabOptions, type LabResults, type Verdict, type CheckInput } from './lab/index';
