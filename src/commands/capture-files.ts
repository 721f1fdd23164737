import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FailureError, UsageError } from '../core/errors.js';
import { CONFIG_FILE_NAME } from '../io/settings.js';
import { configFolders } from '../io/config.js';
import type { Context } from '../ui/context.js';

/** Where capture writes when the config file names no folder of the kind yet. */
const DEFAULT_FOLDERS = { fixtures: 'webhook-fixtures', scenarios: 'webhook-scenarios' } as const;

export interface Target {
  folder: string;
  /** The config file gained an entry for this folder. */
  addedToConfig?: string;
}

function configFile(ctx: Context, flag: string | undefined): string {
  return path.resolve(ctx.cwd, flag ?? CONFIG_FILE_NAME);
}

/**
 * The config file's first folder of the kind; when it names none, a new one beside the config file,
 * added to it, so every command reads what capture wrote.
 */
export async function targetFolder(
  ctx: Context,
  kind: 'fixtures' | 'scenarios',
  configFlag: string | undefined,
): Promise<Target> {
  const named = configFolders(ctx.config, kind)[0];
  if (named) return { folder: named };
  const file = configFile(ctx, configFlag);
  const folder = path.join(path.dirname(file), DEFAULT_FOLDERS[kind]);
  return { folder, addedToConfig: file };
}

/** Adds the folder to the config file (creating the file when there is none), keeping every other key. */
export async function addToConfig(
  file: string,
  kind: 'fixtures' | 'scenarios',
  folder: string,
): Promise<void> {
  let json: Record<string, unknown> = {};
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text !== undefined) {
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const relative = `./${path.relative(path.dirname(file), folder).split(path.sep).join('/')}`;
  const list = Array.isArray(json[kind]) ? (json[kind] as unknown[]) : [];
  if (!list.includes(relative)) json[kind] = [...list, relative];
  await write(file, `${JSON.stringify(json, null, 2)}\n`, true);
}

export const exists = (file: string): Promise<boolean> =>
  stat(file).then(
    () => true,
    () => false,
  );

/** Refuses before anything is written when a file is there and --force is not given. */
export async function refuseOverwrites(files: readonly string[], force: boolean): Promise<void> {
  if (force) return;
  const there = (await Promise.all(files.map(async (f) => ((await exists(f)) ? f : undefined)))).filter(
    (f): f is string => f !== undefined,
  );
  if (there.length > 0)
    throw new FailureError(
      `already there, not overwritten: ${there.join(', ')}`,
      'pass --force to overwrite them',
      'E_EXISTS',
    );
}

/** Checks a folder can be written before any file goes in, so a capture never stops half way. */
export async function checkWritable(folder: string): Promise<void> {
  try {
    await makeFolder(folder);
    const probe = path.join(folder, `.capture-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (error) {
    throw unwritable(folder, error);
  }
}

/** One level at a time: Node's recursive mkdir can spin on paths such as /proc/x. */
async function makeFolder(folder: string): Promise<void> {
  const missing: string[] = [];
  for (let at = folder; !(await exists(at)); at = path.dirname(at)) {
    missing.push(at);
    if (path.dirname(at) === at) break;
  }
  for (const dir of missing.reverse())
    await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
}

function unwritable(target: string, error: unknown): FailureError {
  const code = (error as NodeJS.ErrnoException).code;
  return new FailureError(
    `cannot write to ${target}${code ? ` (${code})` : ''}`,
    'check its permissions, or name another folder in the config file',
    'E_UNWRITABLE',
  );
}

export async function write(file: string, text: string, force: boolean): Promise<void> {
  try {
    await makeFolder(path.dirname(file));
    await writeFile(file, text, { flag: force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new FailureError(`${file} appeared while capturing; not overwritten`, 'pass --force', 'E_EXISTS');
    throw unwritable(file, error);
  }
}
