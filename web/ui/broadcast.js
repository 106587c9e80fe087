// @ts-check
/** Asks before `@channel`, `@everyone` or `@here` reaches a big channel: more members than the
 * server's `broadcast_warn_members` (GET /auth/session settings; 10 when it does not say). */
import { store } from '../state/store.js';
import { broadcastIn } from '../state/complete.js';
import { get } from '../api/http.js';
import { yesNo } from './dialogs.js';

/** The threshold when the server names none. */
export const DEFAULT_WARN_MEMBERS = 10;

/** @type {Promise<number> | null} */
let threshold = null;

/** The server's threshold, asked once per page. */
function warnMembers() {
  threshold ??= get('/auth/session').then(
    (answer) => {
      const n = answer?.settings?.broadcast_warn_members;
      return typeof n === 'number' && n >= 0 ? n : DEFAULT_WARN_MEMBERS;
    },
    () => { threshold = null; return DEFAULT_WARN_MEMBERS; });
  return threshold;
}

/** Who is in a channel: known ids, else a fresh fetch. @param {string} cid @returns {Promise<string[]>} */
async function membersOf(cid) {
  const known = store.channelMembers.get(cid);
  if (known) return known;
  const { members } = await get(`/channels/${cid}/members`);
  return members.map((/** @type {{id: string}} */ u) => u.id);
}

/**
 * Whether to send `content` in channel `cid`: true at once without a broadcast or in a small
 * channel, else what the person answers.
 * @param {string} cid @param {string} content @returns {Promise<boolean>}
 */
export async function confirmBroadcast(cid, content) {
  const kind = broadcastIn(content);
  const channel = store.channels.get(cid);
  if (!kind || !channel || channel.kind === 'dm') return true;
  let members, limit;
  try {
    [members, limit] = await Promise.all([membersOf(cid), warnMembers()]);
  } catch {
    return true;
  }
  if (members.length <= limit) return true;
  const me = store.me?.id;
  const others = members.filter((id) => id !== me);
  const online = others.filter((id) => store.presence.get(id) === 'online');
  const n = kind === 'here' ? online.length : others.length;
  const people = `${n} ${n === 1 ? 'person' : 'people'}`;
  const where = channel.kind === 'private' ? channel.name : `#${channel.name}`;
  const text = kind === 'here'
    ? `This will notify ${people} in ${where}: everyone who is online now (@here). Send anyway?`
    : `This will notify ${people} in ${where}: everyone in the channel, in every time zone (@${kind}). Send anyway?`;
  return yesNo(`Notify ${people}?`, text, 'Send anyway', 'Cancel');
}
