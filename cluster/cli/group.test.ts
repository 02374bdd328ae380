import { describe, expect, it } from 'vitest';
import { runCliCaptured } from './run-captured';

/** The usage errors of the group commands: found before any call (the cluster is never asked). */
const cli = (argv: string[]) => runCliCaptured(argv, ['127.0.0.1:1']);

describe('flotilla group commands: usage', () => {
  it('name what is missing or wrong', async () => {
    expect(await cli(['group', 'describe'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/give the group name/) });
    expect(await cli(['group', 'reset-offsets', 'g', '--to-earliest'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/--topic is required/) });
    expect(await cli(['group', 'reset-offsets', 'g', '--topic', 't'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/exactly one of --to-earliest, --to-latest, --to-offset N, --to-datetime/) });
    expect(await cli(['group', 'reset-offsets', 'g', '-t', 't', '--to-datetime', 'yesterday'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--to-datetime "yesterday" is not a date and time/),
    });
    expect(await cli(['group', 'reset-offsets', 'g', '-t', 't', '--to-offset', '-3'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/--to-offset/) });
    expect(await cli(['consume', '--topic', 't', '--group', 'g', '--partition', '0'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--partition cannot go with --group/),
    });
  });

  it('are listed in the help', async () => {
    const help = await cli(['--help']);
    for (const c of ['group list', 'group describe', 'group reset-offsets', 'group delete']) expect(help.stdout).toContain(c);
    expect((await cli(['consume', '--help'])).stdout).toMatch(/--group NAME/);
  });
});
