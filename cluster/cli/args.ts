import { parseArgs } from 'node:util';

/** A mistake in how the command was called: shown with a pointer to the command's help, never a stack. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose --help to point at ("topic create"), if known. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the user can act on (missing server, bad environment): printed as one line, no stack. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in help: `--partitions N`. */
  valueName?: string;
  description: string;
}

export interface CommandSpec {
  /** The words that select it: "topic create". */
  name: string;
  summary: string;
  /** Positional arguments, as shown in help ("NAME", "[VALUE...]"). */
  args?: string;
  /** Extra paragraphs of help. */
  details?: string;
  options: Record<string, OptionSpec>;
  examples: string[];
}

export const DEFAULT_BROKERS = '127.0.0.1:7001';

/** How long a command waits for the cluster (elections, unreachable nodes) before it gives up. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Options every command accepts. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  brokers: {
    type: 'string',
    valueName: 'HOST:PORT,...',
    description: `nodes to contact (default: $FLOTILLA_BROKERS, else ${DEFAULT_BROKERS})`,
  },
  timeout: {
    type: 'string',
    valueName: 'DURATION',
    description: `how long to wait for the cluster before giving up, e.g. 10s, 500ms, 2m (default ${DEFAULT_TIMEOUT_MS / 1000}s)`,
  },
  json: { type: 'boolean', description: 'print JSON instead of tables' },
  help: { type: 'boolean', short: 'h', description: 'show help for the command' },
};

export interface ParsedCommand {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  json: boolean;
  help: boolean;
  brokers: string[];
  /** --timeout in milliseconds (DEFAULT_TIMEOUT_MS when absent). */
  timeoutMs: number;
}

/**
 * Finds the command named by the leading words of argv (the longest match among `commands`),
 * returning it and the remaining arguments. Options may come before the command words.
 */
export function findCommand(
  argv: readonly string[],
  commands: readonly CommandSpec[],
): { command: CommandSpec | undefined; words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  let i = 0;
  // Leading global options (e.g. `flotilla --json topic list`) are kept for the command's parse.
  while (i < argv.length && argv[i].startsWith('-')) {
    rest.push(argv[i]);
    const name = argv[i].replace(/^--?/, '').split('=')[0];
    const spec = GLOBAL_OPTIONS[name];
    if (spec?.type === 'string' && !argv[i].includes('=') && i + 1 < argv.length) rest.push(argv[++i]);
    i++;
  }
  let best: CommandSpec | undefined;
  let bestLength = 0;
  for (const c of commands) {
    const parts = c.name.split(' ');
    if (parts.length > bestLength && parts.every((p, k) => argv[i + k] === p)) {
      best = c;
      bestLength = parts.length;
    }
  }
  for (let k = 0; k < bestLength; k++) words.push(argv[i + k]);
  rest.push(...argv.slice(i + bestLength));
  return { command: best, words, rest };
}

/** Parses a command's arguments with node:util's parseArgs, strictly, plus the global options. */
export function parseCommand(
  command: CommandSpec,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedCommand {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries({ ...GLOBAL_OPTIONS, ...command.options })) {
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(cleanParseError(error), command.name);
  }
  const values = parsed.values as ParsedCommand['values'];
  const brokersText = (values.brokers as string | undefined) ?? env.FLOTILLA_BROKERS ?? DEFAULT_BROKERS;
  return {
    values,
    positionals: parsed.positionals,
    json: values.json === true,
    help: values.help === true,
    brokers: parseBrokers(brokersText, command.name),
    timeoutMs: values.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(String(values.timeout), '--timeout', command.name),
  };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "30s", "500ms", "2m", "1.5h", or a plain number of seconds, as milliseconds (> 0, at most a day). */
export function parseDuration(text: string, option: string, command?: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  const ms = m ? Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']) : NaN;
  if (!(ms >= 1 && ms <= 86_400_000)) {
    throw new UsageError(`${option} takes a duration between 1ms and 24h such as 30s, 500ms or 2m (got "${text}")`, command);
  }
  return ms;
}

/** "a:1, b:2" -> ["a:1", "b:2"], refusing anything that is not host:port. */
export function parseBrokers(text: string, command?: string): string[] {
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0) throw new UsageError('--brokers needs at least one host:port', command);
  for (const b of list) {
    const port = Number(b.slice(b.lastIndexOf(':') + 1));
    if (!/^[^\s:]+:\d+$/.test(b) || !(port > 0 && port < 65536)) {
      throw new UsageError(`broker "${b}" is not host:port (for example 127.0.0.1:7001)`, command);
    }
  }
  return list;
}

/** An integer option, checked against a range; undefined when absent. */
export function intOption(
  values: ParsedCommand['values'],
  name: string,
  command: string,
  range: { min?: number; max?: number } = {},
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const n = Number(text);
  const min = range.min ?? 0;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (text === '' || !Number.isSafeInteger(n) || n < min || n > max) {
    const bound = range.max !== undefined ? `between ${min} and ${max}` : `>= ${min}`;
    throw new UsageError(`--${name} must be an integer ${bound} (got "${raw}")`, command);
  }
  return n;
}

export function stringOption(values: ParsedCommand['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** key=value pairs (repeatable option) as a map. */
export function keyValues(values: ParsedCommand['values'], name: string, command: string): Record<string, string> {
  const raw = values[name];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${name} takes key=value (got "${item}")`, command);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** parseArgs's messages are good but long; keep the first sentence and drop its internal hints. */
function cleanParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('. To specify a positional argument')[0].replace(/\.$/, '');
}
