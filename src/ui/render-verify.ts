import type { ChalkInstance } from 'chalk';
import type { CheckResult, CheckStatus } from '../core/verify/index.js';

export interface VerifySummary {
  target: string;
  provider: string;
  scheme: string;
  passed: number;
  failed: number;
  warned: number;
  skipped: number;
  durationMs: number;
}

export function summarizeChecks(
  results: readonly CheckResult[],
  base: Omit<VerifySummary, 'passed' | 'failed' | 'warned' | 'skipped'>,
): VerifySummary {
  const count = (status: CheckStatus) => results.filter((r) => r.status === status).length;
  return {
    ...base,
    passed: count('pass'),
    failed: count('fail'),
    warned: count('warn'),
    skipped: count('skip'),
  };
}

const MARKS: Record<CheckStatus, (c: ChalkInstance) => string> = {
  pass: (c) => c.green('✔ pass'),
  fail: (c) => c.red('✖ fail'),
  warn: (c) => c.yellow('▲ warn'),
  skip: (c) => c.dim('- skip'),
};

export function renderCheck(c: ChalkInstance, r: CheckResult): string[] {
  const lines = [`${MARKS[r.status](c)}  ${c.bold(r.name.padEnd(24))} ${r.message}`];
  if (r.status === 'fail' || r.status === 'warn') {
    for (const e of r.evidence)
      lines.push(c.dim(`        sent:     ${e.sent}`), c.dim(`        received: ${e.received}`));
    if (r.hint) lines.push(`        ${c.cyan('hint:')} ${r.hint}`);
  }
  return lines;
}

export function renderSummary(c: ChalkInstance, s: VerifySummary): string {
  const parts = [
    c.green(`${s.passed} passed`),
    s.failed ? c.red(`${s.failed} failed`) : `${s.failed} failed`,
  ];
  if (s.warned) parts.push(c.yellow(`${s.warned} warned`));
  if (s.skipped) parts.push(c.dim(`${s.skipped} skipped`));
  return parts.join(', ');
}

// XML 1.0 has no way to write most control characters, so they are dropped.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\x00-\x08\x0b\x0c\x0e-\x1f]/g;
const xml = (text: string) =>
  text
    .replace(
      /[<>&'"]/g,
      (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch]!,
    )
    .replace(CONTROL_CHARS, '');

/** JUnit XML as GitHub Actions and GitLab display it: a suite of checks, failures with their evidence. */
export function junitReport(results: readonly CheckResult[], s: VerifySummary): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const cases = results.map((r) => {
    const details = [
      r.message,
      ...r.evidence.flatMap((e) => [`sent: ${e.sent}`, `received: ${e.received}`]),
      ...(r.hint ? [`hint: ${r.hint}`] : []),
    ].join('\n');
    const open = `    <testcase classname="mes-webhooks.verify.${xml(s.provider)}" name="${xml(r.name)}" time="${seconds(r.durationMs)}">`;
    if (r.status === 'fail')
      return `${open}\n      <failure message="${xml(r.message)}" type="${xml(r.name)}">${xml(details)}</failure>\n    </testcase>`;
    if (r.status === 'skip') return `${open}\n      <skipped message="${xml(r.message)}"/>\n    </testcase>`;
    if (r.status === 'warn')
      return `${open}\n      <system-out>${xml(`warning: ${details}`)}</system-out>\n    </testcase>`;
    return `${open}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mes-webhooks verify" tests="${results.length}" failures="${s.failed}" skipped="${s.skipped}" time="${seconds(s.durationMs)}">`,
    `  <testsuite name="${xml(`verify ${s.target} (${s.provider}, ${s.scheme})`)}" tests="${results.length}" failures="${s.failed}" errors="0" skipped="${s.skipped}" time="${seconds(s.durationMs)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
