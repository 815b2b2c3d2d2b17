import { createApp } from './app';
import { openBackend } from './backend';
import { configFromEnv } from './config';
import { installCrashPolicy } from './guard/crash-policy';
import { createLogger } from './logger';

const config = configFromEnv();
const logger = createLogger(config);
installCrashPolicy(logger);
const backend = await openBackend(config, logger);
const app = createApp(config, backend, logger);
const address = await app.listen(config.port, config.host);
logger.info(
  { url: `http://${address.address}:${address.port}`, store: config.redisUrl ? 'redis' : config.dataDir },
  'signal server listening',
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    void app
      .close()
      .then(() => backend.close())
      .then(() => process.exit(0));
  });
}
