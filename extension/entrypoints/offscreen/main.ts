// This document has no i18n API: whatever it words is English.
import '../../lib/english';
import { startEngineHost } from '../../lib/host/engine-host';

startEngineHost();
