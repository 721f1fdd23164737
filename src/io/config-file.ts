/** The config file read from the working directory. */
export const CONFIG_FILE_NAME = 'mes-webhooks.config.json';
