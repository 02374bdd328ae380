/** The chaos lab's checkers: pure functions over a recorded history and the final logs. */
export { formatHistory, operations, parseHistory, type Complete, type HistoryEvent, type Invoke, type NemesisEvent, type OpKind, type Operation } from './history';
export { checkLinearizable, type LinearizabilityResult } from './linearizable';
export { checkDuplicates, checkLost, checkReads, recoveryTimes, type Anomaly, type FinalLogs } from './log-checks';
