import { describe, expect, it } from 'vitest';
import { parseChaosOptions, reproduceCommand, runChaosCommand } from './command';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
  const code = await runChaosCommand(argv, io, new AbortController().signal, env);
  return { code, stdout, stderr };
}

describe('flotilla chaos: options', () => {
  it('prints its help, listing every fault', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: flotilla chaos [options]');
    for (const f of ['isolate-leader', 'client-cut-leader', 'pause-minority-kill', 'truncate-wal', 'restore-older', 'clock-slow']) expect(r.stdout).toContain(f);
  });

  it('report: takes exactly one run directory, and names what is missing in it', async () => {
    let out = '';
    const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (out += t) } };
    expect(await runChaosCommand(['report'], io, new AbortController().signal, {})).toBe(1);
    expect(out).toMatch(/takes one run directory/);
    out = '';
    expect(await runChaosCommand(['report', '/nonexistent-run-dir'], io, new AbortController().signal, {})).toBe(1);
    expect(out).toMatch(/^error: .*nonexistent-run-dir/);
  });

  it('refuses bad input with a clear message and exit code 1', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--bogus'], /Unknown option '--bogus'/],
      [['--time', 'soon'], /--time must be a number of seconds above 0, not "soon"/],
      [['--nodes', '0'], /--nodes must be a whole number from 1 to 9, not "0"/],
      [['--seed', '3x'], /--seed must be a whole number from 0 to 4294967295, not "3x"/],
      [['--hold', '9-3'], /--hold 9-3: the maximum is below the minimum/],
      [['--gap', 'x'], /--gap must be seconds or MIN-MAX seconds/],
      [['--nemesis', 'kill,flood'], /--nemesis: unknown "flood"/],
      [['extra'], /unexpected argument "extra"/],
      [['--brokers', '127.0.0.1:7001'], /--brokers needs --toxiproxy URL/],
      [['--brokers', 'nowhere', '--toxiproxy', 'http://127.0.0.1:8474'], /--brokers must be HOST:PORT,\.\.\./],
      [['--brokers', '127.0.0.1:7001', '--toxiproxy', 'http://127.0.0.1:8474', '--nemesis', 'partition,kill'], /kill-one, kill-leader, kill-all, rolling-restart need the lab to run the nodes itself/],
      [['--brokers', '127.0.0.1:7001', '--toxiproxy', 'http://127.0.0.1:8474', '--nodes', '5'], /--nodes is for the lab's own cluster/],
      [['--toxiproxy', '127.0.0.1:8474'], /--toxiproxy must be an http:\/\/ URL/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr, argv.join(' ')).toMatch(message);
      expect(r.stderr).toContain('Run "flotilla chaos --help" for usage.');
    }
  });

  it('against --brokers, network faults are the default (but client-cut-leader: docker-compose.yml does not proxy clients); TOXIPROXY_URL stands for --toxiproxy', () => {
    const o = parseChaosOptions(['--brokers', '127.0.0.1:7001,127.0.0.1:7002'], { TOXIPROXY_URL: 'http://127.0.0.1:8474' });
    expect(o).toMatchObject({ brokers: ['127.0.0.1:7001', '127.0.0.1:7002'], toxiproxyUrl: 'http://127.0.0.1:8474', nemesisText: 'isolate-one,split,isolate-leader,bridge,ring,one-way,slow,thin' });
  });

  it('--schedule prints the seed\'s schedule without a cluster; the same seed prints the same schedule', async () => {
    const a = await run(['--schedule', '--seed', '11', '--time', '120', '--nodes', '5']);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^seed 11: \d+ faults\n#1 /);
    expect((await run(['--schedule', '--seed', '11', '--time', '120', '--nodes', '5'])).stdout).toBe(a.stdout);
    expect((await run(['--schedule', '--seed', '12', '--time', '120', '--nodes', '5'])).stdout).not.toBe(a.stdout);
  });

  it('the reproduce command, run again, gives the same options (and so the same schedule)', () => {
    const o = parseChaosOptions(['--nemesis', 'kill,partition', '--time', '90', '--seed', '5', '--nodes', '5', '--hold', '2-3.5', '--gap', '1', '--partitions', '4'], {});
    if (o === 'help') throw new Error('unexpected help');
    const cmd = reproduceCommand(o);
    expect(cmd).toBe('npx flotilla chaos --nemesis kill,partition --time 90 --seed 5 --nodes 5 --tick 50 --election-ticks 10 --partitions 4 --writers 2 --hold 2-3.5 --gap 1-1');
    const again = parseChaosOptions(cmd.split(' ').slice(3), {});
    if (again === 'help') throw new Error('unexpected help');
    const { outDir: _a, ...x } = o;
    const { outDir: _b, ...y } = again;
    expect(y).toEqual(x);
  });
});
