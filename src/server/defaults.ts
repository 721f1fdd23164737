/** The listener's defaults, apart from the listener so option declarations can show them cheaply. */
export const DEFAULT_PORT = 4000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
