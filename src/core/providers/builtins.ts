import { betterez } from './betterez/index.js';
import { katana } from './katana/index.js';
import { mes } from './mes/index.js';
import { standard } from './standard/index.js';
import { tracktile } from './tracktile/index.js';
import type { ProviderPlace } from './types.js';

/** Every built-in provider folder, in the order providers are listed. Adding one is a line here. */
export const BUILTIN_PLACES: readonly ProviderPlace[] = [mes, tracktile, betterez, katana, standard];
