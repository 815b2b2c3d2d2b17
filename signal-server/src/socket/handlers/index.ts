import type { HandlerRegistry } from '../context';
import { accountDelete, accountReleaseName } from './account';
import { blockSet, userLookup } from './contacts';
import { iceServers } from './ice';
import { mailAck, mailFetch, mailSend } from './mail';
import { peerTicket } from './peer';
import { presenceHere, presenceWatch } from './presence';
import { prekeysClaim, prekeysPublish } from './prekeys';
import { profileGet, profilePut } from './profiles';
import { roomBrowse, roomListedCode, roomListing } from './public-rooms';
import { roomAppend, roomCreate, roomInvitee, roomList, roomPeek } from './rooms';
import { sessionChallenge, sessionStart } from './session';

export const handlers: HandlerRegistry = {
  'session:challenge': sessionChallenge,
  'session:start': sessionStart,
  'peer:ticket': peerTicket,
  'prekeys:publish': prekeysPublish,
  'prekeys:claim': prekeysClaim,
  'mail:send': mailSend,
  'mail:fetch': mailFetch,
  'mail:ack': mailAck,
  'ice:servers': iceServers,
  'room:create': roomCreate,
  'room:append': roomAppend,
  'room:invitee': roomInvitee,
  'room:peek': roomPeek,
  'room:list': roomList,
  'room:listing': roomListing,
  'room:browse': roomBrowse,
  'room:listed-code': roomListedCode,
  'account:release-name': accountReleaseName,
  'account:delete': accountDelete,
  'user:lookup': userLookup,
  'presence:watch': presenceWatch,
  'presence:here': presenceHere,
  'block:set': blockSet,
  'profile:put': profilePut,
  'profile:get': profileGet,
};
