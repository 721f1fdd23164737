// Absurd values end in a usage error (exit 2) at once, not in unbounded work or "Unexpected error".
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

describe('absurd values are usage errors', () => {
  it('refuses huge schedules, indexes and skews, and 100,000-deep --data', async () => {
    const dir = tempDir();
    const deep = path.join(dir, 'deep.json');
    writeFileSync(deep, '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000));
    const cases: [string[], RegExp][] = [
      [
        [
          'retry',
          'work_order.created',
          '--to',
          'http://127.0.0.1:9/',
          '--schedule',
          'exponential:attempts=100000000',
          '--dry-run',
          '--max-attempts',
          '1',
        ],
        /attempts/,
      ],
      [['payload', 'work_order.created', '--set', 'data.items[99999999]=1'], /highest index/],
      [['payload', 'work_order.created', '--timestamp-offset', '-999999999999d'], /timestamp-offset/],
      [['payload', 'work_order.created', '--data', deep], /deeper than 256/],
      [
        ['payload', 'work_order.created', '--set', `data.x=${'['.repeat(50_000)}${']'.repeat(50_000)}`],
        /deeper than 256/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, { cwd: dir, timeoutMs: 15_000 });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr).not.toContain('Unexpected error');
    }
  });
});
