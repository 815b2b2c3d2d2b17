// EngineError lives in ../errors (vault and storage throw it too, and must not import from the engine); this
// re-export keeps older imports working.
export { EngineError } from '../errors';
