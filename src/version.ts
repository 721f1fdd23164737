import { VERSION } from './generated/version.js';

export { VERSION };
export const USER_AGENT = `mes-webhooks/${VERSION}`;
