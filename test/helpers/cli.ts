import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/mes-webhooks.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'mes-webhooks-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** The environment a user in CI has: no colour, no TTY, nothing of ours set. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('MES_WEBHOOKS_')) delete env[key];
  return { ...env, ...extra };
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
  /** Another build's entry. */
  bin?: string;
}

/** Runs the built binary as a user would, and waits for it to exit. */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? BIN, ...args], {
      cwd: options.cwd ?? tempDir(),
      env: cleanEnv(options.env),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that exits before reading its input closes the pipe: EPIPE here is not a failure.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr+stdout, as output arrives. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
  /** Waits for the command to end by itself. */
  exited(): Promise<CliResult>;
}

/** Starts a long-running command (listen) and hands back its streams. */
export function startCli(args: string[], options: RunOptions = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? tempDir(),
    env: cleanEnv(options.env),
  });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  const onData = () => waiters.forEach((w) => w());
  child.stdout.on('data', (d) => {
    stdout += d;
    onData();
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    onData();
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const hardStop = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = (stderr + stdout).match(pattern);
          if (m) {
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`timed out waiting for ${pattern}\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
    async exited() {
      const code = await closed;
      clearTimeout(hardStop);
      return { code, stdout, stderr };
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null) child.kill(signal);
      const code = await closed;
      clearTimeout(hardStop);
      return { code, stdout, stderr };
    },
  };
}
