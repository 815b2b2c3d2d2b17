/** A dedicated Worker that decrypts, hashes and writes one received file (started by received-files.ts). */
import { openStoredFile } from './opfs-files';
import { serveFileSink, type SinkPort } from './sink-server';

// A worker's global scope posts and receives messages like a port (the DOM library types `self` as a Window).
serveFileSink(self as unknown as SinkPort, openStoredFile);
