import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHistory } from '../checker';
import { parseResults, renderReport, reportFromDir } from './index';
import { testRun } from './test-run';

const run = testRun();
const html = renderReport(run);

/** The page with the bodies of its script elements cut out, and those bodies. */
function split(page: string): { markup: string; scripts: string[] } {
  const scripts: string[] = [];
  const markup = page.replace(/<script\b[^>]*>([\s\S]*?)<\/script>/g, (_, body: string) => {
    scripts.push(body);
    return '<script></script>';
  });
  return { markup, scripts };
}

describe('the report page', () => {
  it('renders user data inert: no injected element, and no script element ended early', () => {
    const { markup, scripts } = split(html);
    // The data, the chart library, the page's own script: nothing else.
    expect(scripts).toHaveLength(3);
    expect(markup).not.toMatch(/<img|<b>/i);
    // The attack is in the page, as text.
    expect(markup).toContain('&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;');
    // The replay command is shown, as text, when results.json has it.
    expect(markup).toContain(`<dt>replay</dt><dd><code>flotilla chaos --seed 424242 --nemesis partition,kill --time 30 --topic &#39;&lt;/script&gt;`);
    expect(renderReport({ ...run, results: { ...run.results, reproduce: undefined } })).not.toContain('<dt>replay</dt>');
    for (const body of scripts) expect(body).not.toMatch(/<\/script|<!--/i);
    // The fault detail and fault name went into the chart data too: it parses back to the same text.
    const data = JSON.parse(scripts[0]) as { faults: Array<{ fault: string }> };
    expect(data.faults.map((f) => f.fault)).toEqual(['partition', 'kill']);
  });

  it('allows exactly its own two scripts to run, by hash, and fetches nothing', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1];
    expect(csp).toContain("default-src 'none'");
    const { scripts } = split(html);
    const hashes = scripts.slice(1).map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`);
    expect(/script-src ([^;]*)/.exec(csp)![1].split(' ')).toEqual(hashes);
    expect(html).not.toMatch(/\b(src|href)="(https?:|\/\/)/);
  });

  it('lists each anomaly with links to its invocation and completion lines', () => {
    const { line } = run.lost;
    expect(html).toMatch(new RegExp(`<a href="#L${line}">${line}</a> invoke \\(ok: <a href="#L${line + 1}">${line + 1}</a>\\)`));
    expect(html).toContain(`id="L${line}"`);
  });

  it('embeds a long history as the lines anomalies point at, their partners, context and fault boundaries', () => {
    const page = renderReport(run, { fullHistoryLines: 100 });
    const ids = [...page.matchAll(/<tr id="L(\d+)"/g)].map((m) => Number(m[1]));
    const { line } = run.lost;
    const nemesisLines = run.history.flatMap((e, i) => (e.type === 'nemesis' ? [i + 1] : []));
    const invocation = run.history[line - 1];
    if (invocation.type !== 'invoke') throw new Error('the lost line is not an invocation');
    const completion = run.history.findIndex((e, i) => i + 1 > line && e.type !== 'invoke' && e.type !== 'nemesis' && e.process === invocation.process) + 1;
    const expected = new Set([...nemesisLines, line - 2, line - 1, line, line + 1, line + 2, completion]);
    expect(ids).toEqual([...expected].sort((a, b) => a - b));
    expect(page).toMatch(/<tr class="gap"><td colspan="4">\d+ lines not shown<\/td><\/tr>/);
  });

  it('says when a checker failed, when every checker passed, and when nothing was proven', () => {
    expect(html).toContain('<p class="overall fail">2 checkers failed</p>');
    const passing = renderReport({ ...run, results: { ...run.results, verdicts: run.results.verdicts.map((v) => ({ ...v, ok: true, anomalies: [] })) } });
    expect(passing).toContain('<p class="overall ok">every checker passed</p>');
    const unchecked = renderReport({ ...run, results: { ...run.results, verdicts: [] } });
    expect(unchecked).toContain('<p class="overall unknown">no checker ran</p>');
    const undecided = renderReport({ ...run, results: { ...run.results, verdicts: [{ checker: 'linearizable p0', ok: false, unknown: true, anomalies: [] }] } });
    expect(undecided).toContain('<p class="overall unknown">not proven: a checker ran out of budget</p>');
  });
});

describe('rebuilding a report from a run directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flotilla-report-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads history.jsonl and results.json and writes report.html beside them', async () => {
    await writeFile(join(dir, 'history.jsonl'), formatHistory(run.history));
    await writeFile(join(dir, 'results.json'), JSON.stringify(run.results));
    const path = await reportFromDir(dir);
    expect(path).toBe(join(dir, 'report.html'));
    expect(await readFile(path, 'utf8')).toBe(html);
  });

  it('names the missing file and what the directory should be', async () => {
    await expect(reportFromDir(join(dir, 'nope'))).rejects.toThrow(/cannot read .*nope\/history\.jsonl \(ENOENT\): is .* the output directory of a chaos run\?/);
  });

  it('names the field of results.json that is wrong', () => {
    const good = JSON.parse(JSON.stringify(run.results));
    expect(parseResults(JSON.stringify(good))).toEqual(good);
    expect(() => parseResults(JSON.stringify({ ...good, faults: undefined }), 'x/results.json')).toThrow('x/results.json: faults must be an array');
    good.verdicts[0].anomalies[0].lines = 'one';
    expect(() => parseResults(JSON.stringify(good))).toThrow('results.json: verdicts[0].anomalies[0] needs message (string) and lines (array)');
    expect(() => parseResults(JSON.stringify({ ...good, reproduce: 7 }))).toThrow('results.json: reproduce, when given, must be a string');
    expect(() => parseResults('{')).toThrow(/results.json is not JSON/);
  });
});

