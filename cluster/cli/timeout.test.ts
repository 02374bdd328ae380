/**
 * Every CLI command has a deadline (--timeout, default 30 s): it waits out an election within it,
 * and past it ends with exit code 1 and a message saying what was not known and whether the
 * outcome is unknown.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlotillaHandlers, loadFlotillaProto } from '../../proto/load';
import { FlotillaError } from '../client';
import { FakeCluster } from '../client/test-broker';
import { COMMANDS } from './commands';
import { DEFAULT_TIMEOUT_MS, parseCommand, parseDuration, UsageError } from './args';
import { produceFailure } from './produce';
import { runCliCaptured } from './run-captured';

let cluster: FakeCluster;

beforeAll(async () => {
  cluster = await FakeCluster.start(2);
});
afterAll(async () => {
  await cluster.stop();
});

async function cli(argv: string[], stdin = '') {
  const started = Date.now();
  const run = await runCliCaptured(argv, cluster.addresses, { stdin });
  return { ...run, elapsedMs: Date.now() - started };
}

describe('--timeout', () => {
  it('every command takes it: a duration such as 30s, 500ms or 2m; 30 s by default', () => {
    for (const c of COMMANDS) expect(parseCommand(c, ['--timeout', '2m'], {}).timeoutMs, c.name).toBe(120_000);
    expect(parseCommand(COMMANDS[0], [], {}).timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
    expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
    expect(parseDuration('500ms', '--timeout')).toBe(500);
    expect(parseDuration('1.5', '--timeout')).toBe(1500);
    for (const bad of ['', 'soon', '0', '-1s', '10x', '25h']) expect(() => parseDuration(bad, '--timeout', 'consume'), bad).toThrow(UsageError);
  });
});

describe('commands wait out an election within their deadline', () => {
  it('consume right after a restart (no leader yet) prints the records once a leader is elected', async () => {
    const t = cluster.createTopic('elected', 1, 0);
    cluster.appendValues('elected', 0, ['a', 'b']);
    setTimeout(() => (t.partitions[0].leader = 2), 500);
    const r = await cli(['consume', '-t', 'elected', '--timeout', '10s']);
    expect(r).toMatchObject({ code: 0, stdout: 'a\nb\n', stderr: '' });
  });

  it('consume of a partition that never gets a leader ends at --timeout saying so', async () => {
    cluster.createTopic('leaderless', 1, 0);
    const r = await cli(['consume', '-t', 'leaderless', '--timeout', '1s']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: no leader for topic leaderless partition 0 after 1\.\d s \(\d+ attempts; last error: /);
    expect(r.stderr).not.toMatch(/outcome unknown/);
    expect(r.elapsedMs).toBeLessThan(10_000);
  });

  it('produce to a partition that never gets a leader ends at --timeout: exit 1, every record "not written" (none was ever sent)', async () => {
    cluster.createTopic('stuck', 1, 0);
    const r = await cli(['produce', '-t', 'stuck', '--timeout', '1s', 'a', 'b', 'c']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: 3 record\(s\) for topic stuck partition 0 were not acknowledged within the delivery timeout \(1000 ms\); the last attempt failed with NO_LEADER/);
    expect(r.stderr).toContain('0 of 3 record(s) acknowledged, 3 not written');
    expect(r.stderr).not.toContain('outcome unknown');
    expect(r.elapsedMs).toBeLessThan(10_000);
  });

  it('produce whose records reach a broker that never answers ends at --timeout: exit 1, outcome unknown for every record', async () => {
    cluster.createTopic('unanswered', 1, 1);
    cluster.produceFault = (call) => (call.request.topic === 'unanswered' ? 'drop' : undefined);
    try {
      const r = await cli(['produce', '-t', 'unanswered', '--timeout', '1s', 'a', 'b', 'c']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('0 of 3 record(s) acknowledged; outcome unknown for 3 record(s): they may or may not be in the log');
      expect(r.elapsedMs).toBeLessThan(10_000);
    } finally {
      cluster.produceFault = () => undefined;
    }
  });
});

describe('what a failed produce reports', () => {
  const error = (outcomeUnknown: boolean) =>
    new FlotillaError('NO_LEADER', 14, 'no leader for topic t partition 0 after 30.0 s', { topic: 't', partition: 0, outcomeUnknown });

  it('records refused for certain are "not written"; those whose error says so, or that got no answer, are "outcome unknown"', () => {
    expect(produceFailure({ topic: 't', sent: 5, acknowledged: 2, failures: [error(false)], unanswered: undefined, timeoutMs: 30_000 })).toBe(
      'no leader for topic t partition 0 after 30.0 s\n2 of 5 record(s) acknowledged, 1 not written',
    );
    expect(produceFailure({ topic: 't', sent: 5, acknowledged: 1, failures: [error(true), error(false)], unanswered: 2, timeoutMs: 30_000 })).toBe(
      '2 record(s) to topic t not acknowledged within 30 s (--timeout); first error: no leader for topic t partition 0 after 30.0 s\n' +
        '1 of 5 record(s) acknowledged, 1 not written; outcome unknown for 3 record(s): they may or may not be in the log',
    );
  });

  it('a topic create that gets no answer by --timeout says "outcome unknown"; one refused at connect does not', async () => {
    const silent = new grpc.Server();
    silent.addService(loadFlotillaProto().Flotilla.service, { CreateTopic: () => undefined } as unknown as FlotillaHandlers);
    const port = await new Promise<number>((resolve, reject) =>
      silent.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    try {
      const r = await cli(['topic', 'create', 'ghost', '-r', '1', '--brokers', `127.0.0.1:${port}`, '--timeout', '1s']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('outcome unknown');
    } finally {
      silent.forceShutdown();
    }
    const refused = await cli(['topic', 'create', 'ghost', '-r', '1', '--brokers', `127.0.0.1:${port}`, '--timeout', '300ms']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).not.toContain('outcome unknown');
  });
});
