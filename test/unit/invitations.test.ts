import { describe, expect, it } from 'vitest';
import { invitationLink, invitationStatus } from '#shared/identity/invitations/invitation';
import { hashInvitationToken } from '#shared/identity/invitations/keys';

describe('an invitation status', () => {
  const expiresTime = '2030-01-01T00:00:00.000000+00:00';

  it('is expired exactly when a pending invitation is at or past its expiry', () => {
    expect(invitationStatus({ status: 'pending', expires_time: expiresTime }, '2029-12-31T23:59:59.999000+00:00')).toBe('pending');
    expect(invitationStatus({ status: 'pending', expires_time: expiresTime }, expiresTime)).toBe('expired');
    expect(invitationStatus({ status: 'pending', expires_time: expiresTime }, '2030-01-01T00:00:00.001000+00:00')).toBe('expired');
  });

  it('stays accepted or revoked whatever the time', () => {
    expect(invitationStatus({ status: 'accepted', expires_time: expiresTime }, '2031-01-01T00:00:00.000000+00:00')).toBe('accepted');
    expect(invitationStatus({ status: 'revoked', expires_time: expiresTime }, '2031-01-01T00:00:00.000000+00:00')).toBe('revoked');
  });
});

describe('an invitation link', () => {
  it('leads to the dashboard page with the token, whatever slashes the dashboard URL ends with', () => {
    expect(invitationLink('https://dash.osma.example/app//', 'abc_-9')).toBe('https://dash.osma.example/app/accept-invitation?token=abc_-9');
  });

  it('keys a token by its SHA-256 only', () => {
    expect(hashInvitationToken('token')).toBe('3c469e9d6c5875d37a43f353d4f88e61fcf812c66eee3457465a40b0da4153e0');
  });
});
