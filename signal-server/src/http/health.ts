import { Router } from 'express';
import type { Stores } from '../stores';

/** GET /health: liveness and a few counts, for load balancers and humans. No user data. */
export function healthRouter(stores: Stores, startedAt: number): Router {
  const router = Router();
  router.get('/health', (_request, response, next) => {
    stores.presence
      .count()
      .then(
        (online) =>
          response.json({ status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), online }),
        next,
      );
  });
  return router;
}
