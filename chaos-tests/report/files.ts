/** The report as files: written beside a run's history.jsonl and results.json, or rebuilt from them. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseHistory } from '../checker';
import { renderReport, type RenderOptions, type ReportInput } from './render';
import type { ChaosResults } from './results';

export const REPORT_FILE = 'report.html';

/** Writes `outDir/report.html` (creating outDir) and returns its path. */
export async function writeReport(outDir: string, input: ReportInput, options?: RenderOptions): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, REPORT_FILE);
  await writeFile(path, renderReport(input, options));
  return path;
}

/**
 * Rebuilds a run's report from its directory (`flotilla chaos report DIR`): reads history.jsonl
 * and results.json there, writes report.html there, returns its path.
 */
export async function reportFromDir(dir: string, options?: RenderOptions): Promise<string> {
  const read = async (name: string) => {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch (e) {
      throw new Error(`cannot read ${join(dir, name)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): is ${dir} the output directory of a chaos run?`);
    }
  };
  const history = parseHistory(await read('history.jsonl'));
  const results = parseResults(await read('results.json'), join(dir, 'results.json'));
  return writeReport(dir, { history, results }, options);
}

/** results.json, checked for what the report reads, so a wrong file fails with its name and the field. */
export function parseResults(text: string, where = 'results.json'): ChaosResults {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where} is not JSON: ${(e as Error).message}`);
  }
  const bad = (what: string) => new Error(`${where}: ${what}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('expected an object');
  const r = value as Record<string, unknown>;
  if (typeof r.seed !== 'number' && typeof r.seed !== 'string') throw bad('seed must be a number or a string');
  for (const key of ['nemeses', 'verdicts', 'recovery', 'faults']) if (!Array.isArray(r[key])) throw bad(`${key} must be an array`);
  if (r.reproduce !== undefined && typeof r.reproduce !== 'string') throw bad('reproduce, when given, must be a string');
  (r.verdicts as unknown[]).forEach((v, i) => {
    const o = v as Record<string, unknown> | null;
    if (typeof o !== 'object' || o === null || typeof o.checker !== 'string' || typeof o.ok !== 'boolean' || !Array.isArray(o.anomalies)) {
      throw bad(`verdicts[${i}] needs checker (string), ok (boolean) and anomalies (array)`);
    }
    (o.anomalies as unknown[]).forEach((a, j) => {
      const x = a as Record<string, unknown> | null;
      if (typeof x !== 'object' || x === null || typeof x.message !== 'string' || !Array.isArray(x.lines)) throw bad(`verdicts[${i}].anomalies[${j}] needs message (string) and lines (array)`);
    });
  });
  (r.faults as unknown[]).forEach((f, i) => {
    const o = f as Record<string, unknown> | null;
    if (typeof o !== 'object' || o === null || typeof o.fault !== 'string' || typeof o.start !== 'number' || (o.end !== null && typeof o.end !== 'number')) {
      throw bad(`faults[${i}] needs fault (string), start (number) and end (number or null)`);
    }
  });
  (r.recovery as unknown[]).forEach((x, i) => {
    const o = x as Record<string, unknown> | null;
    if (typeof o !== 'object' || o === null || typeof o.fault !== 'string' || typeof o.endedAt !== 'number') throw bad(`recovery[${i}] needs fault (string) and endedAt (number)`);
  });
  return value as ChaosResults;
}
