import { Command, Help, Option, type OutputConfiguration } from 'commander';
import { COMMANDS } from './commands/index.js';
import type { CommandSpec, Flags } from './commands/declare.js';
import type { Context } from './ui/context.js';
import { VERSION } from './version.js';

/** What runs a command once commander has read its arguments: main loads, validates and calls it. */
export type Dispatch = (spec: CommandSpec, args: unknown[], raw: Record<string, unknown>) => Promise<void>;

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** Repeatable options collect into a list. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Commander options generated from declarations; a key that is not commander's name for its flag is a bug. */
export function commanderOptions(flags: Flags): Option[] {
  return Object.entries(flags).map(([key, f]) => {
    const option = new Option(f.flags, f.help);
    if (option.attributeName() !== key)
      throw new Error(
        `option "${key}" is declared as ${f.flags}, which commander names "${option.attributeName()}"`,
      );
    if (f.repeatable) option.argParser(collect);
    if (f.choices) option.choices(f.choices);
    if (f.required) option.makeOptionMandatory();
    return option;
  });
}

/** The options of a default subcommand, shown in its parent's help, where people look. */
function defaultOptionsHelp(parent: Command, child: Command): string {
  const help = new Help();
  const options = help.visibleOptions(child).filter((o) => o.long !== '--help');
  const width = Math.max(...options.map((o) => help.optionTerm(o).length));
  const lines = options.map((o) => `  ${help.optionTerm(o).padEnd(width)}  ${help.optionDescription(o)}`);
  return `With no command, ${parent.name()} runs ${child.name()}, which takes:\n${lines.join('\n')}\n`;
}

/** Commands with options declared but not built: the help of their parent still shows "[options]". */
const unbuilt = new WeakSet<Command>();

function register(parent: Command, spec: CommandSpec, dispatch: Dispatch, withOptions: boolean): Command {
  const command = parent
    .command(spec.name, { isDefault: spec.isDefault })
    .description(spec.description)
    .addHelpText('after', examples(spec.examples));
  for (const [syntax, help] of spec.args ?? []) command.argument(syntax, help);
  if (withOptions) for (const option of commanderOptions(spec.options)) command.addOption(option);
  else if (Object.keys(spec.options).length > 0) unbuilt.add(command);
  if (spec.load)
    command.action(async (...all: unknown[]) => {
      // commander passes the arguments, then the options, then the command itself.
      const args = all.slice(0, -2);
      await dispatch(spec, args, (all.at(-2) ?? {}) as Record<string, unknown>);
    });
  for (const sub of spec.subcommands ?? []) {
    const child = register(command, sub, dispatch, withOptions);
    if (sub.isDefault) {
      command.addHelpText('after', () => defaultOptionsHelp(command, child));
      command.hook('preSubcommand', (parent, running) => unknownBeforeDefault(parent, running, child));
    }
  }
  return command;
}

/** The words that run a command (`logs list`); none for the program itself. */
function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Fails as commander does for an unknown command, with the closest subcommands of `parent` named. */
async function unknownCommand(parent: Command, word: string): Promise<never> {
  // Loaded here: only a mistyped command needs it, never --help.
  const { closest } = await import('./core/suggest.js');
  const names = parent
    .createHelp()
    .visibleCommands(parent)
    .map((c) => c.name());
  const [near] = closest(word, names, 1);
  const at = pathOf(parent);
  const typed = at ? `${at} ${word}` : word;
  const suggestion = near ? `\n(Did you mean ${at ? `${at} ${near}` : near}?)` : '';
  return parent.error(`error: unknown command '${typed}'${suggestion}`, { code: 'commander.unknownCommand' });
}

/**
 * commander hands every word a command with a default subcommand does not know to that default
 * (`logs lst` runs `logs list lst`); when the default takes no arguments the word is a mistyped
 * subcommand, and is named as one.
 */
async function unknownBeforeDefault(parent: Command, running: Command, fallback: Command): Promise<void> {
  const word = parent.args[0];
  if (running !== fallback || fallback.registeredArguments.length > 0) return;
  if (word === undefined || word.startsWith('-')) return;
  // `logs list --help` names the default itself.
  if (parent.commands.some((c) => c.name() === word || c.aliases().includes(word))) return;
  await unknownCommand(parent, word);
}

/**
 * `help logs list` shows the help of `logs list`, and `help sned` fails as `sned` does. Hidden: the
 * list of commands shows commander's own `help [command]`, whose place this takes in parsing.
 */
function helpCommand(program: Command): Command {
  return (
    new Command('help')
      .argument('[command...]')
      // `help --help` is the program's help, as it was.
      .helpOption(false)
      .allowUnknownOption()
      .action(async (words: string[]) => {
        let command = program;
        for (const word of words.filter((w) => !w.startsWith('-'))) {
          if (command.commands.length === 0) break;
          const next = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
          if (!next) await unknownCommand(command, word);
          command = next!;
        }
        command.help();
      })
  );
}

/** The command argv runs (`send` in `send --help` and in `help send`); undefined when it names none. */
export function commandIn(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** commander's help width off a terminal. */
const HELP_WIDTH = 80;

/**
 * Commander's output through the context. Its own width and colour checks build process.stdout and
 * process.stderr, Node's stream stack for a pipe, which costs more than the rest of `--help`: only
 * a terminal has a width or colours to ask about.
 */
function output(ctx: Pick<Context, 'stdout' | 'stderr'>): OutputConfiguration {
  const defaults = new Command().configureOutput();
  return {
    writeOut: (text) => ctx.stdout.write(text),
    writeErr: (text) => ctx.stderr.write(text),
    getOutHelpWidth: () => (ctx.stdout.isTTY ? defaults.getOutHelpWidth?.() : undefined) ?? HELP_WIDTH,
    getErrHelpWidth: () => (ctx.stderr.isTTY ? defaults.getErrHelpWidth?.() : undefined) ?? HELP_WIDTH,
    getOutHasColors: () => Boolean(ctx.stdout.isTTY && defaults.getOutHasColors?.()),
    getErrHasColors: () => Boolean(ctx.stderr.isTTY && defaults.getErrHasColors?.()),
  };
}

/** Every command built with its options, as for a program that runs more than one argv. */
export const EVERY = Symbol('every command');

/**
 * The CLI: generated from the command declarations; each command's module loads only when it runs.
 * Only the options of the command argv runs are built (`commandIn`): the others' names, arguments
 * and descriptions are all that help and suggestions show, and top-level help needs no options.
 */
export function buildProgram(
  ctx: Pick<Context, 'stdout' | 'stderr'>,
  dispatch: Dispatch,
  running: string | undefined | typeof EVERY,
): Command {
  const program = new Command('mes-webhooks')
    .description(
      'Build, send, receive, log and replay signed webhooks from MES, Katana MRP, Tracktile and Betterez, offline.',
    )
    .version(VERSION, '-v, --version')
    .showSuggestionAfterError(true)
    .configureOutput(output(ctx))
    .configureHelp({
      subcommandTerm(command) {
        const term = Help.prototype.subcommandTerm.call(this, command);
        const name = command.name();
        return unbuilt.has(command) ? `${name} [options]${term.slice(name.length)}` : term;
      },
    })
    .addHelpText(
      'after',
      examples([
        'mes-webhooks send work_order.created',
        'mes-webhooks listen',
        'mes-webhooks send --all --to http://localhost:3000/webhooks',
      ]),
    );
  for (const spec of COMMANDS) register(program, spec, dispatch, running === EVERY || spec.name === running);
  // commander's own help command stays listed; the hidden one in its name runs instead.
  program.helpCommand(true).addCommand(helpCommand(program), { hidden: true });
  const override = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  return program;
}
