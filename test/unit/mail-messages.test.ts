import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  invitationMessage,
  MAX_NAME_IN_MAIL,
  oneLine,
  passwordResetLink,
  passwordResetMessage,
} from '#shared/identity/mail/messages';
import { checkedDashboardUrl } from '#shared/identity/mail/settings';

const DASHBOARD = 'https://dashboard.osma.test';
const HOSTILE_NAME = `<script>alert("x")</script> & 'Acme'`;

describe('the password reset message', () => {
  it('links to the dashboard page that takes the code, in the text and in the HTML', () => {
    // Act
    const message = passwordResetMessage({ dashboardUrl: DASHBOARD, code: 'Zq81xYt0', validMinutes: 60 });

    // Assess
    expect(message.subject).toBe('Reset your Osma password');
    expect(message.text).toContain('https://dashboard.osma.test/reset-password?code=Zq81xYt0');
    expect(message.text).toContain('within 60 minutes');
    expect(message.html).toContain('href="https://dashboard.osma.test/reset-password?code=Zq81xYt0"');
  });

  it('keeps a path the dashboard is served under, and drops a trailing slash', () => {
    expect(passwordResetLink('https://osma.test/app/', 'abc')).toBe('https://osma.test/app/reset-password?code=abc');
    expect(passwordResetLink('http://localhost:3000', 'abc')).toBe('http://localhost:3000/reset-password?code=abc');
  });

  it('encodes a code that is not URL-safe, so it cannot add a parameter', () => {
    expect(passwordResetLink(DASHBOARD, 'a&b=c d')).toBe(`${DASHBOARD}/reset-password?code=a%26b%3Dc%20d`);
  });
});

describe('the invitation message', () => {
  const link = 'https://dashboard.osma.test/accept-invitation?code=k3y';

  it('says who invites to which organization, with the link', () => {
    // Act
    const message = invitationMessage({ organizationName: 'Acme Care', inviterName: 'Ada Lovelace', link, validDays: 7 });

    // Assess
    expect(message.subject).toBe('Ada Lovelace invited you to Acme Care on Osma');
    expect(message.text).toContain('“Ada Lovelace” invited you to join “Acme Care” on Osma.');
    expect(message.text).toContain(`within 7 days:\n${link}\n`);
    expect(message.html).toContain(`<a href="${link}">Accept the invitation</a>`);
  });

  it('escapes the names in the HTML', () => {
    // Act
    const message = invitationMessage({ organizationName: HOSTILE_NAME, inviterName: '"><img src=x onerror=alert(1)>', link });

    // Assess
    expect(message.html).not.toMatch(/<script|<img|onerror="|alert\("/);
    expect(message.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Acme&#39;');
    expect(message.html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('escapes the link in its attribute', () => {
    const message = invitationMessage({ organizationName: 'A', inviterName: 'B', link: 'https://osma.test/x?a=1&b="2"' });
    expect(message.html).toContain('href="https://osma.test/x?a=1&amp;b=&quot;2&quot;"');
  });

  it('keeps a name on one line, so it can add no header, line or paragraph', () => {
    // Act
    const message = invitationMessage({
      organizationName: 'Acme\r\nBcc: victim@example.com\u2028\u2029\n\nOpen https://evil.example now',
      inviterName: 'Eve\tthe\u0000admin',
      link,
    });

    // Assess
    expect(message.subject).not.toMatch(/[\r\n\u2028\u2029]/);
    expect(message.subject).toBe('Eve the admin invited you to Acme Bcc: victim@example.com Open https://evil.example now on Osma');
    expect(message.text.split('\n')[0]).toContain('“Acme Bcc: victim@example.com Open https://evil.example now”');
  });

  it('cuts a long name', () => {
    const name = oneLine('x'.repeat(500));
    expect([...name]).toHaveLength(MAX_NAME_IN_MAIL);
    expect(name.endsWith('…')).toBe(true);
  });

  it('refuses a link that would run script in a mail client', () => {
    expect(() => invitationMessage({ organizationName: 'A', inviterName: 'B', link: 'javascript:alert(1)' })).toThrow(
      /http or https/,
    );
    expect(() => passwordResetMessage({ dashboardUrl: 'javascript:', code: 'x', validMinutes: 60 })).toThrow(/http or https/);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and quoted attributes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('OSMA_DASHBOARD_URL', () => {
  it('takes https, and http only to this machine', () => {
    expect(checkedDashboardUrl('https://dashboard.osma.test/')).toBe('https://dashboard.osma.test');
    expect(checkedDashboardUrl('https://osma.test/app')).toBe('https://osma.test/app');
    expect(checkedDashboardUrl('http://localhost:3000')).toBe('http://localhost:3000');
    expect(checkedDashboardUrl('http://127.0.0.1:3000/')).toBe('http://127.0.0.1:3000');
  });

  it('refuses plain http elsewhere, a query, credentials and what is no URL', () => {
    for (const url of ['http://dashboard.osma.test', 'https://osma.test/?next=x', 'https://u:p@osma.test', 'osma.test', '']) {
      expect(() => checkedDashboardUrl(url), url).toThrow(/OSMA_DASHBOARD_URL/);
    }
  });
});
