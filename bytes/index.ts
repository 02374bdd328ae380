/**
 * Binary encoding helpers shared by the layers that write bytes: log-store (keys and values) and
 * cluster (peer frames, controller commands and snapshots, record batches, partition snapshots).
 * Big-endian fixed-width fields (so LevelDB orders keys numerically), 64-bit integers as JS
 * numbers below 2^53, LEB128 varints (zigzag for signed ones). Depends on nothing of ours, so
 * any layer may import it; raft/ does not (it stays about Raft and encodes its one record, a conf
 * change, itself).
 */
export { readI64, readU64, viewOf, writeI64, writeU64 } from './int64';
export { ByteReader, BytesError } from './reader';
export { ByteWriter } from './writer';
export { unzigzag, zigzag } from './zigzag';
export { crc32c } from './crc32c';
export { patchCrc32c } from './crc32c-patch';
export { isInt32, sizeOfVarint, sizeOfVarlong, VarintReader, type VarintProblem, writeVarint, writeVarlong } from './kafka-varint';
