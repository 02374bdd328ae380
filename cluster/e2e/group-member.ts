/**
 * A consumer group member as its own process, for consumer-groups.test.ts (which SIGKILLs it).
 * Run with `node --import tsx cluster/e2e/group-member.ts`; configured by environment:
 * BROKERS (comma-separated), GROUP, TOPIC, STRATEGY, SESSION_MS, HEARTBEAT_MS, COMMIT_MS,
 * INSTANCE (static membership), NAME. Prints one JSON line per event on stdout: ready,
 * assigned / revoked / lost (with the partitions, the member id and generation, and the time),
 * rec (a record processed: partition, offset), and closed. SIGTERM closes it cleanly (commits,
 * leaves); SIGKILL is a crash.
 */
import { Flotilla, type Strategy, type TopicPartition } from '../client';

const env = process.env;
const out = (ev: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ ...ev, t: Date.now() })}\n`);

const flotilla = new Flotilla({ brokers: env.BROKERS!.split(','), clientId: env.NAME ?? 'member', requestTimeoutMs: 10_000, retry: { retries: 30, initialBackoffMs: 50, maxBackoffMs: 500 } });
const member = flotilla.consumer({
  groupId: env.GROUP!,
  groupInstanceId: env.INSTANCE || undefined,
  strategy: (env.STRATEGY ?? 'cooperative-sticky') as Strategy,
  sessionTimeoutMs: Number(env.SESSION_MS ?? 3000),
  heartbeatIntervalMs: Number(env.HEARTBEAT_MS ?? 300),
  autoCommitIntervalMs: Number(env.COMMIT_MS ?? 500),
  autoOffsetReset: 'earliest',
});
const list = (tps: TopicPartition[]) => tps.map((tp) => tp.partition).sort((a, b) => a - b);
const membership = () => member.membership();
member.on('assigned', (tps) => out({ ev: 'assigned', partitions: list(tps), holds: list(member.assignment()), ...membership() }));
member.on('revoked', (tps) => out({ ev: 'revoked', partitions: list(tps), ...membership() }));
member.on('lost', (tps) => out({ ev: 'lost', partitions: list(tps), ...membership() }));
member.on('crash', (e) => {
  out({ ev: 'crash', error: String(e) });
  process.exit(1);
});
member.subscribe({ topics: [env.TOPIC!] });
await member.run({
  eachMessage: async ({ partition, message }) => {
    out({ ev: 'rec', p: partition, o: message.offset });
  },
});
out({ ev: 'ready' });
process.on('SIGTERM', () => {
  void member
    .close()
    .then(() => flotilla.close())
    .then(() => {
      out({ ev: 'closed', ...membership() });
      process.exit(0);
    });
});
