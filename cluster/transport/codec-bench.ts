/**
 * Micro-benchmark of the peer frame codec: `npx tsx cluster/transport/codec-bench.ts`.
 * Prints the time to encode and decode one frame of 1,000 append messages (one 1 KiB entry each,
 * spread over 1,000 groups) and the size of a frame of idle-group heartbeats.
 */
import { EntryType, type Message } from '../../raft';
import { decodeRaftFrame, encodeRaftFrame, type GroupMessage } from './codec';

function appendBatch(messages: number, entryBytes: number): GroupMessage[] {
  const data = new Uint8Array(entryBytes).map((_, i) => i & 0xff);
  const out: GroupMessage[] = [];
  for (let g = 1; g <= messages; g++) {
    const prevIndex = 1_000_000 + g;
    const m: Message = {
      type: 'append', from: 1, to: 2, term: 7, prevIndex, prevTerm: 7, commit: prevIndex,
      entries: [{ term: 7, index: prevIndex + 1, type: EntryType.Normal, data }],
    };
    out.push({ group: g, message: m });
  }
  return out;
}

function time(rounds: number, fn: () => void): number {
  for (let i = 0; i < Math.min(50, rounds); i++) fn(); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / rounds;
}

const batch = appendBatch(1000, 1024);
const frame = encodeRaftFrame(batch);
const rounds = 300;
const encMs = time(rounds, () => encodeRaftFrame(batch));
const decMs = time(rounds, () => decodeRaftFrame(frame));
const mb = frame.length / 1e6;
console.log(`append frame: 1000 messages x 1 KiB entry = ${frame.length} bytes (${(frame.length / 1000 - 1024).toFixed(1)} bytes overhead per message)`);
console.log(`  encode ${encMs.toFixed(3)} ms/frame (${(mb / (encMs / 1000)).toFixed(0)} MB/s, ${Math.round(1000 / (encMs / 1000))} messages/s)`);
console.log(`  decode ${decMs.toFixed(3)} ms/frame (${(mb / (decMs / 1000)).toFixed(0)} MB/s, ${Math.round(1000 / (decMs / 1000))} messages/s)`);
console.log(`  round trip ${(encMs + decMs).toFixed(3)} ms/frame`);

const idle: GroupMessage[] = [];
for (let g = 1; g <= 10_000; g++) idle.push({ group: g, message: { type: 'heartbeat', from: 1, to: 2, term: 4, commit: 250_000, readRound: 0 } });
const hb = encodeRaftFrame(idle);
const hbMs = time(100, () => decodeRaftFrame(encodeRaftFrame(idle)));
console.log(`heartbeat frame: 10000 idle groups = ${hb.length} bytes (${(hb.length / 10_000).toFixed(1)} bytes/group), encode+decode ${hbMs.toFixed(3)} ms`);
