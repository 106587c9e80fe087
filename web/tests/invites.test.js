// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stepFor, refusal, authPage } from '../state/invites.js';

const invite = { code: 'abc', workspace_id: 'w2', workspace_name: 'Acme', role: 'member', expires_at: 0, already_member: false };

test('someone invited is asked before joining', () => {
  assert.deepEqual(stepFor(invite), {
    kind: 'ask', workspaceId: 'w2', title: 'Join Acme?',
    text: 'You were invited to join the workspace Acme as a member.', join: 'Join Acme', later: 'Not now',
  });
});

test('a guest invite says so, with its article', () => {
  const step = stepFor({ ...invite, role: 'guest' });
  assert.equal(step.kind, 'ask');
  assert.match(step.kind === 'ask' ? step.text : '', /as a guest\. Guests see only the channels they are added to\.$/);
  const admin = stepFor({ ...invite, role: 'admin' });
  assert.match(admin.kind === 'ask' ? admin.text : '', /as an admin\.$/);
});

test('a member already in the workspace is not asked, just taken there', () => {
  assert.deepEqual(stepFor({ ...invite, already_member: true }), { kind: 'open', workspaceId: 'w2' });
});

test('unknown, spent and unreachable invites each say why', () => {
  assert.equal(refusal(404).title, 'This invite link is not valid');
  assert.equal(refusal(400).title, 'This invite link is not valid');
  assert.equal(refusal(409).title, 'This invite has expired or has been used up');
  assert.equal(refusal(0).kind, 'refused');
  assert.notEqual(refusal(500).title, refusal(404).title);
});

test('logging in on an invite link keeps the link, so the logged-in flow asks before joining', () => {
  const page = authPage('login', 'abc');
  assert.equal(page.next, '/invite/abc');
  assert.equal(page.title, 'Log in to OComms');
  assert.match(page.note ?? '', /asked whether to join/);
});

test('signing up on an invite link joins with the account, and the page says so', () => {
  assert.deepEqual(authPage('signup', 'abc'), {
    title: 'Create an account to join the workspace',
    note: 'You have been invited to a workspace. Creating your account here joins it.',
    next: '/',
  });
  assert.equal(authPage('signup', 'abc', 'Acme').title, 'Create an account to join Acme', 'named once the link is checked');
});

test('without an invite, the page is the plain one and leads home', () => {
  assert.deepEqual(authPage('login'), { title: 'Log in to OComms', note: null, next: '/' });
  assert.deepEqual(authPage('signup'), { title: 'Create your account', note: null, next: '/' });
});
