/** The chaos lab: clusters under scheduled faults, a recorded workload, and the check of it all. */
export { runChaosCommand, parseChaosOptions, reproduceCommand, CHAOS_HELP, type ChaosOptions } from './command';
export { runLab, validateLabOptions, type LabOptions, type LabRun } from './run';
export { checkRun, checkReplicas, checkLinearizableWindows, CHECKERS, type CheckInput, type CheckResult, type Verdict } from './check';
export { buildSchedule, parseNemeses, FAULTS, FAULT_KINDS, FAMILIES, NAMED_ONLY, type FaultKind, type ScheduledFault } from './schedule';
export type { LabResults, SecondSample } from './results';
export { openToxiproxy, type ToxiproxyHandle } from './toxiproxy-handle';
