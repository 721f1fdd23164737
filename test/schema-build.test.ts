import { describe, expect, it } from 'vitest';
import { parseAssignment, parseSetValue } from '../src/core/overrides.js';
import { loadFixtures } from '../src/io/fixtures.js';
import { checkBuiltEvent } from '../src/schema/check-build.js';
import { runCli } from './helpers/cli.js';

const events = await loadFixtures();
const fixture = (name: string) => events.find((e) => e.name === name)!.payload;
const sets = (...assignments: string[]) => assignments.map(parseAssignment);

describe('checkBuiltEvent', () => {
  it('names a --set path the schema lacks, with the field it most likely meant', () => {
    const messages = checkBuiltEvent(
      'mes',
      'work_order.created',
      fixture('work_order.created'),
      sets('data.workOrder.quantiy=5', 'quantty=5', 'data.zzz=1', 'data.workOrder.quantity=5'),
    ).map((f) => f.message);
    expect(messages).toEqual([
      '--set data.workOrder.quantiy: work_order.created has no such field; did you mean data.workOrder.quantity?',
      '--set quantty: work_order.created has no such field; did you mean data.workOrder.quantity?',
      '--set data.zzz: work_order.created has no such field',
    ]);
  });

  it('goes into arrays, BzDate objects and open objects as the schema does', () => {
    const findings = (name: string, provider: string, ...paths: string[]) =>
      checkBuiltEvent(provider, name, fixture(name), sets(...paths)).map((f) => f.message);
    expect(findings('inventory.modified', 'tracktile', 'changes.attributes.add[0].value="x"')).toEqual([]);
    expect(findings('inventory.modified', 'tracktile', 'changes.attributes.add[0].vaule=1')).toEqual([
      '--set changes.attributes.add[0].vaule: inventory.modified has no such field; did you mean changes.attributes.add[0].value?',
    ]);
    // lexiconKeys and attributes are open objects: any key is a field.
    expect(findings('operationmessage.created', 'betterez', 'data.lexiconKeys.name="k"')).toEqual([]);
    expect(findings('operationmessage.created', 'betterez', 'data.createdAt.ofset=1')).toEqual([
      '--set data.createdAt.ofset: operationmessage.created has no such field; did you mean data.createdAt.offset?',
    ]);
  });

  it('reports each schema problem of what was built, and nothing for an event without a schema', () => {
    const payload = structuredClone(fixture('work_order.created')) as {
      data: { workOrder: Record<string, unknown> };
    };
    payload.data.workOrder.quantity = '5';
    expect(checkBuiltEvent('mes', 'work_order.created', payload, [])).toEqual([
      {
        kind: 'schema',
        message: 'work_order.created schema: /data/workOrder/quantity: expected integer, got string',
      },
    ]);
    expect(checkBuiltEvent('acme', 'thing.happened', { anything: 1 }, sets('x=1'))).toEqual([]);
  });
});

describe('--set numbers JSON cannot carry', () => {
  it('refuses Infinity and integers beyond 2^53, anywhere in the value; keeps the rest', () => {
    for (const text of [
      '1e999',
      '-1e999',
      '9007199254740993',
      '[1, {"a": 1e400}]',
      '{"n": -9007199254740993}',
    ]) {
      expect(() => parseSetValue(text), text).toThrow(/too large for JSON|beyond 2\^53/);
    }
    expect(parseSetValue('9007199254740991')).toBe(9007199254740991);
    expect(parseSetValue('1.5e300')).toBe(1.5e300);
    expect(parseSetValue('"9007199254740993"')).toBe('9007199254740993');
    expect(parseSetValue('1e999x')).toBe('1e999x');
  });
});

describe('send, payload and scenario check what they build', () => {
  it('payload warns about a typo and a wrong type and still prints; --strict makes them a usage error', async () => {
    const loose = await runCli(['payload', 'work_order.created', '--set', 'data.workOrder.quantiy=5']);
    expect(loose.code).toBe(0);
    expect(loose.stderr).toContain('did you mean data.workOrder.quantity?');
    expect(JSON.parse(loose.stdout).data.workOrder.quantiy).toBe(5);

    const strict = await runCli([
      'payload',
      'work_order.created',
      '--set',
      'data.workOrder.quantity="5"',
      '--strict',
    ]);
    expect(strict.code).toBe(2);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toContain('/data/workOrder/quantity: expected integer, got string');
  });

  it('send warns once per event however many it sends', async () => {
    const result = await runCli([
      'send',
      'work_order.created',
      '--count',
      '3',
      '--no-log',
      '--set',
      'data.workOrder.quantiy=5',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr.match(/did you mean data\.workOrder\.quantity\?/g)).toHaveLength(1);
  });

  it('scenario checks each step, and --strict stops it before anything is sent', async () => {
    const result = await runCli([
      'scenario',
      'work-order-lifecycle',
      '--no-log',
      '--set',
      'data.workOrder.quantity="x"',
      '--strict',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'work_order.created schema: /data/workOrder/quantity: expected integer, got string',
    );
    expect(result.stdout).toBe('');
  });

  it('a number JSON cannot carry is a usage error, not a silent null', async () => {
    const result = await runCli(['payload', 'work_order.created', '--set', 'data.workOrder.quantity=1e999']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('too large for JSON');
  });
});
