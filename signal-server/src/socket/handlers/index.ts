import type { HandlerRegistry } from '../context';
import { peerTicket } from './peer';
import { sessionStart } from './session';

export const handlers: HandlerRegistry = {
  'session:start': sessionStart,
  'peer:ticket': peerTicket,
};
