import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCommand } from './args';
import { COMMANDS } from './commands';
import { parsePeers, startOptions } from './start';

const root = fileURLToPath(new URL('../../', import.meta.url));
const composeFile = `${root}docker-compose.yml`;

/** Compose v1 validates a file without a Docker engine; .ci/run installs it. */
function dockerCompose(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const probe = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error(
      'docker-compose (compose v1) is not installed, so docker-compose.yml cannot be validated. ' +
        'Install it with: apt-get update && apt-get install -y --no-install-recommends docker-compose (.ci/run does this).',
    );
  }
  const r = spawnSync('docker-compose', ['-f', composeFile, ...args], { encoding: 'utf8', cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The `command:` list of one service, read from the compose file as docker-compose normalises it. */
function nodeCommand(service: string): string[] {
  const yaml = execFileSync('docker-compose', ['-f', composeFile, 'config'], { encoding: 'utf8', cwd: root });
  const lines = yaml.split('\n');
  const start = lines.findIndex((l) => l === `  ${service}:`);
  const args: string[] = [];
  let inCommand = false;
  for (const line of lines.slice(start + 1)) {
    if (/^ {2}\S/.test(line) || /^\S/.test(line)) break;
    if (/^ {4}command:/.test(line)) {
      inCommand = true;
      continue;
    }
    if (inCommand && /^ {4}- /.test(line)) args.push(line.replace(/^ {4}- /, '').replace(/^'(.*)'$/, '$1'));
    else if (inCommand && /^ {4}\S/.test(line)) break;
  }
  return args;
}

describe('docker-compose.yml', () => {
  it('is a valid compose file', () => {
    const r = dockerCompose(['config', '-q']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(dockerCompose(['config', '--services']).stdout.trim().split('\n').sort()).toEqual(['node1', 'node2', 'node3', 'toxiproxy', 'toxiproxy-setup']);
  });

  it('every node starts with valid arguments, and reaches every other node only through its own toxiproxy link', () => {
    const start = COMMANDS.find((c) => c.name === 'start')!;
    for (const i of [1, 2, 3]) {
      const argv = nodeCommand(`node${i}`);
      expect(argv[0]).toBe('start');
      const options = startOptions(parseCommand(start, argv.slice(1), {}).values, '/');
      expect(options.nodeId).toBe(i);
      expect(options.advertisedAddress).toBe(`127.0.0.1:700${i}`);
      const peers = parsePeers(argv.find((a) => a.startsWith('--peers='))!.slice('--peers='.length));
      expect(peers.map((p) => p.id)).toEqual([1, 2, 3]);
      for (const p of peers) expect(p.address).toBe(p.id === i ? `node${i}:7101` : `toxiproxy:170${i}${p.id}`);
    }
  });

  it('toxiproxy-setup creates exactly the proxies the nodes dial, each to the right upstream', async () => {
    // Run the service's script against a local stand-in for Toxiproxy's /populate endpoint.
    const raw = readFileSync(composeFile, 'utf8').split('\n');
    const at = raw.findIndex((l) => l === '  toxiproxy-setup:');
    const scriptStart = raw.findIndex((l, k) => k > at && l.trim() === '- |') + 1;
    const indent = raw[scriptStart].length - raw[scriptStart].trimStart().length;
    const body: string[] = [];
    for (const line of raw.slice(scriptStart)) {
      if (line.trim() !== '' && line.length - line.trimStart().length < indent) break;
      body.push(line.slice(indent));
    }
    let posted: unknown;
    const server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        posted = { method: req.method, url: req.url, proxies: JSON.parse(data) };
        res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const script = body.join('\n').replace('http://toxiproxy:8474', `http://127.0.0.1:${port}`);
    const code = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' }).on('exit', resolve);
    });
    server.close();
    expect(code).toBe(0);
    const { method, url, proxies } = posted as { method: string; url: string; proxies: Array<{ name: string; listen: string; upstream: string }> };
    expect([method, url]).toEqual(['POST', '/populate']);
    const expected = [1, 2, 3].flatMap((i) =>
      [1, 2, 3].filter((j) => j !== i).map((j) => ({ name: `node${i}_to_node${j}`, listen: `0.0.0.0:170${i}${j}`, upstream: `node${j}:7101`, enabled: true })),
    );
    expect(proxies).toEqual(expected);
  });
});
