import { getAt, mapLeaves, parsePointer } from './pointer.js';

/** What kind of value a fake stands in for; each kind has its own realistic shape. */
export type FakeKind = 'email' | 'phone' | 'token' | 'text';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_KEY = /phone|mobile|tel|fax|msisdn/i;
const PHONE_VALUE = /^\+?[\d\s().-]+$/;
const TOKEN_KEY = /token|secret|password|passwd|api[_-]?key|authorization|credential|session/i;
// Prefixed secrets (sk_live_…, whsec_…, ghp_…), JWTs and Bearer values.
const TOKEN_VALUE =
  /^(?:(?:sk|pk|rk|whsec|ghp|gho|xox[abp])_[\w-]{8,}|eyJ[\w-]+\.[\w-]+\.[\w-]+|Bearer\s+\S+)$/;

/** The default list: which leaf values look like personal data or secrets, and so are faked. */
export function defaultKind(key: string, value: unknown): FakeKind | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (EMAIL.test(value)) return 'email';
  if (TOKEN_VALUE.test(value) || TOKEN_KEY.test(key)) return 'token';
  const digits = value.replace(/\D/g, '').length;
  if (
    PHONE_VALUE.test(value) &&
    digits >= 7 &&
    digits <= 15 &&
    (PHONE_KEY.test(key) || value.startsWith('+'))
  )
    return 'phone';
  return undefined;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const WORDS = ['alder', 'birch', 'cedar', 'dune', 'ember', 'fjord', 'grove', 'heath', 'isle', 'juniper'];

/**
 * Fakes for one capture: the same input always gets the same fake, so an email or a token that
 * links two deliveries still links their fixtures. Counter-based, so a capture is reproducible.
 */
export class Faker {
  private readonly seen = new Map<string, unknown>();
  private count = 0;

  fake(value: unknown, kind: FakeKind): unknown {
    const key = `${kind}\0${JSON.stringify(value)}`;
    let fake = this.seen.get(key);
    if (fake === undefined) {
      fake = this.make(value, kind, ++this.count);
      this.seen.set(key, fake);
    }
    return fake;
  }

  private make(value: unknown, kind: FakeKind, n: number): unknown {
    if (typeof value === 'number') return Number.isInteger(value) ? 1000 + n : n + 0.5;
    if (typeof value === 'boolean' || value === null) return value;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    switch (kind) {
      case 'email':
        return `${WORDS[(n - 1) % WORDS.length]}.${n}@example.com`;
      case 'phone':
        // 555-01xx numbers are reserved for fiction.
        return `+1 555 01${String(n % 100).padStart(2, '0')}`;
      case 'token': {
        const prefix = /^(?:[a-z]+_(?:live_|test_)?|Bearer\s+)/i.exec(text)?.[0] ?? '';
        return prefix + shaped(text.slice(prefix.length), n);
      }
      default:
        return shaped(text, n);
    }
  }
}

/** Same length and character classes as `text`, filled from a counter: realistic, not the original. */
function shaped(text: string, n: number): string {
  let state = n * 2654435761;
  const next = (m: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % m;
  };
  return text.replace(/[a-z]|[A-Z]|\d/g, (c) =>
    /\d/.test(c) ? String(next(10)) : /[a-z]/.test(c) ? LETTERS[next(26)]! : LETTERS[next(26)]!.toUpperCase(),
  );
}

export interface Redaction {
  payload: unknown;
  /** Pointers whose values were replaced, with the kind of fake. */
  redacted: { pointer: string; kind: FakeKind; reason: 'asked' | 'default' }[];
}

/** Checks `--redact` pointers before any delivery is read: bad syntax is a usage error. */
export function checkPointers(pointers: readonly string[]): string[] {
  return pointers.flatMap((p) => {
    try {
      parsePointer(p);
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  });
}

/**
 * Replaces the values at `pointers` (a whole object or array under one is faked leaf by leaf) and
 * every value the default list recognises. Pointers the payload does not have are passed over.
 */
export function redact(payload: unknown, pointers: readonly string[], faker: Faker): Redaction {
  const asked = pointers.filter((p) => getAt(payload, p) !== undefined);
  const redacted: Redaction['redacted'] = [];
  const under = (pointer: string) => asked.some((p) => pointer === p || pointer.startsWith(`${p}/`));
  const out = mapLeaves(payload, ({ pointer, key, value }) => {
    const kind = defaultKind(key, value);
    if (under(pointer)) {
      redacted.push({ pointer, kind: kind ?? 'text', reason: 'asked' });
      return faker.fake(value, kind ?? 'text');
    }
    if (kind) {
      redacted.push({ pointer, kind, reason: 'default' });
      return faker.fake(value, kind);
    }
    return value;
  });
  return { payload: out, redacted };
}
