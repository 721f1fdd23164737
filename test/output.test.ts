import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Output } from '../src/ui/output.js';
import { BIN, cleanEnv, runCli, tempDir } from './helpers/cli.js';

vi.mock('node:fs', async (original) => {
  const real = await original<typeof import('node:fs')>();
  return { ...real, writeSync: vi.fn(real.writeSync) };
});

const writeSync = vi.mocked(fs.writeSync);

/** Node's stream for stdout, standing in: what reaches it, in order. */
function queuedWrites(): unknown[] {
  const seen: unknown[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => seen.push(chunk) > 0);
  return seen;
}

const listening = process.stdout.listeners('error');
afterEach(() => {
  // Taking the stream listens for its errors: not on this test process's stdout after a test.
  for (const listener of process.stdout.listeners('error'))
    if (!listening.includes(listener)) process.stdout.off('error', listener as () => void);
  vi.restoreAllMocks();
  writeSync.mockReset();
});

describe('output straight to the descriptor', () => {
  it('hands what a partial write left to the stream, and the stream keeps every later write', () => {
    const seen = queuedWrites();
    writeSync.mockReturnValueOnce(3);
    const out = new Output(1);
    out.write('héllo\n');
    out.write('next\n');
    expect(writeSync).toHaveBeenCalledTimes(1);
    expect(Buffer.concat(seen.map((c) => Buffer.from(c as string)))).toEqual(Buffer.from('llo\nnext\n'));
  });

  it('hands a write the descriptor refused (EAGAIN) to the stream whole', () => {
    const seen = queuedWrites();
    writeSync.mockImplementationOnce(() => {
      throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
    });
    const out = new Output(1);
    out.write('first\n');
    out.write('second\n');
    expect(seen).toEqual(['first\n', 'second\n']);
  });

  it('writes through the stream alone once a serving command asks for it', () => {
    const seen = queuedWrites();
    writeSync.mockReturnValue(0);
    const out = new Output(1);
    expect(out.queued).toBe(process.stdout);
    out.write('served\n');
    expect(writeSync).not.toHaveBeenCalled();
    expect(seen).toEqual(['served\n']);
  });
});

describe('the built command writing to a pipe', () => {
  it('exits 0, saying nothing, when the reader goes away (`| head`)', async () => {
    const child = spawn(process.execPath, [BIN, 'schema', '--all'], { cwd: tempDir(), env: cleanEnv() });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // 143 kB in one write: more than a pipe holds, so the write meets the closed end.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });

  it.each([
    ['payload', 'work_order.created'],
    ['logs', 'export', '--har', '-'],
    // Its terminal lines go out from a timer, outside the command's own code.
    ['send', 'work_order.created'],
  ])('fails %j with exit 1 and a message when stdout cannot be written (a full disk)', async (...args) => {
    const full = fs.openSync('/dev/full', 'w');
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: tempDir(),
      env: cleanEnv(),
      stdio: ['ignore', full, 'pipe'],
    });
    fs.closeSync(full);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot write to stdout: ENOSPC/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('fails export --output into a file that cannot be written with exit 1, and a path that cannot be opened with 2', async () => {
    const full = await runCli(['export', 'openapi', '--output', '/dev/full']);
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/^Error: cannot write \/dev\/full: ENOSPC/m);
    const cwd = tempDir();
    fs.writeFileSync(`${cwd}/a-file`, '');
    const nowhere = await runCli(['export', 'openapi', '--output', 'a-file/doc.json'], { cwd });
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/^Error: cannot write \S+a-file\/doc\.json: /m);
  });

  it.each(['--jsonl', '--har'])(
    'fails logs export %s into a file that cannot be written (a full disk) with exit 1 and a message',
    async (format) => {
      const cwd = tempDir();
      expect((await runCli(['send', 'work_order.created'], { cwd })).code).toBe(0);
      const res = await runCli(['logs', 'export', format, '/dev/full'], { cwd });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/^Error: cannot write \/dev\/full: ENOSPC/m);
      expect(res.stderr).not.toMatch(/Unexpected|\n\s+at /);
    },
  );

  it('writes long output whole and in order', async () => {
    const res = await runCli(['schema', '--all']);
    expect(res.code).toBe(0);
    expect(Object.keys(JSON.parse(res.stdout) as object).length).toBeGreaterThan(0);
  });

  it('waits for a slow reader of a non-blocking pipe before it exits', async () => {
    const whole = (await runCli(['schema', '--all'])).stdout;
    // The pipe's write end made non-blocking (as a parent may leave it), read only after a while:
    // the first write fills the pipe, the rest waits in Node's stream.
    const harness = [
      'import fcntl, os, subprocess, sys, time',
      'r, w = os.pipe()',
      'fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)',
      'p = subprocess.Popen(sys.argv[1:], stdout=w)',
      'os.close(w)',
      'time.sleep(1)',
      'data = b""',
      'while chunk := os.read(r, 65536): data += chunk',
      'sys.stdout.write(f"{len(data)} {p.wait()}")',
    ].join('\n');
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('python3', ['-c', harness, process.execPath, BIN, 'schema', '--all'], {
        env: cleanEnv(),
      });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(text));
    });
    expect(out).toBe(`${Buffer.byteLength(whole)} 0`);
  });
});
