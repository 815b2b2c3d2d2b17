// Components import their own stylesheets, which Vite bundles (extension/components/message-log.css). The
// extension's tsconfig knows them through WXT's Vite types; this one, for tests and tools, has no Vite types.
declare module '*.css';
