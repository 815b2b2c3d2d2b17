import type { HandlerRegistry } from '../context';
import { peerTicket } from './peer';
import { prekeysClaim, prekeysPublish } from './prekeys';
import { sessionChallenge, sessionStart } from './session';

export const handlers: HandlerRegistry = {
  'session:challenge': sessionChallenge,
  'session:start': sessionStart,
  'peer:ticket': peerTicket,
  'prekeys:publish': prekeysPublish,
  'prekeys:claim': prekeysClaim,
};
