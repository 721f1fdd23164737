import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

describe('help and suggestions for mistyped commands', () => {
  it('help with an unknown command says so and suggests, as the command itself does', async () => {
    const direct = await runCli(['sned']);
    const help = await runCli(['help', 'sned']);
    expect(help.code).toBe(2);
    expect(help.stdout).toBe('');
    expect(help.stderr).toBe("error: unknown command 'sned'\n(Did you mean send?)\n");
    expect(help.stderr).toBe(direct.stderr);
    expect(direct.code).toBe(2);
  });

  it('a mistyped subcommand of logs suggests it, rather than passing it to logs list', async () => {
    for (const argv of [
      ['logs', 'lst'],
      ['logs', 'lst', '--failed'],
      ['help', 'logs', 'lst'],
    ]) {
      const res = await runCli(argv);
      expect(res.code).toBe(2);
      expect(res.stderr).toBe("error: unknown command 'logs lst'\n(Did you mean logs list?)\n");
    }
  });

  it('help names a subcommand: help logs list is the help of logs list', async () => {
    const help = await runCli(['help', 'logs', 'list']);
    const flag = await runCli(['logs', 'list', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mes-webhooks logs list \[options\]/);
    expect(help.stdout).toBe(flag.stdout);
    const top = await runCli(['help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toBe((await runCli(['--help'])).stdout);
    expect(top.stdout).toMatch(/\n {2}help \[command\] +display help for command\n/);
  });
});
