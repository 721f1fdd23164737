import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.js';

/** A working folder whose config file holds `config`. */
function withConfig(config: unknown): { cwd: string; file: string } {
  const cwd = tempDir();
  const file = path.join(cwd, 'mes-webhooks.config.json');
  writeFileSync(file, JSON.stringify(config));
  return { cwd, file };
}

describe('config file errors', () => {
  it('names every bad key of the file at once, each as file: key: what is wrong, in plain words', async () => {
    const { cwd, file } = withConfig({ to: 'ftp://x', fixtures: 'my-fixtures', tos: 'http://x' });
    const res = await runCli(['events'], { cwd });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    const lines = res.stderr.split('\n');
    expect(lines[0]).toBe('Error: the config file has 3 problems:');
    expect(lines.slice(1, 4).sort()).toEqual(
      [
        `  ${file}: "to": must be an http(s) URL`,
        `  ${file}: "fixtures": must be a list, not text`,
        `  ${file}: "tos": is not a key the config file takes; did you mean "to"?`,
      ].sort(),
    );
    expect(res.stderr).not.toMatch(/Invalid input|expected array|Unrecognized key/);
    expect(lines[4]).toBe('Hint: fix the config file, or point --config at another');
  });

  it("names an unknown default provider and a provider's unknown scheme with the other problems, not a run later", async () => {
    const { cwd, file } = withConfig({
      to: 'ftp://x',
      provider: 'katanna',
      providers: { acme: { scheme: 'nonexistent', eventField: 'type' } },
    });
    const res = await runCli(['events'], { cwd });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`  ${file}: "to": must be an http(s) URL`);
    expect(res.stderr).toContain(`  ${file}: "provider": no provider "katanna"`);
    expect(res.stderr).toContain(
      `  ${file}: "providers.acme.scheme": no scheme "nonexistent"; declare it under "schemes"`,
    );
  });

  it('names every problem of the providers and schemes it declares at once', async () => {
    const { cwd, file } = withConfig({
      provider: 'nope',
      schemes: { mine: { signatureHeader: 'x-sig', signedContent: 'body' } },
      providers: {
        mes: { scheme: 'mine', eventField: 'type' },
        acme: { scheme: 'missing', eventField: 'type' },
        beta: { scheme: 'mine', eventField: 'type', schedule: 'weird' },
      },
    });
    const res = await runCli(['send', 'x', '--to', 'http://127.0.0.1:9/'], { cwd });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('the config file has 4 problems:');
    expect(res.stderr).toContain(`${file}: "providers.mes": mes is built in; give yours another name`);
    expect(res.stderr).toContain(`${file}: "providers.acme.scheme": no scheme "missing"`);
    expect(res.stderr).toContain(`${file}: "providers.beta.schedule": "weird" is not a duration`);
    expect(res.stderr).toContain(`${file}: "provider": no provider "nope"`);
  });

  it('one problem is one line, as before', async () => {
    const { cwd, file } = withConfig({ secretFormat: 'hex' });
    const res = await runCli(['events'], { cwd });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      `Error: ${file}: "secretFormat": must be one of "base64", "raw", not "hex"\n` +
        'Hint: fix the config file, or point --config at another\n',
    );
  });
});
