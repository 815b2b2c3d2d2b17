import { createApp } from './app';
import { configFromEnv } from './config';
import { createLogger } from './logger';
import { createEmbeddedStores } from './stores';

const config = configFromEnv();
const logger = createLogger(config);
const app = createApp(config, createEmbeddedStores(), logger);
const address = await app.listen(config.port, config.host);
logger.info({ url: `http://${address.address}:${address.port}` }, 'signal server listening');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    void app.close().then(() => process.exit(0));
  });
}
