import type { HandlerRegistry } from '../context';
import { peerTicket } from './peer';
import { sessionChallenge, sessionStart } from './session';

export const handlers: HandlerRegistry = {
  'session:challenge': sessionChallenge,
  'session:start': sessionStart,
  'peer:ticket': peerTicket,
};
