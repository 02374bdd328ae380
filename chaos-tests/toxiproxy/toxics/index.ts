/**
 * The toxic types this server knows, with their attributes as Toxiproxy 2.x names them. A toxic's
 * attributes are integers (Go int64); missing ones are 0 on creation and keep their value on update.
 */
import { StructFields } from '../decode';
import type { Pipe, ToxicStub } from '../stub';
import { BANDWIDTH_FIELDS, bandwidthPipe, type BandwidthAttributes } from './bandwidth';
import { LATENCY_FIELDS, latencyPipe, type LatencyAttributes } from './latency';
import { LIMIT_DATA_FIELDS, limitDataPipe, type LimitDataAttributes, type LimitDataState } from './limit-data';
import { noopPipe } from './noop';
import { RESET_PEER_FIELDS, resetPeerPipe, type ResetPeerAttributes } from './reset-peer';
import { SLICER_FIELDS, slicerPipe, type SlicerAttributes } from './slicer';
import { SLOW_CLOSE_FIELDS, slowClosePipe, type SlowCloseAttributes } from './slow-close';
import { TIMEOUT_FIELDS, timeoutCleanup, timeoutPipe, type TimeoutAttributes } from './timeout';

export { noopPipe };

export type ToxicSpec =
  | { type: 'latency'; attributes: LatencyAttributes }
  | { type: 'bandwidth'; attributes: BandwidthAttributes }
  | { type: 'slow_close'; attributes: SlowCloseAttributes }
  | { type: 'timeout'; attributes: TimeoutAttributes }
  | { type: 'reset_peer'; attributes: ResetPeerAttributes }
  | { type: 'slicer'; attributes: SlicerAttributes }
  | { type: 'limit_data'; attributes: LimitDataAttributes };

export type ToxicType = ToxicSpec['type'];

/** Each type's attributes in the order Toxiproxy's JSON lists them, and its Go struct's name (for errors). */
const TYPES: { [T in ToxicType]: { fields: readonly string[]; struct: string } } = {
  latency: { fields: LATENCY_FIELDS, struct: 'LatencyToxic' },
  bandwidth: { fields: BANDWIDTH_FIELDS, struct: 'BandwidthToxic' },
  slow_close: { fields: SLOW_CLOSE_FIELDS, struct: 'SlowCloseToxic' },
  timeout: { fields: TIMEOUT_FIELDS, struct: 'TimeoutToxic' },
  reset_peer: { fields: RESET_PEER_FIELDS, struct: 'ResetToxic' },
  slicer: { fields: SLICER_FIELDS, struct: 'SlicerToxic' },
  limit_data: { fields: LIMIT_DATA_FIELDS, struct: 'LimitDataToxic' },
};

export function isToxicType(type: string): type is ToxicType {
  return Object.prototype.hasOwnProperty.call(TYPES, type);
}

/**
 * The attributes of a `type` toxic read from the body's `attributes` value over `base` (all zero
 * for a new toxic, the current ones for an update). A value of the wrong type is a 400.
 */
export function parseSpec(type: ToxicType, attributes: unknown, base?: ToxicSpec): ToxicSpec {
  const { fields, struct } = TYPES[type];
  const decoded = StructFields.of(attributes, struct, 'Go struct field ToxicWrapper.attributes');
  const current = base?.type === type ? (base.attributes as unknown as Record<string, number>) : undefined;
  const values: Record<string, number> = {};
  for (const field of fields) values[field] = decoded.int(field) ?? current?.[field] ?? 0;
  return { type, attributes: values } as unknown as ToxicSpec;
}

/** The attributes as Toxiproxy's JSON shows them: every field of the type, in its order. */
export function attributesJson(spec: ToxicSpec): Record<string, number> {
  const attributes = spec.attributes as unknown as Record<string, number>;
  return Object.fromEntries(TYPES[spec.type].fields.map((f) => [f, attributes[f]]));
}

/** The behaviour of a toxic with these attributes. */
export function pipeOf(spec: ToxicSpec): Pipe {
  switch (spec.type) {
    case 'latency':
      return latencyPipe(spec.attributes);
    case 'bandwidth':
      return bandwidthPipe(spec.attributes);
    case 'slow_close':
      return slowClosePipe(spec.attributes);
    case 'timeout':
      return timeoutPipe(spec.attributes);
    case 'reset_peer':
      return resetPeerPipe(spec.attributes);
    case 'slicer':
      return slicerPipe(spec.attributes);
    case 'limit_data':
      return limitDataPipe(spec.attributes);
    default:
      return assertNever(spec);
  }
}

/** A stateful toxic's fresh per-connection state (Toxiproxy's StatefulToxic.NewState). */
export function newState(spec: ToxicSpec): unknown {
  if (spec.type === 'limit_data') return { transmitted: 0 } satisfies LimitDataState;
  return undefined;
}

/** What removing the toxic does to a live connection besides unlinking it (Toxiproxy's CleanupToxic). */
export function cleanupOf(spec: ToxicSpec): ((stub: ToxicStub) => void) | undefined {
  return spec.type === 'timeout' ? timeoutCleanup : undefined;
}

function assertNever(value: never): never {
  throw new Error(`unknown toxic ${JSON.stringify(value)}`);
}
