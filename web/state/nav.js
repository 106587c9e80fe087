// @ts-check
/** What the sidebar and pickers list: channels and DMs in order, their badges, the people in a
 * DM, and what a role may do. No DOM here. */

/** @typedef {import('./unread.js').Channel} Channel */

/** The channels the reader is in, by name (archived last), and the DMs, most recent first.
 * @param {Iterable<Channel>} all @returns {{channels: Channel[], dms: Channel[]}} */
export function sidebarSections(all) {
  const mine = [...all].filter((c) => c.is_member);
  const channels = mine.filter((c) => c.kind !== 'dm')
    .sort((a, b) => Number(a.archived) - Number(b.archived) || a.name.localeCompare(b.name));
  const dms = mine.filter((c) => c.kind === 'dm').sort((a, b) => b.last_seq - a.last_seq || a.id.localeCompare(b.id));
  return { channels, dms };
}

/** The count badge of a row: every unread message of a DM, only mentions elsewhere and in muted DMs. @param {Channel} c */
export function badgeCount(c) {
  return c.kind === 'dm' && !c.notifications?.muted ? c.unread_count : c.mention_count;
}

/** The people in a DM other than the reader (the reader alone for a DM with oneself).
 * @param {Channel} c @param {string | undefined} me @returns {string[]} */
export function dmOthers(c, me) {
  const others = c.dm_user_ids.filter((id) => id !== me);
  return others.length ? others : c.dm_user_ids.slice(0, 1);
}

/** The 1:1 DM with a person, if one exists. @param {Iterable<Channel>} all @param {string} me @param {string} person */
export function directWith(all, me, person) {
  for (const c of all) {
    if (c.kind === 'dm' && c.dm_user_ids.length === 2 && c.dm_user_ids.includes(me) && c.dm_user_ids.includes(person)) return c;
  }
  return undefined;
}

/** Admins and owners manage members and archive any channel. @param {string | undefined} role */
export const isAdmin = (role) => role === 'admin' || role === 'owner';

/** Whether the reader may leave: not `general`, not a DM. @param {Channel} c */
export const canLeave = (c) => c.is_member && !c.is_default && c.kind !== 'dm';

/** Whether archiving is offered: not `general`, not a DM (the server decides who: creator or admin). @param {Channel} c */
export const canArchive = (c) => !c.is_default && c.kind !== 'dm';

/** "Expires in 3 days" for an invite. @param {string} expiresAt RFC 3339 @param {number} now ms */
export function expiryText(expiresAt, now) {
  const ms = Date.parse(expiresAt) - now;
  if (!(ms > 0)) return 'Expired';
  const hours = Math.round(ms / 3_600_000);
  if (hours < 1) return 'Expires in less than an hour';
  if (hours < 48) return `Expires in ${hours} hour${hours === 1 ? '' : 's'}`;
  return `Expires in ${Math.round(hours / 24)} days`;
}

/** Channel names: what the server accepts (1–80 of a–z, 0–9, - and _), as a message or null.
 * @param {string} name */
export function channelNameProblem(name) {
  if (name.length === 0) return 'Give the channel a name';
  if (name.length > 80) return 'Use at most 80 characters';
  if (!/^[a-z0-9_-]+$/.test(name)) return 'Use lower-case letters, digits, - and _';
  return null;
}
