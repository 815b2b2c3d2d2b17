import { startEngineHost } from '../../lib/host/engine-host';

startEngineHost();
