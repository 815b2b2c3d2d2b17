import { seedFromEnv } from './report';

/** Every fuzz test runs a fixed seed (the same cases each time) and a random one (printed on failure). */
export const FIXED_SEED = 20_261_203;
export const seeds = (): readonly number[] => [FIXED_SEED, seedFromEnv()];
