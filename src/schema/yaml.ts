/**
 * YAML for JSON data (the export documents): block style, every string double-quoted with JSON's escapes,
 * which YAML's double-quoted scalars read the same way. No dependency for a format we only write.
 */
export function toYaml(value: unknown): string {
  return `${lines(value, 0).join('\n')}\n`;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const AMBIGUOUS = /^(true|false|null|yes|no|on|off|y|n)$/i;
const key = (k: string) => (PLAIN_KEY.test(k) && !AMBIGUOUS.test(k) ? k : JSON.stringify(k));

function scalar(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return JSON.stringify(value);
  if (Array.isArray(value) && value.length === 0) return '[]';
  if (typeof value === 'object' && Object.keys(value).length === 0) return '{}';
  return undefined;
}

function lines(value: unknown, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const simple = scalar(value);
  if (simple !== undefined) return [pad + simple];
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      const one = scalar(item);
      if (one !== undefined) return [`${pad}- ${one}`];
      // The item's first line goes after the dash; the rest keep the item's indentation.
      const [first = '', ...rest] = lines(item, indent + 2);
      return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
    });
  }
  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .flatMap(([k, v]) => {
      const one = scalar(v);
      return one !== undefined ? [`${pad}${key(k)}: ${one}`] : [`${pad}${key(k)}:`, ...lines(v, indent + 2)];
    });
}
