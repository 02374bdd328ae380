import { Flotilla, FlotillaError } from '../client';
import { CliError, findCommand, parseCommand, UsageError } from './args';
import { COMMANDS, GROUPS } from './commands';
import { clientOptions, type CommandContext, type Handler } from './context';
import { consume } from './consume';
import { devClusterCommand } from './dev-cluster';
import { consumeGroup, groupDelete, groupDescribe, groupList, groupResetOffsets } from './group';
import { commandHelp, overviewHelp } from './help';
import type { CliIO } from './io';
import { nodeDrain, nodeRemove, partitionReassign } from './membership';
import { produce } from './produce';
import { start } from './start';
import { clusterStatus } from './status';
import { topicAlter, topicCreate, topicDelete, topicDescribe, topicList } from './topic';

const HANDLERS: Record<string, Handler> = {
  start,
  'dev-cluster': devClusterCommand,
  'topic create': topicCreate,
  'topic alter': topicAlter,
  'topic list': topicList,
  'topic describe': topicDescribe,
  'topic delete': topicDelete,
  produce,
  consume: (ctx) => (ctx.args.values.group !== undefined ? consumeGroup(ctx) : consume(ctx)),
  'group list': groupList,
  'group describe': groupDescribe,
  'group reset-offsets': groupResetOffsets,
  'group delete': groupDelete,
  'cluster status': clusterStatus,
  'partition reassign': partitionReassign,
  'node drain': nodeDrain,
  'node remove': nodeRemove,
};

/**
 * Runs one CLI invocation and returns its exit code: 0 on success, 1 on any error. Errors are
 * one line on stderr (the server's message for server errors), never a stack trace, except for
 * bugs (unexpected exceptions), which print their stack so they can be reported.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const { command, words, rest } = findCommand(argv, COMMANDS);
  if (!command) {
    const first = argv.find((a) => !a.startsWith('-'));
    const wantsHelp = argv.length === 0 || argv.includes('--help') || argv.includes('-h') || first === 'help';
    if (first && GROUPS.includes(first)) {
      io[wantsHelp ? 'stdout' : 'stderr'].write(overviewHelp(COMMANDS, first));
      return wantsHelp ? 0 : 1;
    }
    if (wantsHelp && (first === undefined || first === 'help')) {
      io.stdout.write(overviewHelp(COMMANDS));
      return 0;
    }
    io.stderr.write(`error: unknown command "${first ?? argv.join(' ')}"\nRun "flotilla --help" for the list of commands.\n`);
    return 1;
  }
  let client: Flotilla | undefined;
  try {
    const args = parseCommand(command, rest, io.env);
    if (args.help) {
      io.stdout.write(commandHelp(command));
      return 0;
    }
    const ctx: CommandContext = {
      command,
      args,
      io,
      client: () => (client ??= new Flotilla(clientOptions(args))),
    };
    const code = await HANDLERS[words.join(' ')](ctx);
    return code ?? 0;
  } catch (error) {
    io.stderr.write(describeFailure(error, command.name));
    return 1;
  } finally {
    if (client) await closeWithin(client, CLOSE_GRACE_MS);
  }
}

/** After a command gave up, what it left pending must not keep it from exiting. */
const CLOSE_GRACE_MS = 1000;

/** Closes the client, waiting at most `ms` for its producers to flush (a command that timed out has already said what is unknown). */
async function closeWithin(client: Flotilla, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([client.close().catch(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

function describeFailure(error: unknown, command: string): string {
  if (error instanceof UsageError) {
    return `error: ${error.message}\nRun "flotilla ${error.command ?? command} --help" for usage.\n`;
  }
  if (error instanceof CliError) return `error: ${error.message}\n`;
  if (error instanceof FlotillaError) {
    const hint =
      error.code === 'UNAVAILABLE' || error.code === 'DEADLINE_EXCEEDED'
        ? '\nIs the cluster running? Start one with "flotilla start", or point --brokers (or FLOTILLA_BROKERS) at it.'
        : '';
    const outcome = error.outcomeUnknown ? '\noutcome unknown: the request may or may not have taken effect; check before retrying' : '';
    return `error: ${error.message}${outcome}${hint}\n`;
  }
  // Not a user error: a bug or an environment failure. The stack helps whoever reports it.
  if (error instanceof Error) return `error: ${error.message}\n${error.stack ?? ''}\n`;
  return `error: ${String(error)}\n`;
}
