/** A command line the CLI cannot run: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to show (null: the program's). */
    readonly command: string | null = null,
  ) {
    super(message);
  }
}

/** Exit codes every CLI uses, so scripts can rely on them. */
export const EXIT = {
  ok: 0,
  /** The answer is "no": problems found, versions differ, chain broken, or the work failed. */
  negative: 1,
  /** The command line is wrong: unknown command or option, missing or extra arguments. */
  usage: 2,
} as const;

export interface CommandSpec {
  name: string;
  /** e.g. `<dir> [--actor NAME]` */
  synopsis: string;
  summary: string;
  /** Option name (without --) -> meaning. Every option takes a value. */
  options: Record<string, string>;
  /** A complete command line someone could paste. */
  example: string;
  /** Anything else worth saying in this command's help: exit codes, defaults. */
  details?: string;
}

export interface ProgramSpec {
  /** How the program is run, e.g. `npm run rulesets --`. */
  invocation: string;
  summary: string;
  commands: CommandSpec[];
  footer: string;
}

export type ParsedCommandLine =
  { kind: 'help'; command: CommandSpec | null } | { kind: 'run'; command: CommandSpec; positional: string[]; options: Map<string, string> };

const isHelp = (arg: string) => arg === '--help' || arg === '-h';

/**
 * `<command> [args]` against the program's commands: `--help`/`-h`/`help [command]` anywhere
 * asks for help; `--name value` and `--name=value` set a declared option; an undeclared
 * option, a repeated one or a missing value is a UsageError; `--` ends the options.
 */
export function parseCommandLine(program: ProgramSpec, argv: string[]): ParsedCommandLine {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given');
  if (isHelp(first) || first === 'help') {
    const named = rest.find((arg) => !isHelp(arg));
    return { kind: 'help', command: named === undefined ? null : findCommand(program, named) };
  }
  const command = findCommand(program, first);
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--') {
      positional.push(...rest.slice(i + 1));
      break;
    }
    if (isHelp(arg)) return { kind: 'help', command };
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const [name, inlineValue] = arg.startsWith('--') ? splitOnce(arg.slice(2), '=') : [arg.slice(1), undefined];
    if (!(name in command.options)) {
      const known = Object.keys(command.options).map((option) => `--${option}`);
      throw new UsageError(
        `unknown option ${arg.split('=')[0]} for ${command.name}${known.length ? ` (it takes ${known.join(', ')})` : ' (it takes no options)'}`,
        command.name,
      );
    }
    if (options.has(name)) throw new UsageError(`--${name} given twice`, command.name);
    const value = inlineValue ?? rest[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`, command.name);
    options.set(name, value);
  }
  return { kind: 'run', command, positional, options };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function findCommand(program: ProgramSpec, name: string): CommandSpec {
  const command = program.commands.find((candidate) => candidate.name === name);
  if (!command) throw new UsageError(`unknown command "${name}" (commands: ${program.commands.map((c) => c.name).join(', ')})`);
  return command;
}

/** The program's help: every command with its synopsis and summary. */
export function programHelp(program: ProgramSpec): string {
  const width = Math.max(...program.commands.map((command) => `${command.name} ${command.synopsis}`.length));
  return [
    `usage: ${program.invocation} <command> [arguments]`,
    program.summary,
    '',
    'commands:',
    ...program.commands.map((command) => `  ${`${command.name} ${command.synopsis}`.padEnd(width)}  ${command.summary}`),
    '',
    `${program.invocation} <command> --help shows a command's options and an example.`,
    program.footer,
  ].join('\n');
}

/** One command's help: synopsis, options, details and an example. */
export function commandHelp(program: ProgramSpec, command: CommandSpec): string {
  const options = Object.entries(command.options);
  const width = Math.max(0, ...options.map(([name]) => name.length + 2));
  return [
    `usage: ${program.invocation} ${command.name} ${command.synopsis}`,
    command.summary,
    ...(options.length ? ['', 'options:', ...options.map(([name, meaning]) => `  ${`--${name}`.padEnd(width)}  ${meaning}`)] : []),
    ...(command.details ? ['', command.details] : []),
    '',
    'example:',
    `  ${program.invocation} ${command.name} ${command.example}`,
    '',
    program.footer,
  ].join('\n');
}

/** The text for a usage error: the message, then how to get help. */
export function usageErrorText(program: ProgramSpec, error: UsageError): string {
  const helpFor = error.command ? ` ${error.command}` : '';
  return `${error.message}\nrun "${program.invocation}${helpFor} --help" for usage`;
}
