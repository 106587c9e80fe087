// @ts-check
/** What the chrome's menus and buttons do: the dialogs of the workspace and user menus, and the
 * channel menu's leave, archive and copy link. Each keeps its dialog open with what was typed until
 * it succeeds, and says why when it does not. */
import { h } from './dom.js';
import { post, patch, ApiError } from '../api/http.js';
import * as chat from '../api/chat.js';
import { store, changed, putChannel, putUser, channelTitle } from '../state/store.js';
import { channelNameProblem, expiryText } from '../state/nav.js';
import { ask, field, choice, show, yesNo, notice, toast } from './dialogs.js';
import { statusDialog } from './status.js';
import { photoField } from './profile-photo.js';

/**
 * @typedef {{openChannel: (cid: string) => void, switchTo: (wid: string) => void, defaultChannel: () => string | undefined}} Navigation
 */

/** The workspace and user menus' dialogs. @param {string} wid @param {Navigation} nav */
export function workspaceActions(wid, { openChannel, switchTo }) {
  async function newChannel() {
    await ask('Create a channel', [
      field('Name', 'name', { required: true, maxlength: 80, autocomplete: 'off', placeholder: 'e.g. plan-budget' }),
      choice('Visibility', 'kind', [['public', 'Public: anyone in the workspace'], ['private', 'Private: invited people']])], 'Create', 'Cancel', {
      validate: (v) => { const problem = channelNameProblem(String(v.get('name'))); return problem ? { name: problem } : null; },
      submit: async (v) => {
        const channel = await chat.createChannel(wid, String(v.get('name')), /** @type {any} */ (v.get('kind'))).catch((err) => {
          // A taken name (409) is about the name field.
          if (err instanceof ApiError && err.status === 409) err.field = 'name';
          throw err;
        });
        openChannel(channel.id);
      },
    });
  }
  async function invite() {
    const workspace = store.workspaces.find((w) => w.id === wid);
    try {
      const { invite } = await post(`/workspaces/${wid}/invites`, {});
      await show(`Invite people to ${workspace?.name ?? 'the workspace'}`, `${location.origin}/invite/${invite.code}`,
        `${expiryText(invite.expires_at, Date.now())}. Anyone with the link can join as a member.`);
    } catch (err) {
      await notice('No invite link', err instanceof ApiError ? err.message : 'The server cannot be reached.', 'OK');
    }
  }
  async function profile() {
    const me = store.me;
    await ask('Your profile', [photoField(), field('Display name', 'name', { value: me?.name ?? '', required: true, maxlength: 80, autofocus: true }),
      field('Status', 'status_text', { value: me?.status_text ?? '', maxlength: 100, placeholder: 'What are you up to?' })], 'Save', 'Cancel', {
      validate: (v) => (String(v.get('name')).trim() ? null : { name: 'Your name cannot be empty' }),
      submit: async (v) => putUser((await patch('/me', Object.fromEntries(v))).user),
    });
  }
  // The status dialog with its emoji, suggestions and "Clear after" (ui/status.js).
  const status = statusDialog;
  async function newWorkspace() {
    await ask('New workspace', [field('Name', 'name', { required: true, maxlength: 80 })], 'Create', 'Cancel', {
      validate: (v) => (String(v.get('name')).trim() ? null : { name: 'Give the workspace a name' }),
      submit: async (v) => {
        const { workspace } = await post('/workspaces', { name: v.get('name') });
        store.workspaces = [...store.workspaces, workspace];
        switchTo(workspace.id);
      },
    });
  }
  return { newChannel, invite, profile, status, newWorkspace };
}

/** The channel menu. @param {Navigation} nav */
export function channelActions({ openChannel, defaultChannel }) {
  /** @param {string} cid */
  async function leave(cid) {
    const c = store.channels.get(cid);
    if (!c) return;
    if (c.kind === 'private' && !(await yesNo(`Leave ${channelTitle(c)}?`, 'It is private: you can come back only if someone adds you.', 'Leave', 'Cancel'))) return;
    try {
      await post(`/channels/${cid}/leave`);
      if (c.kind === 'public') store.channels.set(cid, { ...c, is_member: false });
      else store.channels.delete(cid);
      store.logs.delete(cid);
      changed('channels');
      toast(`You left ${channelTitle(c)}`);
      openChannel(defaultChannel() ?? '');
    } catch (err) {
      await notice('Not left', err instanceof ApiError ? err.message : 'The server cannot be reached.', 'OK');
    }
  }

  /** @param {string} cid @param {boolean} archived */
  async function archive(cid, archived) {
    const c = store.channels.get(cid);
    if (!c) return;
    if (archived && !(await yesNo(`Archive ${channelTitle(c)}?`, 'Nobody can post in it any more; everything stays readable. It can be unarchived later.', 'Archive', 'Cancel'))) return;
    try {
      putChannel((await patch(`/channels/${cid}`, { archived })).channel);
      toast(archived ? `${channelTitle(c)} is archived` : `${channelTitle(c)} is open again`);
    } catch (err) {
      const text = err instanceof ApiError && err.status === 403 ? 'Only the person who created the channel or a workspace admin can do that.'
        : err instanceof ApiError ? err.message : 'The server cannot be reached.';
      await notice(archived ? 'Not archived' : 'Not unarchived', text, 'OK');
    }
  }

  /** @param {string} cid */
  async function copyLink(cid) {
    const link = `${location.origin}/w/${store.workspaceId}/c/${cid}`;
    try { await navigator.clipboard.writeText(link); toast('Link copied'); } catch { await show('Link to this channel', link); }
  }
  return { leave, archive, copyLink };
}
