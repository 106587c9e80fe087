// @ts-check
/** An invite link opened while logged in: show what it offers and join only when asked to. */
import { get, post, ApiError } from '../api/http.js';
import { stepFor, refusal, BACK_TO_APP } from '../state/invites.js';
import { yesNo, notice } from './dialogs.js';

/** @param {string} code as it appears in the link
 * @returns {Promise<string | null>} the workspace to open, or null for the user's usual home */
export async function landOnInvite(code) {
  const path = `/invites/${code}`;
  const step = await get(path).then(({ invite }) => stepFor(invite), (e) => refusal(statusOf(e)));
  if (step.kind === 'open') return step.workspaceId;
  if (step.kind === 'refused') return refuse(step);
  if (!(await yesNo(step.title, step.text, step.join, step.later))) return null;
  // The invite may have been spent or withdrawn while the question was open.
  return post(`${path}/accept`).then(({ workspace }) => workspace.id, (e) => refuse(refusal(statusOf(e))));
}

/** Says why, and leads back to the app. @param {import('../state/invites.js').InviteRefusal} why
 * @returns {Promise<null>} */
async function refuse(why) {
  await notice(why.title, why.text, BACK_TO_APP);
  return null;
}

/** @param {unknown} e */
const statusOf = (e) => (e instanceof ApiError ? e.status : 0);
