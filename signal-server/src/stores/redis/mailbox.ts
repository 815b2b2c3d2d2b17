import type { Redis } from 'ioredis';
import * as v from 'valibot';
import { MAX_MAIL_ACK_IDS } from '../../../../shared/limits';
import { MailItemSchema } from '../../../../shared/protocol/mailbox';
import { pageOf, type MailboxFull, type MailboxLimits, type MailboxStore, type PutOutcome } from '../mailbox';
import { readStored, warnUnreadable, type ReportUnreadable } from '../stored';

/*
 * Per recipient: `order` (sorted set of mail ids by a global sequence), `items` (mail id → {item, size, expiresAt}),
 * `dedupe` (sender/message id → mail id), `usage` (hash: bytes, and a count per sender). `recipients` is the set of
 * users with mail, for the expiry sweep. `held` (one hash for everyone): `bytes` of all mail, and per sender
 * `bytes:<id>` and `messages:<id>` across all recipients.
 *
 * PUT. KEYS: order, items, dedupe, usage, sequence, recipients, held. ARGV: dedupe key, mail id, entry, size,
 * recipient's max messages, recipient's max bytes, sender, max from one sender, recipient, sender is new (1/0),
 * new sender's max messages, new sender's max bytes, max bytes from a sender, max total bytes.
 */
const PUT = `
local held = redis.call('HGET', KEYS[3], ARGV[1])
if held then return {'held', held, cjson.decode(redis.call('HGET', KEYS[2], held)).expiresAt} end
local size = tonumber(ARGV[4])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[5]) then return {'full', 'messages'} end
local bytes = tonumber(redis.call('HGET', KEYS[4], 'bytes') or '0') + size
if bytes > tonumber(ARGV[6]) then return {'full', 'bytes'} end
if tonumber(redis.call('HGET', KEYS[4], 'from:' .. ARGV[7]) or '0') >= tonumber(ARGV[8]) then return {'full', 'sender'} end
local senderMessages = tonumber(redis.call('HGET', KEYS[7], 'messages:' .. ARGV[7]) or '0')
local senderBytes = tonumber(redis.call('HGET', KEYS[7], 'bytes:' .. ARGV[7]) or '0') + size
if ARGV[10] == '1' and (senderMessages >= tonumber(ARGV[11]) or senderBytes > tonumber(ARGV[12])) then
  return {'full', 'new-sender'}
end
if senderBytes > tonumber(ARGV[13]) then return {'full', 'sender-bytes'} end
if tonumber(redis.call('HGET', KEYS[7], 'bytes') or '0') + size > tonumber(ARGV[14]) then return {'full', 'total'} end
local seq = redis.call('INCR', KEYS[5])
redis.call('ZADD', KEYS[1], seq, ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[4], 'bytes', bytes)
redis.call('HINCRBY', KEYS[4], 'from:' .. ARGV[7], 1)
redis.call('HINCRBY', KEYS[7], 'bytes', size)
redis.call('HINCRBY', KEYS[7], 'bytes:' .. ARGV[7], size)
redis.call('HINCRBY', KEYS[7], 'messages:' .. ARGV[7], 1)
redis.call('SADD', KEYS[6], ARGV[9])
return {'put', ARGV[2]}`;
// KEYS: order, items, dedupe, usage, held. ARGV: mail ids.
const ACK = `
local deleted = 0
for i = 1, #ARGV do
  local stored = redis.call('HGET', KEYS[2], ARGV[i])
  if stored then
    local entry = cjson.decode(stored)
    local from = entry.item.from
    redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
    redis.call('HDEL', KEYS[3], from .. '/' .. entry.item.id)
    redis.call('HINCRBY', KEYS[4], 'bytes', -entry.size)
    if redis.call('HINCRBY', KEYS[4], 'from:' .. from, -1) <= 0 then redis.call('HDEL', KEYS[4], 'from:' .. from) end
    -- Mail held before these counters existed was never counted: never below zero.
    if redis.call('HINCRBY', KEYS[5], 'bytes', -entry.size) < 0 then redis.call('HSET', KEYS[5], 'bytes', 0) end
    if redis.call('HINCRBY', KEYS[5], 'messages:' .. from, -1) <= 0 then
      redis.call('HDEL', KEYS[5], 'messages:' .. from, 'bytes:' .. from)
    else
      redis.call('HINCRBY', KEYS[5], 'bytes:' .. from, -entry.size)
    end
    deleted = deleted + 1
  end
end
return deleted`;

/** One held message as put() writes it under `items`. */
const EntrySchema = v.object({
  item: MailItemSchema,
  size: v.pipe(v.number(), v.integer(), v.minValue(0)),
  expiresAt: v.pipe(v.number(), v.integer()),
});
type Entry = v.InferOutput<typeof EntrySchema>;

/**
 * The mailbox in Redis, shared by every server process; quotas checked and the message written atomically.
 * A held message that does not parse is reported and left out of fetches.
 */
export function createRedisMailboxStore(
  redis: Redis,
  prefix: string,
  limits: MailboxLimits,
  report: ReportUnreadable = warnUnreadable,
): MailboxStore {
  const keys = (to: string) =>
    [
      `${prefix}mail:${to}:order`,
      `${prefix}mail:${to}:items`,
      `${prefix}mail:${to}:dedupe`,
      `${prefix}mail:${to}:usage`,
    ] as const;
  const recipients = `${prefix}mail-recipients`;
  const held = `${prefix}mail-held`;
  const entries = async (to: string, mailIds: string[]): Promise<Entry[]> => {
    if (mailIds.length === 0) return [];
    const items = keys(to)[1];
    const stored = await redis.hmget(items, ...mailIds);
    return stored.flatMap((value, index) =>
      value === null ? [] : (readStored(EntrySchema, `${items} ${mailIds[index]}`, value, report) ?? []),
    );
  };
  /** The mail ids of the messages `from` sent that wait for `to`. */
  const sentTo = async (to: string, from: string): Promise<string[]> => {
    const mailIds: string[] = [];
    let cursor = '0';
    do {
      const [next, entries] = await redis.hscan(keys(to)[2], cursor, 'MATCH', `${from}/*`, 'COUNT', 1000);
      cursor = next;
      mailIds.push(...entries.filter((_entry, index) => index % 2 === 1)); // field, value: the values
    } while (cursor !== '0');
    return mailIds;
  };
  const store: MailboxStore = {
    async put(to, item, size, { isNew }): Promise<PutOutcome> {
      const expiresAt = item.storedAt + limits.ttlMs;
      const entry: Entry = { item, size, expiresAt };
      const { newSender } = limits;
      const answer = (await redis.eval(
        PUT,
        7,
        ...keys(to),
        `${prefix}mail-seq`,
        recipients,
        held,
        `${item.from}/${item.id}`,
        item.mailId,
        JSON.stringify(entry),
        String(size),
        String(limits.maxMessages),
        String(limits.maxBytes),
        item.from,
        String(limits.maxFromOneSender),
        to,
        isNew ? '1' : '0',
        String(newSender.maxMessages),
        String(newSender.maxBytes),
        String(limits.maxBytesFromSender),
        String(limits.maxTotalBytes),
      )) as [string, string, number?];
      const [kind, value, heldUntil] = answer;
      if (kind === 'full') return { ok: false, full: value as MailboxFull };
      return { ok: true, mailId: value, expiresAt: kind === 'held' ? Number(heldUntil) : expiresAt };
    },
    async fetch(to, page, now) {
      // Oldest first; the time-to-live is the same for all, so expired messages are at the front.
      for (;;) {
        const found = await entries(to, await redis.zrange(keys(to)[0], '0', String(page.maxItems)));
        const expired = found.filter((entry) => entry.expiresAt <= now).map((entry) => entry.item.mailId);
        if (expired.length === 0) return pageOf(found, page);
        await store.ack(to, expired);
      }
    },
    async ack(to, mailIds) {
      return Number(await redis.eval(ACK, 5, ...keys(to), held, ...mailIds));
    },
    async purgeExpired(now) {
      let purged = 0;
      for (const to of await redis.smembers(recipients)) {
        const [order, items] = keys(to);
        const ids = await redis.zrange(order, '0', '-1');
        const expired = (await entries(to, ids)).filter((entry) => entry.expiresAt <= now);
        purged +=
          expired.length > 0
            ? await store.ack(
                to,
                expired.map((entry) => entry.item.mailId),
              )
            : 0;
        if ((await redis.hlen(items)) === 0) await redis.srem(recipients, to);
      }
      return purged;
    },
    async forget(userId) {
      // Held for them: acknowledged (so their senders' counts and the total follow), then every key of theirs.
      const mine = keys(userId);
      const waiting = await redis.zrange(mine[0], '0', '-1');
      let forgotten = 0;
      for (let start = 0; start < waiting.length; start += MAX_MAIL_ACK_IDS)
        forgotten += await store.ack(userId, waiting.slice(start, start + MAX_MAIL_ACK_IDS));
      await redis.del(...mine);
      await redis.srem(recipients, userId);
      // Theirs, held for others: found through each recipient's dedupe keys (`<sender>/<message id>`). Nothing
      // indexes mail by sender, so a deletion reads every mailbox's keys once, as the expiry sweep does.
      let cursor = '0';
      do {
        const [next, batch] = await redis.sscan(recipients, cursor, 'COUNT', 500);
        cursor = next;
        const found = await Promise.all(batch.map((to) => sentTo(to, userId)));
        for (const [index, mailIds] of found.entries())
          for (let start = 0; start < mailIds.length; start += MAX_MAIL_ACK_IDS)
            forgotten += await store.ack(batch[index] ?? '', mailIds.slice(start, start + MAX_MAIL_ACK_IDS));
      } while (cursor !== '0');
      await redis.hdel(held, `messages:${userId}`, `bytes:${userId}`);
      return forgotten;
    },
  };
  return store;
}
