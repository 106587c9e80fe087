// @ts-check
/** What an invite link leads to for someone logged in, decided from the server's answers: open a
 * workspace, ask first, or say why the link does not work; and what it says to someone logged out.
 * Plain data; no DOM here. */

/**
 * @typedef {{code: string, workspace_id: string, workspace_name: string, role: string,
 *   expires_at: unknown, already_member: boolean}} InvitePreview
 * @typedef {{kind: 'refused', title: string, text: string}} InviteRefusal
 * @typedef {{kind: 'open', workspaceId: string}
 *   | {kind: 'ask', workspaceId: string, title: string, text: string, join: string, later: string}
 *   | InviteRefusal} InviteStep
 */

/** The one button of a refusal: it leads to the user's usual home. */
export const BACK_TO_APP = 'Back to OComms';

/** Someone already in the workspace is taken there; anyone else is asked. @param {InvitePreview} invite
 * @returns {InviteStep} */
export function stepFor(invite) {
  if (invite.already_member) return { kind: 'open', workspaceId: invite.workspace_id };
  const name = invite.workspace_name;
  const guest = invite.role === 'guest' ? ' Guests see only the channels they are added to.' : '';
  return {
    kind: 'ask',
    workspaceId: invite.workspace_id,
    title: `Join ${name}?`,
    text: `You were invited to join the workspace ${name} as ${withArticle(invite.role)}.${guest}`,
    join: `Join ${name}`,
    later: 'Not now',
  };
}

/** What the log-in and sign-up page says on an invite link, and where the app goes once it is done.
 * The invite cannot be previewed yet (that needs a session), so the workspace goes unnamed. A
 * sign-up with the code has already joined it, the form said so; a log-in has not, so the link is
 * kept and the logged-in flow asks first.
 * @param {'signup' | 'login'} mode
 * @param {string} [code] the invite code of the page, if it is an invite link
 * @param {string} [workspace] the invite's workspace, when the link was checked
 * @returns {{title: string, note: string | null, next: string}} */
export function authPage(mode, code, workspace) {
  if (!code) return { title: mode === 'signup' ? 'Create your account' : 'Log in to OComms', note: null, next: '/' };
  const it = workspace ?? 'the workspace';
  const a = workspace ?? 'a workspace';
  if (mode === 'signup') return { title: `Create an account to join ${it}`, note: `You have been invited to ${a}. Creating your account here joins it.`, next: '/' };
  return { title: 'Log in to OComms', note: `You have been invited to ${a}. Once you are logged in, you will be asked whether to join it.`, next: `/invite/${code}` };
}

/** Why the server would not show or redeem an invite, by HTTP status (0: unreachable). A code of
 * the wrong shape (400) is as invalid as an unknown one (404).
 * @param {number} status @returns {InviteRefusal} */
export function refusal(status) {
  if (status === 404 || status === 400) return { kind: 'refused', title: 'This invite link is not valid', text: 'Check the link, or ask whoever sent it for a new one.' };
  if (status === 409) return { kind: 'refused', title: 'This invite has expired or has been used up', text: 'Ask whoever sent it for a new one.' };
  return { kind: 'refused', title: 'This invite cannot be opened right now', text: 'Try the link again in a moment.' };
}

/** @param {string} role */
function withArticle(role) {
  return `${/^[aeiou]/i.test(role) ? 'an' : 'a'} ${role}`;
}
