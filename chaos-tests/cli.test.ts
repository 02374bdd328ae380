import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Toxiproxy, type ICreateToxicBody } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openToxiproxy, ToxiproxyServer } from './index';
import { runToxiproxyCommand } from './toxiproxy/command';
import { Peer, portOf, refused, Upstream } from './toxiproxy/test-peers';

const BIN = fileURLToPath(new URL('../bin/flotilla.js', import.meta.url));

let dir: string;
let echo: Upstream;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-toxiproxy-'));
  echo = await Upstream.start();
});
afterAll(async () => {
  await echo.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the command in-process until it returns (errors) or, for a server, until `stopAfter` resolves. */
async function run(argv: string[], stopAfter?: (stdout: () => string) => Promise<void>) {
  let stdout = '';
  let stderr = '';
  const stop = new AbortController();
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
  const done = runToxiproxyCommand(argv, io, stop.signal);
  if (stopAfter) {
    await stopAfter(() => stdout);
    stop.abort();
  }
  return { code: await done, stdout, stderr };
}

describe('flotilla toxiproxy', () => {
  it('runs as a process: populates its --config, serves the API to toxiproxy-node-client, stops on SIGTERM', async () => {
    const config = join(dir, 'proxies.json');
    await writeFile(config, JSON.stringify([{ name: 'node1', listen: '127.0.0.1:0', upstream: echo.address }]));
    const child = spawn(process.execPath, [BIN, 'toxiproxy', '--port', '0', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!/^proxy node1: /m.test(stdout)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no start line: ${stdout} ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const url = /API on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)![1];
      const listen = /^proxy node1: (\S+) -> /m.exec(stdout)![1];
      const toxiproxy = new Toxiproxy(url);
      expect((await toxiproxy.get('node1')).toJson()).toEqual({ name: 'node1', listen, upstream: echo.address, enabled: true });

      const proxy = await toxiproxy.get('node1');
      await proxy.addToxic({ type: 'latency', attributes: { latency: 150, jitter: 0 } } as ICreateToxicBody<unknown>);
      const client = await Peer.connect(portOf(listen));
      const start = performance.now();
      client.socket.write('through a process');
      expect((await client.receive(17)) - start).toBeGreaterThanOrEqual(150);
      expect(client.received.toString()).toBe('through a process');

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await client.waitClosed();
      expect(await refused(portOf(listen))).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('prints its help, and refuses bad options, an unreadable or invalid config and a taken port', async () => {
    expect(await run(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: flotilla toxiproxy [options]') });
    expect(await run(['--bogus'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: Unknown option '--bogus'.*\nRun "flotilla toxiproxy --help" for usage\.\n$/s) });
    expect(await run(['--port', 'http'])).toMatchObject({ code: 1, stderr: expect.stringContaining('--port must be a port number') });
    expect(await run(['--port', '0', '--config', join(dir, 'missing.json')])).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read the config') });
    const invalid = join(dir, 'invalid.json');
    await writeFile(invalid, JSON.stringify([{ name: 'no-upstream', listen: '127.0.0.1:0' }]));
    expect(await run(['--port', '0', '--config', invalid])).toMatchObject({ code: 1, stderr: expect.stringContaining('missing required field: upstream at proxy 1') });
    const taken = await ToxiproxyServer.start({ port: 0 });
    try {
      const port = taken.address.split(':')[1];
      expect(await run(['--port', port])).toMatchObject({ code: 1, stderr: expect.stringContaining('the port is in use') });
    } finally {
      await taken.close();
    }
  });

  it('serves until stopped, then closes its proxies', async () => {
    let listen = '';
    const result = await run(['--port', '0'], async (stdout) => {
      while (!stdout().includes('API on')) await new Promise((r) => setTimeout(r, 5));
      const url = /API on (\S+)/.exec(stdout())![1];
      listen = (await new Toxiproxy(url).createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: echo.address })).listen;
    });
    expect(result.code).toBe(0);
    expect(await refused(portOf(listen))).toBe(true);
  });
});

describe('flotilla chaos', () => {
  it('runs as a process through bin/flotilla.js: --schedule prints the seed\'s schedule, bad input exits 1', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'chaos', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d));
        child.stderr.on('data', (d: Buffer) => (stderr += d));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const ok = await run(['--schedule', '--seed', '4', '--time', '30', '--nemesis', 'kill']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^seed 4: \d+ faults\n#1 (kill-one|kill-leader|kill-all|rolling-restart) at 2\.0s/);
    const bad = await run(['--nodes', 'many']);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('--nodes must be a whole number from 1 to 9, not "many"') });
  });
});

describe('openToxiproxy', () => {
  it('uses the Toxiproxy TOXIPROXY_URL names, and leaves it running', async () => {
    const real = await ToxiproxyServer.start({ port: 0 });
    try {
      const handle = await openToxiproxy({ TOXIPROXY_URL: `${real.url}/` });
      expect(handle).toMatchObject({ url: real.url, external: true });
      await handle.close();
      expect(await new Toxiproxy(handle.url).getVersion()).toContain('version');
    } finally {
      await real.close();
    }
  });

  it('without TOXIPROXY_URL, starts this fault proxy in-process on a free port', async () => {
    const handle = await openToxiproxy({});
    expect(handle.external).toBe(false);
    expect(await new Toxiproxy(handle.url).getVersion()).toContain('version');
    await handle.close();
    await expect(fetch(`${handle.url}/version`)).rejects.toThrow();
  });
});
