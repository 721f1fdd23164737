import type { SchemaResult } from '../../schema/types.js';

/** How a real payload differs from its event's documented schema. */
export interface Drift {
  /** Fields the payload has and the schema does not list. */
  added: string[];
  /** Required fields the payload lacks. */
  missing: string[];
  /** Fields whose JSON type is not the one the schema says. */
  changedType: { pointer: string; expected: string; got: string }[];
  /** Other breaks of the contract: enum values, formats, constants. */
  other: { pointer: string; message: string }[];
}

const TYPE_MESSAGE =
  /^expected ((?:string|number|integer|boolean|null|array|object)(?: or (?:string|number|integer|boolean|null|array|object))*), got (\w+)$/;

/** Sorts a validator's findings into the drift report's four lists. */
export function driftOf(result: SchemaResult): Drift {
  const drift: Drift = { added: [], missing: [], changedType: [], other: [] };
  for (const note of result.notes) if (note.message === 'not in the schema') drift.added.push(note.pointer);
  for (const problem of result.problems) {
    const type = TYPE_MESSAGE.exec(problem.message);
    if (problem.message === 'required, missing') drift.missing.push(problem.pointer);
    else if (type) drift.changedType.push({ pointer: problem.pointer, expected: type[1]!, got: type[2]! });
    else drift.other.push(problem);
  }
  return drift;
}

export const driftCount = (d: Drift): number =>
  d.added.length + d.missing.length + d.changedType.length + d.other.length;

/** One line per difference, for the terminal. */
export function driftLines(d: Drift): string[] {
  return [
    ...d.added.map((p) => `+ ${p}  (not in the schema)`),
    ...d.missing.map((p) => `- ${p}  (required, missing)`),
    ...d.changedType.map((c) => `~ ${c.pointer}  (${c.expected} in the schema, ${c.got} here)`),
    ...d.other.map((o) => `! ${o.pointer || '(payload)'}  ${o.message}`),
  ];
}
