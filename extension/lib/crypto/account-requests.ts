import nacl from 'tweetnacl';
import { accountStatement, type AccountClaim } from '../../../shared/crypto/account-statement';
import { encodeBytes } from '../../../shared/crypto/identity';
import { userIdOfKeys, type IdentityKeys } from './identity';

/**
 * The signature for an account request (release the name, delete the account) to the server at `origin`, over
 * its fresh challenge (see accountStatement).
 */
export function signAccountRequest(keys: IdentityKeys, claim: Omit<AccountClaim, 'userId'>): string {
  return encodeBytes(
    nacl.sign.detached(accountStatement({ ...claim, userId: userIdOfKeys(keys) }), keys.signing.secretKey),
  );
}
