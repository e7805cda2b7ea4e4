// Only plain http(s) links leave the desktop app for the operator's browser; anything the OS
// would hand to another program is dropped.
import { describe, expect, it } from 'vitest';
import { vettedExternalUrl } from '../../src/electron/external-links.js';

describe('links opened outside the app', () => {
  it('lets http and https links through', () => {
    expect(vettedExternalUrl('https://wiki.example.net/runbooks#reset')).toBe('https://wiki.example.net/runbooks#reset');
    expect(vettedExternalUrl('http://localhost:8080/status')).toBe('http://localhost:8080/status');
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://fileserver/share',
    'vscode://file/tmp/x',
    'app://handrail/index.html',
    'https://bank.example@evil.example/',
    'https://user:secret@example.net/',
    'not a url',
    '',
  ])('drops %s', (url) => {
    expect(vettedExternalUrl(url)).toBeNull();
  });
});
