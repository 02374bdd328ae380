import { type CommandSpec, GLOBAL_OPTIONS, type OptionSpec } from './args';

function optionLines(options: Record<string, OptionSpec>): string[] {
  const entries = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    return [flag, o.description + (o.multiple ? ' (repeatable)' : '')] as const;
  });
  const w = Math.max(...entries.map(([f]) => f.length));
  return entries.map(([f, d]) => `  ${f.padEnd(w)}  ${d}`);
}

/** `flotilla <command> --help`. */
export function commandHelp(c: CommandSpec): string {
  const lines = [`Usage: flotilla ${c.name}${Object.keys(c.options).length > 0 ? ' [options]' : ''}${c.args ? ` ${c.args}` : ''}`, '', c.summary];
  if (c.details) lines.push('', c.details);
  if (Object.keys(c.options).length > 0) lines.push('', 'Options:', ...optionLines(c.options));
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS));
  if (c.examples.length > 0) lines.push('', 'Examples:', ...c.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}

/** `flotilla --help`, or the help of a group of commands (`flotilla topic --help`). */
export function overviewHelp(commands: readonly CommandSpec[], group?: string): string {
  const shown = group ? commands.filter((c) => c.name.startsWith(`${group} `)) : commands;
  const w = Math.max(...shown.map((c) => c.name.length));
  const lines = [
    group ? `Usage: flotilla ${group} <command> [options]` : 'Usage: flotilla <command> [options]',
    '',
    group ? `Commands of "flotilla ${group}":` : 'Flotilla: a replicated commit log. Commands:',
    ...shown.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    `Run "flotilla <command> --help" for a command's options and examples.`,
  ];
  return lines.join('\n') + '\n';
}
