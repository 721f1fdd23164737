import { formatProblem } from './types.js';
import type { SchemaVerdict } from './verdict.js';

/**
 * One line for a terminal: the first problem, and how many more. Apart from the verdict itself, so
 * what renders a delivery loads no schemas or validator.
 */
export function schemaSummary(v: SchemaVerdict): string {
  const [first, ...rest] = v.problems ?? [];
  if (!first) return '';
  return `schema: ${formatProblem(first)}${rest.length > 0 ? ` (+${rest.length} more)` : ''}`;
}
